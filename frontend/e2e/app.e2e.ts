import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launch, openApp } from './harness'
import { makeProject } from './fixture'

let browser: Browser
const shots = '../test-results'

beforeAll(async () => {
  browser = await launch()
  mkdirSync(shots, { recursive: true })
})

afterAll(async () => {
  await browser?.close()
})

/** Opens the fixture project through the bound ProjectService (the native dialog cannot be driven). */
async function openProject(page: Page, dir: string) {
  await page.waitForFunction(() => !!(window as unknown as { go?: unknown }).go, undefined, { timeout: 30_000 })
  await page.evaluate((d) => (window as unknown as { go: { app: { ProjectService: { Open: (d: string) => Promise<unknown> } } } }).go.app.ProjectService.Open(d), dir)
  await page.getByTestId('project-name').filter({ hasText: 'E2E project' }).waitFor({ timeout: 15_000 })
}

async function selectEndpoint(page: Page, name: string) {
  await page.getByTestId('tree-endpoint').filter({ hasText: name }).first().click()
  await page.getByTestId('url-input').waitFor()
  await expect.poll(() => page.getByTestId('doc-tab').filter({ hasText: name }).count()).toBeGreaterThan(0)
}

async function endReason(page: Page, timeout = 30_000): Promise<string | null> {
  await page.getByTestId('end-pill').waitFor({ timeout })
  return page.getByTestId('end-pill').getAttribute('data-reason')
}

describe('app shell', () => {
  it('loads and a bound Go method answers', async () => {
    const { page, errors } = await openApp(browser)
    const info = page.getByTestId('app-info')
    // SystemService.Info() runs in Go; its answer carries the Go version.
    await expect.poll(async () => info.textContent(), { timeout: 30_000 }).toMatch(/go1\.\d+/)
    expect(await info.textContent()).toMatch(/linux\/(amd64|arm64)/)
    expect(errors).toEqual([])
    await page.close()
  })
})

describe('demo project', () => {
  it('opens from the menu action and lists its endpoints', async () => {
    const { page, errors } = await openApp(browser)
    await page.waitForFunction(() => !!(window as unknown as { go?: unknown }).go, undefined, { timeout: 30_000 })
    await page.evaluate(() => (window as unknown as { runtime: { EventsEmit: (n: string, d: unknown) => void } }).runtime.EventsEmit('menu:open-demo', { action: 'open-demo', path: '' }))
    // The demo project (not a project opened before) is open, with its endpoints.
    await page.getByTestId('demo-pill').waitFor({ timeout: 20_000 })
    await expect.poll(() => page.getByTestId('tree-endpoint').count(), { timeout: 20_000 }).toBeGreaterThan(3)
    await page.screenshot({ path: `${shots}/ui-demo.png` })
    expect(errors).toEqual([])
    await page.close()
  })
})

