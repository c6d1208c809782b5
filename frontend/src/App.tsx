// The window: top bar, project sidebar, editor tabs with the request
// editor, and the response pane, in resizable panes. Global shortcuts and
// native menu actions are wired here.
import { Activity, Columns2, FolderOpen, Monitor, Moon, Plus, Rows2, Sparkles, Sun, X } from 'lucide-react'
import { useEffect, useState } from 'react'
import { Group, Panel, Separator } from 'react-resizable-panels'
import { errorText, hasBackend, onMenu, onMockChanged, onProblem, settings as settingsApi, system, type AppInfo } from './api/backend'
import RequestEditor, { sendActive, stopActive } from './components/RequestEditor'
import ResponsePane from './components/ResponsePane'
import Sidebar from './components/Sidebar'
import { isDirty, useProject, watchProject } from './store/project'
import { useRuns } from './store/runs'
import { useSettings, watchSettings, type ThemeChoice } from './store/settings'
import Dialogs, { askConfirm } from './components/Dialogs'

function ThemeSwitch() {
  const theme = useSettings((s) => s.theme)
  const set = useSettings((s) => s.setTheme)
  const opts: [ThemeChoice, typeof Sun, string][] = [
    ['light', Sun, 'Light'],
    ['system', Monitor, 'Follow the system'],
    ['dark', Moon, 'Dark'],
  ]
  return (
    <div className="row" style={{ gap: 2 }} data-testid="theme-switch">
      {opts.map(([t, Icon, title]) => (
        <button key={t} className={`icon-btn${theme === t ? ' on' : ''}`} title={title} onClick={() => void set(t)} data-testid={`theme-${t}`}>
          <Icon size={14} />
        </button>
      ))}
    </div>
  )
}

/** Where the response pane sits: beside the request editor, or below it. */
type PaneLayout = 'beside' | 'below'
const layoutKey = 'streamscope.paneLayout'

/** The remembered layout; on first use, below on windows too narrow for two columns. */
function initialLayout(): PaneLayout {
  const saved = window.localStorage?.getItem(layoutKey)
  if (saved === 'beside' || saved === 'below') return saved
  return window.innerWidth < 1440 ? 'below' : 'beside'
}

function LayoutSwitch({ layout, setLayout }: { layout: PaneLayout; setLayout: (l: PaneLayout) => void }) {
  const next: PaneLayout = layout === 'below' ? 'beside' : 'below'
  const Icon = layout === 'below' ? Columns2 : Rows2
  return (
    <button className="icon-btn" title={layout === 'below' ? 'Show the response beside the request' : 'Show the response below the request'} onClick={() => setLayout(next)} data-testid="layout-switch" data-layout={layout}>
      <Icon size={14} />
    </button>
  )
}

function AppInfoLabel() {
  const [info, setInfo] = useState<AppInfo | null>(null)
  const [err, setErr] = useState<string | null>(null)
  useEffect(() => {
    system.info().then(setInfo, (e) => setErr(errorText(e)))
  }, [])
  return (
    <span className="faint" style={{ fontSize: 'var(--fs-xs)' }} data-testid="app-info" title={info ? `${info.goVersion} · ${info.platform}` : (err ?? '')}>
      {info ? `${info.version} · ${info.goVersion} · ${info.platform}` : err ? 'backend not connected' : 'connecting…'}
    </span>
  )
}

/** Closes an editor tab, asking first when it has unsaved changes. */
async function closeTabAsk(ref: string) {
  const p = useProject.getState()
  const d = p.drafts[ref]
  if (isDirty(d) && !(await askConfirm({ title: 'Unsaved changes', message: `Close “${d?.doc.endpoint.name ?? ref}” and drop its unsaved changes?`, okLabel: 'Close without saving', danger: true }))) return
  useRuns.getState().forget(ref)
  useProject.getState().closeTab(ref)
}

/** Makes the tab `step` places after (or before) the active one active. */
function cycleTab(step: number) {
  const { tabs, active, select } = useProject.getState()
  if (tabs.length < 2) return
  const i = Math.max(0, tabs.indexOf(active ?? ''))
  void select(tabs[(i + step + tabs.length) % tabs.length])
}

/** Runs an Edit menu command in the page, where no native web view ran it (app/menu.go). */
function runEditCommand(command: string) {
  const map: Record<string, string> = { Undo: 'undo', Redo: 'redo', Cut: 'cut', Copy: 'copy', Paste: 'paste', SelectAll: 'selectAll' }
  if (map[command]) document.execCommand(map[command])
}

