/**
 * The provider plugin's SDKs, generated from its schema (`provider/plugin/schema.ts`, itself generated
 * from the settings tables) whenever a test asks, never committed: an SDK can then never lag behind a
 * row added to the tables. The generator is `scripts/pulumi-sdk-gen.sh` (the Pulumi CLI's own code
 * generators, built from the Go module proxy); Python's SDK runs with PyPI's `pulumi` from
 * `scripts/python-pulumi.sh`.
 */
import { spawnSync } from "child_process";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { packageSchema } from "../provider/plugin/schema";
import { CliLookup, REPO_ROOT } from "./pulumiCli";

/** Runs a script of scripts/ that prints a path on its last line, once per process. */
function lastLineOf(script: string): CliLookup {
  const result = spawnSync("bash", [path.join(REPO_ROOT, "scripts", script)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 30 * 60_000 });
  const lines = (result.stdout ?? "").trim().split("\n");
  const dir = lines[lines.length - 1];
  return result.status === 0 && dir !== undefined && dir.startsWith("/")
    ? { ok: true, dir }
    : { ok: false, reason: `scripts/${script} exited ${result.status ?? result.signal ?? result.error?.message}` };
}

const found = new Map<string, CliLookup>();
const once = (script: string): CliLookup => {
  const known = found.get(script) ?? lastLineOf(script);
  found.set(script, known);
  return known;
};

/** The SDK generator's folder, built on first use. */
export const findSdkGenerator = (): CliLookup => once("pulumi-sdk-gen.sh");
/** A python with PyPI's `pulumi` (its path in `dir`). */
export const findPythonPulumi = (): CliLookup => once("python-pulumi.sh");

/** Writes the schema and generates one language's SDK into a fresh folder; returns the folder. */
export function generateSdk(generatorDir: string, language: "python" | "go" | "nodejs"): string {
  const dir = mkdtempSync(path.join(tmpdir(), `ontap-security-sdk-${language}-`));
  const schemaFile = path.join(dir, "schema.json");
  writeFileSync(schemaFile, JSON.stringify(packageSchema(), null, 2));
  const out = path.join(dir, "sdk");
  const result = spawnSync(path.join(generatorDir, "pulumi-sdk-gen"), [schemaFile, language, out], { encoding: "utf8", timeout: 5 * 60_000 });
  if (result.status !== 0) throw new Error(`pulumi-sdk-gen ${language} failed: ${result.stderr}`);
  return out;
}

/**
 * Builds test/go/plugin_automation.go against a generated Go SDK and github.com/pulumi/pulumi/sdk/v3
 * at the CLI's release (pkg/v3 required too, so module resolution picks what the CLI's build picked and
 * the Go build cache serves most packages). Returns the binary's path.
 */
export function buildGoProgram(sdk: string, version = "3.248.0"): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ontap-security-go-"));
  const base = "github.com/pulumi-ontap-security/sdk/go";
  cpSync(path.join(sdk, "ontapsecurity"), path.join(dir, "ontapsecurity"), { recursive: true });
  mkdirSync(path.join(dir, "cmd", "inline"), { recursive: true });
  cpSync(path.join(REPO_ROOT, "test", "go", "plugin_automation.go"), path.join(dir, "cmd", "inline", "main.go"));
  writeFileSync(
    path.join(dir, "go.mod"),
    [
      `module ${base}`,
      "",
      "go 1.25.11",
      "",
      "replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e",
      "",
      "require (",
      `\tgithub.com/pulumi/pulumi/pkg/v3 v${version}`,
      `\tgithub.com/pulumi/pulumi/sdk/v3 v${version}`,
      ")",
      "",
    ].join("\n"),
  );
  const binary = path.join(dir, "plugin_automation");
  const result = spawnSync("go", ["build", "-trimpath", "-o", binary, "./cmd/inline"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, GOWORK: "off", GO111MODULE: "on", GOFLAGS: "-mod=mod -buildvcs=false" },
    timeout: 15 * 60_000,
  });
  if (result.status !== 0) throw new Error(`go build of the Go inline program failed:\n${result.stderr}`);
  return binary;
}
