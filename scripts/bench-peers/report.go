package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// goBench is one line of `go test -bench` output.
type goBench struct {
	Pkg     string
	Name    string // without the -GOMAXPROCS suffix
	Iters   int
	Metrics map[string]float64 // unit -> value, e.g. "ns/op", "MB/s", "events/s"
	Units   []string           // in output order
}

var procSuffix = regexp.MustCompile(`-\d+$`)

// parseGoBench reads `go test -bench` output. It also returns the lines
// that report a failure (FAIL, panics, build errors) so they can be shown.
func parseGoBench(path string) ([]goBench, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var out []goBench
	var problems []string
	pkg := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "pkg: "):
			pkg = strings.TrimPrefix(line, "pkg: ")
		case strings.HasPrefix(line, "Benchmark"):
			fields := strings.Fields(line)
			if len(fields) < 4 || len(fields)%2 != 0 {
				continue // a benchmark's own log line
			}
			iters, err := strconv.Atoi(fields[1])
			if err != nil {
				continue
			}
			b := goBench{Pkg: pkg, Name: procSuffix.ReplaceAllString(fields[0], ""), Iters: iters, Metrics: map[string]float64{}}
			for i := 2; i+1 < len(fields); i += 2 {
				v, err := strconv.ParseFloat(fields[i], 64)
				if err != nil {
					continue
				}
				b.Metrics[fields[i+1]] = v
				b.Units = append(b.Units, fields[i+1])
			}
			out = append(out, b)
		case strings.HasPrefix(line, "FAIL"), strings.HasPrefix(line, "--- FAIL"), strings.HasPrefix(line, "panic:"),
			strings.HasPrefix(line, "# "), strings.Contains(line, "[build failed]"), strings.Contains(line, "[setup failed]"):
			problems = append(problems, line)
		}
	}
	return out, problems, sc.Err()
}

// goal is one speed goal from an issue, checked against a measured figure.
type goal struct {
	Issue int    `json:"issue"`
	Goal  string `json:"goal"`
	// Benchmark names the Go benchmark (exact name, or a regular expression
	// when it starts with ^), Metric its unit. Min / Max bound the value.
	Benchmark string   `json:"benchmark"`
	Metric    string   `json:"metric"`
	Min       *float64 `json:"min,omitempty"`
	Max       *float64 `json:"max,omitempty"`
	// Versus, when set, makes the checked figure a ratio: how many times
	// better Benchmark is than Versus on Metric (for a cost such as ns/op,
	// Versus / Benchmark; for a rate, Benchmark / Versus). Min bounds it.
	Versus string `json:"versus,omitempty"`
	// Peers, when set, takes the figure from the side-by-side parser run:
	// "corpus/contender/versus" gives the MB/s ratio contender / versus.
	Peers string `json:"peers,omitempty"`
	// Elsewhere describes where a goal is measured when it is not by a Go
	// benchmark or the peer run (e.g. the UI under Xvfb).
	Elsewhere string `json:"elsewhere,omitempty"`
}

func findBench(all []goBench, name string) *goBench {
	if strings.HasPrefix(name, "^") {
		re, err := regexp.Compile(name)
		if err != nil {
			return nil
		}
		for i := range all {
			if re.MatchString(all[i].Name) {
				return &all[i]
			}
		}
		return nil
	}
	for i := range all {
		if all[i].Name == name {
			return &all[i]
		}
	}
	return nil
}

