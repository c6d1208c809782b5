import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launch, openApp } from './harness'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})

afterAll(async () => {
  await browser?.close()
})

describe('app shell', () => {
  it('loads and a bound Go method answers', async () => {
    const { page, errors } = await openApp(browser)
    const info = page.getByTestId('app-info')
    // SystemService.Info() runs in Go; its answer carries the Go version.
    await expect.poll(async () => info.textContent(), { timeout: 30_000 }).toMatch(/go1\.\d+/)
    expect(await info.textContent()).toMatch(/linux\/(amd64|arm64)/)
    expect(errors).toEqual([])
  })
})
