// Package secrets keeps the values of secret environment variables outside
// the project folder, so that they never reach git, an export or a log.
//
// Where a secret goes (Default, the store the CLI and the app use):
//
//  1. The OS keyring, where one is reachable: the freedesktop Secret
//     Service over the D-Bus session bus on Linux and the BSDs (gnome-keyring,
//     KWallet, KeePassXC), the login keychain on macOS, the Credential
//     Manager on Windows, through github.com/zalando/go-keyring. The item's
//     service is "streamscope" and its account "<project-id>/<env>/<name>".
//     On Linux a keyring is tried only when a session bus is there
//     (DBUS_SESSION_BUS_ADDRESS is set, or /run/user/<uid>/bus exists), so
//     headless machines (CI, SSH, containers) go straight to the files.
//
//  2. Otherwise one JSON file per project, named after the project id from
//     streamscope.yaml, under the user's configuration directory:
//
//     $XDG_CONFIG_HOME/streamscope/secrets/<project-id>.json   (mode 0600, directory 0700)
//
//     falling back to ~/.config when XDG_CONFIG_HOME is unset (and to the
//     platform's configuration directory on macOS and Windows). The file
//     maps environment name to variable name to value. Writes are atomic. A
//     file readable by others is refused rather than used.
//
// # Which folder may use which secrets
//
// The id in streamscope.yaml is copied with the folder (and any folder can
// claim any id), so it alone never opens a project's secrets. The store
// binds each id to the real paths (absolute, symbolic links resolved) of
// the folders that may use its secrets, in
//
//	$XDG_CONFIG_HOME/streamscope/secrets/.bindings.json   (mode 0600)
//
// FileStore.Project(dir, id) is the only way a project's code reaches its
// secrets (ProjectStore): a folder bound to the id may; a folder that claims
// an id no folder is bound to yet may store secrets for it, and its first
// write binds it (a new project); any other folder gets an *UntrustedError
// naming the folders the secrets belong to and the command
// `streamscope env trust DIR`, which (FileStore.Trust) lets it use them too
// and forgets bound folders that no longer exist (a moved project). Values
// stored before secrets were bound to folders go to no folder until the
// user trusts one, once: the first folder to claim their id could be a copy
// (CheckProject tells the app to ask). The demo's id (DemoID) is public, so
// only the demo folder beside the store ($XDG_CONFIG_HOME/streamscope/demo)
// gets it without asking. A copy meant to have secrets of its own needs an
// id of its own (edit `id:` in its streamscope.yaml). A folder that
// replaces a bound one at the same path counts as the same project.
//
// # Saving and resolving
//
// SaveEnvironment is the one save of an environment with secrets (the CLI
// and the app): under the project's environments lock it reads the file
// afresh, stores the secret values, writes the file, and puts the secrets
// back when the file cannot be written. NewScope is the one set-up of a
// project.Scope: the store is opened (and the folder checked) only when a
// secret is looked up. Read-modify-write of the store's files holds a lock
// across processes (project.Lock on the store's directory), so concurrent
// commands lose nothing.
//
// # When the keyring fails
//
// Every keyring call runs with a timeout (DefaultTimeout, 2 s), so an unlock
// prompt nobody answers or a daemon that does not reply never blocks a
// command. On the first keyring failure the store warns once (FileStore.Warn:
// "secrets: OS keyring unavailable (reason); using DIR") and uses the files
// for the rest of its life. No value is lost: reads look in the file and
// then in the keyring, so values written to the file earlier (before the
// keyring was used, or while it was away) stay readable, and a value set
// through the keyring is removed from the file.
//
// STREAMSCOPE_SECRETS picks the store: "auto" (or unset) as above, "file"
// uses only the files and never touches the keyring (tests and CI may set
// it), "keyring" requires the keyring: writes fail with an error naming the
// reason when it is unreachable instead of falling back to the file.
package secrets