func report(args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	gobench := fs.String("gobench", "", "output of go test -bench")
	peers := fs.String("peers", "", "JSON results of the side-by-side parser run")
	goalsFile := fs.String("goals", "", "goals.json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	benches, problems, err := parseGoBench(*gobench)
	if err != nil {
		return err
	}
	var results []Result
	if *peers != "" {
		raw, err := os.ReadFile(*peers)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &results); err != nil {
			return fmt.Errorf("%s: %w", *peers, err)
		}
	}
	var goals []goal
	raw, err := os.ReadFile(*goalsFile)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&goals); err != nil {
		return fmt.Errorf("%s: %w", *goalsFile, err)
	}

	var b strings.Builder
	b.WriteString("## Goals next to the measured figures\n\n")
	b.WriteString("| issue | goal | measured | verdict |\n|---|---|---|---|\n")
	for i, g := range goals {
		measured, verdict := evalGoal(g, benches, results)
		if g.Goal == "" {
			return fmt.Errorf("%s: goal %d: field goal is empty", *goalsFile, i+1)
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", g.Issue, g.Goal, measured, verdict)
	}

	b.WriteString("\n## In-repository Go benchmarks\n\n")
	if len(problems) > 0 {
		b.WriteString("Problems reported by `go test` (those packages' figures are missing):\n\n```\n")
		for _, p := range problems {
			b.WriteString(p + "\n")
		}
		b.WriteString("```\n\n")
	}
	pkg := ""
	for _, bm := range benches {
		if bm.Pkg != pkg {
			pkg = bm.Pkg
			fmt.Fprintf(&b, "\n### %s\n\n| benchmark | iterations | ns/op | MB/s | B/op | allocs/op | other |\n|---|---:|---:|---:|---:|---:|---|\n", strings.TrimPrefix(pkg, "github.com/streamscope/streamscope/"))
		}
		var other []string
		for _, u := range bm.Units {
			switch u {
			case "ns/op", "MB/s", "B/op", "allocs/op":
			default:
				other = append(other, num(bm.Metrics[u])+" "+u)
			}
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s |\n", bm.Name, bm.Iters,
			metric(bm, "ns/op"), metric(bm, "MB/s"), metric(bm, "B/op"), metric(bm, "allocs/op"), strings.Join(other, ", "))
	}
	fmt.Print(b.String())
	return nil
}

func metric(b goBench, unit string) string {
	v, ok := b.Metrics[unit]
	if !ok {
		return ""
	}
	return num(v)
}

func num(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.3g G", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.3g M", v/1e6)
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v == float64(int64(v)):
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

func evalGoal(g goal, benches []goBench, results []Result) (measured, verdict string) {
	check := func(v float64) string {
		switch {
		case g.Min == nil && g.Max == nil:
			return "- (ratio only)"
		case g.Min != nil && v < *g.Min:
			return "NOT met"
		case g.Max != nil && v > *g.Max:
			return "NOT met"
		}
		return "met"
	}
	switch {
	case g.Elsewhere != "":
		return "not measured by scripts/bench: " + g.Elsewhere, "-"
	case g.Peers != "":
		parts := strings.Split(g.Peers, "/")
		if len(parts) != 3 {
			return "bad peers field " + g.Peers, "-"
		}
		var a, v *Result
		for i := range results {
			r := &results[i]
			if r.Corpus == parts[0] && r.Contender == parts[1] {
				a = r
			}
			if r.Corpus == parts[0] && r.Contender == parts[2] {
				v = r
			}
		}
		if a == nil || v == nil {
			return "no figure (side-by-side run missing " + g.Peers + ")", "-"
		}
		ratio := a.MBsMedian / v.MBsMedian
		return fmt.Sprintf("%.2fx (%.0f vs %.0f MB/s, medians)", ratio, a.MBsMedian, v.MBsMedian), check(ratio)
	}
	bm := findBench(benches, g.Benchmark)
	if bm == nil {
		return "no figure: no benchmark " + g.Benchmark + " in this run", "-"
	}
	val, ok := bm.Metrics[g.Metric]
	if !ok {
		return fmt.Sprintf("no figure: %s reports no %s", bm.Name, g.Metric), "-"
	}
	if g.Versus == "" {
		return fmt.Sprintf("%s %s (%s)", num(val), g.Metric, bm.Name), check(val)
	}
	vs := findBench(benches, g.Versus)
	if vs == nil {
		return "no figure: no benchmark " + g.Versus + " in this run", "-"
	}
	other, ok := vs.Metrics[g.Metric]
	if !ok || other == 0 || val == 0 {
		return fmt.Sprintf("no figure: %s reports no %s", vs.Name, g.Metric), "-"
	}
	ratio := val / other
	if strings.HasSuffix(g.Metric, "/op") {
		ratio = other / val
	}
	return fmt.Sprintf("%.2fx (%s: %s vs %s: %s %s)", ratio, bm.Name, num(val), vs.Name, num(other), g.Metric), check(ratio)
}
