/**
 * Pulumi's YAML language host and this package's provider plugin, for the tests that run YAML programs
 * with the real CLI. The host comes from `scripts/pulumi-language-yaml.sh` (built from the Go module
 * proxy into a cache on first use); the plugin is the launcher this package ships (`bin/`).
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { CliLookup, REPO_ROOT } from "./pulumiCli";

const YAML_SCRIPT = path.join(REPO_ROOT, "scripts", "pulumi-language-yaml.sh");
/** The folder holding `pulumi-resource-ontap-security`, as npm links it into node_modules/.bin. */
export const PLUGIN_BIN = path.join(REPO_ROOT, "bin");

let lookup: CliLookup | undefined;

/** Finds or builds the YAML language host once per process; a first build takes minutes. */
export function findYamlHost(): CliLookup {
  if (lookup !== undefined) return lookup;
  const result = spawnSync("bash", [YAML_SCRIPT], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 40 * 60_000 });
  const lines = (result.stdout ?? "").trim().split("\n");
  const dir = lines[lines.length - 1];
  lookup =
    result.status === 0 && dir !== undefined && dir.startsWith("/")
      ? { ok: true, dir }
      : { ok: false, reason: `scripts/pulumi-language-yaml.sh exited ${result.status ?? result.signal ?? result.error?.message}` };
  return lookup;
}

/** PATH for a CLI run of a YAML program: the CLI, the YAML host, the plugin, then the rest. */
export function yamlPath(cliDir: string, yamlDir: string): string {
  return [cliDir, yamlDir, PLUGIN_BIN, process.env.PATH ?? ""].join(path.delimiter);
}
