package app

import (
	"runtime"

	"github.com/streamscope/streamscope/backend/cli"
)

// SystemService answers questions about the running app.
type SystemService struct{}

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
