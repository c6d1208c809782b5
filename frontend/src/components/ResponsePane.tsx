// Right/bottom pane: the response of the active tab's run: status,
// headers, timings, and the Timeline, Auto-Merge, Body, Raw, Script and
// Headers tabs; export and save as recording.
import { useVirtualizer } from '@tanstack/react-virtual'
import { CheckCircle2, Download, Radio, Save, XCircle } from 'lucide-react'
import { memo, useEffect, useMemo, useRef, useState } from 'react'
import type { BodyView } from '../api/app'
import type { TimelineRecord } from '../api/types'
import { errorText, runs as runsApi, type ExportKind } from '../api/backend'
import { formatBytes, formatCount, formatMs, visibleBytes } from '../format'
import { bodyKind, decodeUTF8, formatBody, type FormattedBody } from '../lib/bodyFormat'
import { newRunData, type RunData } from '../lib/runModel'
import { useProject } from '../store/project'
import { useRuns, type RunEntry } from '../store/runs'
import AutoMerge, { VerdictBadge } from './AutoMerge'
import CodeEditor, { langFor } from './CodeEditor'
import Timeline from './Timeline'
import { useThrottled } from '../lib/throttle'
import { askText } from './Dialogs'

type Tab = 'timeline' | 'merge' | 'body' | 'raw' | 'script' | 'headers'

function Timings({ run }: { run: RunEntry }) {
  const m = run.data.metrics
  const t = run.data.response?.timing
  const done = run.data.done
  const v = (x: number | undefined) => (x === undefined || x < 0 ? '–' : formatMs(x))
  const items: [string, string][] = [
    ['Total', done ? formatMs(done.durationMs) : m ? formatMs(m.elapsedMs) : '–'],
    ['DNS', v(m?.dnsMs ?? t?.dns_ms)],
    ['Connect', v(m?.connectMs ?? t?.connect_ms)],
    ['TLS', v(m?.tlsMs ?? t?.tls_ms)],
    ['First byte', v(m?.ttfbMs ?? t?.ttfb_ms)],
    ['First event', v(m?.firstEventMs)],
    ['First token', v(m?.firstTokenMs)],
    ['Tokens', m && m.tokens > 0 ? `${formatCount(m.tokens)}${m.tokensFromUsage ? '' : '*'}${m.tokensPerSecond > 0 ? ` · ${m.tokensPerSecond.toFixed(1)}/s` : ''}` : '–'],
  ]
  return (
    <div className="timings" data-testid="timings">
      {items.map(([k, val]) => (
        <div className="timing" key={k} title={k === 'Tokens' && m && !m.tokensFromUsage ? '* counted as text-carrying events: the provider sent no usage' : undefined}>
          <span className="k">{k}</span>
          <span className="v">{val}</span>
        </div>
      ))}
    </div>
  )
}

function StatusPill({ run }: { run: RunEntry }) {
  const r = run.data.response
  if (!r) {
    if (run.status === 'failed') return <span className="pill err">failed</span>
    return <span className="pill neutral">{run.status === 'done' ? 'no response' : 'connecting…'}</span>
  }
  const cls = r.status < 300 ? 'ok' : r.status < 400 ? 'info' : r.status < 500 ? 'warn' : 'err'
  return (
    <span className={`pill ${cls}`} data-testid="status">
      {r.status} {r.status_text}
    </span>
  )
}

type BodyMode = 'pretty' | 'received' | 'image'

