// Assertions on a stream, run after the built-in merge (any provider
// format): time to first token and the stop reason. The limits come from the
// environment when set there (`max_ttft_ms`, `expected_stop`).
//
// Each pm.test appears per test with pass or fail on stderr, and a failed
// test makes `streamscope` exit 1.

var STOP_VALUES = ["stop", "end_turn", "STOP", "COMPLETE", "tool_calls", "tool_use"];

function onEvent(event, ctx) {
	// The first event after which the merged text is not empty carries the
	// first token.
	if (ctx.state.ttft === undefined && (ctx.result.content !== "" || ctx.result.reasoning !== "")) {
		ctx.state.ttft = event.time;
		ctx.state.ttftSeq = event.seq;
	}
}

function onEnd(ctx) {
	var maxTTFT = Number(ctx.vars.get("max_ttft_ms") || 2000);
	var expected = ctx.vars.get("expected_stop");
	var r = ctx.result;

	pm.test("first token within " + maxTTFT + " ms", function () {
		pm.expect(ctx.state.ttft, "no token arrived").to.not.be.undefined;
		pm.expect(ctx.state.ttft).to.be.at.most(maxTTFT);
	});
	pm.test("the stream completed", function () {
		pm.expect(r.error, "error event").to.be.null;
		pm.expect(r.complete).to.equal(true);
	});
	pm.test("stopped normally", function () {
		if (expected) {
			pm.expect(r.finish_reason).to.equal(expected);
		} else {
			pm.expect(r.finish_reason).to.be.oneOf(STOP_VALUES);
		}
	});
	console.info("time to first token: " + ctx.state.ttft + " ms (event " + ctx.state.ttftSeq + ")");
}
