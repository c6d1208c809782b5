package app

import (
	"context"
	"sync"

	"github.com/streamscope/streamscope/backend/mockllm"
)

// MockService runs the built-in mock LLM server (backend/mockllm) on a free
// loopback port, so the demo project works offline with no API key. Its
// base URL is the `mockBaseUrl` variable of every run.
type MockService struct {
	// Addr is where to listen ("" means 127.0.0.1:0, a free port).
	Addr string

	mu    sync.Mutex
	base  string
	stop  func()
	err   string
	srv   *mockllm.Server
	onChg func(MockStatus)
}

// MockStatus says whether the mock server runs and where.
type MockStatus struct {
	Running bool   `json:"running"`
	BaseURL string `json:"baseUrl"`
	// Error is why it could not start ("" when it did or was not asked to).
	Error string `json:"error"`
	// ActiveRequests is the number of requests it is serving now.
	ActiveRequests int `json:"activeRequests"`
}

// Status reports the mock server's state.
func (m *MockService) Status() (MockStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.statusLocked(), nil
}

func (m *MockService) statusLocked() MockStatus {
	st := MockStatus{Running: m.stop != nil, BaseURL: m.base, Error: m.err}
	if m.srv != nil && m.stop != nil {
		st.ActiveRequests = m.srv.ActiveRequests()
	}
	return st
}

// Start starts the server if it is not running.
func (m *MockService) Start() (MockStatus, error) {
	m.mu.Lock()
	if m.stop != nil {
		st := m.statusLocked()
		m.mu.Unlock()
		return st, nil
	}
	srv := mockllm.New(mockllm.Options{})
	base, stop, err := srv.Start(context.Background(), m.Addr)
	if err != nil {
		m.err = err.Error()
	} else {
		m.srv, m.base, m.stop, m.err = srv, base, stop, ""
	}
	st := m.statusLocked()
	cb := m.onChg
	m.mu.Unlock()
	if cb != nil {
		cb(st)
	}
	return st, err
}

// Stop stops the server; running streams end.
func (m *MockService) Stop() (MockStatus, error) {
	m.mu.Lock()
	stop := m.stop
	m.stop, m.base, m.srv = nil, "", nil
	m.mu.Unlock()
	if stop != nil {
		stop()
	}
	m.mu.Lock()
	st := m.statusLocked()
	cb := m.onChg
	m.mu.Unlock()
	if cb != nil {
		cb(st)
	}
	return st, nil
}

// baseURL is the running server's base URL ("" when stopped).
func (m *MockService) baseURL() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.base
}
