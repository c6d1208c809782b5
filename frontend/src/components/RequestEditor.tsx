// Centre pane: the request editor of the active tab: method, URL with
// variables, and tabs for params, headers, body, auth, stream settings,
// merge rules, script and notes; Send (Ctrl+Enter) and Stop (Esc).
import { AlertTriangle, Save, Send, Square } from 'lucide-react'
import { useEffect, useMemo, useState } from 'react'
import type { RuleCheck } from '../api/app'
import type { Auth, Endpoint, MergeSettings } from '../api/types'
import SigV4Fields from './SigV4Fields'
import { errorText, runs as runsApi } from '../api/backend'
import { prettyJSON } from '../format'
import { unresolved } from '../lib/variables'
import { isDirty, useProject } from '../store/project'
import { useRuns } from '../store/runs'
import { useSettings } from '../store/settings'
import CodeEditor from './CodeEditor'
import KVTable from './KVTable'
import UrlField from './UrlField'
// The example a new script starts from; backend/script's placeholder test runs it.
import scriptPlaceholder from '../lib/scriptPlaceholder.txt?raw'

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']
type Tab = 'params' | 'headers' | 'body' | 'auth' | 'stream' | 'merge' | 'script' | 'notes'

/** The variable names the selected environment (and the app) define. */
export function useKnownVars(): Set<string> {
  const view = useProject((s) => s.view)
  const env = useProject((s) => s.env)
  const mock = useSettings((s) => s.mock)
  return useMemo(() => {
    const names = new Set<string>()
    const e = view?.environments?.find((x) => x.name === env)
    for (const v of e?.variables ?? []) if (!v.secret || v.hasValue) names.add(v.name)
    if (mock?.running) names.add('mockBaseUrl')
    return names
  }, [view, env, mock])
}

export function sendActive(): void {
  const p = useProject.getState()
  const ref = p.active
  const d = ref ? p.drafts[ref] : undefined
  if (!ref || !d) return
  void useRuns.getState().send(ref, { ref, endpoint: d.doc.endpoint, script: d.doc.script, environment: p.env, vars: null })
}

export function stopActive(): void {
  const ref = useProject.getState().active
  if (ref) void useRuns.getState().stop(ref)
}

