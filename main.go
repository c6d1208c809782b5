// Command streamscope is the Streamscope desktop app and, given a
// subcommand, the same engine headless (see CONTRACT.md and README.md).
package main

import (
	"os"

	"github.com/streamscope/streamscope/backend/cli"
)

func main() {
	if len(os.Args) > 1 {
		os.Exit(cli.Main(os.Args[1:], &cli.Env{}))
	}
	os.Exit(runDesktop())
}
