// Package secrets keeps the values of secret environment variables outside
// the project folder, so that they never reach git, an export or a log.
//
// FileStore keeps one JSON file per project, named after the project id
// from streamscope.yaml, under the user's configuration directory:
//
//	$XDG_CONFIG_HOME/streamscope/secrets/<project-id>.json   (mode 0600, directory 0700)
//
// falling back to ~/.config when XDG_CONFIG_HOME is unset (and to the
// platform's configuration directory on macOS and Windows). The file maps
// environment name to variable name to value. Writes are atomic. A file
// readable by others is refused rather than used.
//
// OS keyrings are not used yet: on Linux that needs the Secret Service over
// a D-Bus session bus, which headless machines (CI, SSH, this project's
// build box) do not have, and no pure-Go keyring client degrades cleanly
// there. The Store interface is where a keyring would slot in.
package secrets