function DocTabs() {
  const tabs = useProject((s) => s.tabs)
  const active = useProject((s) => s.active)
  const drafts = useProject((s) => s.drafts)
  const liveRefs = useRuns((s) => Object.values(s.byTab).filter((r) => r.status === 'running' || r.status === 'starting').map((r) => r.tab).join('\n'))
  const p = useProject.getState()
  if (tabs.length === 0) return null
  return (
    <div className="doc-tabs" data-testid="doc-tabs">
      {tabs.map((ref) => {
        const d = drafts[ref]
        const live = liveRefs.split('\n').includes(ref)
        return (
          <div key={ref} className={`doc-tab${ref === active ? ' active' : ''}`} onClick={() => void p.select(ref)} title={ref} data-testid="doc-tab">
            {d && <span className={`method m-${d.doc.endpoint.method}`} style={{ width: 'auto' }}>{d.doc.endpoint.method}</span>}
            <span className="ellipsis">{d?.doc.endpoint.name ?? ref}</span>
            {live ? <span className="live" title="Streaming" /> : isDirty(d) ? <span className="dirty" title="Unsaved changes" /> : null}
            <button
              className="icon-btn"
              title="Close tab"
              onClick={(e) => {
                e.stopPropagation()
                void closeTabAsk(ref)
              }}
            >
              <X size={12} />
            </button>
          </div>
        )
      })}
    </div>
  )
}

function Welcome() {
  const p = useProject.getState()
  const recent = useProject((s) => s.recent)
  const error = useProject((s) => s.error)
  return (
    <div className="empty" data-testid="welcome">
      <Activity size={36} className="faint" />
      <h1>Debug LLM streams, event by event</h1>
      <p>Open a project, or start with the demo: it talks to the built-in mock server, no API key needed.</p>
      <div className="row">
        <button className="btn primary" onClick={() => void p.openDemo()} data-testid="open-demo">
          <Sparkles size={14} /> Open the demo project
        </button>
        <button className="btn" onClick={() => void p.openDialog()}>
          <FolderOpen size={14} /> Open project…
        </button>
        <button className="btn" onClick={() => void p.newProject()}>
          <Plus size={14} /> New project…
        </button>
      </div>
      {recent.length > 0 && <p className="hint">Recent projects are listed on the left.</p>}
      {error && <div className="pill err">{error}</div>}
    </div>
  )
}

function Toast() {
  const notice = useProject((s) => s.notice)
  const error = useProject((s) => s.error)
  const setNotice = useProject((s) => s.setNotice)
  useEffect(() => {
    if (!notice) return
    const t = setTimeout(() => setNotice(null), 5000)
    return () => clearTimeout(t)
  }, [notice, setNotice])
  const view = useProject((s) => s.view)
  const msg = notice ?? (view?.open ? error : null)
  if (!msg) return null
  return (
    <div className="toast" data-testid="toast">
      <span>{msg}</span>
      <button onClick={() => (setNotice(null), useProject.setState({ error: null }))} aria-label="Dismiss">
        <X size={14} />
      </button>
    </div>
  )
}

