package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/streamscope/streamscope/backend/curl"
	"github.com/streamscope/streamscope/backend/postman"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/secrets"
)

func init() {
	Register(Command{
		Name:    "new",
		Usage:   "DIR [--name NAME]",
		Summary: "create an empty project folder",
		Run:     runNew,
	})
	Register(Command{
		Name:    "import curl",
		Usage:   "--project DIR --name NAME [--folder FOLDER] [--allow-file] [--secrets-to ENV] [CURL_COMMAND]",
		Summary: "add an endpoint to a project from a curl command line (one argument, or stdin)",
		Run:     runImportCurl,
	})
	Register(Command{
		Name:    "import postman",
		Usage:   "FILE DIR [--env NAME]",
		Summary: "create a project in DIR from a Postman collection (v2.1), or add a Postman environment export to the project DIR",
		Run:     runImportPostman,
	})
	Register(Command{
		Name:    "export curl",
		Usage:   "DIR ENDPOINT",
		Summary: "print an endpoint as a curl command, {{variables}} left as written",
		Run:     runExportCurl,
	})
	Register(Command{
		Name:    "ls",
		Usage:   "DIR",
		Summary: "list a project's endpoints: name, method and URL separated by tabs",
		Run:     runLs,
	})
	Register(Command{
		Name:    "env set",
		Usage:   "DIR ENV NAME VALUE [--secret]",
		Summary: "set an environment variable; a --secret value is kept outside the project (VALUE - reads it from stdin)",
		Run:     runEnvSet,
	})
	Register(Command{
		Name:    "env trust",
		Usage:   "DIR",
		Summary: "let the project in DIR use the secrets stored for its id (a moved or copied project must be trusted before it reads them)",
		Run:     runEnvTrust,
	})
}

