// Command chart-render renders a Helm chart the way `helm template` does, for checks where helm is not installed.
//
// It supports what the syncwatch chart uses: Go text/template with the sprig functions, Helm's include, tpl,
// required, fail, toYaml, fromYaml, toJson, fromJson and lookup (always empty), .Values (values.yaml deep-merged
// with each -f file, null deleting a key), .Release, .Chart, .Capabilities, .Files and .Template.
//
// Usage: chart-render [--name NAME] [--namespace NS] [--kube-version vX.Y.Z] [--notes] [-f values.yaml]... CHART_DIR
//
// Build (GOPATH mode, Debian's golang-github-masterminds-sprig-dev and golang-github-ghodss-yaml-dev):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o "$TMPDIR/chart-render" ./tools/chart-render
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	// Imported without /v3: in GOPATH mode the Debian package lives at the unversioned path.
	"github.com/Masterminds/semver"
	"github.com/Masterminds/sprig"
	"github.com/ghodss/yaml"
)

// valueFiles collects repeated -f flags.
type valueFiles []string

func (v *valueFiles) String() string     { return strings.Join(*v, ",") }
func (v *valueFiles) Set(s string) error { *v = append(*v, s); return nil }

// Files gives templates read access to the chart's non-template files, like Helm's .Files.
type Files map[string][]byte

// Get returns a file's content as a string ("" when missing).
func (f Files) Get(name string) string { return string(f[name]) }

// GetBytes returns a file's content as bytes.
func (f Files) GetBytes(name string) []byte { return f[name] }

// Glob returns the files whose path matches a shell pattern.
func (f Files) Glob(pattern string) Files {
	out := Files{}
	for name, data := range f {
		if ok, _ := path.Match(pattern, name); ok {
			out[name] = data
		}
	}
	return out
}

// Lines returns a file's lines.
func (f Files) Lines(name string) []string {
	s := string(f[name])
	if s == "" {
		return []string{}
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// AsConfig renders the files as ConfigMap data (YAML mapping of base name to content).
func (f Files) AsConfig() string {
	m := map[string]string{}
	for name, data := range f {
		m[path.Base(name)] = string(data)
	}
	return toYAML(m)
}

// KubeVersion mirrors Helm's .Capabilities.KubeVersion.
type KubeVersion struct {
	Version    string
	Major      string
	Minor      string
	GitVersion string
}

// String returns the version, as Helm's does.
func (k KubeVersion) String() string { return k.Version }

// APIVersions mirrors Helm's .Capabilities.APIVersions; every API is reported as available.
type APIVersions []string

// Has reports whether an API version (or version/kind) is available: always true here.
func (a APIVersions) Has(string) bool { return true }

// Capabilities mirrors Helm's .Capabilities.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions APIVersions
}

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

// mergeValues deep-merges src over dst; a null in src deletes the key, as Helm does.
func mergeValues(dst, src map[string]interface{}) map[string]interface{} {
	for k, sv := range src {
		if sv == nil {
			delete(dst, k)
			continue
		}
		sm, sIsMap := sv.(map[string]interface{})
		dm, dIsMap := dst[k].(map[string]interface{})
		if sIsMap && dIsMap {
			dst[k] = mergeValues(dm, sm)
		} else {
			dst[k] = sv
		}
	}
	return dst
}

func readYAMLMap(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if m == nil {
		m = map[string]interface{}{}
	}
	return m, nil
}

// chartMeta turns Chart.yaml into the capitalised fields templates see as .Chart.
func chartMeta(raw map[string]interface{}) map[string]interface{} {
	names := map[string]string{
		"apiVersion": "APIVersion", "name": "Name", "version": "Version", "appVersion": "AppVersion",
		"description": "Description", "type": "Type", "kubeVersion": "KubeVersion", "keywords": "Keywords",
		"home": "Home", "sources": "Sources", "maintainers": "Maintainers", "icon": "Icon",
		"annotations": "Annotations", "deprecated": "Deprecated", "dependencies": "Dependencies",
	}
	out := map[string]interface{}{}
	for _, v := range names {
		out[v] = ""
	}
	for k, v := range raw {
		if n, ok := names[k]; ok {
			out[n] = v
		} else {
			out[strings.ToUpper(k[:1])+k[1:]] = v
		}
	}
	return out
}

func loadFiles(chartDir string) (Files, error) {
	files := Files{}
	err := filepath.Walk(chartDir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(chartDir, p)
		rel = filepath.ToSlash(rel)
		if info.IsDir() {
			if rel == "templates" || rel == "charts" {
				return filepath.SkipDir
			}
			return nil
		}
		if rel == "Chart.yaml" || rel == "values.yaml" || rel == "values.schema.json" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[rel] = data
		return nil
	})
	return files, err
}

