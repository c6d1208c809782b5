// Settings store: theme (system / light / dark), the built-in mock
// server, recent projects. The Go side owns the settings file; this
// mirrors it and follows "settings:changed".
import { create } from 'zustand'
import type { MockStatus, SettingsView } from '../api/app'
import { errorText, hasBackend, mock, settings as api } from '../api/backend'

export type ThemeChoice = 'system' | 'light' | 'dark'

interface SettingsState {
  view: SettingsView | null
  mock: MockStatus | null
  theme: ThemeChoice
  /** The theme actually shown. */
  resolved: 'light' | 'dark'
  error: string | null
  load: () => Promise<void>
  setTheme: (t: ThemeChoice) => Promise<void>
  setMockEnabled: (on: boolean) => Promise<void>
  refreshMock: () => Promise<void>
}

function systemDark(): boolean {
  return typeof window !== 'undefined' && !!window.matchMedia?.('(prefers-color-scheme: dark)').matches
}

export function resolveTheme(t: ThemeChoice, dark = systemDark()): 'light' | 'dark' {
  return t === 'system' ? (dark ? 'dark' : 'light') : t
}

function asChoice(t: string | undefined): ThemeChoice {
  return t === 'light' || t === 'dark' ? t : 'system'
}

export const useSettings = create<SettingsState>((set, get) => ({
  view: null,
  mock: null,
  theme: 'system',
  resolved: resolveTheme('system'),
  error: null,
  load: async () => {
    if (!hasBackend()) return
    try {
      const v = await api.get()
      set({ view: v, theme: asChoice(v.theme), resolved: resolveTheme(asChoice(v.theme)) })
    } catch (e) {
      set({ error: errorText(e) })
    }
    await get().refreshMock()
  },
  setTheme: async (t) => {
    set({ theme: t, resolved: resolveTheme(t) })
    if (!hasBackend()) return
    try {
      set({ view: await api.setTheme(t) })
    } catch (e) {
      set({ error: errorText(e) })
    }
  },
  setMockEnabled: async (on) => {
    try {
      set({ view: await api.setMockEnabled(on), error: null })
    } catch (e) {
      set({ error: errorText(e) })
    }
    await get().refreshMock()
  },
  refreshMock: async () => {
    try {
      set({ mock: await mock.status() })
    } catch {
      set({ mock: null })
    }
  },
}))

/** Keeps the resolved theme in step with the system and the settings file. */
export function watchSettings(): () => void {
  const offs: (() => void)[] = []
  const mq = window.matchMedia?.('(prefers-color-scheme: dark)')
  if (mq) {
    const fn = () => useSettings.setState((s) => ({ resolved: resolveTheme(s.theme, mq.matches) }))
    mq.addEventListener('change', fn)
    offs.push(() => mq.removeEventListener('change', fn))
  }
  offs.push(
    api.onChanged((v) => {
      const t = asChoice(v.theme)
      useSettings.setState({ view: v, theme: t, resolved: resolveTheme(t) })
      void useSettings.getState().refreshMock()
    }),
  )
  return () => offs.forEach((f) => f())
}
