package project

import (
	"fmt"
	"os"
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

// BenchmarkLoadNested1008 loads 1,008 folders nested 63 deep in 16 chains,
// one endpoint at the bottom of each (the tree sort's worst shape: before
// the sort placed each folder once, it cost O(depth²) per comparison).
func BenchmarkLoadNested1008(b *testing.B) {
	p, err := Create(filepath.Join(b.TempDir(), "p"), "bench")
	if err != nil {
		b.Fatal(err)
	}
	for c := 0; c < 16; c++ {
		dir := filepath.Join(p.Dir, fmt.Sprintf("c%d", c))
		for i := 0; i < 62; i++ {
			dir = filepath.Join(dir, "f")
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "e.endpoint.yaml"), []byte("schema: 2\nname: e\nurl: http://x/\n"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q, err := Load(p.Dir)
		if err != nil || len(q.Folders) != 16*63 || len(q.Endpoints) != 16 {
			b.Fatal(err, len(q.Folders), len(q.Endpoints))
		}
	}
}
