// pulumi-language-nodejs (minimal): a Node.js language host for the Pulumi engine, built by
// scripts/pulumi-cli.sh of pulumi-ontap-security when the Go module proxy reachable there does not
// serve github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3.
//
// Implements what preview/up/refresh/destroy need: Handshake, GetRequiredPackages/GetRequiredPlugins
// (node_modules packages whose package.json has "pulumi": {"resource": true}), Run (spawns
// `node [nodeargs] @pulumi/pulumi/cmd/run --monitor ... <entry point>` in the program directory with
// PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS and PULUMI_NODEJS_TYPESCRIPT/TSCONFIG_PATH set),
// GetPluginInfo, InstallDependencies, RuntimeOptionsPrompts, About, GetProgramDependencies and RunPlugin
// (how the CLI starts a Node.js policy pack, `pulumi preview --policy-pack DIR`, and Node.js plugins).
// Code generation (convert, gen-sdk, new from templates with prompts) and debugging are not supported.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/google/shlex"
	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is set with -ldflags "-X main.version=3.x.y".
var version = "3.0.0"

// bailExitCode: @pulumi/pulumi/cmd/run exits with it once it has reported the error itself.
const bailExitCode = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	tracing       string
}

func main() {
	h := &host{}
	args := os.Args[1:]
	valueFlags := map[string]bool{"tracing": true, "root": true, "binary": true, "nodeargs": true, "packagemanager": true}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			name := strings.TrimLeft(a, "-")
			if kv := strings.SplitN(name, "=", 2); len(kv) == 2 {
				if kv[0] == "tracing" {
					h.tracing = kv[1]
				}
				continue
			}
			if valueFlags[name] && i+1 < len(args) {
				if name == "tracing" {
					h.tracing = args[i+1]
				}
				i++
			}
			continue
		}
		h.engineAddress = a
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "fatal: could not start language host RPC server: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "fatal: language host RPC stopped serving: %v\n", err)
		os.Exit(1)
	}
}

func (h *host) Handshake(ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// programDir is the directory holding the program (and its package.json).
func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	if fallback != "" {
		return fallback
	}
	wd, _ := os.Getwd()
	return wd
}

func option(info *pulumirpc.ProgramInfo, key string) (any, bool) {
	if info == nil || info.GetOptions() == nil {
		return nil, false
	}
	v, ok := info.GetOptions().AsMap()[key]
	return v, ok
}

func stringOption(info *pulumirpc.ProgramInfo, key string) string {
	if v, ok := option(info, key); ok {
		if s, ok := v.(string); ok {
			return s
		}
	}
	return ""
}

func boolOption(info *pulumirpc.ProgramInfo, key string, def bool) bool {
	if v, ok := option(info, key); ok {
		switch b := v.(type) {
		case bool:
			return b
		case string:
			return b == "true"
		}
	}
	return def
}

type pulumiSection struct {
	Resource bool   `json:"resource"`
	Name     string `json:"name"`
	Version  string `json:"version"`
	Server   string `json:"server"`
}

