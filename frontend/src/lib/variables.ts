// `{{variable}}` references in request fields: split a text into plain and
// variable segments for highlighting, and list the unresolved ones.

export interface Segment {
  text: string
  /** Set for a `{{name}}` reference. */
  variable?: string
  /** For a reference: whether the environment defines it. */
  resolved?: boolean
}

const varRe = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g

/** Splits text into plain text and `{{name}}` segments. */
export function segments(text: string, known: ReadonlySet<string>): Segment[] {
  const out: Segment[] = []
  let last = 0
  for (const m of text.matchAll(varRe)) {
    const at = m.index ?? 0
    if (at > last) out.push({ text: text.slice(last, at) })
    out.push({ text: m[0], variable: m[1], resolved: known.has(m[1]) })
    last = at + m[0].length
  }
  if (last < text.length) out.push({ text: text.slice(last) })
  return out
}

/** Names referenced in the texts that the environment does not define, in first-use order. */
export function unresolved(texts: Iterable<string | undefined>, known: ReadonlySet<string>): string[] {
  const seen = new Set<string>()
  for (const t of texts) {
    if (!t) continue
    for (const m of t.matchAll(varRe)) {
      if (!known.has(m[1])) seen.add(m[1])
    }
  }
  return [...seen]
}

/** Replaces resolved references with their values (for previews only). */
export function substitute(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(varRe, (all, name: string) => values.get(name) ?? all)
}
