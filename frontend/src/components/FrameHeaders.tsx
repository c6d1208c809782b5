// The headers of an AWS event-stream frame (Bedrock), shown above a
// Timeline event's data. Nothing for SSE and NDJSON events, which have none.
export interface FrameHeader {
  name: string
  type: string
  value: string
}

export default function FrameHeaders({ headers }: { headers?: FrameHeader[] | null }) {
  if (!headers || headers.length === 0) return null
  return (
    <div className="row mono" style={{ flexWrap: 'wrap', gap: 6, padding: '2px 8px', fontSize: 'var(--fs-xs)' }} data-testid="tl-frame-headers">
      {headers.map((h, i) => (
        <span key={i} className={h.name === ':message-type' && h.value !== 'event' ? 'pill err' : 'pill'} title={h.type}>
          {h.name}: {h.value}
        </span>
      ))}
    </div>
  )
}
