// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { isCurlCommand } from './curl'

describe('isCurlCommand', () => {
  it.each([
    ['curl https://api.openai.com/v1/chat/completions', true],
    ["  curl -X POST 'http://localhost:8080/x' -d '{}'", true],
    ['$ curl -N {{base}}/v1/chat', true],
    ['curl \\\n  -H "Authorization: Bearer x" \\\n  https://example.com', true],
    ['curl.exe https://example.com', true],
    ['curl example.com', true],
    ['https://api.openai.com/v1/chat/completions', false],
    ['curly braces', false],
    ['curl', false],
    ['curl    ', false],
    ['echo curl https://x.y', false],
  ])('%j -> %s', (text, want) => {
    expect(isCurlCommand(text)).toBe(want)
  })
})
