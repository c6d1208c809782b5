// CodeMirror 6 editors and read-only viewers: JSON (with validation),
// JavaScript, HTML and XML, with folding and the app's theme.
import CodeMirror, { EditorView, type Extension } from '@uiw/react-codemirror'
import { json, jsonParseLinter } from '@codemirror/lang-json'
import { javascript } from '@codemirror/lang-javascript'
import { html } from '@codemirror/lang-html'
import { xml } from '@codemirror/lang-xml'
import { linter, lintGutter } from '@codemirror/lint'
import { useMemo } from 'react'
import { useSettings } from '../store/settings'

export type Lang = 'json' | 'javascript' | 'html' | 'xml' | 'text'

/** Picks a viewer language from a Content-Type. */
export function langFor(contentType: string): Lang {
  const ct = contentType.toLowerCase()
  if (ct.includes('json')) return 'json'
  if (ct.includes('html')) return 'html'
  if (ct.includes('xml')) return 'xml'
  if (ct.includes('javascript')) return 'javascript'
  return 'text'
}

function extensions(lang: Lang, validate: boolean): Extension[] {
  const out: Extension[] = [EditorView.lineWrapping]
  switch (lang) {
    case 'json':
      out.push(json())
      if (validate) out.push(linter(jsonParseLinter(), { delay: 300 }), lintGutter())
      break
    case 'javascript':
      out.push(javascript())
      break
    case 'html':
      out.push(html())
      break
    case 'xml':
      out.push(xml())
      break
  }
  return out
}

interface Props {
  value: string
  lang: Lang
  onChange?: (v: string) => void
  readOnly?: boolean
  /** Lint JSON as the user types. */
  validate?: boolean
  height?: string
  testId?: string
  placeholder?: string
}

export default function CodeEditor({ value, lang, onChange, readOnly, validate, height = '100%', testId, placeholder }: Props) {
  const theme = useSettings((s) => s.resolved)
  const exts = useMemo(() => extensions(lang, !!validate), [lang, validate])
  return (
    <CodeMirror
      data-testid={testId}
      value={value}
      height={height}
      theme={theme}
      extensions={exts}
      editable={!readOnly}
      readOnly={readOnly}
      placeholder={placeholder}
      onChange={onChange}
      basicSetup={{ foldGutter: true, lineNumbers: true, highlightActiveLine: !readOnly, autocompletion: !readOnly }}
    />
  )
}
