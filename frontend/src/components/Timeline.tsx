// The Timeline tab: a virtualised list of every record as it arrives
// (seq, offset, gap, type, id, preview), search, a type filter, jump to
// errors, auto-scroll that stops when the user scrolls up, a chart of
// events/s and gaps, and the selected record as pretty JSON and raw bytes.
import { useVirtualizer } from '@tanstack/react-virtual'
import { ArrowDownToLine, ChevronLeft, ChevronRight, ChevronsDown, ChevronsLeft, ChevronsRight, CircleAlert, HardDrive, Search } from 'lucide-react'
import { Group, Panel, Separator } from 'react-resizable-panels'
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { TimelineRecord } from '../api/types'
import { errorText, runs as runsApi } from '../api/backend'
import { eventRaw, type RawFetch } from '../api/raw'
import FrameHeaders from './FrameHeaders'
import { formatCount, formatMs, formatOffset, prettyJSON, visibleBytes } from '../format'
import { diagTimelineRendered } from '../lib/diag'
import { shallowEqual, useThrottled } from '../lib/throttle'
import { IncrementalFilter, defaultFilter, gapBefore, isProblem, preview, typeLabel, type Filter } from '../lib/timeline'
import type { RunData } from '../lib/runModel'
import { useSettings } from '../store/settings'
import CodeEditor from './CodeEditor'
import RateChart from './RateChart'

const rowHeight = 24
/** Records read back from disk per page (RunService.Records allows 5,000). */
const recordPage = 5000

function typeClass(r: TimelineRecord, types: string[]): string {
  if (r.kind !== 'event') return ''
  const i = types.indexOf(r.event?.type || 'message')
  return `ty-${i % 6}`
}

const Row = memo(function Row({ r, gap, types, selected, top, onSelect }: { r: TimelineRecord; gap: number; types: string[]; selected: boolean; top: number; onSelect: (seq: number) => void }) {
  return (
    <div className={`tl-row k-${r.kind}${selected ? ' sel' : ''}`} style={{ transform: `translateY(${top}px)` }} onClick={() => onSelect(r.seq)} data-testid="tl-row" data-kind={r.kind} data-seq={r.seq}>
      <span className="num">{r.seq}</span>
      <span className="num">{formatOffset(r.time_ms)}</span>
      <span className={`num${gap >= 1000 ? ' gap-slow' : ''}`}>{gap >= 0 ? `+${formatMs(gap)}` : ''}</span>
      <span className={`ty ${typeClass(r, types)}`}>{typeLabel(r)}</span>
      <span className="faint">{r.event?.id ?? ''}</span>
      <span className={r.kind === 'comment' ? 'k-comment' : ''}>{preview(r)}</span>
    </div>
  )
})

