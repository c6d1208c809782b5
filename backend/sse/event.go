package sse

// Event is one dispatched event, as the WHATWG "interpret an event stream"
// algorithm defines it.
type Event struct {
	// Type is the event type after defaulting: "message" when the block had
	// no (or an empty) event field.
	Type string `json:"type"`
	// Data is the data buffer with its single trailing LF removed.
	Data string `json:"data"`
	// ID is the last event ID in effect when the event was dispatched
	// (sticky across events, "" when none was ever set).
	ID string `json:"id"`
}
