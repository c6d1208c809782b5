// Package ssebench generates the deterministic corpora that Streamscope's
// parser benchmarks run on: the in-repository Go benchmarks of package sse
// and the side-by-side comparison with other parsers in scripts/bench-peers.
// The same size always gives the same bytes, so figures from different runs
// and different contenders are measured over identical input.
package ssebench
