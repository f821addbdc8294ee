/**
 * A fleet as a pipeline has it, for the fleet tests and benchmarks: examples/fleet as a Pulumi project
 * in a temporary folder, an inventory file beside it, and `pulumi-ontap-security fleet …` run as its own
 * process (the package's command, built to build/cli/main.js) with the real Pulumi CLI.
 */
import { ChildProcess, spawn } from "child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { stringify } from "yaml";
import type { Simulator } from "../simulator";
import type { FleetSummary } from "../cli/fleetReport";
import { REPO_ROOT, offlineCliEnv } from "./pulumiCli";
import { descendantsOf } from "./processTree";

/** The package's command as built. */
export const FLEET_MAIN = path.join(REPO_ROOT, "build", "cli", "main.js");
const PROGRAM_DIR = path.join(REPO_ROOT, "examples", "fleet");

/** A stack of the inventory: its name and its clusters (names and hosts). */
export interface StackPlan {
  readonly name: string;
  readonly clusters: readonly { readonly name: string; readonly host: string }[];
}

/** What one run of the command gave. */
export interface FleetRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The `--json` summary, when the run wrote one. */
  readonly summary?: FleetSummary;
}

export interface FleetProjectOptions {
  /** State backend URL; default: a `file://` folder inside the project. */
  readonly backend?: string;
  /** Environment for the CLI (PULUMI_SKIP_CHECKPOINTS, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** The project's Pulumi.yaml; default: a Node.js project whose `main:` is examples/fleet. */
  readonly projectFile?: string;
}

/**
 * A pipeline's checkout: a project folder whose `main:` is examples/fleet, its own PULUMI_HOME, and the
 * simulator's account and CA in the environment (as a pipeline's secrets would be).
 */
export class FleetProject {
  readonly dir: string;
  readonly backend: string;
  readonly #env: NodeJS.ProcessEnv;

  constructor(
    readonly cliDir: string,
    sim: Simulator,
    options: FleetProjectOptions = {},
  ) {
    this.dir = mkdtempSync(path.join(tmpdir(), "pulumi-ontap-fleet-"));
    mkdirSync(path.join(this.dir, "state"));
    this.backend = options.backend ?? `file://${path.join(this.dir, "state")}`;
    writeFileSync(
      path.join(this.dir, "Pulumi.yaml"),
      options.projectFile ??
      ["name: ontap-fleet", "runtime:", "  name: nodejs", "  options:", "    typescript: true", `main: ${path.relative(this.dir, PROGRAM_DIR)}/`, ""].join("\n"),
    );
    this.#env = {
      ...offlineCliEnv(path.join(this.dir, "home")),
      ONTAP_USERNAME: sim.username,
      ONTAP_PASSWORD: sim.password,
      ONTAP_CA_CERTIFICATE: sim.caCertificate,
      ...options.env,
    };
  }

  /** The CLI's environment (for `pulumi cancel`, `stack export`). */
  get env(): NodeJS.ProcessEnv {
    return { ...this.#env, PATH: `${this.cliDir}${path.delimiter}${process.env.PATH ?? ""}`, PULUMI_BACKEND_URL: this.backend };
  }

  /** Writes an inventory of `stacks` on this project's backend; returns its path. */
  writeInventory(stacks: readonly StackPlan[], file = "fleet.yaml"): string {
    const target = path.join(this.dir, file);
    writeFileSync(target, stringify({ project: ".", backend: this.backend, stacks: stacks.map((s) => ({ name: s.name, clusters: s.clusters })) }));
    return target;
  }

  /**
   * Runs `pulumi-ontap-security fleet <args>` in its own process group (so that a test can kill the
   * whole pipeline, Pulumi's processes included, as a cancelled CI job is killed).
   */
  fleet(args: readonly string[], options: { onStart?: (child: ChildProcess) => void; timeoutMs?: number; json?: boolean } = {}): Promise<FleetRun> {
    const jsonFile = path.join(this.dir, `summary-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    const root = args.includes("--pulumi-root") ? [] : ["--pulumi-root", path.dirname(this.cliDir)];
    const argv = [FLEET_MAIN, "fleet", ...args, ...root, ...(options.json === false ? [] : ["--json", jsonFile])];
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, argv, { cwd: this.dir, env: this.#env, stdio: ["ignore", "pipe", "pipe"], detached: true });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
      const timer = setTimeout(() => killGroup(child), options.timeoutMs ?? 15 * 60_000);
      child.on("error", reject);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        let summary: FleetSummary | undefined;
        try {
          summary = JSON.parse(require("fs").readFileSync(jsonFile, "utf8")) as FleetSummary;
        } catch {
          summary = undefined;
        }
        resolve({ code: code ?? (signal === null ? -1 : 128), stdout, stderr, ...(summary === undefined ? {} : { summary }) });
      });
      options.onStart?.(child);
    });
  }

  /**
   * Runs the Pulumi CLI in the project folder against its backend; resolves with its output, rejects on
   * failure. `input` goes to its stdin: a secret goes this way, never on the command line.
   */
  pulumi(args: readonly string[], input = ""): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", [...args, "--non-interactive", "--color", "never"], { cwd: this.dir, env: this.env, stdio: ["pipe", "pipe", "pipe"] });
      child.stdin.on("error", () => undefined);
      child.stdin.end(input);
      let output = "";
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => ((stdout += chunk), (output += chunk)));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`pulumi ${args.join(" ")} exited ${code}:\n${output}`))));
    });
  }

  /** A stack's resources as `pulumi stack export` gives them. */
  async resources(stack: string): Promise<{ type: string; id?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[]> {
    const exported = JSON.parse(await this.pulumi(["stack", "export", "--stack", stack])) as { deployment: { resources?: { type: string }[]; pending_operations?: unknown[] } };
    return (exported.deployment.resources ?? []) as { type: string; id?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[];
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Kills a process and everything in its group (a pipeline's job killed outright). */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  // Pulumi starts its language host and provider plugins in process groups of their own: a kill of
  // the runner's group alone leaves them running, so the whole tree is taken first and ended too.
  const tree = descendantsOf(child.pid);
  for (const pid of [-child.pid, ...tree]) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** `count` clusters split into `stacks` stacks of equal size (the last takes the remainder), names `<prefix>-NN`. */
export function shard(sim: Simulator, stacks: number, prefix = "site"): StackPlan[] {
  const per = Math.ceil(sim.clusters.length / stacks);
  return Array.from({ length: stacks }, (_, i) => ({
    name: `${prefix}-${String(i + 1).padStart(2, "0")}`,
    clusters: sim.clusters.slice(i * per, (i + 1) * per).map((c) => ({ name: c.name, host: c.host })),
  })).filter((s) => s.clusters.length > 0);
}
