import { describe, expect, it } from 'vitest'
import { bodyKind, decodeUTF8, formatBody, formatLimits } from './bodyFormat'
import { prettyJSON } from '../format'

describe('bodyKind', () => {
  it.each([
    ['application/json', 'json'],
    ['application/problem+json; charset=utf-8', 'json'],
    ['text/html', 'html'],
    ['TEXT/HTML; charset=UTF-8', 'html'],
    ['application/xhtml+xml', 'xml'],
    ['text/xml; charset=utf-8', 'xml'],
    ['application/xml', 'xml'],
    ['application/atom+xml', 'xml'],
    ['application/rss+xml', 'xml'],
    ['image/svg+xml', 'xml'],
    ['text/plain', 'text'],
    ['application/javascript', 'text'],
    ['', 'text'],
  ])('%s → %s', (ct, want) => {
    expect(bodyKind(ct)).toBe(want)
  })
})

describe('formatBody HTML', () => {
  it('indents a minified document, one element per line', async () => {
    const min =
      '<!doctype html><html><head><title>T</title></head><body><div class="a"><p>Hello <b>world</b></p><ul><li>1</li><li>2</li></ul></div></body></html>'
    const got = await formatBody(min, 'text/html; charset=utf-8')
    expect(got).toMatchObject({ kind: 'html', status: 'pretty', reason: '' })
    expect(got.text).toBe(
      [
        '<!doctype html>',
        '<html>',
        '<head>',
        '  <title>T</title>',
        '</head>',
        '<body>',
        '  <div class="a">',
        '    <p>Hello <b>world</b></p>',
        '    <ul>',
        '      <li>1</li>',
        '      <li>2</li>',
        '    </ul>',
        '  </div>',
        '</body>',
        '</html>',
      ].join('\n'),
    )
  })

  it('keeps <pre> content as received and is idempotent', async () => {
    const src = '<div><pre>  a\n    b</pre></div>'
    const once = await formatBody(src, 'text/html')
    expect(once.text).toContain('<pre>  a\n    b</pre>')
    const twice = await formatBody(once.text, 'text/html')
    expect(twice.text).toBe(once.text)
  })
})

describe('formatBody XML', () => {
  it('indents attributes, namespaces, CDATA and comments without changing them', async () => {
    const src =
      `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">` +
      `<!-- newest first --><title type="text">A &amp; B</title><entry xml:lang="en"><media:thumbnail url="https://x/a.png" width="10"/>` +
      `<content><![CDATA[<b>raw</b>  text]]></content></entry></feed>`
    const got = await formatBody(src, 'application/atom+xml')
    expect(got).toMatchObject({ kind: 'xml', status: 'pretty', reason: '' })
    expect(got.text).toBe(
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">',
        '  <!-- newest first -->',
        '  <title type="text">A &amp; B</title>',
        '  <entry xml:lang="en">',
        '    <media:thumbnail url="https://x/a.png" width="10"/>',
        '    <content><![CDATA[<b>raw</b>  text]]></content>',
        '  </entry>',
        '</feed>',
      ].join('\n'),
    )
  })

  it('reformats text/xml with a charset, idempotently', async () => {
    const got = await formatBody('<a><b x="1">t</b><c/></a>', 'text/xml; charset=utf-8')
    expect(got.text).toBe('<a>\n  <b x="1">t</b>\n  <c/>\n</a>')
    expect((await formatBody(got.text, 'text/xml')).text).toBe(got.text)
  })

  it('treats SVG as XML text', async () => {
    const got = await formatBody('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><path d="M0 0L10 10"/></svg>', 'image/svg+xml')
    expect(got.status).toBe('pretty')
    expect(got.text).toBe('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n  <path d="M0 0L10 10"/>\n</svg>')
  })

  it('reformats XHTML as XML', async () => {
    const got = await formatBody('<html xmlns="http://www.w3.org/1999/xhtml"><body><br/><p>x</p></body></html>', 'application/xhtml+xml')
    expect(got.kind).toBe('xml')
    expect(got.text).toBe('<html xmlns="http://www.w3.org/1999/xhtml">\n  <body>\n    <br/>\n    <p>x</p>\n  </body>\n</html>')
  })

  it.each([
    ['a mismatched closing tag', '<a><b></a>', /Closing tag not matching/],
    ['an unclosed element', '<a><b>', /Closing tag not matching|Failed to parse XML/],
    ['no root element', 'not xml at all', /Root Element not found/],
    ['two root elements', '<a/><b/>', /multiple root nodes/],
    ['a bare < in text', '<a>1 < 2</a>', /Failed to parse XML/],
  ])('returns malformed XML (%s) as received with the reason', async (_name, src, reason) => {
    const got = await formatBody(src, 'application/xml')
    expect(got.status).toBe('error')
    expect(got.text).toBe(src)
    expect(got.reason).toMatch(reason)
  })
})

describe('formatBody JSON', () => {
  it('pretty-prints as before (prettyJSON)', async () => {
    const src = '{"a":1,"b":[true,null,"x"]}'
    const got = await formatBody(src, 'application/json; charset=utf-8')
    expect(got).toMatchObject({ kind: 'json', status: 'pretty', text: prettyJSON(src) })
    expect(got.text).toBe('{\n  "a": 1,\n  "b": [\n    true,\n    null,\n    "x"\n  ]\n}')
  })

  it('shows invalid JSON as received with the parse error', async () => {
    const got = await formatBody('{"a":', 'application/json')
    expect(got.status).toBe('error')
    expect(got.text).toBe('{"a":')
    expect(got.reason).toMatch(/^not valid JSON: /)
  })

  it('leaves a JSON scalar as it is', async () => {
    expect(await formatBody('42', 'application/json')).toMatchObject({ status: 'as-is', text: '42', reason: '' })
  })
})

describe('formatBody limits and plain text', () => {
  it('leaves plain text and empty bodies as received', async () => {
    expect(await formatBody('<a><b/></a>', 'text/plain')).toMatchObject({ kind: 'text', status: 'as-is', text: '<a><b/></a>' })
    expect(await formatBody('  ', 'application/xml')).toMatchObject({ status: 'as-is', text: '  ' })
  })

  it.each([
    ['xml', 'application/xml', '<a/>'],
    ['html', 'text/html', '<p></p>'],
    ['json', 'application/json', '0,'],
  ] as const)('does not reformat %s above its limit', async (kind, ct, unit) => {
    const limit = formatLimits[kind]
    const wrap = kind === 'json' ? (s: string) => `[${s}0]` : (s: string) => `<r>${s}</r>`
    const big = wrap(unit.repeat(Math.ceil(limit / unit.length) + 1))
    const got = await formatBody(big, ct)
    expect(got.status).toBe('too-large')
    expect(got.text).toBe(big)
    expect(got.reason).toMatch(/^larger than \d+ (KB|MB), shown as received$/)
    // The same shape, small, is reformatted.
    const small = wrap(unit.repeat(3))
    expect((await formatBody(small, ct)).status).toBe('pretty')
  })
})

describe('decodeUTF8', () => {
  it('decodes UTF-8 text sent as base64', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>héllo ✓</text></svg>'
    const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(svg)))
    expect(decodeUTF8(b64)).toBe(svg)
  })

  it('returns null for bytes that are not UTF-8 or not base64', () => {
    expect(decodeUTF8(btoa('\xff\xfe\x00'))).toBeNull()
    expect(decodeUTF8('not base64!')).toBeNull()
  })
})
