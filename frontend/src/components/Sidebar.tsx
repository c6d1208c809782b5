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
import { askConfirm } from './Dialogs'

/** What is being dragged in the tree. */
interface Dragged {
  kind: 'endpoint' | 'folder'
  ref: string
}

/** Where a drag would land: before a row, into a folder, or at the end of the top level. */
interface DropAt {
  ref: string
  where: 'before' | 'into' | 'end'
}

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
  const [drag, setDrag] = useState<Dragged | null>(null)
  const [drop, setDrop] = useState<DropAt | null>(null)
  const [editEnv, setEditEnv] = useState(false)
  // With a project open the recent list starts folded, leaving the tree the room.
  const [recentChoice, setRecentOpen] = useState<boolean | null>(null)
  const recentOpen = recentChoice ?? !view?.open
  const others = recent.filter((r) => r.path !== view?.dir)

  const items = useMemo(() => view?.items ?? [], [view])
  const visible = useMemo(() => {
    const out: TreeItem[] = []
    for (const it of items) {
      const hidden = Object.entries(collapsed).some(([f, c]) => c && (it.parent === f || it.parent.startsWith(`${f}/`)))
      if (!hidden) out.push(it)
    }
    return out
  }, [items, collapsed])

  /** Where a drop on row `it` at the pointer's height would land, or null where it cannot. */
  function dropAt(it: TreeItem, e: DragEvent): DropAt | null {
    if (!drag || drag.ref === it.ref) return null
    if (it.kind === 'endpoint') return drag.kind === 'endpoint' ? { ref: it.ref, where: 'before' } : null
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect()
    const upper = e.clientY - r.top < r.height / 3
    if (drag.kind === 'folder' && (it.ref === drag.ref || it.ref.startsWith(`${drag.ref}/`))) return null // not into itself
    return { ref: it.ref, where: upper && drag.kind === 'folder' ? 'before' : 'into' }
  }

  function dropOn(target: TreeItem | null, e: DragEvent) {
    e.preventDefault()
    const at = target ? dropAt(target, e) : { ref: '', where: 'end' as const }
    setDrop(null)
    const d = drag
    setDrag(null)
    if (!d || !at) return
    const folders = (parent: string) => items.filter((i) => i.kind === 'folder' && i.parent === parent && i.ref !== d.ref)
    const endpoints = (folder: string) => items.filter((i) => i.kind === 'endpoint' && i.parent === folder && i.ref !== d.ref)
    if (d.kind === 'endpoint') {
      if (at.where === 'end') void p.move(d.ref, '', endpoints('').length)
      else if (at.where === 'into') void p.move(d.ref, at.ref, endpoints(at.ref).length)
      else if (target) void p.move(d.ref, target.parent, Math.max(0, endpoints(target.parent).findIndex((i) => i.ref === target.ref)))
      return
    }
    if (at.where === 'end') void p.moveFolder(d.ref, '', folders('').length)
    else if (at.where === 'into') void p.moveFolder(d.ref, at.ref, folders(at.ref).length)
    else if (target) void p.moveFolder(d.ref, target.parent, Math.max(0, folders(target.parent).findIndex((i) => i.ref === target.ref)))
  }

  function startDrag(it: TreeItem, e: DragEvent) {
    e.stopPropagation()
    setDrag({ kind: it.kind === 'folder' ? 'folder' : 'endpoint', ref: it.ref })
    e.dataTransfer.setData('text/plain', it.ref)
    e.dataTransfer.effectAllowed = 'move'
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
          <div
            className={`tree${drop?.where === 'end' ? ' drop-end' : ''}`}
            role="tree"
            data-testid="tree"
            onDragOver={(e) => {
              if (!drag) return
              e.preventDefault()
              setDrop((d) => (d?.where === 'end' ? d : { ref: '', where: 'end' }))
            }}
            onDragLeave={(e) => {
              if (e.currentTarget === e.target) setDrop((d) => (d?.where === 'end' ? null : d))
            }}
            onDrop={(e) => dropOn(null, e)}
          >
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
              if (drop?.ref === it.ref) cls.push(drop.where === 'into' ? 'drop-into' : 'drop-before')
              const dragProps = {
                draggable: renaming !== it.ref && renaming !== `f:${it.ref}`,
                onDragStart: (e: DragEvent) => startDrag(it, e),
                onDragEnd: () => (setDrag(null), setDrop(null)),
                onDragOver: (e: DragEvent) => {
                  const at = dropAt(it, e)
                  if (!at) return
                  e.preventDefault()
                  e.stopPropagation()
                  setDrop((d) => (d?.ref === at.ref && d.where === at.where ? d : at))
                },
                onDragLeave: () => setDrop((d) => (d?.ref === it.ref ? null : d)),
                onDrop: (e: DragEvent) => (e.stopPropagation(), dropOn(it, e)),
              }
              if (it.kind === 'folder') {
                const c = !!collapsed[it.ref]
                return (
                  <div key={`f:${it.ref}`} className={cls.join(' ')} style={pad} role="treeitem" aria-expanded={!c} data-testid="tree-folder" data-ref={it.ref} onClick={() => setCollapsed((s) => ({ ...s, [it.ref]: !c }))} {...dragProps}>
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
                        void askConfirm({ title: 'Delete endpoint', message: `Delete “${it.name}”? Its file is removed from the project.`, okLabel: 'Delete', danger: true }).then((yes) => yes && void p.remove(it.ref))
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
      {others.length > 0 && (
        <div className="recent" data-testid="recent">
          <button className="side-section plain" onClick={() => setRecentOpen(!recentOpen)} aria-expanded={recentOpen} title={recentOpen ? 'Hide recent projects' : 'Show recent projects'}>
            <span className="row" style={{ gap: 4 }}>
              {recentOpen ? <ChevronDown size={13} /> : <ChevronRight size={13} />}
              Recent projects
            </span>
            <span className="hint">{others.length}</span>
          </button>
          {recentOpen &&
            others.slice(0, view?.open ? 5 : 8).map((r) => (
              <div key={r.path} className="recent-row" onClick={() => void p.openDir(r.path)} title={`Open ${r.path}`} data-testid="recent-row">
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
