// Shared set-up for end-to-end tests: Debian's Chromium driven by
// playwright-core, pointed at the UI that `wails dev` serves with live
// Go bindings (scripts/e2e starts Xvfb and wails dev before the tests).
import { chromium, type Browser, type Page } from 'playwright-core'

export const baseURL = process.env.STREAMSCOPE_E2E_URL ?? 'http://localhost:34115'

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** Opens the app in a fresh page and collects page errors for assertions. */
export async function openApp(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
  const errors: string[] = []
  page.on('pageerror', (e) => {
    // The Wails dev runtime (/wails/ipc.js) throws once on load in a plain
    // browser (it looks for the native window's drop target); that is the
    // framework's, not the app's. Every other page error fails the test.
    if (e.stack?.includes('/wails/ipc.js')) return
    errors.push(String(e.stack ?? e))
  })
  await page.goto(baseURL, { waitUntil: 'domcontentloaded' })
  return { page, errors }
}
