// Project store: the open project (tree, environments), the selected
// environment, and the endpoints open in editor tabs with their unsaved
// drafts. The Go side owns the files; every change goes through
// ProjectService and the tree is re-read on "project:changed".
import { create } from 'zustand'
import type { EndpointDoc, EnvironmentEdit, ProjectView, RecentProject } from '../api/app'
import type { Endpoint } from '../api/types'
import { errorText, hasBackend, projects } from '../api/backend'
import { askText } from '../components/Dialogs'
import { useRuns } from './runs'

export interface Draft {
  doc: EndpointDoc
  /** JSON of the doc as last loaded or saved, to tell whether it changed. */
  saved: string
  saving: boolean
  error: string | null
}

interface ProjectState {
  view: ProjectView | null
  loading: boolean
  error: string | null
  notice: string | null
  env: string
  recent: RecentProject[]
  /** Endpoint refs open in tabs, in tab order. */
  tabs: string[]
  active: string | null
  drafts: Record<string, Draft>

  load: () => Promise<void>
  refresh: () => Promise<void>
  openDemo: () => Promise<void>
  openDialog: () => Promise<void>
  openDir: (dir: string) => Promise<void>
  newProject: () => Promise<void>
  setEnv: (name: string) => void
  select: (ref: string) => Promise<void>
  closeTab: (ref: string) => void
  edit: (ref: string, fn: (doc: EndpointDoc) => EndpointDoc) => void
  editEndpoint: (ref: string, patch: Partial<Endpoint>) => void
  save: (ref: string) => Promise<void>
  /** Saves every open endpoint with unsaved changes; resolves to how many were saved. */
  saveAll: () => Promise<number>
  create: (folder: string, name?: string) => Promise<void>
  createFolder: (parent: string, name: string) => Promise<void>
  rename: (ref: string, name: string) => Promise<void>
  duplicate: (ref: string) => Promise<void>
  remove: (ref: string) => Promise<void>
  move: (ref: string, folder: string, index: number) => Promise<void>
  /** Moves a folder to position index among parent's subfolders ("" the top). */
  moveFolder: (path: string, parent: string, index: number) => Promise<void>
  renameFolder: (path: string, name: string) => Promise<void>
  deleteFolder: (path: string) => Promise<void>
  saveEnvironment: (edit: EnvironmentEdit) => Promise<boolean>
  deleteEnvironment: (name: string) => Promise<void>
  importCurl: (text: string, folder?: string) => Promise<string[]>
  offerMoveCredentials: (ref: string, what: string[]) => Promise<void>
  setNotice: (n: string | null) => void
}

const serial = (d: EndpointDoc) => JSON.stringify({ e: d.endpoint, s: d.script })

export function isDirty(d: Draft | undefined): boolean {
  return !!d && serial(d.doc) !== d.saved
}

function pickEnv(view: ProjectView, cur: string): string {
  const envs = view.environments ?? []
  if (envs.some((e) => e.name === cur)) return cur
  if (view.defaultEnvironment && envs.some((e) => e.name === view.defaultEnvironment)) return view.defaultEnvironment
  return envs[0]?.name ?? ''
}

