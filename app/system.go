package app

import (
	"runtime"

	"github.com/streamscope/streamscope/backend/cli"
)

// SystemService answers questions about the running app.
type SystemService struct {
	diag diagState
}

// AppInfo describes the running build.
type AppInfo struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Info returns the app's name, version and platform.
func (s *SystemService) Info() (AppInfo, error) {
	return AppInfo{
		Name:      "Streamscope",
		Version:   cli.Version,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}, nil
}

// EventCatalog names the events the app sends and shows the type of each
// payload (the typed fields are zero values: they exist so that the
// generated TypeScript has the payload types).
type EventCatalog struct {
	// Names maps each event to its payload type; "run:<runId>" stands for
	// every run's event.
	Names          map[string]string `json:"names"`
	Run            RunBatch          `json:"run"`
	ProjectChanged ProjectChanged    `json:"projectChanged"`
	SettingsChange SettingsView      `json:"settingsChanged"`
	MockChanged    MockStatus        `json:"mockChanged"`
	Menu           MenuEvent         `json:"menu"`
	// Problem is the payload of "app:problem": a sentence for the user.
	Problem string `json:"problem"`
}

// Events lists the events the app emits and their payload types.
func (s *SystemService) Events() (EventCatalog, error) {
	names := map[string]string{
		"run:<runId>":        "RunBatch",
		EventProjectChanged:  "ProjectChanged",
		EventSettingsChanged: "SettingsView",
		EventMockChanged:     "MockStatus",
		EventStartupProblem:  "string",
	}
	for _, a := range []string{MenuNewProject, MenuOpenProject, MenuOpenDemo, MenuOpenRecent, MenuSave, MenuSaveAll, MenuToggleTheme, MenuReload, MenuEdit} {
		names["menu:"+a] = "MenuEvent"
	}
	return EventCatalog{Names: names}, nil
}
