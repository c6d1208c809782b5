// Runs store: one live or finished run per editor tab, fed by its batches.
// While runs are live, every animation frame starts by pulling their new
// batches from the Go side (api.pull, app/transport) and applies them in
// that frame (for a fast stream, frames take turns: one sends a pull, the
// next applies its answer; see fastRecords); batches the Go side pushes
// instead ("run:<id>" events: no pulls for a while, a hidden window) are
// applied in the next frame, or by a timer when frames stop. Batches are put back in seq order
// (BatchAssembler); one state update and render per frame at most, however
// fast the stream.
import { flushSync } from 'react-dom'
import { create } from 'zustand'
import type { PullResponse, RunBatch, RunRequest, RunStarted } from '../api/app'
import { errorText, parsePull, runs as api } from '../api/backend'
import { BatchAssembler } from '../lib/batches'
import { diagBatchArrived, diagInFrame, diagRunEnded, diagRunStarted, diagTimeApply, diagTimeModel, diagTimePull } from '../lib/diag'
import { applyBatches, newRunData, type RunData } from '../lib/runModel'

export type RunStatus = 'starting' | 'running' | 'done' | 'failed'

export interface RunEntry {
  /** The editor tab (endpoint ref) the run belongs to. */
  tab: string
  runId: string | null
  status: RunStatus
  error: string | null
  method: string
  url: string
  startedAt: number
  data: RunData
  stopping: boolean
  /** Batches given up on after waiting too long for them. */
  missingBatches: number
  /** Tells this Send's entry from a later one in the same tab. */
  nonce: number
}

interface RunsState {
  byTab: Record<string, RunEntry>
  send: (tab: string, req: RunRequest) => Promise<void>
  /** Replays a saved recording of the project into a tab, without the network. */
  replay: (tab: string, recording: string) => Promise<void>
  stop: (tab: string) => Promise<void>
  forget: (tab: string) => void
  /** Carries runs over to new tab refs (an endpoint renamed or moved): old ref → new ref. */
  rekey: (moves: Record<string, string>) => void
}

interface Live {
  runId: string
  asm: BatchAssembler<RunBatch>
  ready: RunBatch[]
  off: () => void
  timer: ReturnType<typeof setTimeout> | null
  gapTimer: ReturnType<typeof setTimeout> | null
}

const live = new Map<string, Live>()

/** The frame loop's requested animation frame (null: none). */
let frameReq: number | null = null
/** False once a pull failed (no Go side, an app without pulls): batches then come pushed only. */
let pulling = true
/** Pulls in a row that brought nothing, and frames since the last pull. */
let idlePulls = 0
let framesSincePull = 0
/**
 * After idleAfter empty pulls in a row (a slow stream, a model thinking),
 * the loop pulls every idlePullEvery frames (~50 ms) until a pull brings
 * something: a sync request every frame for nothing costs the main thread.
 */
const idleAfter = 4
const idlePullEvery = 3
/**
 * Fast streams. A synchronous pull keeps the main thread waiting while the
 * request goes through the window's process to the Go side and back: about
 * 2 ms at 1,000 events/s, but at 20,000 it took 5.6 ms of every 16.7 ms
 * frame on average, and now and then 40–110 ms when the window's process
 * was slow to pass it on, which stalled the window (bench-ui, 60 s runs;
 * the Go side had answered within 10 ms). So once a pull brings
 * fastRecords records or more, frames take turns: one sends the pull
 * without waiting for it (api.pullLater: through the pull socket, which
 * leaves the window's process out), the answer is taken in when it comes,
 * and the next frame applies and paints it. The main thread only parses,
 * a late answer only delays the records, and the rows and figures change
 * 30 times a second, each pull carrying two frames of records. A pull that
 * brings fewer than slowRecords records goes back to a synchronous pull in
 * every frame, which shows events sooner. At 1,000 events/s a pull brings
 * about 17 records.
 */
