// CodeMirror 6 editors and read-only viewers: JSON (with validation),
// JavaScript, HTML and XML, with folding and the app's theme.
import CodeMirror, { EditorView, type Extension } from '@uiw/react-codemirror'
import { json, jsonParseLinter } from '@codemirror/lang-json'
import { javascript } from '@codemirror/lang-javascript'
import { linter, lintGutter } from '@codemirror/lint'
import { useEffect, useMemo, useState } from 'react'
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
  }
  return out
}

/** HTML and XML support is loaded on first use (only response bodies need it). */
function useLazyLang(lang: Lang): Extension | null {
  const [ext, setExt] = useState<{ lang: Lang; ext: Extension } | null>(null)
  useEffect(() => {
    let live = true
    if (lang === 'html') void import('@codemirror/lang-html').then((m) => live && setExt({ lang, ext: m.html() }))
    if (lang === 'xml') void import('@codemirror/lang-xml').then((m) => live && setExt({ lang, ext: m.xml() }))
    return () => {
      live = false
    }
  }, [lang])
  return ext?.lang === lang ? ext.ext : null
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
  const lazy = useLazyLang(lang)
  const exts = useMemo(() => (lazy ? [...extensions(lang, !!validate), lazy] : extensions(lang, !!validate)), [lang, validate, lazy])
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
