// Makes a Markdown text that is still streaming safe to render: an
// unclosed code fence would swallow everything after it and flip back and
// forth between code and prose as tokens arrive, and a table whose
// delimiter row has not arrived yet renders as a paragraph of pipes. The
// result is only for display; the merged text itself is never changed.

const fenceRe = /^ {0,3}(`{3,}|~{3,})(.*)$/

/**
 * Returns the text with an open code fence closed and a table whose
 * delimiter row is still arriving held back as plain text until it is
 * complete.
 */
export function closeStreamingMarkdown(text: string): string {
  const lines = text.split('\n')
  let open: { char: string; len: number } | null = null
  for (const line of lines) {
    const m = fenceRe.exec(line)
    if (!m) continue
    const marker = m[1]
    if (open === null) {
      // A backtick fence's info string may not contain backticks.
      if (marker[0] === '`' && m[2].includes('`')) continue
      open = { char: marker[0], len: marker.length }
    } else if (marker[0] === open.char && marker.length >= open.len && m[2].trim() === '') {
      open = null
    }
  }
  if (open !== null) {
    const sep = text.endsWith('\n') ? '' : '\n'
    return text + sep + open.char.repeat(open.len) + '\n'
  }
  return holdPartialTable(text)
}

const delimCell = /^\s*:?-+:?\s*$/

function isTableRow(line: string): boolean {
  return line.trimStart().startsWith('|') || (line.includes('|') && line.trim().length > 1)
}

/**
 * A trailing table header without a complete delimiter row yet (e.g.
 * "| a | b |\n| --" ) is escaped so it shows as text, not as a broken table
 * that jumps when the rest arrives.
 */
function holdPartialTable(text: string): string {
  const lines = text.split('\n')
  const last = lines.length - 1
  // The header line and a partial delimiter line at the very end.
  if (last >= 1 && isTableRow(lines[last - 1]) && /^\s*\|?\s*:?-*/.test(lines[last]) && lines[last].includes('-')) {
    const cells = splitCells(lines[last])
    const headerCells = splitCells(lines[last - 1])
    const complete = cells.length >= headerCells.length && cells.every((c) => delimCell.test(c)) && /\|\s*$/.test(lines[last])
    if (!complete) {
      return lines.slice(0, last).join('\n') + '\n'
    }
  }
  return text
}

function splitCells(line: string): string[] {
  let s = line.trim()
  if (s.startsWith('|')) s = s.slice(1)
  if (s.endsWith('|')) s = s.slice(0, -1)
  return s.split('|')
}
