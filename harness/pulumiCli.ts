/**
 * The real Pulumi CLI, run offline against a throwaway file backend, for the end-to-end tests, the
 * demo and the benchmarks. The CLI comes from `scripts/pulumi-cli.sh` (on PATH, or built from
 * Pulumi's Go modules into a cache on first use).
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

/** Compiled to build/harness/: the repository is two levels up. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
const CLI_SCRIPT = path.join(REPO_ROOT, "scripts", "pulumi-cli.sh");

/** Where the CLI is, or why it is not. */
export type CliLookup = { readonly ok: true; readonly dir: string } | { readonly ok: false; readonly reason: string };

let lookup: CliLookup | undefined;

/**
 * Finds or builds the CLI once per process. A first build takes minutes; progress goes to stderr.
 */
export function findPulumiCli(): CliLookup {
  if (lookup !== undefined) return lookup;
  const result = spawnSync("bash", [CLI_SCRIPT], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 40 * 60_000 });
  const lines = (result.stdout ?? "").trim().split("\n");
  const dir = lines[lines.length - 1];
  lookup =
    result.status === 0 && dir !== undefined && dir.startsWith("/")
      ? { ok: true, dir }
      : { ok: false, reason: `scripts/pulumi-cli.sh exited ${result.status ?? result.signal ?? result.error?.message}` };
  return lookup;
}

/**
 * The environment of a CLI run that needs no account and no network: this process's, less `ONTAP_*`
 * and `PULUMI_*` (the caller's own cluster, backend or token must not reach a throwaway project),
 * plus its own PULUMI_HOME, a passphrase for secrets, and no update check, plugin download, prompt or colour.
 */
export function offlineCliEnv(home: string): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("ONTAP_") && !key.startsWith("PULUMI_")));
  return {
    ...inherited,
    PULUMI_HOME: home,
    PULUMI_CONFIG_PASSPHRASE: "pulumi-ontap-security-test-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    NO_COLOR: "1",
  };
}

/** The result of one CLI command. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for assertions and for failure messages. */
  readonly output: string;
}

export interface RunOptions {
  readonly timeoutMs?: number;
  /** Given to the command on stdin (secrets go this way, never on the command line). */
  readonly input?: string;
  /** Also copy the command's output to this process's stdout/stderr as it comes. */
  readonly echo?: boolean;
  /** Called with the CLI's process once started (to signal it, as a cancelled pipeline does). */
  readonly onStart?: (child: ChildProcess) => void;
}

export interface ProjectOptions {
  /** The program's folder (the `main:` of the generated Pulumi.yaml). Default: `examples/`. */
  readonly programDir?: string;
  readonly stack?: string;
  /** Environment added to the CLI's (and so the provider's). `ONTAP_*` from the caller are dropped. */
  readonly env?: Readonly<Record<string, string>>;
  /** Told `pulumi <args> → <exit code>` after each command (a test's log). */
  readonly log?: (line: string) => void;
  /** The project file's whole text, instead of a Node.js project running `programDir` (a YAML program, say). */
  readonly projectFile?: string;
}

/**
 * A Pulumi project in a temporary folder whose `main:` points at a program in this repository, with
 * its own backend, PULUMI_HOME and stack. Nothing is written into the repository.
 */
export class PulumiProject {
  readonly dir: string;
  readonly stack: string;
  readonly #env: NodeJS.ProcessEnv;
  /** Process groups of the CLI runs started, ended by close(). */
  readonly #groups = new Set<number>();
  readonly #log: ((line: string) => void) | undefined;
  readonly #transcript: string[] = [];

  constructor(cliDir: string, options: ProjectOptions = {}) {
    this.dir = mkdtempSync(path.join(tmpdir(), "pulumi-ontap-project-"));
    mkdirSync(path.join(this.dir, "backend"));
    this.stack = options.stack ?? "dev";
    this.#log = options.log;
    const programDir = options.programDir ?? path.join(REPO_ROOT, "examples");
    writeFileSync(
      path.join(this.dir, "Pulumi.yaml"),
      options.projectFile ?? [
        "name: ontap-security",
        "runtime:",
        "  name: nodejs",
        "  options:",
        "    typescript: true",
        // Pulumi joins main: to the project folder, so it must be relative.
        `main: ${path.relative(this.dir, programDir)}/`,
        "",
      ].join("\n"),
    );
    this.#env = {
      ...offlineCliEnv(path.join(this.dir, "home")),
      PATH: `${cliDir}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_BACKEND_URL: `file://${path.join(this.dir, "backend")}`,
      ...options.env,
    };
  }

  /** Runs `pulumi <args>` in the project folder (never throws on a non-zero exit). */
  run(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", [...args, "--non-interactive", "--color", "never"], {
        cwd: this.dir,
        env: this.#env,
        stdio: ["pipe", "pipe", "pipe"],
        // Its own process group: a CLI killed outright leaves its language host and provider behind,
        // re-parented but still in this group, and close() ends them with it.
        detached: true,
      });
      if (child.pid !== undefined) this.#groups.add(child.pid);
      let stdout = "";
      let stderr = "";
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk;
        output += chunk;
        if (options.echo) process.stdout.write(chunk);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk;
        output += chunk;
        if (options.echo) process.stderr.write(chunk);
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 10 * 60_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        this.#transcript.push(output);
        this.#log?.(`pulumi ${args.join(" ")} → ${code ?? -1}`);
        resolve({ code: code ?? -1, stdout, stderr, output });
      });
      // The CLI may end before it reads its input (a failed preview, say): the pipe's EPIPE is then
      // no news, and unhandled it would crash the test process. The exit code and output tell.
      child.stdin.on("error", () => undefined);
      child.stdin.end(options.input ?? "");
      options.onStart?.(child);
    });
  }

  /** Runs a command that must succeed, or throws with its whole output. */
  async ok(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
    const result = await this.run(args, options);
    if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.output}`);
    return result;
  }

  /** Creates the stack and sets its config; `secrets` are set with --secret (read from stdin, never argv). */
  async init(config: Readonly<Record<string, string>>, secrets: Readonly<Record<string, string>> = {}): Promise<void> {
    await this.ok(["stack", "init", this.stack]);
    // One command for all plain values: each CLI command costs a process start and a read of the stack.
    const plain = Object.entries(config);
    if (plain.length > 0) await this.ok(["config", "set-all", ...plain.map(([key, value]) => `--plaintext=${key}=${value}`)]);
    for (const [key, value] of Object.entries(secrets)) await this.ok(["config", "set", "--secret", key], { input: value });
  }

  /** Sets one config value; multi-line values (PEM) go through stdin. */
  setConfig(key: string, value: string): Promise<CliResult> {
    return value.includes("\n") ? this.ok(["config", "set", key], { input: value }) : this.ok(["config", "set", key, value]);
  }

  /** Stack outputs as JSON. */
  async outputs(): Promise<Record<string, unknown>> {
    return JSON.parse((await this.ok(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
  }

  /**
   * Everything every command of this project printed so far (stdout and stderr, commands in the order
   * they ended), where a credential must never appear.
   */
  transcript(): string {
    return this.#transcript.join("\n");
  }

  /** Removes the project folder, its backend and PULUMI_HOME. */
  close(): void {
    for (const group of this.#groups) {
      try {
        process.kill(-group, "SIGKILL");
      } catch {
        // the group has already ended
      }
    }
    this.#groups.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
