// Makes a Markdown text that is still streaming safe to render: an
// unclosed code fence would swallow everything after it and flip back and
// forth between code and prose as tokens arrive, and a table whose
// delimiter row has not arrived yet renders as a paragraph of pipes. The
// result is only for display; the merged text itself is never changed.

const fenceRe = /^ {0,3}(`{3,}|~{3,})(.*)$/

/** An open code fence: its character and length (null: none open). */
type Fence = { char: string; len: number } | null

/** The code fence open after line, given the one open before it. */
function fenceAfter(open: Fence, line: string): Fence {
  const m = fenceRe.exec(line)
  if (!m) return open
  const marker = m[1]
  if (open === null) {
    // A backtick fence's info string may not contain backticks.
    return marker[0] === '`' && m[2].includes('`') ? null : { char: marker[0], len: marker.length }
  }
  return marker[0] === open.char && marker.length >= open.len && m[2].trim() === '' ? null : open
}

/**
 * Returns the text with an open code fence closed and a table whose
 * delimiter row is still arriving held back as plain text until it is
 * complete.
 */
export function closeStreamingMarkdown(text: string): string {
  let open: Fence = null
  for (const line of text.split('\n')) open = fenceAfter(open, line)
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

/** A text split into top-level Markdown blocks (see splitBlocks). */
export interface BlockSplit {
  text: string
  /** Where each block starts in text; blocks[i] = text.slice(starts[i], starts[i + 1]). */
  starts: number[]
  blocks: string[]
}

/**
 * Splits a Markdown text into top-level blocks that render the same apart
 * as together, so a streaming reply re-renders only its last block: a
 * block ends at a blank line outside a code fence when the next line
 * starts in the first column (an indented line may continue a list item
 * or a code block). A reference-style link whose definition is in another
 * block is the one thing that renders differently.
 *
 * With the previous split of a text this one extends (the usual case while
 * streaming), only the last block onwards is scanned again.
 */
export function splitBlocks(text: string, prev?: BlockSplit | null): BlockSplit {
  let starts = [0]
  if (prev && prev.starts.length > 0 && text.length >= prev.text.length && text.startsWith(prev.text)) starts = prev.starts.slice()
  // Scan from the last block's start: no block starts inside a fence.
  let pos = starts[starts.length - 1]
  let open: Fence = null
  let blankBefore = false
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos)
    const end = nl < 0 ? text.length : nl
    const line = text.slice(pos, end)
    if (open === null && blankBefore && pos > starts[starts.length - 1] && line.length > 0 && line[0] !== ' ' && line[0] !== '\t') starts.push(pos)
    open = fenceAfter(open, line)
    blankBefore = line.trim() === ''
    if (nl < 0) break
    pos = nl + 1
  }
  const blocks = starts.map((s, i) => text.slice(s, i + 1 < starts.length ? starts[i + 1] : text.length))
  return { text, starts, blocks }
}
