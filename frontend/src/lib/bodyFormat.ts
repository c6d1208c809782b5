// Pretty-printing of a non-stream response body for the Body tab: JSON is
// re-indented with JSON.stringify, HTML with js-beautify's HTML beautifier,
// XML (also XHTML, Atom, RSS, SVG) with xml-formatter. The two libraries are
// loaded on first use, so they stay out of the app's initial bundle. A body
// that cannot be reformatted (malformed XML, invalid JSON) or is too large to
// reformat without stalling the UI is returned as received, with the reason.
import { prettyJSON } from '../format'

/** How a body is reformatted. */
export type BodyKind = 'json' | 'html' | 'xml' | 'text'

/**
 * Largest body (in characters) reformatted per kind. The formatters run on
 * the UI thread: JSON takes ~40 ms for 2 MB; js-beautify ~0.4 s for 1 MB of
 * HTML; xml-formatter grows faster than linearly (~0.2 s for 256 KB, ~0.7 s
 * for 512 KB, ~2.5 s for 1 MB, measured under Node 20).
 */
export const formatLimits: Record<Exclude<BodyKind, 'text'>, number> = {
  json: 8 << 20,
  html: 1 << 20,
  xml: 256 << 10,
}

export interface FormattedBody {
  kind: BodyKind
  /** The text to show: reformatted when status is 'pretty', else as received. */
  text: string
  /**
   * 'pretty': reformatted; 'as-is': nothing to reformat (plain text);
   * 'too-large': above formatLimits; 'error': the formatter refused it.
   */
  status: 'pretty' | 'as-is' | 'too-large' | 'error'
  /** Why the body is shown as received ('too-large' and 'error'), else ''. */
  reason: string
}

/** Picks how to reformat a body from its Content-Type (parameters ignored). */
export function bodyKind(contentType: string): BodyKind {
  const mt = contentType.split(';')[0].trim().toLowerCase()
  if (mt.includes('json')) return 'json'
  // XHTML is XML: reformatting it as XML keeps self-closing tags as they are.
  if (mt === 'application/xhtml+xml') return 'xml'
  if (mt.includes('html')) return 'html'
  if (mt.endsWith('/xml') || mt.endsWith('+xml')) return 'xml'
  return 'text'
}

function sizeText(n: number): string {
  return n >= 1 << 20 ? `${n / (1 << 20)} MB` : `${n / 1024} KB`
}

function errorMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e)
  // xml-parser-xo's ParsingError puts the detail in cause.
  const cause = (e as Error & { cause?: unknown }).cause
  return typeof cause === 'string' && cause !== '' ? `${e.message}: ${cause}` : e.message
}

function formatJSON(text: string): FormattedBody {
  const pretty = prettyJSON(text)
  if (pretty !== null) return { kind: 'json', text: pretty, status: 'pretty', reason: '' }
  try {
    JSON.parse(text)
    // Valid but not an object, array or string (a number, true, null): nothing to indent.
    return { kind: 'json', text, status: 'as-is', reason: '' }
  } catch (e) {
    return { kind: 'json', text, status: 'error', reason: `not valid JSON: ${errorMessage(e)}` }
  }
}

async function formatHTML(text: string): Promise<string> {
  const { html } = (await import('js-beautify')).default
  return html(text, {
    indent_size: 2,
    // No blank lines around <head> and <body>, no wrapping (the viewer wraps).
    extra_liners: [],
    wrap_line_length: 0,
    end_with_newline: false,
  })
}

async function formatXML(text: string): Promise<string> {
  const formatXml = (await import('xml-formatter')).default
  return formatXml(text, {
    indentation: '  ',
    lineSeparator: '\n',
    // Text stays on its element's line: <name>value</name>.
    collapseContent: true,
    // A mismatched closing tag is an error, not silently repaired.
    strictMode: true,
  })
}

/**
 * Reformats a body for display. Never throws: a body that cannot be
 * reformatted comes back as received, with status and reason saying why.
 */
export async function formatBody(text: string, contentType: string): Promise<FormattedBody> {
  const kind = bodyKind(contentType)
  if (kind === 'text' || text.trim() === '') return { kind, text, status: 'as-is', reason: '' }
  const limit = formatLimits[kind]
  if (text.length > limit) {
    return { kind, text, status: 'too-large', reason: `larger than ${sizeText(limit)}, shown as received` }
  }
  if (kind === 'json') return formatJSON(text)
  try {
    const pretty = kind === 'html' ? await formatHTML(text) : await formatXML(text)
    return { kind, text: pretty, status: 'pretty', reason: '' }
  } catch (e) {
    return { kind, text, status: 'error', reason: errorMessage(e) }
  }
}

/**
 * The text of a body the backend sent as base64 (it sends every image/* so,
 * SVG included): null when the bytes are not valid UTF-8.
 */
export function decodeUTF8(base64: string): string | null {
  try {
    const bin = atob(base64)
    const bytes = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return null
  }
}