function MergeRules({ merge, onChange, runId }: { merge: MergeSettings; onChange: (m: MergeSettings) => void; runId: string | null }) {
  const [check, setCheck] = useState<RuleCheck | null>(null)
  const [err, setErr] = useState<string | null>(null)
  const runDone = useRuns((s) => Object.values(s.byTab).find((r) => r.runId === runId)?.status === 'done')
  useEffect(() => {
    if (!merge.content?.trim() || !runId) {
      setCheck(null)
      return
    }
    let cancelled = false
    let t: ReturnType<typeof setTimeout>
    // A run that just ended may still be writing its events: retry a failed count twice.
    const attempt = (left: number) => {
      runsApi
        .checkRule({ runId, samples: null, content: merge.content ?? '', reasoning: merge.reasoning ?? '', stop: merge.stop ?? '' })
        .then(
          (c) => !cancelled && (setCheck(c), setErr(null)),
          (e) => {
            if (cancelled) return
            if (left > 0) t = setTimeout(() => attempt(left - 1), 400)
            else setErr(errorText(e))
          },
        )
    }
    t = setTimeout(() => attempt(2), 250)
    return () => {
      cancelled = true
      clearTimeout(t)
    }
  }, [merge.content, merge.reasoning, merge.stop, runId, runDone])
  const field = (key: 'content' | 'reasoning' | 'stop', label: string, ph: string) => (
    <>
      <label>{label}</label>
      <div className="row">
        <input className="input mono grow" data-testid={`rule-${key}`} placeholder={ph} value={merge[key] ?? ''} spellCheck={false} onChange={(e) => onChange({ ...merge, [key]: e.target.value || undefined })} />
        {check && !check.error && merge[key] && (
          <span className={`pill ${check[key] > 0 ? 'ok' : 'warn'}`} data-testid={`rule-${key}-count`}>
            {check[key]} / {check.events} events
          </span>
        )}
      </div>
    </>
  )
  return (
    <div className="col" style={{ gap: 'var(--s3)' }}>
      <div className="field">
        <label>Format</label>
        <select className="select" value={merge.format || 'auto'} onChange={(e) => onChange({ ...merge, format: e.target.value === 'auto' ? undefined : e.target.value })}>
          {['auto', 'openai', 'responses', 'anthropic', 'gemini', 'ollama', 'cohere', 'vercel', 'jsonpath'].map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
        {field('content', 'Content path', '$.choices[0].delta.content')}
        {field('reasoning', 'Reasoning path', '$.choices[0].delta.reasoning')}
        {field('stop', 'Stop path', '$.choices[0].finish_reason')}
      </div>
      <p className="hint">
        JSONPath rules merge a custom JSON stream: each event's match is appended to the content or reasoning; a match of the stop rule ends the stream. The counts run the rules over the events of the last run.
      </p>
      {!runId && merge.content && <p className="hint">Send the request once to see how many events each rule matches.</p>}
      {(check?.error || err) && (
        <div className="banner err" data-testid="rule-error">
          <AlertTriangle size={14} /> <span className="grow">{check?.error || err}</span>
        </div>
      )}
      {check?.preview && (
        <>
          <div className="section-label">Preview of the merged content</div>
          <pre className="mono" style={{ margin: 0, whiteSpace: 'pre-wrap' }} data-testid="rule-preview">
            {check.preview}
          </pre>
        </>
      )}
    </div>
  )
}

function AuthEditor({ auth, onChange }: { auth: Auth | undefined; onChange: (a: Auth | undefined) => void }) {
  const a = auth ?? { type: 'none' }
  const set = (patch: Partial<Auth>) => onChange({ ...a, ...patch })
  return (
    <div className="field">
      <label>Type</label>
      <select className="select" value={a.type} onChange={(e) => (e.target.value === 'none' ? onChange(undefined) : onChange({ type: e.target.value }))} data-testid="auth-type">
        <option value="none">None</option>
        <option value="bearer">Bearer token</option>
        <option value="basic">Basic</option>
        <option value="apikey">API key</option>
        <option value="sigv4">AWS Signature V4</option>
      </select>
      {a.type === 'sigv4' && <SigV4Fields auth={a} set={set} />}
      {a.type === 'bearer' && (
        <>
          <label>Token</label>
          <input className="input mono" value={a.token ?? ''} onChange={(e) => set({ token: e.target.value })} placeholder="{{apiKey}}" />
        </>
      )}
      {a.type === 'basic' && (
        <>
          <label>Username</label>
          <input className="input mono" value={a.username ?? ''} onChange={(e) => set({ username: e.target.value })} />
          <label>Password</label>
          <input className="input mono" type="password" value={a.password ?? ''} onChange={(e) => set({ password: e.target.value })} />
        </>
      )}
      {a.type === 'apikey' && (
        <>
          <label>Key</label>
          <input className="input mono" value={a.key ?? ''} onChange={(e) => set({ key: e.target.value })} placeholder="x-api-key" />
          <label>Value</label>
          <input className="input mono" value={a.value ?? ''} onChange={(e) => set({ value: e.target.value })} placeholder="{{apiKey}}" />
          <label>Send in</label>
          <select className="select" value={a.in ?? 'header'} onChange={(e) => set({ in: e.target.value })}>
            <option value="header">Header</option>
            <option value="query">Query parameter</option>
          </select>
        </>
      )}
      {a.type !== 'none' && <span />}
      {a.type !== 'none' && <span className="hint">Use a secret variable such as {'{{apiKey}}'}: its value stays outside the project folder.</span>}
    </div>
  )
}

function num(v: string): number | undefined {
  const n = Number.parseInt(v, 10)
  return Number.isFinite(n) && n > 0 ? n : undefined
}

function StreamSettings({ ep, set }: { ep: Endpoint; set: (p: Partial<Endpoint>) => void }) {
  return (
    <div className="field">
      <label>Read body as</label>
      <select className="select" value={ep.stream || 'auto'} onChange={(e) => set({ stream: e.target.value === 'auto' ? undefined : e.target.value })} data-testid="stream-kind">
        <option value="auto">Auto (from Content-Type)</option>
        <option value="sse">Server-sent events</option>
        <option value="ndjson">NDJSON</option>
        <option value="eventstream">AWS event stream</option>
        <option value="plain">Plain body</option>
      </select>
      <label>Compressed</label>
      <label className="row">
        <input type="checkbox" checked={!!ep.compressed} onChange={(e) => set({ compressed: e.target.checked || undefined })} /> Ask for gzip / br (curl --compressed)
      </label>
      <label>Redirects</label>
      <label className="row">
        <input type="checkbox" checked={ep.follow_redirects !== false} onChange={(e) => set({ follow_redirects: e.target.checked ? undefined : false })} data-testid="follow-redirects" /> Follow redirects (credentials and the body never go to another origin)
      </label>
      <label>Header timeout</label>
      <input className="input" placeholder="default (ms)" value={ep.timeouts?.header_ms ?? ''} onChange={(e) => set({ timeouts: { ...ep.timeouts, header_ms: num(e.target.value) } })} />
      <label>Idle timeout</label>
      <input className="input" placeholder="default (ms)" value={ep.timeouts?.idle_ms ?? ''} onChange={(e) => set({ timeouts: { ...ep.timeouts, idle_ms: num(e.target.value) } })} />
      <label>Reconnect</label>
      <label className="row">
        <input type="checkbox" checked={!!ep.reconnect?.enabled} onChange={(e) => set({ reconnect: e.target.checked ? { ...ep.reconnect, enabled: true } : undefined })} /> Reconnect a dropped SSE stream with Last-Event-ID
      </label>
      {ep.reconnect?.enabled && (
        <>
          <label>Max reconnects</label>
          <input className="input" value={ep.reconnect.max_attempts ?? ''} onChange={(e) => set({ reconnect: { ...ep.reconnect!, max_attempts: num(e.target.value) } })} />
        </>
      )}
      <label>Retry 429 / 503</label>
      <label className="row">
        <input type="checkbox" checked={!!ep.retry?.enabled} onChange={(e) => set({ retry: e.target.checked ? { ...ep.retry, enabled: true } : undefined })} /> Wait as Retry-After says, then try again
      </label>
      {ep.retry?.enabled && (
        <>
          <label>Max attempts</label>
          <input className="input" value={ep.retry.max_attempts ?? ''} onChange={(e) => set({ retry: { ...ep.retry!, max_attempts: num(e.target.value) } })} />
        </>
      )}
    </div>
  )
}

export default function RequestEditor() {
  const active = useProject((s) => s.active)
  const draft = useProject((s) => (s.active ? s.drafts[s.active] : undefined))
  // Only the fields the editor shows, so a streaming run does not re-render it per batch.
  const runStatus = useRuns((s) => (active ? s.byTab[active]?.status : undefined))
  const runStopping = useRuns((s) => (active ? !!s.byTab[active]?.stopping : false))
  const runError = useRuns((s) => (active ? s.byTab[active]?.error : null))
  const runId = useRuns((s) => (active ? (s.byTab[active]?.runId ?? null) : null))
  const known = useKnownVars()
  const [tab, setTab] = useState<Tab>('body')
  const [curl, setCurl] = useState<string | null>(null)
  const p = useProject.getState()

  if (!active || !draft) {
    return (
      <div className="empty" data-testid="editor-empty">
        <h2>No endpoint open</h2>
        <p>Pick an endpoint on the left, or create one.</p>
      </div>
    )
  }
  const ep = draft.doc.endpoint
  const set = (patch: Partial<Endpoint>) => p.editEndpoint(active, patch)
  const missing = unresolved(
    [ep.url, ...(ep.query ?? []).filter((k) => !k.disabled).flatMap((k) => [k.name, k.value]), ...(ep.headers ?? []).filter((k) => !k.disabled).flatMap((k) => [k.name, k.value]), ep.body?.text, ep.auth?.token, ep.auth?.value, ep.auth?.username, ep.auth?.password, ep.auth?.access_key, ep.auth?.secret_key, ep.auth?.session_token, ep.auth?.region, ep.auth?.service],
    known,
  )
  const running = runStatus === 'running' || runStatus === 'starting'
  const dirty = isDirty(draft)
  const counts: Partial<Record<Tab, number>> = {
    params: (ep.query ?? []).filter((k) => !k.disabled).length,
    headers: (ep.headers ?? []).filter((k) => !k.disabled).length,
  }
  const tabs: [Tab, string][] = [
    ['params', 'Params'],
    ['headers', 'Headers'],
    ['body', 'Body'],
    ['auth', 'Auth'],
    ['stream', 'Stream'],
    ['merge', 'Merge rules'],
    ['script', 'Script'],
    ['notes', 'Notes'],
  ]
  const bodyType = ep.body?.type ?? 'none'

  return (
    <div className="pane" data-testid="request-editor">
      <div className="request-bar">
        <select className={`select m-${ep.method}`} value={ep.method} onChange={(e) => set({ method: e.target.value })} aria-label="Method" data-testid="method">
          {methods.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <UrlField value={ep.url} known={known} onChange={(url) => set({ url })} onCurl={setCurl} onEnter={sendActive} />
        {running ? (
          <button className="btn danger" onClick={stopActive} data-testid="stop" title="Stop (Esc)" disabled={runStopping}>
            <Square size={13} /> Stop
          </button>
        ) : (
          <button className="btn primary" onClick={sendActive} data-testid="send" title="Send (Ctrl+Enter)">
            <Send size={13} /> Send
          </button>
        )}
        <button className="btn" onClick={() => void p.save(active)} disabled={!dirty || draft.saving} title={dirty ? 'Save (Ctrl+S)' : 'No unsaved changes'} data-testid="save">
          <Save size={13} />
          <span className="save-label">{dirty ? 'Save' : 'Saved'}</span>
        </button>
      </div>
      {curl !== null && (
        <div className="banner info" data-testid="curl-offer">
          <span className="grow">This looks like a curl command. Import it as a new endpoint?</span>
          <button
            className="btn small primary"
            data-testid="curl-import"
            onClick={() => {
              const text = curl
              setCurl(null)
              void p.importCurl(text, ep.folder)
            }}
          >
            Import
          </button>
          <button
            className="btn small"
            onClick={() => {
              set({ url: curl.trim() })
              setCurl(null)
            }}
          >
            Paste as text
          </button>
        </div>
      )}
      {missing.length > 0 && (
        <div className="banner warn" data-testid="unresolved">
          <AlertTriangle size={14} />
          <span className="grow">
            Not defined in {useProject.getState().env ? `environment “${useProject.getState().env}”` : 'any environment'}: {missing.map((m) => `{{${m}}}`).join(', ')}
          </span>
        </div>
      )}
      {draft.error && (
        <div className="banner err">
          <AlertTriangle size={14} /> <span className="grow">{draft.error}</span>
        </div>
      )}
      {runStatus === 'failed' && runError && (
        <div className="banner err" data-testid="send-error">
          <AlertTriangle size={14} /> <span className="grow">{runError}</span>
        </div>
      )}
      <div className="tabs" role="tablist">
        {tabs.map(([k, label]) => (
          <button key={k} className={`tab${tab === k ? ' active' : ''}`} onClick={() => setTab(k)} role="tab" aria-selected={tab === k} data-testid={`req-tab-${k}`}>
            {label}
            {counts[k] ? <span className="count">{counts[k]}</span> : null}
            {k === 'script' && draft.doc.script.trim() !== '' && <span className="dot" />}
          </button>
        ))}
      </div>
      <div className={`editor-body${tab === 'body' || tab === 'script' ? ' flush' : ''}`}>
        {tab === 'params' && <KVTable rows={ep.query ?? []} onChange={(query) => set({ query: query.length ? query : undefined })} namePlaceholder="parameter" testId="params" />}
        {tab === 'headers' && <KVTable rows={ep.headers ?? []} onChange={(headers) => set({ headers: headers.length ? headers : undefined })} namePlaceholder="header" testId="headers" />}
        {tab === 'body' && (
          <div className="col grow" style={{ height: '100%' }}>
            <div className="toolbar">
              <select className="select small" value={bodyType} onChange={(e) => set({ body: e.target.value === 'none' ? undefined : { ...ep.body, type: e.target.value } })} data-testid="body-type">
                <option value="none">No body</option>
                <option value="json">JSON</option>
                <option value="raw">Raw text</option>
                <option value="urlencoded">Form (urlencoded)</option>
                <option value="form">Multipart form</option>
              </select>
              {bodyType === 'json' && <JsonStatus text={ep.body?.text ?? ''} />}
              <span className="grow" />
              {bodyType === 'json' && (
                <button
                  className="btn small"
                  title="Pretty-print the JSON body"
                  onClick={() => {
                    const pretty = prettyJSON(ep.body?.text ?? '')
                    if (pretty !== null) set({ body: { ...ep.body!, text: `${pretty}\n` } })
                  }}
                >
                  Format
                </button>
              )}
            </div>
            {(bodyType === 'json' || bodyType === 'raw') && (
              <div className="cm-wrap fill" style={{ border: 0, borderRadius: 0 }} data-testid="body-editor">
                <CodeEditor value={ep.body?.text ?? ''} lang={bodyType === 'json' ? 'json' : 'text'} validate={bodyType === 'json'} onChange={(text) => set({ body: { ...ep.body!, text } })} />
              </div>
            )}
            {(bodyType === 'urlencoded' || bodyType === 'form') && (
              <div style={{ padding: 'var(--s3)' }}>
                <KVTable
                  rows={(ep.body?.fields ?? []).map((f) => ({ name: f.name, value: f.value ?? '', disabled: f.disabled }))}
                  onChange={(rows) => set({ body: { ...ep.body!, fields: rows.map((r) => ({ name: r.name, value: r.value, disabled: r.disabled })) } })}
                  namePlaceholder="field"
                />
              </div>
            )}
            {bodyType === 'none' && <div className="empty">This request has no body.</div>}
          </div>
        )}
        {tab === 'auth' && <AuthEditor auth={ep.auth} onChange={(auth) => set({ auth })} />}
        {tab === 'stream' && <StreamSettings ep={ep} set={set} />}
        {tab === 'merge' && <MergeRules merge={ep.merge ?? {}} onChange={(merge) => set({ merge: Object.values(merge).some(Boolean) ? merge : undefined })} runId={runId} />}
        {tab === 'script' && (
          <div className="cm-wrap fill" style={{ border: 0, borderRadius: 0, height: '100%' }} data-testid="script-editor">
            <CodeEditor
              value={draft.doc.script}
              lang="javascript"
              placeholder={scriptPlaceholder}
              onChange={(script) => p.edit(active, (d) => ({ ...d, script }))}
            />
          </div>
        )}
        {tab === 'notes' && <textarea className="input grow" style={{ minHeight: 200 }} placeholder="Notes for this endpoint (saved in its file)" value={ep.notes ?? ''} onChange={(e) => set({ notes: e.target.value || undefined })} />}
      </div>
    </div>
  )
}

function JsonStatus({ text }: { text: string }) {
  const err = useMemo(() => {
    if (text.trim() === '') return null
    try {
      JSON.parse(text)
      return null
    } catch (e) {
      return errorText(e)
    }
  }, [text])
  return err ? (
    <span className="pill err ellipsis" title={err} data-testid="json-invalid" style={{ maxWidth: 420 }}>
      Invalid JSON: {err}
    </span>
  ) : (
    <span className="pill ok">Valid JSON</span>
  )
}
