// The UI's mirrors of the Go binding types (./app, ./types) must not name a
// field the generated models (wailsjs/go/models.ts) lack: a Go field that
// is renamed or removed then fails `tsc --noEmit` here instead of reading
// `undefined` at run time. (The generated models are classes with helper
// methods, so the mirrors stay plain interfaces; this checks their keys.)
import { describe, expect, it } from 'vitest'
import type { app, merge, project, send } from '../../wailsjs/go/models'
import type * as A from './app'
import type * as T from './types'

type Extra<Mirror, Generated> = Exclude<keyof Mirror, keyof Generated>
type None<K extends never> = K
// Each line fails to compile when the mirror has a key the Go type lacks.
export type Checked = [
  None<Extra<A.RunRequest, app.RunRequest>>,
  None<Extra<A.RunStarted, app.RunStarted>>,
  None<Extra<A.TextDelta, app.TextDelta>>,
  None<Extra<A.ToolCallView, app.ToolCallView>>,
  None<Extra<A.ChoiceDelta, app.ChoiceDelta>>,
  None<Extra<A.MergeDelta, app.MergeDelta>>,
  None<Extra<A.RunMetrics, app.RunMetrics>>,
  None<Extra<A.RunDone, app.RunDone>>,
  None<Extra<A.ScriptLog, app.ScriptLog>>,
  None<Extra<A.ScriptTest, app.ScriptTest>>,
  None<Extra<A.RunBatch, app.RunBatch>>,
  None<Extra<A.RunResult, app.RunResult>>,
  None<Extra<A.BodyView, app.BodyView>>,
  None<Extra<A.ChunkView, app.ChunkView>>,
  None<Extra<A.RawView, app.RawView>>,
  None<Extra<A.ExportResult, app.ExportResult>>,
  None<Extra<A.RuleCheckRequest, app.RuleCheckRequest>>,
  None<Extra<A.RuleCheck, app.RuleCheck>>,
  None<Extra<A.TreeItem, app.TreeItem>>,
  None<Extra<A.VariableView, app.VariableView>>,
  None<Extra<A.EnvironmentView, app.EnvironmentView>>,
  None<Extra<A.Problem, app.Problem>>,
  None<Extra<A.RecordingView, app.RecordingView>>,
  None<Extra<A.ProjectView, app.ProjectView>>,
  None<Extra<A.EndpointDoc, app.EndpointDoc>>,
  None<Extra<A.CurlImport, app.CurlImport>>,
  None<Extra<A.ProjectChanged, app.ProjectChanged>>,
  None<Extra<A.SettingsView, app.SettingsView>>,
  None<Extra<A.MockStatus, app.MockStatus>>,
  None<Extra<A.VariableEdit, app.VariableEdit>>,
  None<Extra<A.EnvironmentEdit, app.EnvironmentEdit>>,
  None<Extra<A.RecordPage, app.RecordPage>>,
  None<Extra<A.DiagConfig, app.DiagConfig>>,
  None<Extra<A.DiagLatency, app.DiagLatency>>,
  None<Extra<A.DiagFrames, app.DiagFrames>>,
  None<Extra<A.DiagRunReport, app.DiagRunReport>>,
  None<Extra<T.TimelineRecord, app.TimelineRecord>>,
  None<Extra<T.ToolCall, merge.ToolCall>>,
  None<Extra<T.StreamError, merge.StreamError>>,
  None<Extra<T.Choice, merge.Choice>>,
  None<Extra<T.MergeResult, merge.Result>>,
  None<Extra<T.Endpoint, project.Endpoint>>,
  None<Extra<T.Body, project.Body>>,
  None<Extra<T.Auth, project.Auth>>,
  None<Extra<T.KV, project.KV>>,
  None<Extra<T.MergeSettings, project.MergeSettings>>,
  None<Extra<T.ChunkInfo, send.ChunkInfo>>,
  None<Extra<T.EventInfo, send.EventInfo>>,
  None<Extra<T.EndInfo, send.EndInfo>>,
  None<Extra<T.RequestInfo, send.RequestInfo>>,
  None<Extra<T.ResponseInfo, send.ResponseInfo>>,
  None<Extra<T.RedirectInfo, send.RedirectInfo>>,
]

describe('binding mirrors', () => {
  it('are checked against the generated models by the type checker', () => {
    // The assertions above are compile-time; this keeps the file a test.
    const checked: Checked['length'] = 52
    expect(checked).toBe(52)
  })
})
