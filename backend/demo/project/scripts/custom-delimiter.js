// A stream whose records are separated by a custom delimiter instead of SSE
// blank lines: the body is `{"token":"Hel"}<|>{"token":"lo"}<|>...<|>{"done":true}<|>`,
// cut into events (or read as one plain body) at arbitrary places, so a
// record, or the delimiter itself, may be split between two events.
// Run it with `--format script`.

var DELIMITER = "<|>";

function onEvent(event, ctx) {
	ctx.state.buffer = (ctx.state.buffer || "") + event.data;
	var parts = ctx.state.buffer.split(DELIMITER);
	// The last part is incomplete (or empty): keep it for the next event.
	ctx.state.buffer = parts.pop();
	parts.forEach(function (record) {
		handle(record, ctx);
	});
}

function onEnd(ctx) {
	// Whatever is left had no closing delimiter: take it if it is whole.
	if (ctx.state.buffer && ctx.state.buffer.trim() !== "") {
		handle(ctx.state.buffer, ctx);
	}
}

function handle(record, ctx) {
	record = record.trim();
	if (record === "") {
		return;
	}
	var msg;
	try {
		msg = JSON.parse(record);
	} catch (e) {
		console.warn("not a JSON record:", record);
		return;
	}
	if (typeof msg.token === "string") {
		ctx.append(msg.token);
	}
	if (msg.error) {
		ctx.fail(String(msg.error));
	}
	if (msg.done) {
		ctx.setFinishReason(msg.reason || "stop");
	}
}