describe('streaming against the in-process mock', () => {
  const fx = makeProject()

  it('Send shows events in the Timeline and the merged text and reasoning in Auto-Merge', async () => {
    const { page, errors } = await openApp(browser)
    await openProject(page, fx.dir)
    await selectEndpoint(page, 'Chat')
    // Ctrl+Enter sends even from inside the body editor, and does not edit it.
    await page.getByTestId('body-editor').locator('.cm-content').click()
    await page.keyboard.press('Control+Enter')
    expect(await endReason(page)).toBe('complete')
    expect(await page.getByTestId('save').textContent()).toContain('Saved')
    await expect.poll(() => page.getByTestId('tl-row').count()).toBeGreaterThan(5)
    expect(await page.locator('[data-testid=tl-row][data-kind=event]').count()).toBeGreaterThan(3)
    // Select an event: its pretty JSON shows.
    await page.locator('[data-testid=tl-row][data-kind=event]').first().click()
    await page.getByTestId('tl-detail').waitFor()
    // its Raw pane shows the bytes it came from, read back on selection
    await expect.poll(() => page.getByTestId('tl-raw-source').getAttribute('data-source')).toBe('received')
    expect(await page.getByTestId('tl-raw').textContent()).toContain('data: ')
    await page.screenshot({ path: `${shots}/ui-timeline-light.png` })
    // Search narrows the list; a search that matches nothing says so.
    const all = await page.getByTestId('tl-count').textContent()
    await page.getByTestId('tl-search').fill('reasoning_content')
    await expect.poll(() => page.getByTestId('tl-count').textContent()).not.toBe(all)
    await page.getByTestId('tl-search').fill('no-such-text-anywhere')
    await page.getByText('Nothing matches the filter.').waitFor()
    await page.getByTestId('tl-search').fill('')
    await expect.poll(() => page.getByTestId('tl-count').textContent()).toBe(all)
    await page.getByTestId('resp-tab-merge').click()
    const merged = page.getByTestId('merged-content')
    await expect.poll(async () => ((await merged.textContent()) ?? '').length).toBeGreaterThan(20)
    expect(await page.getByTestId('reasoning').textContent()).toMatch(/Reasoning/)
    expect(await page.getByTestId('verdict').getAttribute('data-verdict')).toBe('complete')
    await page.screenshot({ path: `${shots}/ui-automerge-light.png` })
    await page.getByTestId('theme-dark').click()
    await page.screenshot({ path: `${shots}/ui-automerge-dark.png` })
    await page.getByTestId('resp-tab-timeline').click()
    await page.screenshot({ path: `${shots}/ui-timeline-dark.png` })
    await page.getByTestId('theme-system').click()
    expect(errors).toEqual([])
    await page.close()
  })

  it('Stop (Esc) ends a slow stream mid-way as cancelled', async () => {
    const { page, errors } = await openApp(browser)
    await openProject(page, fx.dir)
    await selectEndpoint(page, 'Slow')
    await page.getByTestId('send').click()
    await expect.poll(() => page.locator('[data-testid=tl-row][data-kind=event]').count(), { timeout: 20_000 }).toBeGreaterThan(1)
    await page.getByTestId('stop').waitFor()
    type Mock = { go: { app: { MockService: { Status: () => Promise<{ activeRequests: number }> } } } }
    const active = () => page.evaluate(() => (window as unknown as Mock).go.app.MockService.Status().then((s) => s.activeRequests))
    expect(await active()).toBeGreaterThan(0)
    await page.keyboard.press('Escape')
    expect(await endReason(page, 10_000)).toBe('cancelled')
    // The mock server saw the connection close.
    await expect.poll(active, { timeout: 5_000 }).toBe(0)
    await page.getByTestId('send').waitFor()
    expect(errors).toEqual([])
    await page.close()
  })

  it('a dropped connection shows the cut-off badge, an error event the error badge', async () => {
    const { page, errors } = await openApp(browser)
    await openProject(page, fx.dir)
    await selectEndpoint(page, 'Cut off')
    await page.getByTestId('send').click()
    await endReason(page)
    // Errors and warnings only: the truncation shows up.
    await page.getByTestId('tl-type').selectOption('!problems')
    await expect.poll(() => page.locator('[data-testid=tl-row][data-kind=error], [data-testid=tl-row][data-kind=end]').count()).toBeGreaterThan(0)
    expect(await page.locator('[data-testid=tl-row][data-kind=event]').count()).toBe(0)
    await page.getByTestId('resp-tab-merge').click()
    expect(await page.getByTestId('verdict').getAttribute('data-verdict')).toBe('cut_off')
    await page.screenshot({ path: `${shots}/ui-cutoff.png` })

    await selectEndpoint(page, 'Mid-stream error')
    await page.getByTestId('send').click()
    await endReason(page)
    await page.getByTestId('resp-tab-merge').click()
    expect(await page.getByTestId('verdict').getAttribute('data-verdict')).toBe('error')
    await page.getByTestId('stream-error').waitFor()
    expect(errors).toEqual([])
    await page.close()
  })

  it('a JSONPath rule gets a live count of matching events', async () => {
    const { page, errors } = await openApp(browser)
    await openProject(page, fx.dir)
    await selectEndpoint(page, 'Rules')
    await page.getByTestId('send').click()
    expect(await endReason(page)).toBe('complete')
    await page.getByTestId('req-tab-merge').click()
    const count = page.getByTestId('rule-content-count')
    await count.waitFor({ timeout: 10_000 }).catch(async (e) => {
      await page.screenshot({ path: `${shots}/ui-rules-fail.png` })
      throw e
    })
    const m = /(\d+) \/ (\d+) events/.exec((await count.textContent()) ?? '')
    expect(m).not.toBeNull()
    expect(Number(m![1])).toBeGreaterThan(0)
    // A broken rule comes back as an error, not a crash.
    await page.getByTestId('rule-content').fill('$.choices[')
    await page.getByTestId('rule-error').waitFor({ timeout: 10_000 })
    await page.screenshot({ path: `${shots}/ui-rules.png` })
    expect(errors).toEqual([])
    await page.close()
  })

  it('a script with a failing test shows it in the Script tab', async () => {
    const { page, errors } = await openApp(browser)
    await openProject(page, fx.dir)
    await selectEndpoint(page, 'Tested')
    await page.getByTestId('send').click()
    await endReason(page)
    await page.getByTestId('resp-tab-script').click()
    await page.getByTestId('test-fail').first().waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('test-pass').count()).toBeGreaterThan(0)
    await page.screenshot({ path: `${shots}/ui-script.png` })
    expect(errors).toEqual([])
    await page.close()
  })

  it('a pasted curl command with a literal token offers to move it into a secret variable', async () => {
    const { page, errors } = await openApp(browser)
    await openProject(page, fx.dir)
    await selectEndpoint(page, 'Chat')
    await page.getByTestId('url-input').focus()
    await page.evaluate(() => {
      const dt = new DataTransfer()
      dt.setData('text/plain', `curl -N https://api.example.com/v1/secret-chat -H 'Authorization: Bearer sk-e2e-literal-123' -d '{"stream":true}'`)
      document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }))
    })
    await page.getByTestId('curl-offer').waitFor()
    await page.getByTestId('curl-import').click()
    const dialog = page.getByTestId('dialog')
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('bearer token')
    expect(await dialog.textContent()).not.toContain('sk-e2e-literal-123')
    await page.getByTestId('dialog-input').fill('vault')
    await page.getByTestId('dialog-ok').click()
    await expect.poll(() => page.getByText(/Moved the bearer token to \{\{api_key\}\}/).count(), { timeout: 10_000 }).toBeGreaterThan(0)
    // No project file holds the literal any more; the environment has the secret variable.
    const files = readdirSync(fx.dir, { recursive: true }).map(String).filter((f) => f.endsWith('.yaml'))
    for (const f of files) expect(readFileSync(join(fx.dir, f), 'utf8')).not.toContain('sk-e2e-literal-123')
    expect(readFileSync(join(fx.dir, 'environments', 'vault.yaml'), 'utf8')).toContain('api_key')
    expect(errors).toEqual([])
    await page.close()
  })

  it('pasting a curl command into the URL field offers to import it', async () => {
    const { page, errors } = await openApp(browser)
    await openProject(page, fx.dir)
    await selectEndpoint(page, 'Chat')
    const before = await page.getByTestId('tree-endpoint').count()
    await page.getByTestId('url-input').focus()
    await page.evaluate(() => {
      const dt = new DataTransfer()
      dt.setData('text/plain', `curl -N https://api.example.com/v1/chat/completions -H 'Content-Type: application/json' -d '{"model":"x","stream":true}'`)
      document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }))
    })
    await page.getByTestId('curl-offer').waitFor()
    await page.getByTestId('curl-import').click()
    await expect.poll(() => page.getByTestId('tree-endpoint').count(), { timeout: 10_000 }).toBe(before + 1)
    await expect.poll(() => page.getByTestId('url-input').inputValue()).toBe('https://api.example.com/v1/chat/completions')
    expect(errors).toEqual([])
    await page.close()
  })

  it('Auto-Merge keeps the usage after two tool calls on a short window (nothing drawn over them)', async () => {
    const { page, errors } = await openApp(browser)
    await page.setViewportSize({ width: 1000, height: 560 })
    await openProject(page, fx.dir)
    await selectEndpoint(page, 'Two tools')
    await page.getByTestId('send').click()
    expect(await endReason(page)).toBe('complete')
    await page.getByTestId('resp-tab-merge').click()
    await expect.poll(() => page.getByTestId('tool-call').count()).toBe(2)
    await page.getByTestId('usage').waitFor()
    const boxes = await page.evaluate(() => {
      const box = (el: Element) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom } }
      const am = document.querySelector('[data-testid="automerge"]')!
      return {
        tools: [...document.querySelectorAll('[data-testid="tool-call"]')].map(box),
        usage: box(document.querySelector('[data-testid="usage"]')!.parentElement!),
        scrolls: am.scrollHeight > am.clientHeight,
      }
    })
    await page.screenshot({ path: `${shots}/ui-two-tools.png` })
    // Each block starts below the one before it ends: no overlap.
    expect(boxes.tools[1].top).toBeGreaterThanOrEqual(boxes.tools[0].bottom)
    expect(boxes.usage.top).toBeGreaterThanOrEqual(boxes.tools[1].bottom)
    expect(boxes.scrolls).toBe(true) // the case that overlapped: more than fits
    expect(errors).toEqual([])
    await page.close()
  })

  it('n > 1 gets one tab per choice, tool calls show pretty arguments, a plain response its Body', async () => {
    const { page, errors } = await openApp(browser)
    await openProject(page, fx.dir)
    await selectEndpoint(page, 'Two choices')
    await page.getByTestId('send').click()
    expect(await endReason(page)).toBe('complete')
    await page.getByTestId('resp-tab-merge').click()
    await expect.poll(() => page.getByTestId('choice-tab').count()).toBe(2)
    const first = await page.getByTestId('merged-content').textContent()
    await page.getByTestId('choice-tab').nth(1).click()
    await expect.poll(() => page.getByTestId('merged-content').textContent()).not.toBe(first)

    await selectEndpoint(page, 'Tool call')
    await page.getByTestId('send').click()
    expect(await endReason(page)).toBe('complete')
    await page.getByTestId('resp-tab-merge').click()
    const tool = page.getByTestId('tool-call').first()
    await tool.waitFor()
    expect(await tool.textContent()).toContain('get_weather')
    // Pretty-printed: the arguments span several lines.
    expect(((await tool.locator('pre').textContent()) ?? '').split('\n').length).toBeGreaterThan(2)
    await page.screenshot({ path: `${shots}/ui-toolcall.png` })

    await selectEndpoint(page, 'Not streamed')
    await page.getByTestId('send').click()
    expect(await endReason(page)).toBe('complete')
    await page.getByTestId('resp-tab-body').click()
    await page.getByTestId('body-view').waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('body-view').textContent()).toContain('"choices"')
    await page.screenshot({ path: `${shots}/ui-body.png` })
    expect(errors).toEqual([])
    await page.close()
  })

  it('creates an endpoint, edits and saves it, and finds it again after reopening the project', async () => {
    const { page, errors } = await openApp(browser)
    await openProject(page, fx.dir)
    const before = await page.getByTestId('tree-endpoint').count()
    await page.getByTestId('new-endpoint').click()
    await expect.poll(() => page.getByTestId('tree-endpoint').count(), { timeout: 10_000 }).toBe(before + 1)
    const url = page.getByTestId('url-input')
    await url.fill('{{mockBaseUrl}}/v1/chat/completions?e2e=saved')
    // An undefined variable is flagged before sending.
    await url.fill('{{nowhere}}/v1/chat/completions?e2e=saved')
    await page.getByTestId('unresolved').waitFor()
    await url.fill('{{mockBaseUrl}}/v1/chat/completions?e2e=saved')
    await page.keyboard.press('Control+s')
    await expect.poll(() => page.getByTestId('save').textContent()).toContain('Saved')
    await page.close()

    const again = await openApp(browser)
    await openProject(again.page, fx.dir)
    await again.page.getByTestId('tree-endpoint').filter({ hasText: 'New request' }).first().click()
    await expect.poll(() => again.page.getByTestId('url-input').inputValue()).toBe('{{mockBaseUrl}}/v1/chat/completions?e2e=saved')
    await again.page.getByTestId('send').click()
    expect(await endReason(again.page)).toBe('complete')
    expect(errors).toEqual([])
    expect(again.errors).toEqual([])
    await again.page.close()
  })

  it('saves a run as a recording and replays it without the network', async () => {
    const { page, errors } = await openApp(browser)
    await openProject(page, fx.dir)
    await selectEndpoint(page, 'Chat')
    await page.getByTestId('send').click()
    expect(await endReason(page)).toBe('complete')
    const events = Number(await page.getByTestId('event-count').getAttribute('data-count'))
    await page.getByTestId('save-recording').click()
    await page.getByTestId('dialog-input').fill('chat-e2e')
    await page.getByTestId('dialog-ok').click()
    const rec = page.getByTestId('recording').filter({ hasText: 'chat-e2e' })
    await rec.waitFor({ timeout: 10_000 })
    await rec.click()
    await expect.poll(async () => page.getByTestId('end-pill').getAttribute('data-reason').catch(() => null), { timeout: 15_000 }).toBe('complete')
    await expect.poll(async () => Number(await page.getByTestId('event-count').getAttribute('data-count'))).toBe(events)
    await page.getByTestId('resp-tab-merge').click()
    await expect.poll(async () => ((await page.getByTestId('merged-content').textContent()) ?? '').length).toBeGreaterThan(20)
    expect(errors).toEqual([])
    await page.close()
  })

  it('exports a run as events (JSON Lines), raw body and merged text', async () => {
    const { page, errors } = await openApp(browser)
    await openProject(page, fx.dir)
    await selectEndpoint(page, 'Chat')
    await page.getByTestId('send').click()
    expect(await endReason(page)).toBe('complete')
    const events = Number(await page.getByTestId('event-count').getAttribute('data-count'))
    // The menu offers the three exports once the run is done.
    await page.getByTestId('export').click()
    for (const label of ['Events as JSON Lines', 'Raw body', 'Merged text']) await page.getByRole('button', { name: label }).waitFor()
    await page.getByTestId('export').click()
    // The save dialog is native: export through the same binding with a path.
    const runId = await page.getByTestId('response').getAttribute('data-run-id')
    expect(runId).toBeTruthy()
    const dir = mkdtempSync(join(tmpdir(), 'streamscope-export-'))
    type Go = { go: { app: { RunService: { Export: (id: string, kind: string, path: string) => Promise<{ path: string; bytes: number }>; Result: (id: string) => Promise<{ merge: { content: string } }> } } } }
    const exp = (kind: string, file: string) => page.evaluate(([id, k, f]) => (window as unknown as Go).go.app.RunService.Export(id, k, f), [runId!, kind, join(dir, file)] as const)
    const ev = await exp('events-jsonl', 'events.jsonl')
    const lines = readFileSync(ev.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; type: string; data: string })
    expect(lines).toHaveLength(events)
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1))
    expect(lines[lines.length - 1].data).toBe('[DONE]')
    const raw = await exp('raw', 'body.txt')
    const body = readFileSync(raw.path, 'utf8')
    expect(raw.bytes).toBe(Buffer.byteLength(body))
    expect(body.match(/^data: /gm)).toHaveLength(events)
    const merged = await exp('merged', 'merged.md')
    const result = await page.evaluate((id) => (window as unknown as Go).go.app.RunService.Result(id), runId!)
    expect(readFileSync(merged.path, 'utf8')).toBe(result.merge.content)
    expect(result.merge.content.length).toBeGreaterThan(20)
    // A bad kind is an error that names it.
    await expect(exp('pdf', 'x.pdf')).rejects.toThrow(/pdf/)
    expect(errors).toEqual([])
    await page.close()
  })

  it('an environment variable added in the editor resolves {{references}}', async () => {
    const { page, errors } = await openApp(browser)
    await openProject(page, fx.dir)
    await selectEndpoint(page, 'Chat')
    const url = page.getByTestId('url-input')
    await url.fill('{{mockBaseUrl}}/v1/chat/completions?x={{greeting}}')
    await page.getByTestId('unresolved').waitFor()
    await page.getByTestId('env-edit').click()
    await page.getByTestId('env-add').click()
    const row = page.getByTestId('env-editor').locator('tr').last()
    await row.locator('input[placeholder=name]').fill('greeting')
    await row.getByTestId('env-value').fill('hello')
    await page.getByTestId('env-save').click()
    await page.getByTestId('env-editor').waitFor({ state: 'detached' })
    await page.getByTestId('unresolved').waitFor({ state: 'detached', timeout: 10_000 })
    await page.screenshot({ path: `${shots}/ui-env.png` })
    expect(errors).toEqual([])
    await page.close()
  })

  it('two requests stream at once in their own tabs', async () => {
    const { page, errors } = await openApp(browser)
    await openProject(page, fx.dir)
    await selectEndpoint(page, 'Slow')
    await page.getByTestId('send').click()
    await page.getByTestId('streaming').waitFor()
    await selectEndpoint(page, 'Chat')
    await page.getByTestId('send').click()
    expect(await endReason(page)).toBe('complete')
    // Back on the first tab: it is still streaming, on its own timeline.
    await page.getByTestId('doc-tab').filter({ hasText: 'Slow' }).click()
    await page.getByTestId('streaming').waitFor()
    expect(await page.getByTestId('end-pill').count()).toBe(0)
    await page.getByTestId('stop').click()
    expect(await endReason(page, 10_000)).toBe('cancelled')
    expect(errors).toEqual([])
    await page.close()
  })
})

