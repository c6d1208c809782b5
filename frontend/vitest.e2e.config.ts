import { defineConfig } from 'vitest/config'

// End-to-end tests: a real Chromium (Debian's) driven by playwright-core
// against the UI that `wails dev` serves with live Go bindings
// (scripts/e2e starts Xvfb and wails dev first).
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
