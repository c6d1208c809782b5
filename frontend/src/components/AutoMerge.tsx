// The Auto-Merge tab: the merged reply as Markdown while it streams, a
// collapsible reasoning lane, tool calls with pretty arguments, the stop
// reason and completeness badge, usage, copy buttons, and one tab per
// choice for n > 1.
import { AlertTriangle, Brain, Check, Copy, Wrench } from 'lucide-react'
import { lazy, Suspense, useEffect, useState } from 'react'
import type { ToolCallView } from '../api/app'
import { ClipboardSetText } from '../../wailsjs/runtime/runtime'
import { errorText, runs as runsApi } from '../api/backend'
import { formatCount, prettyJSON } from '../format'
import type { MergeView, RunData } from '../lib/runModel'

// Longer replies are shown as plain text. Markdown is rendered block by
// block (a batch re-parses only the last block), so this bounds the size of
// the page, not the work per batch.
const plainAbove = 2_000_000

// The Markdown renderer loads with the first Auto-Merge view.
const Markdown = lazy(() => import('./Markdown'))

export function copyText(text: string): Promise<void> {
  if ((window as unknown as { runtime?: unknown }).runtime) return ClipboardSetText(text).then(() => undefined)
  return navigator.clipboard.writeText(text)
}

function CopyButton({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const [done, setDone] = useState(false)
  return (
    <button
      className="btn small"
      style={{ whiteSpace: 'nowrap', flex: 'none' }}
      data-testid={testId}
      disabled={!text}
      onClick={() =>
        void copyText(text).then(() => {
          setDone(true)
          setTimeout(() => setDone(false), 1200)
        })
      }
    >
      {done ? <Check size={12} /> : <Copy size={12} />} {label}
    </button>
  )
}

const verdicts: Record<string, [string, string]> = {
  complete: ['ok', 'complete'],
  cut_off: ['err', 'cut off'],
  max_tokens: ['warn', 'max tokens'],
  error: ['err', 'error'],
  data_lost: ['err', 'data lost'],
  streaming: ['info', 'streaming'],
}

export function VerdictBadge({ verdict, testId }: { verdict: string; testId?: string }) {
  if (!verdict) return null
  const [cls, label] = verdicts[verdict] ?? ['neutral', verdict]
  return (
    <span className={`pill ${cls}`} data-testid={testId} data-verdict={verdict}>
      {label}
    </span>
  )
}

function ToolCalls({ calls, full }: { calls: ToolCallView[]; full: Map<number, string> }) {
  if (calls.length === 0) return null
  return (
    <div className="col" style={{ gap: 'var(--s2)' }}>
      <div className="section-label">
        <Wrench size={12} /> Tool calls
      </div>
      {calls.map((c) => {
        const args = full.get(c.index) ?? c.arguments
        const pretty = prettyJSON(args)
        return (
          <div key={c.index} className="tool" data-testid="tool-call">
            <div className="tool-head">
              <span className="name">{c.name || '(unnamed)'}</span>
              <span className="faint mono">{c.id}</span>
              {c.argumentsError && <span className="pill err" title={c.argumentsError}>invalid JSON</span>}
              {c.argumentsTruncated && !full.has(c.index) && <span className="pill warn">{c.argumentsSize} B, shortened</span>}
              <span className="grow" />
              <CopyButton text={args} label="Copy" />
            </div>
            <pre>{pretty ?? args}</pre>
          </div>
        )
      })}
    </div>
  )
}

function Usage({ usage }: { usage: Record<string, unknown> | null }) {
  if (!usage || Object.keys(usage).length === 0) return null
  const flat: [string, string][] = []
  const walk = (o: Record<string, unknown>, pre: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, `${pre}${k}.`)
      else flat.push([`${pre}${k}`, String(v)])
    }
  }
  walk(usage, '')
  return (
    <div className="col" style={{ gap: 'var(--s1)' }}>
      <div className="section-label">Usage</div>
      <div className="usage" data-testid="usage">
        {flat.map(([k, v]) => (
          <span key={k}>
            <span className="faint">{k}</span> <span className="mono">{v}</span>
          </span>
        ))}
      </div>
    </div>
  )
}

interface Lane {
  content: string
  reasoning: string
  refusal: string
  toolCalls: ToolCallView[]
  finishReason: string | null
}

function laneOf(m: MergeView, choice: number): Lane {
  if (m.choices.length > 1) {
    const c = m.choices.find((x) => x.index === choice) ?? m.choices[0]
    return { content: c.content, reasoning: c.reasoning, refusal: '', toolCalls: c.toolCalls, finishReason: c.finishReason }
  }
  return { content: m.content, reasoning: m.reasoning, refusal: m.refusal, toolCalls: m.toolCalls, finishReason: m.finishReason }
}

