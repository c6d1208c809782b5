// In-app confirmation and text dialogs, in place of window.confirm and
// window.prompt (which WebKitGTK shows as bare GTK dialogs, unstyled and
// outside the app's theme). askConfirm and askText return promises; the
// one <Dialogs /> in App shows the current question.
import { useEffect, useRef, useState } from 'react'
import { create } from 'zustand'

interface Question {
  kind: 'confirm' | 'text'
  title: string
  message: string
  okLabel: string
  danger: boolean
  initial: string
  resolve: (answer: string | null) => void
}

const useDialogs = create<{ q: Question | null }>(() => ({ q: null }))

function ask(q: Omit<Question, 'resolve'>): Promise<string | null> {
  return new Promise((resolve) => {
    useDialogs.getState().q?.resolve(null) // a newer question replaces an open one
    useDialogs.setState({ q: { ...q, resolve } })
  })
}

/** Asks a yes/no question; resolves to true when the user confirms. */
export async function askConfirm(o: { title: string; message: string; okLabel?: string; danger?: boolean }): Promise<boolean> {
  return (await ask({ kind: 'confirm', title: o.title, message: o.message, okLabel: o.okLabel ?? 'OK', danger: o.danger ?? false, initial: '' })) !== null
}

/** Asks for a line of text; resolves to the trimmed text, or null when cancelled. */
export async function askText(o: { title: string; message: string; initial?: string; okLabel?: string }): Promise<string | null> {
  const v = await ask({ kind: 'text', title: o.title, message: o.message, okLabel: o.okLabel ?? 'OK', danger: false, initial: o.initial ?? '' })
  return v === null ? null : v.trim() || null
}

export default function Dialogs() {
  const q = useDialogs((s) => s.q)
  const [value, setValue] = useState('')
  const input = useRef<HTMLInputElement>(null)
  const ok = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (!q) return
    setValue(q.initial)
    const t = setTimeout(() => (q.kind === 'text' ? (input.current?.focus(), input.current?.select()) : ok.current?.focus()), 0)
    return () => clearTimeout(t)
  }, [q])
  if (!q) return null
  const answer = (a: string | null) => {
    useDialogs.setState({ q: null })
    q.resolve(a)
  }
  const submit = () => {
    if (q.kind === 'text' && !value.trim()) return
    answer(q.kind === 'text' ? value : 'yes')
  }
  return (
    <div className="modal-back" onClick={() => answer(null)}>
      <div
        className="modal dialog"
        role="dialog"
        aria-modal="true"
        aria-label={q.title}
        data-testid="dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          e.stopPropagation()
          if (e.key === 'Escape') answer(null)
          if (e.key === 'Enter') submit()
        }}
      >
        <div className="modal-head">{q.title}</div>
        <div className="col" style={{ padding: 'var(--s3)', gap: 'var(--s2)' }}>
          <span>{q.message}</span>
          {q.kind === 'text' && <input ref={input} className="input" value={value} onChange={(e) => setValue(e.target.value)} data-testid="dialog-input" spellCheck={false} />}
        </div>
        <div className="modal-foot">
          <button className="btn" onClick={() => answer(null)} data-testid="dialog-cancel">
            Cancel
          </button>
          <button ref={ok} className={`btn ${q.danger ? 'danger' : 'primary'}`} onClick={submit} disabled={q.kind === 'text' && !value.trim()} data-testid="dialog-ok">
            {q.okLabel}
          </button>
        </div>
      </div>
    </div>
  )
}