export const useProject = create<ProjectState>((set, get) => {
  /**
   * Carries open tabs, their drafts and their runs over to new refs (old →
   * new) after an endpoint was renamed or moved. A clean draft takes doc
   * when given (the endpoint as saved); unsaved changes are kept.
   */
  function carry(moves: Record<string, string>, doc?: EndpointDoc) {
    const pairs = Object.entries(moves).filter(([from, to]) => from !== to || doc)
    if (pairs.length === 0) return
    set((s) => {
      const drafts = { ...s.drafts }
      for (const [from] of pairs) delete drafts[from]
      for (const [from, to] of pairs) {
        const old = s.drafts[from]
        if (doc && !old) drafts[to] = { doc, saved: serial(doc), saving: false, error: null }
        else if (old && doc && !isDirty(old)) drafts[to] = { doc, saved: serial(doc), saving: false, error: null }
        else if (old) {
          const moved = { ...old.doc, ref: to, endpoint: doc ? { ...old.doc.endpoint, name: doc.endpoint.name } : old.doc.endpoint }
          drafts[to] = { ...old, doc: moved, saved: isDirty(old) ? old.saved : serial(moved) }
        }
      }
      const map = (r: string) => moves[r] ?? r
      return { drafts, tabs: s.tabs.map(map), active: s.active === null ? null : map(s.active) }
    })
    useRuns.getState().rekey(moves)
  }

  async function adopt(p: Promise<ProjectView>) {
    set({ loading: true })
    try {
      const view = await p
      const known = new Set((view.items ?? []).filter((i) => i.kind === 'endpoint').map((i) => i.ref))
      const sameProject = get().view?.dir === view.dir
      const tabs = sameProject ? get().tabs.filter((r) => known.has(r)) : []
      const drafts = sameProject ? get().drafts : {}
      set({ view, loading: false, error: null, env: pickEnv(view, sameProject ? get().env : ''), tabs, drafts, active: tabs.includes(get().active ?? '') ? get().active : (tabs[0] ?? null) })
      if (view.open && !sameProject) {
        const first = (view.items ?? []).find((i) => i.kind === 'endpoint')
        if (first) await get().select(first.ref)
      }
      void projects.recent().then((r) => set({ recent: r ?? [] }), () => {})
    } catch (e) {
      set({ loading: false, error: errorText(e) })
    }
  }

  async function act<T>(p: Promise<T>): Promise<T | undefined> {
    try {
      const r = await p
      set({ error: null })
      return r
    } catch (e) {
      set({ error: errorText(e) })
      return undefined
    }
  }

  return {
    view: null,
    loading: false,
    error: null,
    notice: null,
    env: '',
    recent: [],
    tabs: [],
    active: null,
    drafts: {},

    load: async () => {
      if (!hasBackend()) {
        set({ error: 'The Go backend is not connected: run the app (or `wails dev`).' })
        return
      }
      await adopt(projects.current())
    },
    refresh: async () => {
      if (!hasBackend()) return
      const view = await act(projects.current())
      if (!view) return
      const known = new Set((view.items ?? []).filter((i) => i.kind === 'endpoint').map((i) => i.ref))
      const tabs = get().tabs.filter((r) => known.has(r))
      set({ view, env: pickEnv(view, get().env), tabs, active: tabs.includes(get().active ?? '') ? get().active : (tabs[0] ?? null) })
      // Reload clean drafts so outside edits show; keep unsaved work.
      for (const ref of tabs) {
        const d = get().drafts[ref]
        if (d && !isDirty(d)) {
          const doc = await act(projects.getEndpoint(ref))
          if (doc) set((s) => ({ drafts: { ...s.drafts, [ref]: { doc, saved: serial(doc), saving: false, error: null } } }))
        }
      }
    },
    openDemo: () => adopt(projects.openDemo()),
    openDialog: async () => {
      const v = await act(projects.openDialog())
      if (v && v.open) await adopt(Promise.resolve(v))
    },
    openDir: (dir) => adopt(projects.open(dir)),
    newProject: async () => {
      const dir = await act(projects.chooseDirectory('Choose a folder for the new project'))
      if (!dir) return
      const name = dir.split(/[\\/]/).filter(Boolean).pop() ?? 'Project'
      await adopt(projects.newProject(dir, name))
    },
    setEnv: (name) => set({ env: name }),
    select: async (ref) => {
      const s = get()
      if (!s.tabs.includes(ref)) set({ tabs: [...s.tabs, ref] })
      set({ active: ref })
      if (!get().drafts[ref]) {
        const doc = await act(projects.getEndpoint(ref))
        if (doc) set((st) => ({ drafts: { ...st.drafts, [ref]: { doc, saved: serial(doc), saving: false, error: null } } }))
      }
    },
    closeTab: (ref) => {
      const s = get()
      const i = s.tabs.indexOf(ref)
      const tabs = s.tabs.filter((r) => r !== ref)
      const drafts = { ...s.drafts }
      delete drafts[ref]
      set({ tabs, drafts, active: s.active === ref ? (tabs[Math.min(i, tabs.length - 1)] ?? null) : s.active })
    },
    edit: (ref, fn) => {
      const d = get().drafts[ref]
      if (!d) return
      set((s) => ({ drafts: { ...s.drafts, [ref]: { ...d, doc: fn(d.doc) } } }))
    },
    editEndpoint: (ref, patch) => get().edit(ref, (doc) => ({ ...doc, endpoint: { ...doc.endpoint, ...patch } })),
    save: async (ref) => {
      const d = get().drafts[ref]
      if (!d) return
      set((s) => ({ drafts: { ...s.drafts, [ref]: { ...d, saving: true } } }))
      try {
        const doc = await projects.saveEndpoint(d.doc)
        set((s) => ({ drafts: { ...s.drafts, [ref]: { doc, saved: serial(doc), saving: false, error: null } } }))
      } catch (e) {
        set((s) => ({ drafts: { ...s.drafts, [ref]: { ...d, saving: false, error: errorText(e) } } }))
      }
    },
    saveAll: async () => {
      const dirty = get().tabs.filter((ref) => isDirty(get().drafts[ref]))
      await Promise.all(dirty.map((ref) => get().save(ref)))
      return dirty.filter((ref) => !get().drafts[ref]?.error).length
    },
    create: async (folder, name) => {
      const existing = new Set((get().view?.items ?? []).map((i) => i.name))
      let n = name ?? 'New request'
      for (let i = 2; !name && existing.has(n); i++) n = `New request ${i}`
      const doc = await act(projects.createEndpoint(folder, n, ''))
      if (doc) {
        await get().refresh()
        await get().select(doc.ref)
      }
    },
    createFolder: async (parent, name) => {
      const v = await act(projects.createFolder(parent, name))
      if (v) set({ view: v })
    },
    rename: async (ref, name) => {
      const doc = await act(projects.renameEndpoint(ref, name))
      if (!doc) return
      // The ref may change with the name: carry the tab, draft and run over.
      carry({ [ref]: doc.ref }, doc)
      await get().refresh()
    },
    duplicate: async (ref) => {
      const doc = await act(projects.duplicateEndpoint(ref))
      if (doc) {
        await get().refresh()
        await get().select(doc.ref)
      }
    },
    remove: async (ref) => {
      const v = await act(projects.deleteEndpoint(ref))
      if (v) {
        get().closeTab(ref)
        set({ view: v })
      }
    },
    move: async (ref, folder, index) => {
      const name = get().view?.items?.find((i) => i.kind === 'endpoint' && i.ref === ref)?.name
      const v = await act(projects.moveEndpoint(ref, folder, index))
      if (!v) return
      // Into another folder the ref changes with it.
      if (name !== undefined) carry({ [ref]: folder ? `${folder}/${name}` : name })
      await adopt(Promise.resolve(v))
    },
    moveFolder: async (path, parent, index) => {
      const v = await act(projects.moveFolder(path, parent, index))
      if (!v) return
      const base = path.split('/').pop() ?? path
      const to = parent ? `${parent}/${base}` : base
      if (to !== path) {
        const moves: Record<string, string> = {}
        for (const ref of Object.keys(get().drafts)) if (ref.startsWith(`${path}/`)) moves[ref] = to + ref.slice(path.length)
        carry(moves)
      }
      await adopt(Promise.resolve(v))
    },
    renameFolder: async (path, name) => {
      const v = await act(projects.renameFolder(path, name))
      if (v) set({ view: v })
    },
    deleteFolder: async (path) => {
      const v = await act(projects.deleteFolder(path))
      if (v) set({ view: v })
    },
    saveEnvironment: async (edit) => {
      const r = await act(projects.saveEnvironment(edit))
      if (!r) return false
      await get().refresh()
      set({ env: edit.name })
      return true
    },
    deleteEnvironment: async (name) => {
      const v = await act(projects.deleteEnvironment(name))
      if (v) set({ view: v, env: pickEnv(v, '') })
    },
    importCurl: async (text, folder = '') => {
      const r = await act(projects.importCurl(text, '', folder))
      if (!r) return []
      await get().refresh()
      await get().select(r.endpoint.ref)
      set({ notice: r.warnings?.length ? `Imported with warnings: ${r.warnings.join('; ')}` : `Imported “${r.endpoint.endpoint.name}” from curl` })
      const creds = r.credentials ?? []
      if (creds.length > 0) await get().offerMoveCredentials(r.endpoint.ref, creds.map((c) => c.what))
      return r.warnings ?? []
    },
    offerMoveCredentials: async (ref, what) => {
      const env = await askText({
        title: 'Keep the credentials secret?',
        message: `The command held ${what.length === 1 ? 'a literal credential' : `${what.length} literal credentials`} (${what.join(', ')}), now written in the project file. Move ${what.length === 1 ? 'it' : 'them'} into secret variables of this environment (kept outside the project)?`,
        initial: get().env || 'local',
        okLabel: 'Move to secrets',
      })
      if (!env) return
      const moved = await act(projects.moveCredentials(ref, env.trim()))
      if (!moved) return
      await get().refresh()
      await get().select(moved.endpoint.ref)
      set({ env: moved.environment, notice: `Moved ${(moved.moved ?? []).map((c) => `the ${c.what} to {{${c.var}}}`).join(', ')} (environment “${moved.environment}”)` })
    },
    setNotice: (n) => set({ notice: n }),
  }
})

/** Subscribes the store to "project:changed". */
export function watchProject(): () => void {
  return projects.onChanged((c) => {
    const s = useProject.getState()
    if (c.reason === 'opened' && c.dir !== s.view?.dir) void s.load()
    else if (c.reason === 'closed') useProject.setState({ view: null, tabs: [], drafts: {}, active: null })
    else void s.refresh()
    if (c.error) useProject.setState({ error: c.error })
  })
}