const fastRecords = 200
const slowRecords = 100
/** Whether frames take turns, and whether the next one is the pulling one. */
let fast = false
let pullTurn = true
/** Whether a pull sent without waiting has not been answered yet. */
let inFlight = false

/**
 * Tab refs that were renamed while a run's callbacks held the old one:
 * old → current. Every callback resolves its tab through here first.
 */
const renamed = new Map<string, string>()
const current = (tab: string) => renamed.get(tab) ?? tab
let nonces = 0

/** How long batches wait for an animation frame before a timer applies them. */
const frameFallbackMs = 250

/** How long the first batch is waited for before catching up from a snapshot. */
const catchUpMs = 1200

/** How long a missing batch is waited for before the later ones are shown. */
const gapWaitMs = 1500

export const useRuns = create<RunsState>((set, get) => {
  function flush(tab: string) {
    tab = current(tab)
    const l = live.get(tab)
    if (!l) return
    if (l.timer !== null) clearTimeout(l.timer)
    l.timer = null
    const batches = l.ready
    if (batches.length === 0) return
    l.ready = []
    const cur = get().byTab[tab]
    if (!cur) return
    const data = diagTimeModel(() => applyBatches(cur.data, batches))
    const finished = !!data.done
    set((s) => ({ byTab: { ...s.byTab, [tab]: { ...cur, data, status: finished ? 'done' : 'running', stopping: finished ? false : cur.stopping } } }))
    if (finished) {
      const runId = cur.runId
      if (runId) diagRunEnded(runId, () => {
        const e = get().byTab[current(tab)]
        return e?.runId === runId ? { data: e.data, missingBatches: e.missingBatches } : undefined
      })
      l.off()
      if (l.gapTimer) clearTimeout(l.gapTimer)
      live.delete(tab)
    }
  }

  function requestFrame() {
    if (frameReq === null) frameReq = requestAnimationFrame(onFrame)
  }

  /**
   * The frame loop: pull the live runs' new batches, then apply whatever
   * is ready (pulled or pushed) in this frame, just before it is painted.
   */
  function onFrame() {
    frameReq = null
    // A fast stream's frames take turns (see fastRecords): this one sends
    // a pull, or applies what the last one brought.
    const pulls = !fast || pullTurn
    if (pulling && live.size > 0 && pulls && !inFlight) {
      framesSincePull++
      if (fast) pullLater()
      else if (idlePulls < idleAfter || framesSincePull >= idlePullEvery) {
        framesSincePull = 0
        diagTimePull(pullNow)
      }
    }
    const tabs: string[] = []
    let done = false
    for (const [tab, l] of live)
      if (l.ready.length > 0) {
        tabs.push(tab)
        done ||= l.ready.some((b) => !!b.done)
      }
    // The end of a run is shown at once.
    const applies = !(fast && pulls) || done
    pullTurn = !fast || !pullTurn
    if (tabs.length > 0 && applies) {
      diagInFrame(true)
      // React renders the update now, inside this frame callback, so it is
      // painted in this frame (left to itself React would render in a task
      // after the paint, and the update would show a frame later).
      diagTimeApply(() =>
        flushSync(() => {
          for (const tab of tabs) flush(tab)
        }),
      )
      diagInFrame(false)
    }
    if ((pulling && live.size > 0) || (tabs.length > 0 && !applies)) requestFrame()
  }

  /** The live runs' ids, with their tabs. */
  function liveRuns(): Map<string, string> {
    const tabOf = new Map<string, string>()
    for (const [tab, l] of live) tabOf.set(l.runId, tab)
    return tabOf
  }

  /** Pulls the live runs' new batches and takes them in, waiting for them. */
  function pullNow() {
    const tabOf = liveRuns()
    take(tabOf, api.pull([...tabOf.keys()]))
  }

  /** Sends a pull of the live runs' new batches; they are taken in when the answer comes. */
  function pullLater() {
    const tabOf = liveRuns()
    inFlight = true
    void api.pullLater([...tabOf.keys()]).then((text) => {
      inFlight = false
      diagTimePull(() => take(tabOf, parsePull(text)))
      if (pulling && live.size > 0) requestFrame()
    })
  }

  /** Takes in a pull's answer; null (the pull failed) leaves the batches to come pushed. */
  function take(tabOf: Map<string, string>, res: PullResponse | null) {
    if (!res) {
      pulling = fast = false
      return
    }
    let got = false
    let records = 0
    for (const [runId, batches] of Object.entries(res.runs)) {
      const tab = tabOf.get(runId)
      // An answer that comes later may find its run dropped and another
      // one started in the same tab.
      if (!tab || live.get(current(tab))?.runId !== runId) continue
      for (const b of batches) {
        records += b.records?.length ?? 0
        diagBatchArrived(runId, b.records)
        receive(tab, b)
        got = true
      }
    }
    idlePulls = got ? 0 : idlePulls + 1
    if (records >= fastRecords) fast = true
    else if (records < slowRecords) fast = false
  }

  /** Pushed batches are ready: apply them in the next frame, or by a timer when frames stop (a hidden window). */
  function schedule(tab: string, done: boolean) {
    tab = current(tab)
    const l = live.get(tab)
    if (!l) return
    requestFrame()
    if (l.timer === null) l.timer = setTimeout(() => flush(tab), done ? 50 : frameFallbackMs)
  }

  /** Takes in one batch, pulled or pushed; returns whether batches became ready. */
  function receive(tab: string, b: RunBatch): boolean {
    tab = current(tab)
    const l = live.get(tab)
    if (!l) return false
    const ready = l.asm.push(b)
    if (ready.length) l.ready.push(...ready)
    if (l.asm.waiting > 0 && !l.gapTimer) {
      l.gapTimer = setTimeout(() => {
        l.gapTimer = null
        const before = l.asm.expected
        const more = l.asm.skipGap()
        if (more.length) {
          const skipped = more[0].seq - before
          set((s) => {
            const t = current(tab)
            const cur = s.byTab[t]
            return cur ? { byTab: { ...s.byTab, [t]: { ...cur, missingBatches: cur.missingBatches + skipped } } } : s
          })
          l.ready.push(...more)
          schedule(tab, more.some((r) => !!r.done))
        }
      }, gapWaitMs)
    } else if (l.asm.waiting === 0 && l.gapTimer) {
      clearTimeout(l.gapTimer)
      l.gapTimer = null
    }
    return ready.length > 0
  }

  async function catchUp(tab: string, runId: string) {
    tab = current(tab)
    const l = live.get(tab)
    if (!l || l.asm.expected !== 1) return
    let snap: RunBatch
    try {
      snap = await api.snapshot(runId)
    } catch {
      return
    }
    tab = current(tab)
    if (live.get(tab) !== l || l.asm.expected !== 1 || snap.seq < 1) return
    const { covered, ready } = l.asm.skipTo(snap.seq)
    const have = new Set(covered.map((b) => b.seq))
    let missed = 0
    for (let s = 1; s <= snap.seq; s++) if (!have.has(s)) missed++
    // Records of the covered batches, then the snapshot's state, then what follows.
    l.ready.push(...covered.map((b) => ({ ...b, merge: undefined, logs: undefined, tests: undefined, done: undefined })), { ...snap, records: null }, ...ready)
    set((s) => {
      const cur = s.byTab[tab]
      return cur ? { byTab: { ...s.byTab, [tab]: { ...cur, missingBatches: cur.missingBatches + missed } } } : s
    })
    schedule(tab, true)
  }

  async function start(tab: string, method: string, url: string, begin: () => Promise<RunStarted>): Promise<void> {
    renamed.delete(tab) // tab is a live ref again
    const prev = get().byTab[tab]
    drop(tab)
    if (prev?.runId) {
      if (prev.status === 'running') void api.stop(prev.runId).catch(() => {})
      void api_forget(prev.runId)
    }
    const entry: RunEntry = {
      tab,
      nonce: ++nonces,
      runId: null,
      status: 'starting',
      error: null,
      method,
      url,
      startedAt: Date.now(),
      data: newRunData(),
      stopping: false,
      missingBatches: 0,
    }
    set((s) => ({ byTab: { ...s.byTab, [tab]: entry } }))
    try {
      const started = await begin()
      tab = current(tab)
      if (get().byTab[tab]?.nonce !== entry.nonce) {
        void api.stop(started.runId).catch(() => {})
        return
      }
      const l: Live = { runId: started.runId, asm: new BatchAssembler(), ready: [], off: () => {}, timer: null, gapTimer: null }
      live.set(tab, l)
      diagRunStarted(started.runId)
      l.off = api.onBatch(started.event, (b) => {
        diagBatchArrived(started.runId, b.records)
        if (receive(tab, b)) schedule(tab, !!b.done || l.ready.some((r) => !!r.done))
      })
      idlePulls = framesSincePull = 0
      fast = false
      pulling = true // again: a pull that failed before may have been a passing fault
      requestFrame()
      // Batches emitted before the listener was registered are lost on
      // the bridge: if the first one has not come in time, catch up from
      // a snapshot (merge, script output, end; not the records).
      setTimeout(() => void catchUp(tab, started.runId), catchUpMs)
      set((s) => ({ byTab: { ...s.byTab, [tab]: { ...entry, tab, runId: started.runId, status: 'running', method: started.method, url: started.url } } }))
    } catch (e) {
      tab = current(tab)
      if (get().byTab[tab]?.nonce !== entry.nonce) return
      set((s) => ({ byTab: { ...s.byTab, [tab]: { ...entry, tab, status: 'failed', error: errorText(e) } } }))
    }
  }

  function drop(tab: string) {
    const l = live.get(tab)
    if (!l) return
    l.off()
    if (l.timer !== null) clearTimeout(l.timer)
    if (l.gapTimer !== null) clearTimeout(l.gapTimer)
    live.delete(tab)
  }

  return {
    byTab: {},
    send: (tab, req) => start(tab, req.endpoint?.method ?? '', req.endpoint?.url ?? '', () => api.send(req)),
    replay: (tab, recording) => start(tab, 'REPLAY', recording, () => api.replayRecording(recording)),
    stop: async (tab) => {
      const cur = get().byTab[tab]
      if (!cur?.runId || cur.status !== 'running') return
      set((s) => ({ byTab: { ...s.byTab, [tab]: { ...cur, stopping: true } } }))
      try {
        await api.stop(cur.runId)
      } catch (e) {
        set((s) => ({ byTab: { ...s.byTab, [tab]: { ...s.byTab[tab], error: errorText(e), stopping: false } } }))
      }
    },
    rekey: (moves) => {
      const pairs = Object.entries(moves).filter(([from, to]) => from !== to)
      if (pairs.length === 0) return
      for (const [from, to] of pairs) {
        renamed.delete(to)
        for (const [k, v] of renamed) if (v === from) renamed.set(k, to)
        renamed.set(from, to)
        const l = live.get(from)
        if (l) {
          live.delete(from)
          live.set(to, l)
        }
      }
      set((s) => {
        const byTab = { ...s.byTab }
        for (const [from] of pairs) delete byTab[from]
        for (const [from, to] of pairs) if (s.byTab[from]) byTab[to] = { ...s.byTab[from], tab: to }
        return { byTab }
      })
    },
    forget: (tab) => {
      const cur = get().byTab[tab]
      drop(tab)
      if (cur?.runId) {
        if (cur.status === 'running') void api.stop(cur.runId).catch(() => {})
        void api_forget(cur.runId)
      }
      set((s) => {
        const byTab = { ...s.byTab }
        delete byTab[tab]
        return { byTab }
      })
    },
  }
})

function api_forget(runId: string): Promise<void> {
  return api.forget(runId).catch(() => {})
}
