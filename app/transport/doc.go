// Package transport carries a run's batches from the Go side to the UI.
// It knows nothing of what a batch holds (the app's RunBatch): an Outbox
// holds the batches of one run, in order, and gives each exactly once.
//
// Batches reach the UI in one of two ways:
//   - pulled: once per animation frame the UI asks the asset server for
//     its live runs' new batches (PullPath, a synchronous request made at
//     the start of the frame) and shows them in that same frame. The
//     records waiting in the run's batcher are batched there and then
//     (Pull), so the batches follow the UI's frames (one every ~16.7 ms)
//     and an event waits for the next frame only, not for a batch interval
//     and then a frame (measured in the production window: byte-to-screen
//     p99 at 1,000 events/s, docs/BENCHMARKS.md). A fast stream's pulls go
//     through the pull socket instead (Socket), one every other frame,
//     without the UI waiting;
//   - pushed: the "run:<id>" events, when the UI does not pull (a UI
//     without the pull, a hidden window whose frames stop, a stalled one).
//
// A run starts out expecting pulls. A batch nobody pulls within the grace
// (Grace) is pushed, and so is every batch after it until the UI pulls
// again. Either way each batch goes exactly once, in order.
//
// The pull socket is a WebSocket on 127.0.0.1 that answers pulls. A pull
// through the asset server goes from the web view to the window's
// process, whose GTK main thread hands it to the Go side and then reads
// the answer from a pipe 8 KB at a time, passing each piece on to the web
// view: at 20,000 events/s (about 400 KB a pull, 30 pulls a second) that
// main thread fell behind now and then, holding requests for 35-80 ms
// before the Go side saw them and the window's frames with them (bench-ui:
// frame gaps of 100-185 ms with the web view's main thread idle). Through
// the socket a pull goes by WebKit's network process, and its answer comes
// as one message, in one task of the web view. The UI sends the run ids
// ("ID,ID") as a text message; each gets one text message back, the pull's
// answer, in order.
//
// The socket listens on a random port of 127.0.0.1 only, from the first
// time the UI asks for its address (GET PullSocketPath on the asset
// server) until the app quits, and accepts no connection without the
// random token in that address: another program on the machine cannot read
// the runs without it. It also refuses a connection whose Host is not
// 127.0.0.1 or whose Origin is not the app's page.
//
// The app's own paths on the asset server (PullPath, PullSocketPath) hand
// out run data and the pull socket's token, so they answer only the app's
// own page (FromAppPage). In the window the page is wails://wails and its
// requests reach the asset server through WebKit's URI scheme handler with
// Host "wails"; under `wails dev` the page is http://localhost:34115 and
// the asset server is a real HTTP server that any program, or a web page
// in a browser, can reach. A request whose Host is another name (a DNS
// rebinding page: evil.example resolving to 127.0.0.1) or whose Origin is
// another site is refused with 403, in every mode.
package transport
