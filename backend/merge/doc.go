// Package merge turns the events of an LLM stream into the complete reply:
// content, reasoning, tool calls, stop reason, usage, errors and a verdict,
// for every major provider format (recognised from the events' content) and
// for user JSONPath rules.
package merge
