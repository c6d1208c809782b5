// Reasoning models served through an OpenAI-compatible API (DeepSeek-R1 and
// Qwen QwQ on many hosts) often put their thinking inside the answer text:
// `<think>...</think>` followed by the answer. This script builds the result
// from the chat-completion deltas itself and moves the text between the
// tags to the reasoning. A tag may be split between events (`<thi` + `nk>`),
// so text that could be the start of a tag is held back until the next
// event shows what it is. Run it with `--format script`.

var OPEN = "<think>", CLOSE = "</think>";

function onEvent(event, ctx) {
	if (event.data === "[DONE]") {
		ctx.state.done = true;
		return;
	}
	var choice = event.json && event.json.choices && event.json.choices[0];
	if (!choice) {
		return;
	}
	if (choice.finish_reason) {
		ctx.setFinishReason(choice.finish_reason);
	}
	var delta = choice.delta || {};
	if (typeof delta.reasoning_content === "string") {
		// Hosts that already split the thinking out.
		ctx.appendReasoning(delta.reasoning_content);
	}
	if (typeof delta.content === "string") {
		split(ctx, delta.content);
	}
}

function onEnd(ctx) {
	// A tag that never completed is just text.
	emit(ctx, ctx.state.pending || "");
	ctx.state.pending = "";
	if (!ctx.state.done) {
		console.warn("the stream ended without [DONE]");
	}
}

function split(ctx, piece) {
	var s = ctx.state;
	var text = (s.pending || "") + piece;
	s.pending = "";
	while (text.length > 0) {
		var tag = s.inThink ? CLOSE : OPEN;
		var at = text.indexOf(tag);
		if (at >= 0) {
			emit(ctx, text.slice(0, at));
			s.inThink = !s.inThink;
			text = text.slice(at + tag.length);
			continue;
		}
		var keep = partialTagLength(text, tag);
		emit(ctx, text.slice(0, text.length - keep));
		s.pending = text.slice(text.length - keep);
		break;
	}
}

function emit(ctx, text) {
	if (text === "") {
		return;
	}
	if (ctx.state.inThink) {
		ctx.appendReasoning(text);
	} else if (ctx.result.content === "") {
		// The answer usually starts after a blank line that closed the thinking.
		ctx.append(text.replace(/^\s+/, ""));
	} else {
		ctx.append(text);
	}
}

// partialTagLength is the length of the longest end of text that is a
// proper prefix of tag.
function partialTagLength(text, tag) {
	for (var n = Math.min(tag.length - 1, text.length); n > 0; n--) {
		if (text.slice(text.length - n) === tag.slice(0, n)) {
			return n;
		}
	}
	return 0;
}
