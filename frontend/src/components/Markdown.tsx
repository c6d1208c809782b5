// The merged reply as Markdown, safe while it streams: open code fences are
// closed and half-arrived tables held back before rendering (lib/markdown).
// The reply is rendered block by block (lib/markdown splitBlocks): blocks
// that are complete keep their render, and each batch re-parses only the
// last one, so a long reply costs no more per batch than a short one.
// Renders are deferred so a fast stream never blocks input.
import { memo, useDeferredValue, useRef } from 'react'
import ReactMarkdown from 'react-markdown'
import remarkGfm from 'remark-gfm'
import { closeStreamingMarkdown, splitBlocks, type BlockSplit } from '../lib/markdown'

const plugins = [remarkGfm]

/** A last block this long is shown as plain text while it streams (one block is re-parsed per batch). */
const plainBlockAbove = 30_000

const Block = memo(function Block({ text }: { text: string }) {
  return <ReactMarkdown remarkPlugins={plugins}>{text}</ReactMarkdown>
})

export default function Markdown({ text, streaming, testId }: { text: string; streaming: boolean; testId?: string }) {
  const deferred = useDeferredValue(text)
  const split = useRef<BlockSplit | null>(null)
  if (split.current?.text !== deferred) split.current = splitBlocks(deferred, split.current)
  const blocks = split.current.blocks
  return (
    <div className={`md${streaming ? ' caret' : ''}`} data-testid={testId}>
      {blocks.map((b, i) => {
        if (!streaming || i < blocks.length - 1) return <Block key={i} text={b} />
        if (b.length > plainBlockAbove) return <pre key={i} className="md-plain">{b}</pre>
        return <Block key={i} text={closeStreamingMarkdown(b)} />
      })}
    </div>
  )
}
