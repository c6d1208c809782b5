package app

import (
	"strings"
	"testing"
)

type fakeRuntime struct{ events []string }

func (f *fakeRuntime) Emit(name string, data any) { f.events = append(f.events, name) }

func TestSystemInfo(t *testing.T) {
	t.Parallel()
	a := New()
	a.Startup(&fakeRuntime{})
	info, err := a.System.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "Streamscope" || !strings.HasPrefix(info.GoVersion, "go") || !strings.Contains(info.Platform, "/") {
		t.Fatalf("unexpected info %+v", info)
	}
	if len(a.Services()) == 0 {
		t.Fatal("no services bound")
	}
}
