// The URL input: `{{variable}}` references highlighted (unresolved ones in
// red) by a mirror layer behind a transparent input, and a pasted curl
// command offered for import.
import { useRef, useState, type ClipboardEvent } from 'react'
import { isCurlCommand } from '../lib/curl'
import { segments } from '../lib/variables'

interface Props {
  value: string
  known: ReadonlySet<string>
  onChange: (v: string) => void
  onCurl: (text: string) => void
  onEnter: () => void
}

export default function UrlField({ value, known, onChange, onCurl, onEnter }: Props) {
  const mirror = useRef<HTMLDivElement>(null)
  const [scroll, setScroll] = useState(0)
  const segs = segments(value, known)
  function onPaste(e: ClipboardEvent<HTMLInputElement>) {
    const text = e.clipboardData.getData('text/plain')
    if (isCurlCommand(text)) {
      e.preventDefault()
      onCurl(text)
    }
  }
  return (
    <div className="url-field">
      <div className="url-mirror" ref={mirror} aria-hidden style={{ textIndent: -scroll }}>
        {value === '' ? (
          <span className="ph">Enter a URL, or paste a curl command</span>
        ) : (
          segs.map((s, i) =>
            s.variable ? (
              <span key={i} className={`v${s.resolved ? '' : ' bad'}`} title={s.resolved ? s.variable : `${s.variable} is not defined in this environment`}>
                {s.text}
              </span>
            ) : (
              <span key={i}>{s.text}</span>
            ),
          )
        )}
      </div>
      <input
        data-testid="url-input"
        spellCheck={false}
        value={value}
        onChange={(e) => {
          onChange(e.target.value)
          setScroll(e.target.scrollLeft)
        }}
        onScroll={(e) => setScroll(e.currentTarget.scrollLeft)}
        onKeyUp={(e) => setScroll(e.currentTarget.scrollLeft)}
        onPaste={onPaste}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) onEnter()
        }}
        aria-label="URL"
      />
    </div>
  )
}
