// The one place the UI reaches the Go side: typed wrappers over the
// generated Wails bindings, so components never import wailsjs directly.
import { Info } from '../wailsjs/go/app/SystemService'
import type { app } from '../wailsjs/go/models'

export type AppInfo = app.AppInfo

export function appInfo(): Promise<AppInfo> {
  return Info()
}
