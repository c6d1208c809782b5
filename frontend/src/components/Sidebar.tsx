// Left pane: the open project's tree (folders, endpoints; create, rename,
// duplicate, delete, drag to reorder), the environment picker and recent
// projects.
import { ChevronDown, ChevronRight, Copy, Folder, FolderOpen, FolderPlus, History, Pencil, Play, Plus, SlidersHorizontal, Trash2 } from 'lucide-react'
import { useMemo, useState, type DragEvent } from 'react'
import type { TreeItem } from '../api/app'
import { useProject } from '../store/project'
import { useRuns } from '../store/runs'
import { useSettings } from '../store/settings'
import EnvEditor from './EnvEditor'

function RenameInput({ initial, onDone }: { initial: string; onDone: (v: string | null) => void }) {
  const [v, setV] = useState(initial)
  return (
    <input
      className="input small grow"
      autoFocus
      value={v}
      onChange={(e) => setV(e.target.value)}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onDone(v.trim() || null)
        if (e.key === 'Escape') onDone(null)
        e.stopPropagation()
      }}
      onBlur={() => onDone(v.trim() && v.trim() !== initial ? v.trim() : null)}
      data-testid="rename-input"
    />
  )
}

export default function Sidebar() {
  const view = useProject((s) => s.view)
  const active = useProject((s) => s.active)
  const env = useProject((s) => s.env)
  const recent = useProject((s) => s.recent)
  const p = useProject.getState()
  // A primitive, so the tree re-renders when a run starts or ends, not per batch.
  const liveRefs = useRuns((s) => Object.values(s.byTab).filter((r) => r.status === 'running' || r.status === 'starting').map((r) => r.tab).join('\n'))
  const mockStatus = useSettings((s) => s.mock)
  const [collapsed, setCollapsed] = useState<Record<string, boolean>>({})
  const [renaming, setRenaming] = useState<string | null>(null)
  const [newFolder, setNewFolder] = useState<string | null>(null)
  const [drag, setDrag] = useState<string | null>(null)
  const [drop, setDrop] = useState<{ ref: string; into: boolean } | null>(null)
  const [editEnv, setEditEnv] = useState(false)

  const items = useMemo(() => view?.items ?? [], [view])
  const visible = useMemo(() => {
    const out: TreeItem[] = []
    for (const it of items) {
      const hidden = Object.entries(collapsed).some(([f, c]) => c && (it.parent === f || it.parent.startsWith(`${f}/`)))
      if (!hidden) out.push(it)
    }
    return out
  }, [items, collapsed])

  function dropOn(target: TreeItem, e: DragEvent) {
    e.preventDefault()
    setDrop(null)
    const ref = drag ?? e.dataTransfer.getData('text/plain')
    setDrag(null)
    if (!ref || ref === target.ref) return
    if (target.kind === 'folder') {
      void p.move(ref, target.ref, 0)
      return
    }
    const siblings = items.filter((i) => i.kind === 'endpoint' && i.parent === target.parent && i.ref !== ref)
    const index = Math.max(0, siblings.findIndex((i) => i.ref === target.ref))
    void p.move(ref, target.parent, index)
  }

  const envs = view?.environments ?? []

  return (
    <div className="sidebar" data-testid="sidebar">
      <div className="side-head">
        <div className="side-title">
          <FolderOpen size={15} className="muted" />
          <span className="grow ellipsis" title={view?.dir} data-testid="project-name">
            {view?.open ? view.name : 'No project'}
          </span>
          {view?.isDemo && <span className="pill info" data-testid="demo-pill">demo</span>}
        </div>
        {view?.open && (
          <div className="row">
            <span className="hint">Env</span>
            <select className="select small grow" value={env} onChange={(e) => p.setEnv(e.target.value)} data-testid="env-picker" title="Environment">
              <option value="">No environment</option>
              {envs.map((e) => (
                <option key={e.name} value={e.name}>
                  {e.name}
                </option>
              ))}
            </select>
            <button className="icon-btn" title="Edit environments" onClick={() => setEditEnv(true)} data-testid="env-edit">
              <SlidersHorizontal size={14} />
            </button>
          </div>
        )}
        {editEnv && <EnvEditor onClose={() => setEditEnv(false)} />}
      </div>
      {view?.open ? (
        <>
          <div className="side-section">
            <span>Endpoints</span>
            <span className="row" style={{ gap: 2 }}>
              <button className="icon-btn" title="New folder" onClick={() => setNewFolder('')}>
                <FolderPlus size={14} />
              </button>
              <button className="icon-btn" title="New endpoint" onClick={() => void p.create('')} data-testid="new-endpoint">
                <Plus size={14} />
              </button>
            </span>
          </div>
          <div className="tree" role="tree" data-testid="tree">
            {newFolder !== null && (
              <div className="tree-row">
                <Folder size={14} className="muted" />
                <RenameInput
                  initial=""
                  onDone={(v) => {
                    setNewFolder(null)
                    if (v) void p.createFolder(newFolder, v)
                  }}
                />
              </div>
            )}
            {visible.map((it) => {
              const pad = { paddingLeft: 8 + it.depth * 14 }
              const cls = ['tree-row']
              if (it.ref === active && it.kind === 'endpoint') cls.push('selected')
              if (drop?.ref === it.ref) cls.push(drop.into ? 'drop-into' : 'drop-before')
              const dragProps = {
                onDragOver: (e: DragEvent) => {
                  if (!drag) return
                  e.preventDefault()
                  setDrop({ ref: it.ref, into: it.kind === 'folder' })
                },
                onDragLeave: () => setDrop((d) => (d?.ref === it.ref ? null : d)),
                onDrop: (e: DragEvent) => dropOn(it, e),
              }
              if (it.kind === 'folder') {
                const c = !!collapsed[it.ref]
                return (
                  <div key={`f:${it.ref}`} className={cls.join(' ')} style={pad} role="treeitem" aria-expanded={!c} onClick={() => setCollapsed((s) => ({ ...s, [it.ref]: !c }))} {...dragProps}>
                    {c ? <ChevronRight size={14} className="muted" /> : <ChevronDown size={14} className="muted" />}
                    <Folder size={14} className="muted" />
                    {renaming === `f:${it.ref}` ? (
                      <RenameInput
                        initial={it.name}
                        onDone={(v) => {
                          setRenaming(null)
                          if (v) void p.renameFolder(it.ref, v)
                        }}
                      />
                    ) : (
                      <span className="ellipsis grow">{it.name}</span>
                    )}
                    <span className="actions">
                      <button className="icon-btn" title="New endpoint in folder" onClick={(e) => (e.stopPropagation(), void p.create(it.ref))}>
                        <Plus size={13} />
                      </button>
                      <button className="icon-btn" title="Rename folder" onClick={(e) => (e.stopPropagation(), setRenaming(`f:${it.ref}`))}>
                        <Pencil size={12} />
                      </button>
                      <button className="icon-btn" title="Delete folder (only when empty)" onClick={(e) => (e.stopPropagation(), void p.deleteFolder(it.ref))}>
                        <Trash2 size={12} />
                      </button>
                    </span>
                  </div>
                )
              }
              return (
                <div
                  key={`e:${it.ref}`}
                  className={cls.join(' ')}
                  style={pad}
                  role="treeitem"
                  data-testid="tree-endpoint"
                  data-ref={it.ref}
                  title={it.url}
                  draggable={renaming !== it.ref}
                  onDragStart={(e) => {
                    setDrag(it.ref)
                    e.dataTransfer.setData('text/plain', it.ref)
                    e.dataTransfer.effectAllowed = 'move'
                  }}
                  onDragEnd={() => (setDrag(null), setDrop(null))}
                  onClick={() => void p.select(it.ref)}
                  onDoubleClick={() => setRenaming(it.ref)}
                  {...dragProps}
                >
                  <span className={`method m-${it.method}`}>{it.method}</span>
                  {renaming === it.ref ? (
                    <RenameInput
                      initial={it.name}
                      onDone={(v) => {
                        setRenaming(null)
                        if (v) void p.rename(it.ref, v)
                      }}
                    />
                  ) : (
                    <span className="ellipsis grow">{it.name}</span>
                  )}
                  {liveRefs.split('\n').includes(it.ref) && <span className="status-dot ok" title="Streaming" />}
                  <span className="actions">
                    <button className="icon-btn" title="Rename" onClick={(e) => (e.stopPropagation(), setRenaming(it.ref))}>
                      <Pencil size={12} />
                    </button>
                    <button className="icon-btn" title="Duplicate" onClick={(e) => (e.stopPropagation(), void p.duplicate(it.ref))}>
                      <Copy size={12} />
                    </button>
                    <button
                      className="icon-btn"
                      title="Delete"
                      onClick={(e) => {
                        e.stopPropagation()
                        if (window.confirm(`Delete “${it.name}”? Its file is removed from the project.`)) void p.remove(it.ref)
                      }}
                    >
                      <Trash2 size={12} />
                    </button>
                  </span>
                </div>
              )
            })}
            {items.length === 0 && <div className="hint" style={{ padding: 'var(--s3)' }}>No endpoints yet. Create one with +, or paste a curl command into the URL field.</div>}
          </div>
        </>
      ) : (
        <div className="grow" />
      )}
      {(view?.recordingItems?.length ?? 0) > 0 && (
        <div className="recent" data-testid="recordings">
          <div className="side-section">Recordings</div>
          {view!.recordingItems!.map((r) => (
            <div
              key={r.path}
              className="tree-row"
              title={`Replay ${r.path} without the network`}
              data-testid="recording"
              onClick={() => {
                const known = items.some((i) => i.kind === 'endpoint' && i.ref === r.endpoint)
                if (!known) {
                  p.setNotice(`“${r.name}” has no endpoint in this project to replay into.`)
                  return
                }
                void p.select(r.endpoint).then(() => useRuns.getState().replay(r.endpoint, r.name))
              }}
            >
              <History size={13} className="muted" />
              <span className="ellipsis grow">{r.name}</span>
              <span className="actions">
                <Play size={12} className="muted" />
              </span>
            </div>
          ))}
        </div>
      )}
      {!view?.open && recent.length > 0 && (
        <div className="recent">
          <div className="side-section">Recent</div>
          {recent.slice(0, 6).map((r) => (
            <div key={r.path} className="recent-row" onClick={() => void p.openDir(r.path)} title={r.path}>
              <span className="ellipsis">{r.name || r.path}</span>
              <span className="hint ellipsis">{r.path}</span>
            </div>
          ))}
        </div>
      )}
      <div className="side-foot" title={mockStatus?.error || mockStatus?.baseUrl}>
        <span className={`status-dot ${mockStatus?.running ? 'ok' : mockStatus?.error ? 'err' : ''}`} />
        <span className="ellipsis grow">{mockStatus?.running ? `Mock server ${mockStatus.baseUrl.replace(/^https?:\/\//, '')}` : mockStatus?.error ? 'Mock server failed' : 'Mock server off'}</span>
        <button
          className="btn small"
          title={mockStatus?.running ? 'Stop the built-in mock LLM server (also at the next launches)' : 'Start the built-in mock LLM server'}
          onClick={() => void useSettings.getState().setMockEnabled(!mockStatus?.running)}
          data-testid="mock-toggle"
        >
          {mockStatus?.running ? 'Turn off' : 'Turn on'}
        </button>
      </div>
    </div>
  )
}
