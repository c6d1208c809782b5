package project

import (
	"fmt"
	"path/filepath"
	"testing"
)

// benchProject makes a project of n endpoints spread over folders.
func benchProject(b *testing.B, n int) *Project {
	b.Helper()
	p, err := Create(filepath.Join(b.TempDir(), "p"), "bench")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		ep := fullEndpoint()
		ep.Name = fmt.Sprintf("Endpoint %d", i)
		ep.Folder = fmt.Sprintf("folder-%d", i%10)
		if err := p.SaveEndpoint(ep); err != nil {
			b.Fatal(err)
		}
	}
	return p
}

// BenchmarkLoad200 loads a project of 200 fully specified endpoints in 10
// folders (what opening a large project or an external-change reload costs).
func BenchmarkLoad200(b *testing.B) {
	p := benchProject(b, 200)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q, err := Load(p.Dir)
		if err != nil || len(q.Endpoints) != 200 {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaveEndpoint is one atomic, fsynced save of an endpoint file.
func BenchmarkSaveEndpoint(b *testing.B) {
	p := benchProject(b, 1)
	ep := p.Endpoints[0]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ep.Notes = fmt.Sprint(i)
		if err := p.SaveEndpoint(ep); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFingerprint200 is one poll of Watch on a 200-endpoint project.
func BenchmarkFingerprint200(b *testing.B) {
	p := benchProject(b, 200)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Fingerprint(p.Dir); err != nil {
			b.Fatal(err)
		}
	}
}
