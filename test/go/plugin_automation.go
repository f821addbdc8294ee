// Drives the provider plugin from Go: the SDK generated from its schema, in an Automation API inline
// program (run in this process, no Go language host), with the real Pulumi CLI.
//
// Usage: plugin_automation <work dir>. Reads ONTAP_HOST, ONTAP_USERNAME, ONTAP_PASSWORD and
// ONTAP_CA_CERTIFICATE (a simulated cluster's) and sets them as the provider's stack config; prints one
// JSON object of what it saw on its last line.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	ontap "github.com/pulumi-ontap-security/sdk/go/ontapsecurity"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func program(telnetOff bool) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		protocols := &ontap.ManagementProtocolsArgs{RshEnabled: pulumi.Bool(false)}
		if telnetOff {
			protocols.TelnetEnabled = pulumi.Bool(false)
		}
		cluster, err := ontap.NewClusterSecurity(ctx, "paris", &ontap.ClusterSecurityArgs{
			Fips:                &ontap.FipsArgs{Enabled: pulumi.Bool(true)},
			ManagementProtocols: protocols,
		})
		if err != nil {
			return err
		}
		ctx.Export("fips", cluster.Fips)
		ctx.Export("cluster", cluster.Cluster.Name())
		return nil
	}
}

func stackFor(ctx context.Context, work string, telnetOff bool) (auto.Stack, error) {
	project := workspace.Project{
		Name:    "ontap-go",
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		Backend: &workspace.ProjectBackend{URL: "file://" + filepath.Join(work, "backend")},
	}
	return auto.UpsertStackInlineSource(ctx, "dev", "ontap-go", program(telnetOff),
		auto.Project(project), auto.WorkDir(work), auto.PulumiHome(filepath.Join(work, "home")))
}

func run(work string) (map[string]any, error) {
	ctx := context.Background()
	if err := os.MkdirAll(filepath.Join(work, "backend"), 0o755); err != nil {
		return nil, err
	}
	stack, err := stackFor(ctx, work, false)
	if err != nil {
		return nil, err
	}
	config := auto.ConfigMap{
		"ontap-security:host":          {Value: os.Getenv("ONTAP_HOST")},
		"ontap-security:username":      {Value: os.Getenv("ONTAP_USERNAME")},
		"ontap-security:password":      {Value: os.Getenv("ONTAP_PASSWORD"), Secret: true},
		"ontap-security:caCertificate": {Value: os.Getenv("ONTAP_CA_CERTIFICATE")},
	}
	if err := stack.SetAllConfig(ctx, config); err != nil {
		return nil, err
	}
	seen := map[string]any{}
	up, err := stack.Up(ctx, optup.ProgressStreams(io.Discard))
	if err != nil {
		return nil, err
	}
	seen["up"] = map[string]any{"result": up.Summary.Result, "fips": up.Outputs["fips"].Value, "cluster": up.Outputs["cluster"].Value}

	// A changed program: the preview's engine events carry the plugin's detailed diff.
	changed, err := stackFor(ctx, work, true)
	if err != nil {
		return nil, err
	}
	stream := make(chan events.EngineEvent)
	diffs := map[string]any{}
	done := make(chan struct{})
	go func() {
		for event := range stream {
			if pre := event.ResourcePreEvent; pre != nil && pre.Metadata.Type == "ontap-security:index:ClusterSecurity" {
				for key, diff := range pre.Metadata.DetailedDiff {
					diffs[key] = map[string]any{"kind": string(diff.Kind), "inputDiff": diff.InputDiff}
				}
			}
		}
		close(done)
	}()
	preview, err := changed.Preview(ctx, optpreview.EventStreams(stream))
	if err != nil {
		return nil, err
	}
	<-done
	seen["preview"] = map[string]any{"changes": preview.ChangeSummary, "detailedDiff": diffs}

	refresh, err := stack.Refresh(ctx, optrefresh.ProgressStreams(io.Discard))
	if err != nil {
		return nil, err
	}
	seen["refresh"] = map[string]any{"result": refresh.Summary.Result}
	return seen, nil
}

func main() {
	seen, err := run(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "plugin_automation: %v\n", err)
		os.Exit(1)
	}
	out, _ := json.Marshal(seen)
	fmt.Println(string(out))
}
