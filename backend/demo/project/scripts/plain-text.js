// Plain-text token stream: every event's data is one piece of the answer
// (`data: Hel`, `data: lo`), with no JSON around it. Run it with
// `--format script`, so that this script alone builds the result.
//
// A `[DONE]` event ends the stream; a `data: [ERROR] ...` event fails it.

function onEvent(event, ctx) {
	if (event.data === "[DONE]") {
		ctx.state.done = true;
		return;
	}
	if (event.data.indexOf("[ERROR]") === 0) {
		ctx.fail(event.data.slice("[ERROR]".length).trim() || "the stream reported an error");
		return;
	}
	ctx.append(event.data);
}

function onEnd(ctx) {
	// A stream cut off before [DONE] has no stop reason.
	if (ctx.state.done) {
		ctx.setFinishReason("stop");
	}
}