export default function AutoMerge({ data, runId }: { data: RunData; runId: string | null }) {
  const m = data.merge
  const streaming = !data.done
  const [choice, setChoice] = useState(0)
  const [fullArgs, setFullArgs] = useState<Map<number, string>>(new Map())
  const [err, setErr] = useState<string | null>(null)
  const [showReasoning, setShowReasoning] = useState(true)
  const truncatedArgs = m.toolCalls.some((c) => c.argumentsTruncated)

  // Tool call arguments longer than the batch view come whole from Result once the run ended.
  useEffect(() => {
    if (!runId || streaming || !truncatedArgs) return
    runsApi.result(runId).then(
      (r) => setFullArgs(new Map((r.merge.tool_calls ?? []).map((t) => [t.index, t.arguments]))),
      (e) => setErr(errorText(e)),
    )
  }, [runId, streaming, truncatedArgs])

  const lane = laneOf(m, choice)
  const verdict = data.done?.verdict || m.verdict
  const empty = !lane.content && !lane.reasoning && lane.toolCalls.length === 0 && !lane.refusal

  return (
    <div className="am" data-testid="automerge">
      <div className="am-head">
        <VerdictBadge verdict={verdict} testId="verdict" />
        {(lane.finishReason || m.finishReason) && (
          <span className="pill neutral" data-testid="finish-reason">
            stop: {lane.finishReason ?? m.finishReason}
          </span>
        )}
        {m.format && <span className="pill neutral">{m.format}</span>}
        {m.model && <span className="faint mono">{m.model}</span>}
        <span className="grow" />
        {lane.content && <CopyButton text={lane.content} label="Copy text" testId="copy-content" />}
        {lane.reasoning && <CopyButton text={lane.reasoning} label="Copy reasoning" />}
      </div>
      {m.choices.length > 1 && (
        <div className="tabs" style={{ padding: 0 }}>
          {m.choices.map((c) => (
            <button key={c.index} className={`tab${choice === c.index ? ' active' : ''}`} onClick={() => setChoice(c.index)} data-testid="choice-tab">
              Choice {c.index}
              {c.finishReason && <span className="count">{c.finishReason}</span>}
            </button>
          ))}
        </div>
      )}
      {m.error && (
        <div className="banner err" style={{ borderRadius: 'var(--radius)', border: 0 }} data-testid="stream-error">
          <span className="grow">
            <b>{m.error.type || 'error'}</b>
            {m.error.code ? ` (${m.error.code})` : ''}: {m.error.message}
          </span>
        </div>
      )}
      {data.done && data.done.reason !== 'complete' && (
        <div className="banner warn" style={{ borderRadius: 'var(--radius)', border: 0 }} data-testid="end-reason">
          <span className="grow">
            The stream ended: {data.done.reason}
            {data.done.code ? ` (${data.done.code})` : ''}
            {data.done.message ? ` — ${data.done.message}` : ''}
          </span>
        </div>
      )}
      {lane.reasoning && (
        <details className="lane reasoning" open={showReasoning} onToggle={(e) => setShowReasoning(e.currentTarget.open)} data-testid="reasoning">
          <summary>
            <Brain size={13} /> Reasoning <span className="faint">{formatCount(lane.reasoning.length)} chars</span>
          </summary>
          <div className="lane-body">{lane.reasoning}</div>
        </details>
      )}
      {lane.refusal && <div className="banner warn">Refusal: {lane.refusal}</div>}
      {lane.content && lane.content.length > plainAbove && (
        <div className="col" style={{ gap: 'var(--s1)' }}>
          <span className="hint">
            {formatCount(lane.content.length)} characters: shown as plain text{streaming ? ', the last 20,000 while streaming' : ''}.
          </span>
          <pre className="md" data-testid="merged-content" style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit', margin: 0 }}>
            {streaming ? `…${lane.content.slice(-20_000)}` : lane.content}
          </pre>
        </div>
      )}
      {lane.content && lane.content.length <= plainAbove && (
        <Suspense fallback={<div className="md" data-testid="merged-content" style={{ whiteSpace: 'pre-wrap' }}>{lane.content}</div>}>
          <Markdown text={lane.content} streaming={streaming} testId="merged-content" />
        </Suspense>
      )}
      <ToolCalls calls={lane.toolCalls} full={fullArgs} />
      {empty && <div className="empty">{streaming ? 'Waiting for content…' : m.events > 0 ? 'The events carried no text.' : 'No events to merge.'}</div>}
      <Usage usage={m.usage} />
      {m.warnings.length > 0 && (
        <div className="col hint">
          {m.warnings.map((w, i) => (
            <span key={i} className="row" style={{ gap: 4, alignItems: 'flex-start' }}>
              <AlertTriangle size={12} style={{ flex: 'none', marginTop: 3 }} /> <span>{w}</span>
            </span>
          ))}
        </div>
      )}
      {m.pending && <span className="hint">More merged text is on its way…</span>}
      {err && <span className="pill err">{err}</span>}
    </div>
  )
}