function Detail({ runId, r }: { runId: string | null; r: TimelineRecord }) {
  const [full, setFull] = useState<{ seq: number; text: string } | null>(null)
  const [err, setErr] = useState<string | null>(null)
  const truncated = (r.kind === 'event' && r.event?.truncated) || (r.kind === 'chunk' && r.chunk?.truncated)
  useEffect(() => {
    setFull(null)
    setErr(null)
    if (!truncated || !runId) return
    runsApi.chunk(runId, r.seq).then(
      (c) => (c.available ? setFull({ seq: r.seq, text: c.isText ? c.text : atob(c.base64) }) : setErr('The whole data is no longer kept in memory: export the events (JSON Lines) for it.')),
      (e) => setErr(errorText(e)),
    )
  }, [runId, r.seq, truncated])
  // An event's raw pane shows the bytes it came from, read from the run's
  // body when it is selected; a rebuilt block only when those are not kept.
  const rawOffset = r.kind === 'event' ? (r.event?.raw_offset ?? 0) : 0
  const rawSize = r.kind === 'event' ? (r.event?.raw_size ?? 0) : 0
  const [raw, setRaw] = useState<(RawFetch & { runId: string; seq: number }) | null>(null)
  useEffect(() => {
    if (!runId || rawSize <= 0) return
    let live = true
    runsApi.rawSlice(runId, rawOffset, rawSize).then(
      (view) => live && setRaw({ runId, seq: r.seq, view, error: null }),
      (e) => live && setRaw({ runId, seq: r.seq, view: null, error: errorText(e) }),
    )
    return () => {
      live = false
    }
  }, [runId, r.seq, rawOffset, rawSize])
  const data = full?.seq === r.seq ? full.text : r.kind === 'event' ? (r.event?.data ?? '') : r.kind === 'chunk' ? (r.chunk?.preview ?? '') : ''
  const evRaw = r.kind === 'event' && r.event ? eventRaw(r.event, data, raw && raw.runId === runId && raw.seq === r.seq ? raw : null) : null
  const pretty = r.kind === 'event' ? prettyJSON(data) : null
  const meta = r.kind === 'event' || r.kind === 'chunk' ? null : JSON.stringify({ ...r }, null, 2)
  return (
    <div className="tl-detail" data-testid="tl-detail">
      <div className="toolbar">
        <span className="mono">
          #{r.seq} · {typeLabel(r)} · {formatOffset(r.time_ms)} · attempt {r.attempt}
          {r.event?.id ? ` · id ${r.event.id}` : ''}
        </span>
        {truncated && <span className="pill warn">{full ? 'full data loaded' : 'shortened for display'}</span>}
        {err && <span className="pill err">{err}</span>}
      </div>
      <FrameHeaders headers={r.event?.headers} />
      <Group orientation="horizontal" className="grow">
        <Panel defaultSize="55" minSize="20">
          <div className="col" style={{ height: '100%' }}>
            <div className="section-label" style={{ padding: '4px 8px' }}>{pretty ? 'Pretty JSON' : meta ? 'Record' : 'Data'}</div>
            <div className="cm-wrap fill">
              <CodeEditor value={pretty ?? meta ?? data} lang={pretty || meta ? 'json' : 'text'} readOnly testId="tl-pretty" />
            </div>
          </div>
        </Panel>
        <Separator className="sep" />
        <Panel defaultSize="45" minSize="15">
          <div className="col" style={{ height: '100%' }}>
            <div className="section-label" style={{ padding: '4px 8px' }}>
              Raw
              {evRaw && (
                <span className={evRaw.source === 'reconstructed' ? 'pill warn' : 'faint'} style={{ textTransform: 'none', letterSpacing: 0 }} title={evRaw.note} data-testid="tl-raw-source" data-source={evRaw.source}>
                  {evRaw.source === 'reconstructed' ? 'reconstructed, not as received' : evRaw.note}
                </span>
              )}
            </div>
            {evRaw?.source === 'reconstructed' && (
              <div className="faint" style={{ padding: '0 8px 4px', fontSize: 'var(--fs-xs)' }} data-testid="tl-raw-note">
                {evRaw.note}
              </div>
            )}
            <pre className="mono" style={{ margin: 0, padding: '4px 8px', overflow: 'auto', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', flex: 1 }} data-testid="tl-raw">
              {evRaw ? visibleBytes(evRaw.text) : visibleBytes(data || preview(r))}
            </pre>
          </div>
        </Panel>
      </Group>
    </div>
  )
}

/** The highest events/s and the longest gap in a rate series, for the chart's legend. */
function ratePeaks(rate: RunData['rate']): { rate: number; gap: number } {
  let events = 0
  let gap = 0
  for (let i = 0; i < rate.events.length; i++) {
    if (rate.events[i] > events) events = rate.events[i]
    if (rate.maxGap[i] > gap) gap = rate.maxGap[i]
  }
  return { rate: (events * 1000) / rate.bucketMs, gap }
}

/** The last n rows of a list of count fixed-height rows, as virtual items. */
function tailItems(count: number, n: number): { index: number; start: number }[] {
  const out: { index: number; start: number }[] = []
  for (let i = Math.max(0, count - n); i < count; i++) out.push({ index: i, start: i * rowHeight })
  return out
}

export default function Timeline({ data, runId, streaming }: { data: RunData; runId: string | null; streaming: boolean }) {
  const [filter, setFilter] = useState<Filter>(defaultFilter)
  // The search box updates at once; the (whole-list) search runs once typing pauses.
  const [text, setText] = useState('')
  useEffect(() => {
    const t = setTimeout(() => setFilter((f) => (f.text === text ? f : { ...f, text })), 200)
    return () => clearTimeout(t)
  }, [text])
  const [selected, setSelected] = useState<number | null>(null)
  const [follow, setFollow] = useState(true)
  const theme = useSettings((s) => s.resolved)
  const scroller = useRef<HTMLDivElement>(null)
  const inc = useRef(new IncrementalFilter())
  const programmatic = useRef(false)

  // A long run keeps only its newest records in memory (data.pagedOut
  // counts the others); a page of older ones can be read back from disk.
  const [page, setPage] = useState<{ runId: string; from: number; records: TimelineRecord[] } | null>(null)
  const [pageErr, setPageErr] = useState<string | null>(null)
  const paged = page !== null && page.runId === runId
  const records = paged ? page.records : data.records

  // Recomputed once per applied batch (data.version), scanning only new records.
  const version = data.version
  // The array is the filter's own, extended in place; count changes with it.
  const indexes = useMemo(() => inc.current.update(records, filter, paged ? 0 : data.reordered), [records, data.reordered, filter, version, paged]) // eslint-disable-line react-hooks/exhaustive-deps
  const count = indexes.length

  async function loadPage(from: number) {
    if (!runId) return
    const firstLive = data.records[0]?.seq ?? Infinity
    if (from >= firstLive) {
      setPage(null)
      return
    }
    try {
      const p = await runsApi.records(runId, Math.max(1, from), Math.min(recordPage, firstLive - Math.max(1, from)))
      setPageErr(null)
      setFollow(false)
      setSelected(null)
      setPage({ runId, from: p.from, records: p.records })
      scroller.current?.scrollTo({ top: 0 })
    } catch (e) {
      setPageErr(errorText(e))
    }
  }

  function backToLive() {
    setPage(null)
    setPageErr(null)
    setFollow(true)
  }

  // The list's height, for the rows to render while following.
  const [viewHeight, setViewHeight] = useState(0)
  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    setViewHeight(el.clientHeight)
    const ro = new ResizeObserver(() => setViewHeight(el.clientHeight))
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  // Following: the rows rendered are the last ones, where the list is about
  // to be scrolled to, so that new events are painted in the same frame
  // (waiting for the scroll event to move a virtualizer's range would show
  // them a frame later, after two more renders). The virtualizer is off
  // meanwhile; it takes over when the user scrolls away from the end.
  const tail = follow && !paged && viewHeight > 0
  // Rows have one fixed height; no synchronous re-render on scroll.
  const virt = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 8, useFlushSync: false, enabled: !tail })

  // Diagnostics (off unless STREAMSCOPE_DIAG): time the new events' paint.
  useLayoutEffect(() => diagTimelineRendered(runId, data.records), [runId, version]) // eslint-disable-line react-hooks/exhaustive-deps

  const items = tail ? tailItems(count, Math.ceil(viewHeight / rowHeight) + 8) : virt.getVirtualItems()

  // Following: pin the list to its end after each render that added rows.
  useLayoutEffect(() => {
    const el = scroller.current
    if (!follow || !el || count === 0) return
    const end = count * rowHeight - (viewHeight || el.clientHeight)
    if (end > 0 && Math.abs(el.scrollTop - end) > 1) {
      programmatic.current = true
      el.scrollTop = end
      requestAnimationFrame(() => (programmatic.current = false))
    }
  }, [count, follow, viewHeight])

  function onScroll() {
    const el = scroller.current
    if (!el || programmatic.current) return
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < rowHeight * 2
    if (atBottom !== follow) setFollow(atBottom)
  }

  function jumpToError() {
    const from = selected === null ? -1 : indexes.findIndex((i) => records[i].seq === selected)
    for (let k = 1; k <= indexes.length; k++) {
      const j = (from + k) % indexes.length
      const r = records[indexes[j]]
      if (isProblem(r) || r.kind === 'warning') {
        setFollow(false)
        setSelected(r.seq)
        // rows have one height: scroll there directly (the virtualizer may be off while following)
        if (scroller.current) scroller.current.scrollTop = Math.max(0, j * rowHeight - (viewHeight - rowHeight) / 2)
        return
      }
    }
  }

  const selRecord = useMemo(() => {
    if (selected === null) return null
    // Records are sorted by seq: binary search.
    const rs = records
    let lo = 0
    let hi = rs.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (rs[mid].seq === selected) return rs[mid]
      if (rs[mid].seq < selected) lo = mid + 1
      else hi = mid - 1
    }
    return null
  }, [selected, records])

  const problems = data.counts.errors + data.counts.warnings
  // The toolbar's figures change every frame of a fast stream: shown ~8 times a second.
  const chartPeaks = useThrottled(ratePeaks(data.rate), 250, data.rate.bucketMs, shallowEqual)
  const shown = useThrottled({ count, total: records.length, inMemory: data.records.length, lastSeq: data.lastSeq, pagedOut: data.pagedOut }, 120, `${streaming}|${paged}|${filter.text}|${filter.type}|${filter.chunks}`, shallowEqual)
  // The parts around the list change a few times a second at most: kept as
  // the same elements between renders, React passes them over in the
  // render of every frame of a fast stream. Their handlers call the latest
  // functions through a ref.
  const latest = useRef({ jumpToError, loadPage, backToLive })
  latest.current = { jumpToError, loadPage, backToLive }
  const canJump = problems > 0 || !!data.done?.reason?.match(/truncated|error|timeout/)
  const firstLiveSeq = data.records[0]?.seq ?? 1
  const hasPager = data.pagedOut > 0 || paged
  const toolbar = useMemo(
    () => (
      <div className="toolbar">
        <Search size={14} className="faint" />
        <input className="input grow" style={{ minWidth: 120, maxWidth: 260 }} placeholder="Search events" value={text} onChange={(e) => setText(e.target.value)} data-testid="tl-search" />
        <select className="select small" value={filter.type} onChange={(e) => setFilter({ ...filter, type: e.target.value })} data-testid="tl-type">
          <option value="">All types</option>
          <option value="!problems">Errors and warnings</option>
          {data.types.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <label className="row hint" title="List the raw chunks as read from the socket">
          <input type="checkbox" checked={filter.chunks} onChange={(e) => setFilter({ ...filter, chunks: e.target.checked })} /> chunks
        </label>
        <button className="btn small" onClick={() => latest.current.jumpToError()} disabled={!canJump} title="Jump to the next error or warning" data-testid="jump-error">
          <CircleAlert size={13} /> {problems > 0 ? problems : ''}
        </button>
        <button className={`icon-btn${follow ? ' on' : ''}`} onClick={() => setFollow(!follow)} title="Auto-scroll to new events" data-testid="autoscroll">
          <ArrowDownToLine size={14} />
        </button>
        <span className="grow" />
        <span className="stat" data-testid="tl-count" title={`${formatCount(shown.count)} of ${formatCount(shown.total)} records shown`}>
          {shown.count === shown.total ? formatCount(shown.count) : `${formatCount(shown.count)} / ${formatCount(shown.total)}`} rows
        </span>
      </div>
    ),
    [text, filter, data.types, problems, canJump, follow, shown],
  )
  const pager = useMemo(
    () =>
      hasPager && (
        <div className="toolbar pager" data-testid="tl-pager">
          <HardDrive size={13} className="faint" />
          {paged ? (
            <span className="hint" data-testid="tl-pager-text">
              Records {formatCount(page.from)}–{formatCount(page.from + page.records.length - 1)} of {formatCount(data.lastSeq)}, read back from disk
            </span>
          ) : (
            <span className="hint" data-testid="tl-pager-text" title="Long runs keep their newest records in memory; the others are on disk and can be paged in.">
              Newest {formatCount(shown.inMemory)} of {formatCount(shown.lastSeq)} records; {formatCount(shown.pagedOut)} earlier ones are on disk
            </span>
          )}
          {pageErr && <span className="pill err">{pageErr}</span>}
          <span className="grow" />
          <button className="btn small" onClick={() => void latest.current.loadPage(1)} disabled={paged && page.from <= 1} title="The first records" data-testid="tl-page-first">
            <ChevronsLeft size={13} /> First
          </button>
          <button className="btn small" onClick={() => void latest.current.loadPage((paged ? page.from : firstLiveSeq) - recordPage)} disabled={paged && page.from <= 1} title="The records before these" data-testid="tl-page-earlier">
            <ChevronLeft size={13} /> Earlier
          </button>
          {paged && (
            <>
              <button className="btn small" onClick={() => void latest.current.loadPage(page.from + page.records.length)} title="The records after these" data-testid="tl-page-later">
                Later <ChevronRight size={13} />
              </button>
              <button className="btn small" onClick={() => latest.current.backToLive()} title="Back to the newest records" data-testid="tl-page-latest">
                Latest <ChevronsRight size={13} />
              </button>
            </>
          )}
        </div>
      ),
    [hasPager, paged, page, pageErr, shown, data.lastSeq, firstLiveSeq],
  )
  const legend = useMemo(
    () => (
        <div className="legend" data-testid="chart-legend">
          <span style={{ color: 'var(--accent)' }} title="Events per second, per bar">events/s{chartPeaks.rate > 0 ? ` · peak ${formatCount(Math.round(chartPeaks.rate))}` : ''}</span>
          <span style={{ color: 'var(--warn)' }} title="The longest pause between two events, per bar">longest gap{chartPeaks.gap > 0 ? ` · ${formatMs(chartPeaks.gap)}` : ''}</span>
        </div>
    ),
    [chartPeaks],
  )
  const list = (
    <div className="col" style={{ height: '100%', position: 'relative' }}>
      <div className="tl-head">
        <span style={{ textAlign: 'right' }}>seq</span>
        <span style={{ textAlign: 'right' }}>time</span>
        <span style={{ textAlign: 'right' }}>gap</span>
        <span>type</span>
        <span>id</span>
        <span>preview</span>
      </div>
      <div
        className="tl-list"
        ref={scroller}
        onScroll={onScroll}
        // A wheel or key upwards is the user's wish to stop following, even
        // if its scroll event coincides with a programmatic one.
        onWheel={(e) => e.deltaY < 0 && setFollow(false)}
        onKeyDown={(e) => ['ArrowUp', 'PageUp', 'Home'].includes(e.key) && setFollow(false)}
        data-testid="timeline-list"
        tabIndex={0}
      >
        <div style={{ height: count * rowHeight, position: 'relative' }}>
          {items.map((v) => {
            const i = indexes[v.index]
            const r = records[i]
            return <Row key={r.seq} r={r} gap={gapBefore(records, i)} types={data.types} selected={r.seq === selected} top={v.start} onSelect={setSelected} />
          })}
        </div>
        {count === 0 && <div className="empty">{records.length === 0 ? (streaming ? 'Waiting for the first bytes…' : 'No records.') : 'Nothing matches the filter.'}</div>}
      </div>
      {!follow && streaming && !paged && (
        <button className="btn small follow-pill" onClick={() => setFollow(true)} data-testid="follow">
          <ChevronsDown size={13} /> Follow new events
        </button>
      )}
    </div>
  )

  return (
    <div className="tl" data-testid="timeline">
      {toolbar}
      {pager}
      <div className="chart">
        {legend}
        <RateChart rate={data.rate} theme={theme} />
      </div>
      {selRecord ? (
        <Group orientation="vertical" className="grow" style={{ minHeight: 0 }}>
          <Panel defaultSize="60" minSize="20">
            {list}
          </Panel>
          <Separator className="sep" />
          <Panel defaultSize="40" minSize="15">
            <Detail runId={runId} r={selRecord} />
          </Panel>
        </Group>
      ) : (
        <div className="grow col" style={{ minHeight: 0 }}>
          {list}
        </div>
      )}
    </div>
  )
}
