import { useEffect, useState } from 'react'
import { appInfo, type AppInfo } from './api'

export default function App() {
  const [info, setInfo] = useState<AppInfo | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    appInfo().then(setInfo, (e: unknown) => setError(String(e)))
  }, [])

  return (
    <div className="shell">
      <header className="titlebar">
        <span className="brand">Streamscope</span>
        <span className="muted" data-testid="app-info">
          {info ? `${info.version} · ${info.goVersion} · ${info.platform}` : error ?? 'connecting…'}
        </span>
      </header>
      <main className="empty">
        <h1>Debug LLM streams, event by event</h1>
        <p className="muted">Open a project, pick an endpoint and press Send.</p>
      </main>
    </div>
  )
}
