// @vitest-environment node
// Every Go method the UI calls through api/backend.ts must exist, with the
// same number of arguments, in the bindings Wails generated from app/
// (frontend/wailsjs/go/app/*.d.ts): a renamed or re-shaped method fails here
// instead of at run time.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const here = import.meta.dirname
const bindings = join(here, '..', '..', 'wailsjs', 'go', 'app')

function generated(): Map<string, number> {
  const out = new Map<string, number>()
  for (const f of readdirSync(bindings).filter((n) => n.endsWith('.d.ts'))) {
    const service = f.replace(/\.d\.ts$/, '')
    for (const m of readFileSync(join(bindings, f), 'utf8').matchAll(/export function (\w+)\(([^)]*)\)/g)) {
      out.set(`${service}.${m[1]}`, m[2].trim() === '' ? 0 : m[2].split(',').length)
    }
  }
  return out
}

function used(): { name: string; args: number }[] {
  const src = readFileSync(join(here, 'backend.ts'), 'utf8')
  return [...src.matchAll(/call<[^(]*>\('(\w+)', '(\w+)'((?:, [\w.]+)*)\)/g)].map((m) => ({
    name: `${m[1]}.${m[2]}`,
    args: m[3] ? m[3].split(',').length - 1 : 0,
  }))
}

describe('Go bindings', () => {
  it('has every method the UI calls, with the same arity', () => {
    const gen = generated()
    const calls = used()
    expect(calls.length).toBeGreaterThan(30)
    for (const c of calls) {
      expect(gen.has(c.name), `${c.name} is not in wailsjs/go/app`).toBe(true)
      expect(gen.get(c.name), `${c.name} arguments`).toBe(c.args)
    }
  })
})