function BodyTab({ run }: { run: RunEntry }) {
  const [body, setBody] = useState<BodyView | null>(null)
  const [err, setErr] = useState<string | null>(null)
  const [mode, setMode] = useState<BodyMode>('pretty')
  const [formatted, setFormatted] = useState<{ body: BodyView; result: FormattedBody } | null>(null)
  const runId = run.runId
  const done = !!run.data.done
  useEffect(() => {
    setBody(null)
    setErr(null)
    if (!runId || !done) return
    runsApi.body(runId).then(setBody, (e) => setErr(errorText(e)))
  }, [runId, done])
  // SVG is text (XML), though the backend sends it as an image.
  const svg = !!body && !body.isText && body.contentType.toLowerCase().startsWith('image/svg+xml')
  const text = useMemo(() => (!body ? null : body.isText ? body.text : svg ? decodeUTF8(body.base64) : null), [body, svg])
  useEffect(() => {
    if (!body || text === null) return
    let live = true
    void formatBody(text, body.contentType).then((result) => live && setFormatted({ body, result }))
    return () => {
      live = false
    }
  }, [body, text])
  if (!done) return <div className="empty">The body shows once the response is complete. Streams are in the Timeline and Raw tabs.</div>
  if (err) return <div className="empty">{err}</div>
  if (!body) return <div className="empty">Loading…</div>
  // 'image' is offered for SVG only; another body shows as the default.
  const shown: BodyMode = mode === 'image' && !svg ? 'pretty' : mode
  const image = body.contentType.startsWith('image/') && (text === null || shown === 'image') && (
    <div className="empty">
      <img src={`data:${body.contentType};base64,${body.base64}`} alt="Response body" style={{ maxWidth: '100%', maxHeight: '100%' }} data-testid="body-image" />
    </div>
  )
  if (text === null) return image || <div className="empty">Binary body, {formatBytes(body.size)} ({body.contentType || 'unknown type'}). Export it with Export → Raw body.</div>
  const result = formatted?.body === body ? formatted.result : null
  const modes: [BodyMode, string][] = [['pretty', 'Pretty'], ['received', 'As received'], ...(svg ? [['image', 'Image'] as [BodyMode, string]] : [])]
  return (
    <div className="col grow" style={{ minHeight: 0 }}>
      <div className="toolbar">
        <span className="pill neutral">{body.contentType || 'no Content-Type'}</span>
        <span className="stat">{formatBytes(body.size)}</span>
        {body.truncated && <span className="pill warn">shortened</span>}
        {shown === 'pretty' && result && (result.status === 'error' || result.status === 'too-large') && (
          <span
            className={`pill ${result.status === 'error' ? 'warn' : 'neutral'}`}
            style={{ display: 'inline-block', lineHeight: '20px', minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis' }}
            title={result.reason}
            data-testid="body-format-note"
          >
            {result.status === 'error' ? `could not be reformatted: ${result.reason}` : `not reformatted: ${result.reason}`}
          </span>
        )}
        <span className="grow" />
        {(bodyKind(body.contentType) !== 'text' || svg) &&
          modes.map(([m, label]) => (
            <button key={m} className={`btn small${shown === m ? ' primary' : ''}`} aria-pressed={shown === m} onClick={() => setMode(m)} data-testid={`body-mode-${m}`}>
              {label}
            </button>
          ))}
      </div>
      {image ||
        (shown === 'pretty' && !result ? (
          <div className="empty">Formatting…</div>
        ) : (
          <div className="cm-wrap fill" style={{ border: 0, borderRadius: 0 }} data-testid="body-view" data-mode={shown}>
            <CodeEditor value={shown === 'pretty' && result ? result.text : text} lang={langFor(body.contentType)} readOnly />
          </div>
        ))}
    </div>
  )
}

/** A chunk's bytes: the batch's preview, and the whole chunk on request when it was shortened. */
function ChunkBytes({ runId, seq, preview, truncated }: { runId: string | null; seq: number; preview: string; truncated: boolean }) {
  const [full, setFull] = useState<string | null>(null)
  const [err, setErr] = useState<string | null>(null)
  async function load() {
    if (!runId) return
    try {
      const c = await runsApi.chunk(runId, seq)
      if (c.available) setFull(c.isText ? c.text : atob(c.base64))
      else setErr('no longer kept in memory: export the raw body for every byte')
    } catch (e) {
      setErr(errorText(e))
    }
  }
  return (
    <>
      <pre>{visibleBytes(full ?? preview)}</pre>
      {truncated && full === null && (
        <button className="btn small" onClick={() => void load()} data-testid="chunk-more">
          shortened: show all {err ? `(${err})` : ''}
        </button>
      )}
    </>
  )
}

function RawTab({ data, runId }: { data: RunData; runId: string | null }) {
  // The chunk records' indexes, extended as records arrive (never rescanned).
  const cache = useRef<{ records: RunData['records'] | null; scanned: number; list: number[] }>({ records: null, scanned: 0, list: [] })
  const c = cache.current
  if (c.records !== data.records || data.records.length < c.scanned) {
    c.records = data.records
    c.scanned = 0
    c.list = []
  }
  for (let i = c.scanned; i < data.records.length; i++) if (data.records[i].kind === 'chunk') c.list.push(i)
  c.scanned = data.records.length
  const chunks = c.list
  // Chunks of a long run's records that are paged out of memory.
  const earlier = Math.max(0, data.counts.chunks - chunks.length)
  const scroller = useRef<HTMLDivElement>(null)
  const virt = useVirtualizer({ count: chunks.length, getScrollElement: () => scroller.current, estimateSize: () => 48, overscan: 6 })
  if (chunks.length === 0) return <div className="empty">{earlier > 0 ? `The ${formatCount(earlier)} chunks of this run are on disk: export the raw body to see them.` : 'No bytes received yet.'}</div>
  return (
    <div className="col" style={{ height: '100%', minHeight: 0 }}>
    {earlier > 0 && <div className="banner" data-testid="raw-paged">The first {formatCount(earlier)} chunks are on disk, not in memory: export the raw body to see every byte.</div>}
    <div className="raw" ref={scroller} data-testid="raw" style={{ flex: 1, minHeight: 0 }}>
      <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
        {virt.getVirtualItems().map((v) => {
          const r = data.records[chunks[v.index]]
          const c = r.chunk!
          return (
            <div key={r.seq} className="chunk" data-index={v.index} ref={virt.measureElement} style={{ transform: `translateY(${v.start}px)` }}>
              <div className="chunk-meta">
                chunk {earlier + v.index + 1} · offset {c.offset} · {c.size} B · {(r.time_ms / 1000).toFixed(3)}s{r.attempt > 1 ? ` · attempt ${r.attempt}` : ''}
              </div>
              <ChunkBytes runId={runId} seq={r.seq} preview={c.preview} truncated={!!c.truncated} />
            </div>
          )
        })}
      </div>
    </div>
    </div>
  )
}

function ScriptTab({ data }: { data: RunData }) {
  const failed = data.tests.filter((t) => !t.passed).length
  if (data.tests.length === 0 && data.logs.length === 0 && !data.done?.scriptError) {
    return <div className="empty">No script output. Add a script in the request's Script tab: console.log(), test() and expect() show here.</div>
  }
  return (
    <div className="am" data-testid="script-output">
      {data.done?.scriptError && <div className="banner err">Script error: {data.done.scriptError}</div>}
      {data.tests.length > 0 && (
        <>
          <div className="section-label">
            Tests · {data.tests.length - failed} passed{failed ? `, ${failed} failed` : ''}
          </div>
          <div className="tests">
            {data.tests.map((t, i) => (
              <div key={i} className={`test ${t.passed ? 'pass' : 'fail'}`} data-testid={t.passed ? 'test-pass' : 'test-fail'}>
                {t.passed ? <CheckCircle2 size={14} /> : <XCircle size={14} />}
                <span>{t.name}</span>
                {t.message && <span className="muted mono">{t.message}</span>}
                {t.eventSeq > 0 && <span className="faint">event {t.eventSeq}</span>}
              </div>
            ))}
          </div>
        </>
      )}
      {data.logs.length > 0 && (
        <>
          <div className="section-label">Console</div>
          <div>
            {data.logs.map((l, i) => (
              <div key={i} className={`log ${l.level}`}>
                {l.eventSeq > 0 && <span className="faint">[{l.eventSeq}] </span>}
                {l.message}
              </div>
            ))}
          </div>
        </>
      )}
    </div>
  )
}

function HeadersTab({ data }: { data: RunData }) {
  const sections: [string, Record<string, string[]> | null | undefined][] = [
    ['Response headers', data.response?.headers],
    ['Request headers', data.request?.headers],
  ]
  return (
    <div className="am">
      {data.request && (
        <div className="mono">
          {data.request.method} {data.request.url}
        </div>
      )}
      {sections.map(([title, h]) =>
        h ? (
          <div key={title} className="col" style={{ gap: 'var(--s1)' }}>
            <div className="section-label">{title}</div>
            <table className="kv">
              <tbody>
                {Object.entries(h).flatMap(([k, vs]) =>
                  vs.map((v, i) => (
                    <tr key={`${k}${i}`}>
                      <td className="mono muted" style={{ width: '30%' }}>
                        {k}
                      </td>
                      <td className="mono">{v}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
        ) : null,
      )}
    </div>
  )
}

function ExportMenu({ run }: { run: RunEntry }) {
  const [open, setOpen] = useState(false)
  const setNotice = useProject((s) => s.setNotice)
  const done = run.status === 'done' && !!run.runId
  async function exp(kind: ExportKind) {
    setOpen(false)
    try {
      const r = await runsApi.export(run.runId!, kind)
      if (r.path) setNotice(`Exported ${formatBytes(r.bytes)} to ${r.path}`)
    } catch (e) {
      setNotice(errorText(e))
    }
  }
  async function save() {
    const name = await askText({ title: 'Save as recording', message: 'Save this run in the project as a recording named:', initial: run.tab.replace(/\.endpoint\.yaml$/, '').split('/').pop() ?? 'run', okLabel: 'Save' })
    if (name === null) return
    try {
      const path = await runsApi.saveRecording(run.runId!, name)
      setNotice(`Saved recording ${path}`)
    } catch (e) {
      setNotice(errorText(e))
    }
  }
  return (
    <div className="row">
      <button className="btn small" disabled={!done} onClick={() => void save()} title="Save the run's events as a recording in the project" data-testid="save-recording">
        <Save size={12} /> Save
      </button>
      <div className="menu">
        <button className="btn small" disabled={!done} onClick={() => setOpen(!open)} data-testid="export">
          <Download size={12} /> Export
        </button>
        {open && (
          <div className="menu-list" onMouseLeave={() => setOpen(false)}>
            <button className="menu-item" onClick={() => void exp('events-jsonl')}>
              Events as JSON Lines
            </button>
            <button className="menu-item" onClick={() => void exp('raw')}>
              Raw body
            </button>
            <button className="menu-item" onClick={() => void exp('merged')}>
              Merged text
            </button>
          </div>
        )}
      </div>
    </div>
  )
}

export default function ResponsePane() {
  const active = useProject((s) => s.active)
  const run = useRuns((s) => (active ? s.byTab[active] : undefined))
  const [tab, setTab] = useState<Tab>('timeline')
  const plain = run?.data.done?.streamKind === 'plain' || run?.data.response?.stream_kind === 'plain'
  // A plain (non-stream) response opens on its body.
  useEffect(() => {
    if (plain) setTab((t) => (t === 'timeline' || t === 'merge' ? 'body' : t))
  }, [plain])

  if (!run) {
    return (
      <div className="pane" data-testid="response-empty">
        <WarmUp />
        <div className="warm-up-cover">
          <div className="empty">
            <Radio size={28} className="faint" />
            <h2>Send a request to see its stream</h2>
            <div className="keys">
              <kbd>Ctrl+Enter</kbd> <span>Send</span>
              <kbd>Esc</kbd> <span>Stop</span>
              <kbd>Ctrl+S</kbd> <span>Save the endpoint</span>
              <kbd>Ctrl+Shift+S</kbd> <span>Save all</span>
              <kbd>Ctrl+L</kbd> <span>Go to the URL</span>
              <kbd>Ctrl+W</kbd> <span>Close the tab</span>
              <kbd>Ctrl+PgDn / PgUp</kbd> <span>Next / previous tab</span>
              <kbd>Ctrl+Shift+T</kbd> <span>Toggle theme</span>
            </div>
          </div>
        </div>
      </div>
    )
  }
  return <RunView run={run} tab={tab} setTab={setTab} />
}

/** A run as it looks mid-stream, for WarmUp. */
function sampleRun(): RunEntry {
  const data = newRunData()
  const records: TimelineRecord[] = [
    { seq: 1, kind: 'request_sent', time_ms: 0, attempt: 1 },
    { seq: 2, kind: 'response_headers', time_ms: 1, attempt: 1, response: { status: 200, status_text: 'OK', proto: 'HTTP/1.1', headers: null, stream_kind: 'sse', timing: { dns_ms: 0, connect_ms: 0.5, tls_ms: -1, ttfb_ms: 1, first_event_ms: 2, duration_ms: 0, reused: false } } },
  ]
  for (let i = 0; i < 40; i++) {
    records.push({ seq: records.length + 1, kind: 'chunk', time_ms: 2 + i, attempt: 1, chunk: { offset: i * 80, size: 80, preview: 'data: {"choices":[{"delta":{"content":"word"}}]}' } })
    records.push({ seq: records.length + 1, kind: 'event', time_ms: 2 + i, attempt: 1, event: { index: i, type: 'message', data: '{"choices":[{"index":0,"delta":{"content":" word"}}]}', id: String(1_700_000_000_000_000 + i) } })
  }
  return {
    tab: '',
    nonce: 0,
    runId: null,
    status: 'running',
    error: null,
    method: 'POST',
    url: '',
    startedAt: 0,
    stopping: false,
    missingBatches: 0,
    data: { ...data, records, lastSeq: records.length, version: 1, response: records[1].response, counts: { ...data.counts, events: 40, chunks: 40 }, rate: { bucketMs: 100, events: [40], maxGap: [1] } },
  }
}

let warmedUp = false

/**
 * Renders a sample run once, unseen, while the app is idle after launch:
 * the first render of the response pane (code run for the first time,
 * styles, fonts) took ~50 ms and then a ~70 ms frame in WebKitGTK, which
 * the first Send's opening events would otherwise wait behind.
 */
function WarmUp() {
  const [phase, setPhase] = useState<'wait' | 'render' | 'done'>(warmedUp ? 'done' : 'wait')
  useEffect(() => {
    if (phase === 'wait') {
      const t = setTimeout(() => setPhase('render'), 1500)
      return () => clearTimeout(t)
    }
    if (phase === 'render') {
      warmedUp = true
      // long enough for the Timeline's chart, built 50 ms after it
      const t = setTimeout(() => setPhase('done'), 250)
      return () => clearTimeout(t)
    }
  }, [phase])
  if (phase !== 'render') return null
  return (
    <div className="warm-up" aria-hidden="true">
      <RunView run={sampleRun()} tab="timeline" setTab={() => {}} />
    </div>
  )
}

/**
 * Status, figures, timings and the tabs: a render of their own only when
 * the (throttled) run or the tab changes, not with every batch.
 */
const RunHeader = memo(function RunHeader({ run, tab, setTab }: { run: RunEntry; tab: Tab; setTab: (t: Tab) => void }) {
  const d = run.data
  const m = d.metrics
  const streaming = run.status === 'running' || run.status === 'starting'
  const failedTests = d.tests.filter((t) => !t.passed).length
  const tabs: [Tab, string, string | number | null][] = [
    ['timeline', 'Timeline', d.counts.events ? formatCount(d.counts.events) : null],
    ['merge', 'Auto-Merge', null],
    ['body', 'Body', null],
    ['raw', 'Raw', d.counts.chunks ? formatCount(d.counts.chunks) : null],
    ['script', 'Script', d.tests.length ? `${d.tests.length - failedTests}/${d.tests.length}` : null],
    ['headers', 'Headers', null],
  ]
  return (
    <>
      <div className="resp-head">
        <StatusPill run={run} />
        {streaming && <span className="pill info" data-testid="streaming">streaming</span>}
        {d.done && (
          <span className={`pill ${d.done.reason === 'complete' ? 'neutral' : d.done.reason === 'cancelled' ? 'warn' : 'err'}`} data-testid="end-pill" data-reason={d.done.reason}>
            {d.done.reason === 'complete' ? `done in ${formatMs(d.done.durationMs)}` : d.done.reason}
          </span>
        )}
        <VerdictBadge verdict={d.done?.verdict || d.merge.verdict} testId="resp-verdict" />
        <span className="stat" data-testid="event-count" data-count={d.counts.events}>
          {formatCount(m?.events ?? d.counts.events)} events · {formatBytes(m?.bytes ?? d.done?.bytes ?? 0)}
          {m && streaming && m.eventsPerSecond > 0 ? ` · ${formatCount(m.eventsPerSecond)}/s` : ''}
          {d.counts.comments ? ` · ${d.counts.comments} comments` : ''}
          {d.counts.retries ? ` · ${d.counts.retries} retries` : ''}
        </span>
        {run.missingBatches > 0 && <span className="pill err">{run.missingBatches} batches missing</span>}
        <span className="grow" />
        <ExportMenu run={run} />
      </div>
      <Timings run={run} />
      <div className="tabs" role="tablist">
        {tabs.map(([k, label, count]) => (
          <button key={k} className={`tab${tab === k ? ' active' : ''}`} onClick={() => setTab(k)} role="tab" aria-selected={tab === k} data-testid={`resp-tab-${k}`}>
            {label}
            {count !== null && <span className="count">{count}</span>}
            {k === 'script' && failedTests > 0 && <span className="dot err" />}
            {k === 'timeline' && d.counts.errors > 0 && <span className="dot err" />}
          </button>
        ))}
      </div>
    </>
  )
})

function RunView({ run: live, tab, setTab }: { run: RunEntry; tab: Tab; setTab: (t: Tab) => void }) {
  // The header's figures follow the stream at ~8 frames/s; the Timeline and
  // the other tabs get every batch.
  const run = useThrottled(live, 120, `${live.runId}|${live.status}|${live.stopping}|${live.error}|${!!live.data.done}|${!!live.data.response}`)
  const streaming = run.status === 'running' || run.status === 'starting'
  return (
    <div className="pane" data-testid="response" data-run-id={run.runId ?? ''}>
      <RunHeader run={run} tab={tab} setTab={setTab} />
      <div className="resp-body">
        {tab === 'timeline' && <Timeline data={live.data} runId={live.runId} streaming={streaming} />}
        {tab === 'merge' && <AutoMerge data={live.data} runId={live.runId} />}
        {tab === 'body' && <BodyTab run={live} />}
        {tab === 'raw' && <RawTab data={live.data} runId={live.runId} />}
        {tab === 'script' && <ScriptTab data={live.data} />}
        {tab === 'headers' && <HeadersTab data={live.data} />}
      </div>
    </div>
  )
}
