// Small pure formatting helpers shared by the views.

/** Formats a duration in milliseconds for a dense table cell. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–'
  if (ms < 1) return `${ms.toFixed(2)} ms`
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
}

/** Formats an offset from the start of a request: +0.123 s style, fixed width friendly. */
export function formatOffset(ms: number): string {
  if (!Number.isFinite(ms)) return '–'
  return `${(ms / 1000).toFixed(3)}s`
}

/** Formats a byte count: 512 B, 1.5 KB, 2.0 MB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '–'
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / (1024 * 1024)).toFixed(1)} MB`
}

/** Formats a count with thin grouping: 20000 -> 20,000. */
const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

export function formatCount(n: number): string {
  return Number.isFinite(n) ? countFormat.format(Math.round(n)) : '–'
}

/**
 * One line for a list cell: whitespace runs (including newlines) become one
 * space, and the text is cut at max characters with an ellipsis.
 */
export function oneLine(text: string, max = 240): string {
  const s = text.length > max * 4 ? text.slice(0, max * 4) : text
  const flat = s.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/** Pretty-prints JSON text; returns null when it is not JSON. */
export function prettyJSON(text: string): string | null {
  const t = text.trim()
  if (t === '' || (t[0] !== '{' && t[0] !== '[' && t[0] !== '"')) return null
  try {
    return JSON.stringify(JSON.parse(t), null, 2)
  } catch {
    return null
  }
}

/** Shows control characters and line ends of raw bytes visibly. */
export function visibleBytes(text: string): string {
  return text.replace(/\r/g, '\\r').replace(/\t/g, '→').replace(/\n/g, '↵\n')
}
