// The merged reply as Markdown, safe while it streams: open code fences are
// closed and half-arrived tables held back before rendering (lib/markdown),
// and renders are deferred so a fast stream never blocks input.
import { memo, useDeferredValue } from 'react'
import ReactMarkdown from 'react-markdown'
import remarkGfm from 'remark-gfm'
import { closeStreamingMarkdown } from '../lib/markdown'

const plugins = [remarkGfm]

const Rendered = memo(function Rendered({ text }: { text: string }) {
  return <ReactMarkdown remarkPlugins={plugins}>{text}</ReactMarkdown>
})

export default function Markdown({ text, streaming, testId }: { text: string; streaming: boolean; testId?: string }) {
  const deferred = useDeferredValue(text)
  const shown = streaming ? closeStreamingMarkdown(deferred) : deferred
  return (
    <div className={`md${streaming ? ' caret' : ''}`} data-testid={testId}>
      <Rendered text={shown} />
    </div>
  )
}