func run() error {
	var files valueFiles
	name := flag.String("name", "release-name", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	kubeVersion := flag.String("kube-version", "v1.30.0", "Kubernetes version reported in .Capabilities")
	notes := flag.Bool("notes", false, "also print the rendered NOTES.txt (it is always rendered, to catch errors)")
	flag.Var(&files, "f", "values file (repeatable; later files win)")
	flag.Var(&files, "values", "values file (repeatable; later files win)")
	flag.Parse()
	if flag.NArg() != 1 {
		return errors.New("usage: chart-render [--name NAME] [--namespace NS] [-f values.yaml]... CHART_DIR")
	}
	chartDir := flag.Arg(0)

	rawChart, err := readYAMLMap(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return err
	}
	chart := chartMeta(rawChart)
	chartName, _ := chart["Name"].(string)
	if chartName == "" {
		return errors.New("Chart.yaml: name is required")
	}

	kv, err := semver.NewVersion(*kubeVersion)
	if err != nil {
		return fmt.Errorf("--kube-version: %v", err)
	}
	if c, _ := chart["KubeVersion"].(string); c != "" {
		constraint, err := semver.NewConstraint(c)
		if err != nil {
			return fmt.Errorf("Chart.yaml kubeVersion: %v", err)
		}
		if !constraint.Check(kv) {
			return fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", c, *kubeVersion)
		}
	}
	caps := Capabilities{
		KubeVersion: KubeVersion{
			Version:    "v" + kv.String(),
			Major:      fmt.Sprint(kv.Major()),
			Minor:      fmt.Sprint(kv.Minor()),
			GitVersion: "v" + kv.String(),
		},
		APIVersions: APIVersions{"v1", "apps/v1", "monitoring.coreos.com/v1"},
	}

	values, err := readYAMLMap(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return err
	}
	for _, f := range files {
		override, err := readYAMLMap(f)
		if err != nil {
			return err
		}
		values = mergeValues(values, override)
	}

	chartFiles, err := loadFiles(chartDir)
	if err != nil {
		return err
	}

	release := map[string]interface{}{
		"Name": *name, "Namespace": *namespace, "Service": "Helm",
		"IsInstall": true, "IsUpgrade": false, "Revision": 1,
	}

	templateDir := filepath.Join(chartDir, "templates")
	entries, err := os.ReadDir(templateDir)
	if err != nil {
		return err
	}
	basePath := chartName + "/templates"

	root := template.New("gotpl").Option("missingkey=zero")
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	includeDepth := map[string]int{}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		includeDepth[name]++
		defer func() { includeDepth[name]-- }()
		if includeDepth[name] > 1000 {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
		}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %v", text, err)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return "", err
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	funcs["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil {
			return nil, errors.New(msg)
		}
		if s, ok := v.(string); ok && s == "" {
			return nil, errors.New(msg)
		}
		return v, nil
	}
	funcs["fail"] = func(msg string) (string, error) { return "", errors.New(msg) }
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = fromYAML
	funcs["toJson"] = toJSON
	funcs["fromJson"] = fromJSON
	funcs["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	root.Funcs(funcs)

	var renderNames []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		fname := e.Name()
		if !strings.HasSuffix(fname, ".yaml") && !strings.HasSuffix(fname, ".yml") &&
			!strings.HasSuffix(fname, ".tpl") && !strings.HasSuffix(fname, ".txt") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(templateDir, fname))
		if err != nil {
			return err
		}
		tname := basePath + "/" + fname
		if _, err := root.New(tname).Parse(string(data)); err != nil {
			return err
		}
		if !strings.HasPrefix(fname, "_") && !strings.HasSuffix(fname, ".tpl") {
			renderNames = append(renderNames, tname)
		}
	}
	// Manifests in name order, NOTES.txt last (as helm prints it).
	sort.Slice(renderNames, func(i, j int) bool {
		ni, nj := strings.HasSuffix(renderNames[i], "/NOTES.txt"), strings.HasSuffix(renderNames[j], "/NOTES.txt")
		if ni != nj {
			return nj
		}
		return renderNames[i] < renderNames[j]
	})

	var out bytes.Buffer
	for _, tname := range renderNames {
		data := map[string]interface{}{
			"Values":       values,
			"Release":      release,
			"Chart":        chart,
			"Capabilities": caps,
			"Files":        chartFiles,
			"Template":     map[string]interface{}{"Name": tname, "BasePath": basePath},
		}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, tname, data); err != nil {
			return err
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(text) == "" || (strings.HasSuffix(tname, "/NOTES.txt") && !*notes) {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", tname, strings.TrimRight(text, "\n"))
	}
	_, err = os.Stdout.Write(out.Bytes())
	return err
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
}