describe('project tree', () => {
  const fx = makeProject()

  it('creates a folder, renames, duplicates, drags endpoints and folders, saves all and deletes', async () => {
    const { page, errors } = await openApp(browser)
    await openProject(page, fx.dir)
    const row = (name: string) => page.getByTestId('tree-endpoint').filter({ hasText: new RegExp(`^[A-Z]+${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
    const folder = (name: string) => page.getByTestId('tree-folder').filter({ hasText: name })
    const refs = async (testId: string) => page.getByTestId(testId).evaluateAll((els) => els.map((e) => e.getAttribute('data-ref')))

    // A folder, then a second one.
    for (const name of ['Group', 'Later']) {
      await page.getByTitle('New folder').click()
      await page.getByTestId('rename-input').fill(name)
      await page.getByTestId('rename-input').press('Enter')
      await folder(name).waitFor()
    }
    expect(await refs('tree-folder')).toEqual(['group', 'later'])

    // Rename an endpoint from its row's action.
    await row('Slow').hover()
    await row('Slow').getByTitle('Rename').click()
    await page.getByTestId('rename-input').fill('Slowly')
    await page.getByTestId('rename-input').press('Enter')
    await row('Slowly').waitFor()
    expect(await row('Slow').count()).toBe(0)

    // Duplicate it: the copy comes right after.
    await row('Slowly').hover()
    await row('Slowly').getByTitle('Duplicate').click()
    await row('Slowly copy').waitFor()
    const order = await refs('tree-endpoint')
    expect(order.indexOf('Slowly copy')).toBe(order.indexOf('Slowly') + 1)

    // Open the copy, change it without saving, then drag it into the folder:
    // the tab and its unsaved change follow it to its new ref.
    await row('Slowly copy').click()
    await page.getByTestId('url-input').fill('{{mockBaseUrl}}/v1/chat/completions?moved=1')
    await row('Slowly copy').dragTo(folder('Group'), { targetPosition: { x: 60, y: 20 } })
    await expect.poll(() => refs('tree-endpoint')).toContain('group/Slowly copy')
    await expect.poll(() => page.getByTestId('doc-tab').filter({ hasText: 'Slowly copy' }).count()).toBe(1)
    expect(await page.getByTestId('url-input').inputValue()).toBe('{{mockBaseUrl}}/v1/chat/completions?moved=1')

    // Drag an endpoint before another one: Chat goes after Slowly.
    await row('Chat').dragTo(row('Cut off'), { targetPosition: { x: 60, y: 3 } })
    await expect.poll(async () => {
      const r = await refs('tree-endpoint')
      return r.indexOf('Chat') === r.indexOf('Cut off') - 1 && r.indexOf('Slowly') < r.indexOf('Chat')
    }).toBe(true)

    // A folder dragged onto the top of another goes before it; onto its middle, into it.
    await folder('Later').dragTo(folder('Group'), { targetPosition: { x: 60, y: 2 } })
    await expect.poll(() => refs('tree-folder')).toEqual(['later', 'group'])
    await folder('Later').dragTo(folder('Group'), { targetPosition: { x: 60, y: 18 } })
    await expect.poll(() => refs('tree-folder')).toEqual(['group', 'group/later'])
    // Dropped on the empty end of the tree, a folder goes back to the top level, last.
    await folder('Later').dragTo(page.getByTestId('tree'), { targetPosition: { x: 100, y: (await page.getByTestId('tree').boundingBox())!.height - 6 } })
    await expect.poll(() => refs('tree-folder')).toEqual(['group', 'later'])

    // Save all (Ctrl+Shift+S) writes the moved, edited endpoint.
    await page.keyboard.press('Control+Shift+S')
    await expect.poll(() => page.getByTestId('doc-tab').locator('.dirty').count()).toBe(0)
    const saved = readdirSync(join(fx.dir, 'group')).filter((f) => f.endsWith('.endpoint.yaml'))
    expect(saved.map((f) => readFileSync(join(fx.dir, 'group', f), 'utf8')).join('\n')).toContain('moved=1')

    // Delete asks first: Cancel keeps the endpoint, Delete removes the row and its file.
    await row('Slowly').hover()
    await row('Slowly').getByTitle('Delete').click()
    await page.getByTestId('dialog-cancel').click()
    expect(await row('Slowly').count()).toBe(1)
    await row('Slowly').hover()
    await row('Slowly').getByTitle('Delete').click()
    expect(await page.getByTestId('dialog').textContent()).toContain('Delete “Slowly”?')
    await page.getByTestId('dialog-ok').click()
    await expect.poll(() => row('Slowly').count()).toBe(0)
    expect(readdirSync(fx.dir).filter((f) => f.startsWith('slow.'))).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })
})
