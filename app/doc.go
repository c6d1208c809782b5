// Package app is the thin Wails binding layer: small bound services that
// call into backend/ and push typed, batched events to the frontend.
//
// Every call into the Wails runtime goes through the Runtime interface
// (runtime.go); tests use a fake, so nothing here needs a window.
//
// # Services (frontend/wailsjs/go/app/*)
//
//   - SystemService: Info, Events (the event catalogue, for its types).
//   - SettingsService: Get, SetTheme, SetMockEnabled, SaveWindowState,
//     ClearRecent. Settings live in $XDG_CONFIG_HOME/streamscope/settings.json.
//   - MockService: Status, Start, Stop. The built-in mock LLM server runs
//     on a free loopback port from launch (unless turned off); every run
//     gets its base URL as the variable {{mockBaseUrl}}.
//   - ProjectService: Current, Open, OpenDialog, ChooseDirectory,
//     NewProject, OpenDemo, Close, Recent, GetEndpoint, SaveEndpoint,
//     CreateEndpoint, RenameEndpoint, DuplicateEndpoint, DeleteEndpoint,
//     MoveEndpoint, CreateFolder, RenameFolder, DeleteFolder, ImportCurl,
//     ExportCurl, GetEnvironment, SaveEnvironment, DeleteEnvironment,
//     SecretsAccess, TrustSecrets. The secrets of a project are bound to
//     its folder (backend/secrets): a copied or moved project, or one that
//     claims another's id, shows its secret variables as not stored until
//     the user confirms TrustSecrets (SecretsAccess says whose they are).
//   - RunService: Send, Stop, Forget, Result, Snapshot, Body, Chunk,
//     RawSlice, Records, Export, SaveRecording, ReplayRecording, CheckRule.
//     A run is backend/run's (plan, send or replay, merge, script, verdict);
//     the service batches it for the UI. Its events, body and record log
//     are kept in files (backend/runstore: bounded memory); finished runs
//     are kept until Forget, the last 20 at most.
//     A run's secret values are masked in all of it that the UI or a file
//     gets: batches, the record and event files, Result, Snapshot, Chunk,
//     Body, RawSlice, Records, exports and recordings (backend/run's
//     Masker and Texts); only the body file holds the bytes as received.
//
// # Events
//
//   - "run:<runId>" (RunBatch): a run's stream, batched every ~33 ms, each
//     payload < 64 KB, Seq 1, 2, ... without gaps; records keep their own
//     gap-free Seq. Merge carries text deltas (apply Reset/Append) plus the
//     small fields whole; the last batch has Done. Big bodies come from
//     Body, Chunk and Result. The batches are pulled by the UI every frame
//     (over the asset server or the pull socket) and pushed as these
//     events only when it does not pull: app/transport.
//   - "project:changed" (ProjectChanged): reload with ProjectService.Current.
//   - "settings:changed" (SettingsView), "mock:changed" (MockStatus).
//   - "menu:<action>" (MenuEvent): new-project, open-project, open-demo,
//     open-recent (Path set), save, toggle-theme, reload.
//   - "app:problem" (string): a problem at launch to show once.
//
// First launch (no settings file): the demo project is opened when the
// build has one (Options.Demo); later launches reopen the last project.
package app
