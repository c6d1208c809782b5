// Editable name/value rows (query parameters, headers) with an enable box;
// an empty last row adds a new one as you type.
import { X } from 'lucide-react'
import type { KV } from '../api/types'

interface Props {
  rows: KV[]
  onChange: (rows: KV[]) => void
  namePlaceholder: string
  testId?: string
}

export default function KVTable({ rows, onChange, namePlaceholder, testId }: Props) {
  const all = [...rows, { name: '', value: '' }]
  function set(i: number, patch: Partial<KV>) {
    const next = all.map((r, j) => (j === i ? { ...r, ...patch } : r))
    onChange(next.filter((r, j) => j < next.length - 1 || r.name !== '' || r.value !== ''))
  }
  return (
    <table className="kv" data-testid={testId}>
      <tbody>
        {all.map((r, i) => {
          const last = i === all.length - 1
          return (
            <tr key={i}>
              <td>{!last && <input type="checkbox" checked={!r.disabled} onChange={(e) => set(i, { disabled: !e.target.checked || undefined })} title="Send this row" />}</td>
              <td style={{ width: '38%' }}>
                <input type="text" placeholder={namePlaceholder} value={r.name} onChange={(e) => set(i, { name: e.target.value })} spellCheck={false} />
              </td>
              <td>
                <input type="text" placeholder="value" value={r.value} onChange={(e) => set(i, { value: e.target.value })} spellCheck={false} />
              </td>
              <td style={{ width: 28 }}>
                {!last && (
                  <button className="icon-btn" title="Remove" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                    <X size={12} />
                  </button>
                )}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
