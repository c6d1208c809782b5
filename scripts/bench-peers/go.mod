module github.com/streamscope/streamscope/scripts/bench-peers

go 1.26.8

require (
	github.com/launchdarkly/eventsource v1.11.0
	github.com/streamscope/streamscope v0.0.0
	github.com/tmaxmax/go-sse v0.11.0
)

replace github.com/streamscope/streamscope => ../..