export default function App() {
  const resolved = useSettings((s) => s.resolved)
  const view = useProject((s) => s.view)
  const problems = view?.problems ?? []
  const [layout, setLayoutState] = useState<PaneLayout>(initialLayout)
  const setLayout = (l: PaneLayout) => {
    setLayoutState(l)
    window.localStorage?.setItem(layoutKey, l)
  }

  useEffect(() => {
    document.documentElement.dataset.theme = resolved
  }, [resolved])

  useEffect(() => {
    void useSettings.getState().load()
    void useProject.getState().load()
    const offs = [
      watchSettings(),
      watchProject(),
      onProblem((m) => useProject.setState({ notice: m })),
      onMockChanged((s) => useSettings.setState({ mock: s })),
      onMenu('new-project', () => void useProject.getState().newProject()),
      onMenu('open-project', () => void useProject.getState().openDialog()),
      onMenu('open-demo', () => void useProject.getState().openDemo()),
      onMenu('open-recent', (e) => e.path && void useProject.getState().openDir(e.path)),
      onMenu('save', () => {
        const a = useProject.getState().active
        if (a) void useProject.getState().save(a)
      }),
      onMenu('save-all', () => void useProject.getState().saveAll()),
      onMenu('edit', (e) => runEditCommand(e.path)),
      onMenu('toggle-theme', () => void useSettings.getState().setTheme(useSettings.getState().resolved === 'dark' ? 'light' : 'dark')),
      onMenu('reload', () => window.location.reload()),
    ]
    return () => offs.forEach((f) => f())
  }, [])

  // Remember the window's size and position (debounced).
  useEffect(() => {
    if (!hasBackend()) return
    let t: ReturnType<typeof setTimeout> | undefined
    const fn = () => {
      clearTimeout(t)
      t = setTimeout(() => void settingsApi.saveWindowState().catch(() => {}), 800)
    }
    window.addEventListener('resize', fn)
    return () => (window.removeEventListener('resize', fn), clearTimeout(t))
  }, [])

  useEffect(() => {
    // The app's shortcuts are taken before the editors see them (CodeMirror
    // would insert a line on Ctrl+Enter); Esc only when nothing else used it.
    // In the desktop window the native menu takes its own keys (Ctrl+S, …)
    // first; these handlers serve the browser (wails dev) and the rest.
    function onKeyCapture(e: KeyboardEvent) {
      const mod = e.ctrlKey || e.metaKey
      if (!mod) return
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key
      const p = useProject.getState()
      const take = () => (e.preventDefault(), e.stopPropagation())
      if (key === 'Enter') {
        take()
        sendActive()
      } else if (key === 's' && e.shiftKey) {
        take()
        void p.saveAll()
      } else if (key === 's') {
        take()
        if (p.active) void p.save(p.active)
      } else if (key === 't' && e.shiftKey) {
        take()
        void useSettings.getState().setTheme(useSettings.getState().resolved === 'dark' ? 'light' : 'dark')
      } else if (key === 'w' && !e.shiftKey) {
        take()
        if (p.active) void closeTabAsk(p.active)
      } else if (key === 'l' && !e.shiftKey) {
        const url = document.querySelector<HTMLElement>('[data-testid="url-input"]')
        if (url) {
          take()
          url.focus()
        }
      } else if (key === 'PageDown' || key === 'PageUp') {
        take()
        cycleTab(key === 'PageDown' ? 1 : -1)
      }
    }
    function onKey(e: KeyboardEvent) {
      if (e.key !== 'Escape' || e.defaultPrevented) return
      const a = useProject.getState().active
      if (a && useRuns.getState().byTab[a]?.status === 'running') {
        e.preventDefault()
        stopActive()
      }
    }
    window.addEventListener('keydown', onKeyCapture, true)
    window.addEventListener('keydown', onKey)
    return () => {
      window.removeEventListener('keydown', onKeyCapture, true)
      window.removeEventListener('keydown', onKey)
    }
  }, [])

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">
          <Activity size={16} /> Streamscope
        </span>
        {view?.open && (
          <span className="muted ellipsis" data-testid="topbar-project">
            {view.name}
          </span>
        )}
        <span className="grow" />
        <AppInfoLabel />
        <LayoutSwitch layout={layout} setLayout={setLayout} />
        <ThemeSwitch />
      </header>
      {problems.length > 0 && (
        <div className="banner err" data-testid="problems">
          <span className="grow">
            {problems.length} file{problems.length > 1 ? 's' : ''} did not load: {problems.map((p) => `${p.path}${p.line ? `:${p.line}` : ''}: ${p.reason}`).join('; ')}
          </span>
        </div>
      )}
      <Group orientation="horizontal" className="panes" id="main-panes">
        <Panel defaultSize="18" minSize="160px" maxSize="40">
          <Sidebar />
        </Panel>
        <Separator className="sep" />
        <Panel minSize="30">
          {view?.open ? (
            <div className="pane">
              <DocTabs />
              <Group key={layout} orientation={layout === 'below' ? 'vertical' : 'horizontal'} className="grow" id={`work-panes-${layout}`}>
                <Panel defaultSize={layout === 'below' ? '42' : '46'} minSize="20">
                  <RequestEditor />
                </Panel>
                <Separator className="sep" />
                <Panel defaultSize={layout === 'below' ? '58' : '54'} minSize="20">
                  <ResponsePane />
                </Panel>
              </Group>
            </div>
          ) : (
            <div className="pane">
              <Welcome />
            </div>
          )}
        </Panel>
      </Group>
      <Toast />
      <Dialogs />
    </div>
  )
}