type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          pulumiSection     `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	return &p, nil
}

// nodeModulesDirs lists the node_modules folders from dir up to stop (or the filesystem root).
func nodeModulesDirs(dir, stop string) []string {
	var out []string
	dir = filepath.Clean(dir)
	for {
		nm := filepath.Join(dir, "node_modules")
		if st, err := os.Stat(nm); err == nil && st.IsDir() {
			out = append(out, nm)
		}
		if stop != "" && dir == filepath.Clean(stop) {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return out
}

// installedPackages lists the package.json files of the top-level packages in a node_modules folder.
func installedPackages(nm string) []string {
	var out []string
	entries, err := os.ReadDir(nm)
	if err != nil {
		return nil
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(nm, name)
		if strings.HasPrefix(name, "@") {
			sub, err := os.ReadDir(p)
			if err != nil {
				continue
			}
			for _, s := range sub {
				out = append(out, filepath.Join(p, s.Name(), "package.json"))
			}
			continue
		}
		out = append(out, filepath.Join(p, "package.json"))
	}
	return out
}

func requiredPackages(info *pulumirpc.ProgramInfo, fallback string) []*pulumirpc.PackageDependency {
	dir := programDir(info, fallback)
	root := ""
	if info != nil {
		root = info.GetRootDirectory()
	}
	seen := map[string]bool{}
	var deps []*pulumirpc.PackageDependency
	for _, nm := range nodeModulesDirs(dir, root) {
		for _, pj := range installedPackages(nm) {
			p, err := readPackageJSON(pj)
			if err != nil || !p.Pulumi.Resource {
				continue
			}
			name := p.Pulumi.Name
			if name == "" {
				name = strings.TrimPrefix(strings.TrimPrefix(p.Name, "@pulumi/"), "@")
			}
			v := p.Pulumi.Version
			if v == "" {
				v = p.Version
			}
			if v != "" && !strings.HasPrefix(v, "v") {
				v = "v" + v
			}
			key := name + "@" + v
			if name == "" || seen[key] {
				continue
			}
			seen[key] = true
			deps = append(deps, &pulumirpc.PackageDependency{
				Name: name, Kind: "resource", Version: v, Server: p.Pulumi.Server,
			})
		}
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name < deps[j].Name })
	return deps
}

func (h *host) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{Packages: requiredPackages(req.GetInfo(), "")}, nil
}

func (h *host) GetRequiredPlugins(ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	var plugins []*pulumirpc.PluginDependency
	for _, p := range requiredPackages(req.GetInfo(), req.GetPwd()) {
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server,
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func nodeBinary() (string, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return "", fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	return node, nil
}

// resolveRunPath finds @pulumi/pulumi/cmd/run the way the program itself would require it.
func resolveRunPath(node, dir string) (string, error) {
	if p := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); p != "" {
		return p, nil
	}
	cmd := exec.Command(node, "-e", "console.log(require.resolve('@pulumi/pulumi/cmd/run'))")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", errors.New("It looks like the Pulumi SDK has not been installed in " + dir +
			". Have you run npm install or yarn install?")
	}
	return strings.TrimSpace(string(out)), nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := programDir(info, req.GetPwd())
	node, err := nodeBinary()
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	runPath, err := resolveRunPath(node, dir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	var args []string
	if nodeargs := stringOption(info, "nodeargs"); nodeargs != "" {
		args = append(args, strings.Fields(nodeargs)...)
	}
	args = append(args, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	h.mu.Lock()
	engine := h.engineAddress
	h.mu.Unlock()
	add("monitor", req.GetMonitorAddress())
	add("engine", engine)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("pwd", dir)
	if info != nil {
		add("root-directory", info.GetRootDirectory())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 0 {
		add("parallel", fmt.Sprint(req.GetParallel()))
	}
	add("tracing", h.tracing)
	entry := "."
	if info != nil && info.GetEntryPoint() != "" {
		entry = info.GetEntryPoint()
	} else if req.GetProgram() != "" {
		entry = req.GetProgram()
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, fmt.Errorf("failed to serialize configuration: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("failed to serialize secret configuration keys: %w", err)
	}

	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON),
	)
	if boolOption(info, "typescript", true) {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if ts := stringOption(info, "tsconfig"); ts != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+ts)
	}

	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == bailExitCode {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	dir := programDir(req.GetInfo(), req.GetDirectory())
	pm := stringOption(req.GetInfo(), "packagemanager")
	if pm == "" {
		pm = "npm"
	}
	cmd := exec.CommandContext(server.Context(), pm, "install")
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("running %s install in %s: %w", pm, dir, err)
	}
	var sendMu sync.Mutex
	var wg sync.WaitGroup
	pump := func(r io.Reader, isErr bool) {
		defer wg.Done()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := append(append([]byte{}, sc.Bytes()...), '\n')
			resp := &pulumirpc.InstallDependenciesResponse{}
			if isErr {
				resp.Stderr = line
			} else {
				resp.Stdout = line
			}
			sendMu.Lock()
			_ = server.Send(resp)
			sendMu.Unlock()
		}
	}
	wg.Add(2)
	go pump(stdout, false)
	go pump(stderr, true)
	wg.Wait()
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("%s install failed in %s: %w", pm, dir, err)
	}
	return nil
}

func (h *host) RuntimeOptionsPrompts(ctx context.Context, req *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := nodeBinary()
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("running node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}

func (h *host) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := programDir(req.GetInfo(), req.GetPwd())
	p, err := readPackageJSON(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for n, v := range p.Dependencies {
		names[n] = v
	}
	if req.GetTransitiveDependencies() {
		for n, v := range p.DevDependencies {
			names[n] = v
		}
	}
	var deps []*pulumirpc.DependencyInfo
	for n, wanted := range names {
		v := wanted
		for _, nm := range nodeModulesDirs(dir, "") {
			if ip, err := readPackageJSON(filepath.Join(nm, n, "package.json")); err == nil {
				v = ip.Version
				break
			}
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: n, Version: v})
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name < deps[j].Name })
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

// locateModule resolves a module the way code in dir would require it, as upstream's host does.
func locateModule(node, module, dir string) (string, error) {
	script := fmt.Sprintf("try { console.log(require.resolve(%q)); } catch (error) { "+
		"if (error.code === 'MODULE_NOT_FOUND') { console.error('It looks like the Pulumi SDK has not been installed. "+
		"Have you run npm install in %s?'); } else { console.error(error.message); } process.exit(1); }", module, dir)
	cmd := exec.Command(node, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return "", errors.New(strings.TrimSpace(string(exitErr.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// RunPlugin runs a plugin written in Node.js, as upstream's host does at v3.248.0: a policy pack
// (kind "analyzer") with @pulumi/pulumi/cmd/run-policy-pack in the pack's folder, anything else with
// @pulumi/pulumi/cmd/run-plugin in the engine's working directory, the plugin's output streamed back.
//
// Policy packs written for @pulumi/policy expect their stack's configuration in the environment when they
// start, but the engine sends it only later, over gRPC (ConfigureStack). So, like upstream, the host first
// serves the engine a proxy analyzer (sdk.PolicyProxy), waits for that configuration, starts the pack
// with it in PULUMI_CONFIG and PULUMI_NODEJS_{ORGANIZATION,PROJECT,STACK,DRY_RUN}, then forwards every
// call to the pack until it exits.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	if req.GetAttachDebugger() {
		return errors.New("this Node.js language host cannot start plugins under a debugger")
	}
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	// Best effort; the explicit Close at the end reports errors.
	defer closer.Close()

	info := req.GetInfo()
	if info == nil || info.GetProgramDirectory() == "" {
		return errors.New("RunPlugin needs the plugin's folder (info.program_directory)")
	}
	dir := info.GetProgramDirectory()
	node, err := nodeBinary()
	if err != nil {
		return err
	}
	policyPack := req.GetKind() == string(apitype.AnalyzerPlugin)

	env := append([]string{}, req.GetEnv()...)
	if boolOption(info, "typescript", true) {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if ts := stringOption(info, "tsconfig"); ts != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+ts)
	}

	module := "@pulumi/pulumi/cmd/run-policy-pack"
	if !policyPack {
		module = os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
		if module == "" {
			module = "@pulumi/pulumi/cmd/run-plugin"
		}
	}
	runPath, err := locateModule(node, module, dir)
	if err != nil {
		return err
	}

	// nodeargs are node's own options, as in Run. (Upstream v3.248.0 puts them after the script, where node
	// hands them to the plugin instead; nothing relies on that here.)
	args, err := shlex.Split(stringOption(info, "nodeargs"))
	if err != nil {
		return fmt.Errorf("parsing the runtime option nodeargs: %w", err)
	}
	args = append(args, runPath)
	// A policy pack takes its folder last (after the engine's address); other plugins take it first.
	if policyPack {
		args = append(append(args, req.GetArgs()...), dir)
	} else {
		args = append(append(args, dir), req.GetArgs()...)
	}

	var proxy *sdk.PolicyProxy
	if policyPack {
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		config, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get the stack's configuration for the policy pack: %w", err)
		}
		if config != nil {
			add := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			add("PULUMI_NODEJS_ORGANIZATION", config.GetOrganization())
			add("PULUMI_NODEJS_PROJECT", config.GetProject())
			add("PULUMI_NODEJS_STACK", config.GetStack())
			add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(config.GetDryRun()))
			if config.GetConfig() != nil {
				configJSON, err := json.Marshal(config.GetConfig())
				if err != nil {
					return fmt.Errorf("could not serialize the stack's configuration: %w", err)
				}
				add("PULUMI_CONFIG", string(configJSON))
			}
		}
	}

	cmd := exec.CommandContext(ctx, node, args...)
	// Policy packs have always run in their own folder; other plugins in the engine's working directory.
	if policyPack {
		cmd.Dir = dir
	} else {
		cmd.Dir = req.GetPwd()
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr

	run := func() error {
		if err := cmd.Start(); err != nil {
			return err
		}
		if proxy != nil {
			// Reads the pack's port from its stdout, connects, and returns when the pack exits.
			if err := proxy.Attach(ctx, cmd); err != nil {
				return fmt.Errorf("could not attach to the policy pack: %w", err)
			}
			return nil
		}
		return cmd.Wait()
	}
	if err := run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if status, ok := exitErr.Sys().(syscall.WaitStatus); ok {
				return fmt.Errorf("Program exited with non-zero exit code: %d", status.ExitStatus())
			}
			return fmt.Errorf("Program exited unexpectedly: %w", exitErr)
		}
		return fmt.Errorf("Problem executing plugin program (could not run language executor): %w", err)
	}
	return closer.Close()
}
