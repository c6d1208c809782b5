package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiagnosticsOffByDefault(t *testing.T) {
	t.Parallel()
	a := New(Options{ConfigDir: t.TempDir(), Getenv: func(string) string { return "" }})
	cfg, err := a.System.Diagnostics()
	if err != nil || cfg.Enabled {
		t.Fatalf("Diagnostics() = %+v, %v; want off", cfg, err)
	}
	if _, err := a.System.ReportDiagnostics(DiagRunReport{RunID: "1"}); err == nil || !strings.Contains(err.Error(), EnvDiag) {
		t.Fatalf("ReportDiagnostics with diagnostics off: err = %v, want one naming %s", err, EnvDiag)
	}
}

func TestDiagnosticsReportWritesFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "diag")
	env := map[string]string{EnvDiag: dir}
	a := New(Options{ConfigDir: t.TempDir(), Getenv: func(k string) string { return env[k] }})
	cfg, _ := a.System.Diagnostics()
	if !cfg.Enabled || cfg.Dir != dir {
		t.Fatalf("Diagnostics() = %+v, want enabled in %s", cfg, dir)
	}
	rep := DiagRunReport{RunID: "7", Events: 5, Content: "héllo ✓", Latency: DiagLatency{Count: 5, P99: 12.5}, Frames: DiagFrames{Count: 60, MaxGapMS: 33}}
	path, err := a.System.ReportDiagnostics(rep)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got DiagRunReport
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Events != 5 || got.Latency.P99 != 12.5 || got.Frames.MaxGapMS != 33 || got.Content != "" {
		t.Fatalf("report file = %+v", got)
	}
	c, err := os.ReadFile(filepath.Join(dir, "run-7.content.txt"))
	if err != nil || string(c) != "héllo ✓" {
		t.Fatalf("content file = %q, %v", c, err)
	}
	for _, bad := range []string{"", "../x", "a/b", strings.Repeat("x", 65)} {
		if _, err := a.System.ReportDiagnostics(DiagRunReport{RunID: bad}); err == nil {
			t.Errorf("run id %q: no error", bad)
		}
	}
}