func runNew(env *Env, args []string) (int, error) {
	fs := NewFlagSet(env, "new", "DIR [--name NAME]")
	name := fs.String("name", "", "the project's `NAME` (default: the folder's name)")
	pos, err := ParseFlags(env, fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(pos) != 1 {
		return ExitUsage, UsageError("expected one argument DIR, got %d", len(pos))
	}
	p, err := project.Create(pos[0], *name)
	if err != nil {
		return ExitUsage, err
	}
	fmt.Fprintf(env.Stdout, "created project %q in %s\n", p.Meta.Name, p.Dir)
	return ExitOK, nil
}

// loadProject loads DIR for a command. Broken files are not an error here:
// the caller decides whether they matter.
func loadProject(dir string) (*project.Project, error) {
	p, err := project.Load(dir)
	if err != nil {
		return nil, Errorf(ExitUsage, "%v", err)
	}
	return p, nil
}

func runImportCurl(env *Env, args []string) (int, error) {
	usage := "--project DIR --name NAME [--folder FOLDER] [--allow-file] [--secrets-to ENV] [CURL_COMMAND]"
	fs := NewFlagSet(env, "import curl", usage)
	dir := fs.String("project", "", "the project `DIR`")
	name := fs.String("name", "", "the new endpoint's `NAME`")
	folder := fs.String("folder", "", "put the endpoint in `FOLDER` (a directory of the project)")
	allowFile := fs.Bool("allow-file", false, "let -d @FILE, --data-binary @FILE, --json @FILE, --data-urlencode NAME@FILE and -F NAME=<FILE copy FILE's content into the endpoint (refused without it)")
	secretsTo := fs.String("secrets-to", "", "move literal credentials (a bearer token, -u's password, API key headers and parameters) into secret variables of environment `ENV`; the endpoint gets {{NAME}}")
	pos, err := ParseFlags(env, fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if *dir == "" {
		return ExitUsage, UsageError("--project DIR is required")
	}
	if strings.TrimSpace(*name) == "" {
		return ExitUsage, UsageError("--name NAME is required")
	}
	var command string
	switch len(pos) {
	case 0:
		b, err := io.ReadAll(env.Stdin)
		if err != nil {
			return ExitUsage, fmt.Errorf("stdin: %w", err)
		}
		command = string(b)
	case 1:
		command = pos[0]
	default:
		// The command came already split into words (after --): quote them back.
		words := make([]string, len(pos))
		for i, w := range pos {
			words[i] = curl.Quote(w)
		}
		command = strings.Join(words, " ")
	}
	if *secretsTo != "" && !project.ValidEnvironmentName(*secretsTo) {
		return ExitUsage, UsageError("--secrets-to %q: an environment name is letters, digits, '_', '.' and '-'", *secretsTo)
	}
	p, err := loadProject(*dir)
	if err != nil {
		return ExitUsage, err
	}
	cwd, _ := os.Getwd()
	res, err := curl.Import(command, curl.Options{Name: *name, Dir: cwd, AllowFiles: *allowFile})
	if errors.Is(err, curl.ErrLocalFile) {
		return ExitUsage, fmt.Errorf("curl command: %w (put the content in the command, or pass --allow-file to copy it)", err)
	}
	if err != nil {
		return ExitUsage, fmt.Errorf("curl command: %w", err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(env.Stderr, "streamscope import curl: warning: %s\n", w)
	}
	ep := res.Endpoint
	ep.Folder = strings.Trim(strings.ReplaceAll(*folder, "\\", "/"), "/")
	if existing, err := p.Endpoint(ep.Ref()); err == nil && existing.Folder == ep.Folder && existing.Name == ep.Name {
		return ExitUsage, fmt.Errorf("endpoint %q already exists in %s (choose another --name)", ep.Ref(), existing.File)
	}
	moved, err := saveImported(env, p, ep, res.Credentials, *secretsTo)
	if err != nil {
		return ExitUsage, err
	}
	fmt.Fprintf(env.Stdout, "added endpoint %q (%s %s) as %s\n", ep.Ref(), ep.Method, shownURL(ep, res.Credentials, moved), ep.File)
	for _, m := range moved {
		fmt.Fprintf(env.Stdout, "moved the %s into secret variable %s of environment %s (run with --env %s)\n", m.What, m.Var, *secretsTo, *secretsTo)
	}
	return ExitOK, nil
}

func runImportPostman(env *Env, args []string) (int, error) {
	fs := NewFlagSet(env, "import postman", "FILE DIR [--env NAME]")
	envName := fs.String("env", "", "for an environment export: the environment's `NAME` (default: Postman's name)")
	pos, err := ParseFlags(env, fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(pos) != 2 {
		return ExitUsage, UsageError("expected FILE DIR, got %d argument(s)", len(pos))
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return ExitUsage, err
	}
	if postman.IsEnvironment(data) {
		res, err := postman.ImportEnvironment(data, pos[0], *envName)
		if err != nil {
			return ExitUsage, err
		}
		p, err := loadProject(pos[1])
		if err != nil {
			return ExitUsage, err
		}
		for _, w := range res.Warnings {
			fmt.Fprintf(env.Stderr, "streamscope import postman: warning: %s\n", w)
		}
		if _, err := setVariables(env, p, res.Environment.Name, res.Environment.Variables, res.Secrets); err != nil {
			return ExitUsage, err
		}
		fmt.Fprintf(env.Stdout, "imported environment %s: %d variable(s), %d secret(s) kept outside the project\n", res.Environment.Name, len(res.Environment.Variables), len(res.Secrets))
		return ExitOK, nil
	}
	if *envName != "" {
		return ExitUsage, UsageError("--env applies to a Postman environment export; %s is a collection", pos[0])
	}
	res, err := postman.Import(data, pos[0], pos[1])
	if err != nil {
		return ExitUsage, err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(env.Stderr, "streamscope import postman: warning: %s\n", w)
	}
	fmt.Fprintf(env.Stdout, "created project %q in %s with %d endpoint(s)\n", res.Project.Meta.Name, res.Project.Dir, len(res.Project.Endpoints))
	return ExitOK, nil
}

// findEndpoint loads DIR and finds ENDPOINT in it.
func findEndpoint(dir, ref string) (*project.Project, *project.Endpoint, error) {
	p, err := loadProject(dir)
	if err != nil {
		return nil, nil, err
	}
	ep, err := p.Endpoint(ref)
	if err != nil {
		return nil, nil, Errorf(ExitUsage, "%v", err)
	}
	return p, ep, nil
}

func runExportCurl(env *Env, args []string) (int, error) {
	fs := NewFlagSet(env, "export curl", "DIR ENDPOINT")
	pos, err := ParseFlags(env, fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(pos) != 2 {
		return ExitUsage, UsageError("expected DIR ENDPOINT, got %d argument(s)", len(pos))
	}
	_, ep, err := findEndpoint(pos[0], pos[1])
	if err != nil {
		return ExitUsage, err
	}
	io.WriteString(env.Stdout, curl.Export(ep))
	return ExitOK, nil
}

func runLs(env *Env, args []string) (int, error) {
	fs := NewFlagSet(env, "ls", "DIR")
	pos, err := ParseFlags(env, fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(pos) != 1 {
		return ExitUsage, UsageError("expected one argument DIR, got %d", len(pos))
	}
	p, err := loadProject(pos[0])
	if err != nil {
		return ExitUsage, err
	}
	w := bufio.NewWriter(env.Stdout)
	for _, ep := range p.Endpoints {
		// each field on its line and column, whatever the files hold
		fmt.Fprintf(w, "%s\t%s\t%s\n", Visible(ep.Ref()), Visible(ep.Method), Visible(ep.FullURL()))
	}
	if err := w.Flush(); err != nil {
		return ExitUsage, err
	}
	if len(p.Problems) > 0 {
		// Every broken file on its own line; the last one is the error line.
		for _, fe := range p.Problems[:len(p.Problems)-1] {
			fmt.Fprintf(env.Stderr, "streamscope ls: %s\n", Visible(fe.Error()))
		}
		last := p.Problems[len(p.Problems)-1]
		return ExitUsage, Errorf(ExitUsage, "%s", last.Error())
	}
	return ExitOK, nil
}

func runEnvSet(env *Env, args []string) (int, error) {
	fs := NewFlagSet(env, "env set", "DIR ENV NAME VALUE [--secret]")
	secret := fs.Bool("secret", false, "keep the value outside the project (secret store), never in its files")
	pos, err := ParseFlags(env, fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(pos) != 4 {
		return ExitUsage, UsageError("expected DIR ENV NAME VALUE, got %d argument(s)", len(pos))
	}
	dir, envName, name, value := pos[0], pos[1], pos[2], pos[3]
	if value == "-" {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return ExitUsage, fmt.Errorf("stdin: %w", err)
		}
		value = strings.TrimRight(line, "\r\n")
	}
	if !project.ValidEnvironmentName(envName) {
		return ExitUsage, UsageError("ENV %q: an environment name is letters, digits, '_', '.' and '-'", envName)
	}
	p, err := loadProject(dir)
	if err != nil {
		return ExitUsage, err
	}
	v := project.Variable{Name: name, Value: value, Secret: *secret}
	secretValues := map[string]string{}
	if *secret {
		secretValues[name] = value
	}
	storeDir, err := setVariables(env, p, envName, []project.Variable{v}, secretValues)
	if err != nil {
		return ExitUsage, err
	}
	if *secret {
		fmt.Fprintf(env.Stdout, "set secret %s in environment %s (value stored in %s, not in the project)\n", name, envName, storeDir)
	} else {
		fmt.Fprintf(env.Stdout, "set %s in environment %s\n", name, envName)
	}
	return ExitOK, nil
}

// setVariables sets vars in environment envName of p (created when
// missing), through secrets.SaveEnvironment: under the environments' lock,
// so concurrent commands lose nothing. The values of secret variables come
// from secretValues and go to the secret store, never into the project; a
// variable that stops being secret has its stored value removed; a failing
// save writes nothing. It returns where the secrets went ("" when no store
// was needed).
func setVariables(env *Env, p *project.Project, envName string, vars []project.Variable, secretValues map[string]string) (string, error) {
	return secrets.SaveEnvironment(p, secrets.EnvironmentSave{
		Name: envName,
		Edit: func(e *project.Environment) error {
			for _, v := range vars {
				e.Set(v)
			}
			return nil
		},
		Secrets: secretValues,
	}, secretsOpener(env))
}

// secretsOpener opens the secret store once, on first need, with its
// warnings on stderr.
func secretsOpener(env *Env) func() (*secrets.FileStore, error) {
	return secrets.Opener(env.Var, func(m string) { fmt.Fprintf(env.Stderr, "streamscope: warning: %s\n", m) })
}

func runEnvTrust(env *Env, args []string) (int, error) {
	fs := NewFlagSet(env, "env trust", "DIR")
	pos, err := ParseFlags(env, fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(pos) != 1 {
		return ExitUsage, UsageError("expected DIR, got %d argument(s)", len(pos))
	}
	p, err := loadProject(pos[0])
	if err != nil {
		return ExitUsage, err
	}
	if p.Meta.ID == "" {
		return ExitUsage, fmt.Errorf("%s: the project has no valid id, so it has no secrets to trust it with", filepath.Join(p.Dir, project.ProjectFile))
	}
	store, err := secretsOpener(env)()
	if err != nil {
		return ExitUsage, err
	}
	others, err := store.Trust(p.Dir, p.Meta.ID)
	if err != nil {
		return ExitUsage, err
	}
	real, _ := secrets.RealDir(p.Dir)
	if len(others) == 0 {
		fmt.Fprintf(env.Stdout, "%s may use the secrets of project id %s\n", escapeLine(real), p.Meta.ID)
	} else {
		fmt.Fprintf(env.Stdout, "%s may use the secrets of project id %s (shared with %s)\n", escapeLine(real), p.Meta.ID, escapeLine(strings.Join(others, ", ")))
	}
	return ExitOK, nil
}

// escapeLine returns s as is, or Go-quoted when it holds a control
// character (a path printed must not drive the terminal).
func escapeLine(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	return strconv.Quote(s)
}
