/**
 * `pulumi-ontap-security fleet preview|up|refresh --inventory fleet.yaml`: one Pulumi command over every
 * stack of a fleet, a few stacks at once, on Pulumi's Automation API. Progress goes to stderr, the
 * summary table to stdout, the JSON summary to `--json`, and the exit code says how it went.
 */
import { writeFileSync } from "fs";
import { parseArgs } from "util";
import { Inventory, loadInventory } from "./fleetInventory";
import { identifyClusters, sameClusterProblems } from "./fleetIdentity";
import type { Backoff } from "./fleetLocks";
import { describeHolders } from "./fleetLocks";
import { interruptAll } from "./fleetProcess";
import { Redactor } from "./fleetRedact";
import { EXIT, renderSummary, summary } from "./fleetReport";
import { jsonTargetProblem, pulumiOnPathProblem, pulumiRootProblem } from "./fleetPreconditions";
import { FLEET_COMMANDS, FleetCommand, FleetProgress, StackResult, runFleet } from "./fleetRunner";
import { Shard, describeShard, parseShard, shardStacks } from "./fleetShard";
import { REPORT_FILES, reportTargetProblem, runReportCommand, summaryFileName, writeRunReport } from "./reportCommand";
import { loadPolicyConfig } from "./reportPolicyConfig";
import { UsageError, integerOption } from "./usageError";

export const FLEET_USAGE = `usage: pulumi-ontap-security fleet preview|up|refresh --inventory FILE [options]
       pulumi-ontap-security fleet report [SUMMARY...] --out DIR [--inventory FILE]  (fleet report --help)

Runs the Pulumi command on every stack of the inventory, --concurrency stacks at once, each with
its clusters written to its stack config. A stack locked by another run is retried with backoff,
never unlocked; a lock left by a killed run is reported with its recovery (pulumi cancel).

  --inventory FILE     YAML: project (folder of Pulumi.yaml: a Node.js program like examples/fleet or
                       a YAML one of the provider plugin like examples/fleet-yaml; default: the
                       file's folder), backend (state URL, default: PULUMI_BACKEND_URL),
                       stacks: [{name, clusters: [host | {name, host}]}]
  --concurrency N      stacks at once (default 2)
  --parallel N         Pulumi's --parallel within each stack (default: the CLI's)
  --drift-check        preview or refresh: exit 3 when anything would change; refresh then runs
                       pulumi preview --refresh: reads every cluster, writes nothing
  --clear-pending-creates
                       refresh: drop the creates a killed run left pending (after pulumi cancel);
                       the next up adopts those clusters again, sending only what is missing
  --json FILE          write the summary as JSON (stacks, statuses, counts, errors, locks)
  --report DIR         write the fleet report into DIR: HTML (one file), JUnit XML, Markdown, and the
                       JSON summary that \`fleet report\` merges
  --policy-config FILE
                       with --report: the baseline pack's policy config (pulumi's --policy-pack-config)
  --shard K/N          run only shard K of N: a fixed, balanced part of the inventory's stacks, so N
                       runners (a CI matrix) share one fleet and one backend
  --lock-retries N     attempts after the first on a locked stack (default 5)
  --lock-wait S        first wait on a locked stack in seconds, doubling up to 60 (default 5)
  --pulumi-root DIR    use DIR/bin/pulumi (default: pulumi on PATH)
  -h, --help           this text

Every text written (stderr, the table, --json) has URL passwords, secret query values and the
secrets of the environment (PULUMI_CONFIG_PASSPHRASE, ONTAP_PASSWORD, ONTAP_CLIENT_KEY, …) as ***.
SIGINT, SIGTERM or SIGHUP (a closed terminal): the running stacks finish their steps in flight, no
more start; a second SIGINT or SIGTERM stops them at once (a SIGHUP never does).

Exit codes: 0 all succeeded; 1 a stack failed, stayed locked, had a stale lock or was cancelled;
2 bad command line, inventory or --json file, or two entries reaching one cluster (nothing ran);
3 a drift check found changes.`;

/** What one `fleet` command line asks for. */
export interface FleetCommandLine {
  readonly command: FleetCommand;
  readonly inventory: string;
  readonly concurrency: number;
  readonly parallel?: number;
  readonly driftCheck: boolean;
  readonly clearPendingCreates: boolean;
  readonly json?: string;
  readonly report?: string;
  readonly policyConfig?: string;
  readonly shard?: Shard;
  readonly backoff: Backoff;
  readonly pulumiRoot?: string;
}

function integer(option: string, value: string | undefined, min: number, max: number, fallback: number): number {
  return value === undefined ? fallback : integerOption(option, value, min, max);
}

/** Parses the arguments after `fleet`; `undefined` for --help. Pure: tested by tables. */
export function parseFleetArgs(args: readonly string[]): FleetCommandLine | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        inventory: { type: "string" },
        concurrency: { type: "string" },
        parallel: { type: "string" },
        "drift-check": { type: "boolean" },
        "clear-pending-creates": { type: "boolean" },
        json: { type: "string" },
        report: { type: "string" },
        "policy-config": { type: "string" },
        shard: { type: "string" },
        "lock-retries": { type: "string" },
        "lock-wait": { type: "string" },
        "pulumi-root": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError("", undefined, `${(error as Error).message}\n${FLEET_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  const [command, ...extra] = positionals;
  if (command === undefined || !(FLEET_COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError("", command, `fleet needs a command, one of ${FLEET_COMMANDS.join(", ")}; got ${command === undefined ? "none" : `"${command}"`}\n${FLEET_USAGE}`);
  }
  if (extra.length > 0) throw new UsageError("", extra.join(" "), `unexpected argument(s) ${extra.map((a) => `"${a}"`).join(" ")}; options start with --`);
  if (values.inventory === undefined || values.inventory === "") throw new UsageError("--inventory", values.inventory, "--inventory FILE is required: the fleet's stacks and their clusters");
  if (values["drift-check"] && command === "up") throw new UsageError("--drift-check", undefined, "--drift-check goes with preview or refresh, not up (up changes what it finds)");
  if (values["clear-pending-creates"] && command !== "refresh") throw new UsageError("--clear-pending-creates", undefined, "--clear-pending-creates goes with refresh only");
  if (values["clear-pending-creates"] && values["drift-check"]) throw new UsageError("--clear-pending-creates", undefined, "--clear-pending-creates writes state; a --drift-check writes nothing: use one or the other");
  if (values["policy-config"] !== undefined && values.report === undefined) throw new UsageError("--policy-config", values["policy-config"], "--policy-config sets the verdicts of the report: it goes with --report DIR");
  return {
    command: command as FleetCommand,
    inventory: values.inventory,
    concurrency: integer("--concurrency", values.concurrency, 1, 64, 2),
    ...(values.parallel === undefined ? {} : { parallel: integer("--parallel", values.parallel, 1, 1024, 1) }),
    driftCheck: values["drift-check"] === true,
    clearPendingCreates: values["clear-pending-creates"] === true,
    ...(values.json === undefined ? {} : { json: values.json }),
    ...(values.report === undefined ? {} : { report: values.report }),
    ...(values["policy-config"] === undefined ? {} : { policyConfig: values["policy-config"] }),
    ...(values.shard === undefined ? {} : { shard: parseShard(values.shard) }),
    backoff: {
      retries: integer("--lock-retries", values["lock-retries"], 0, 100, 5),
      initialMs: integer("--lock-wait", values["lock-wait"], 1, 3600, 5) * 1000,
      maxMs: 60_000,
    },
    ...(values["pulumi-root"] === undefined ? {} : { pulumiRoot: values["pulumi-root"] }),
  };
}

/** Progress lines on stderr: each stack as it ends, lock waits, and a heartbeat with the totals. */
class ProgressPrinter implements FleetProgress {
  #done = 0;
  #running = new Set<string>();
  #changed = 0;
  #failedClusters = 0;
  #failedStacks = 0;
  readonly #started = Date.now();

  constructor(
    private readonly command: FleetCommand,
    private readonly total: number,
    private readonly write: (line: string) => void,
  ) {}

  #line(text: string): void {
    this.write(`fleet ${this.command}: ${text}`);
  }

  status(): string {
    const verb = this.command === "preview" ? "to change" : this.command === "refresh" ? "drifted" : "changed";
    return `${this.#done}/${this.total} stacks done, ${this.#running.size} running · ${this.#changed} clusters ${verb} · ${this.#failedClusters} clusters failed, ${this.#failedStacks} stacks not succeeded · ${Math.round((Date.now() - this.#started) / 1000)} s`;
  }

  stackStarted(stack: string, attempt: number): void {
    this.#running.add(stack);
    if (attempt > 1) this.#line(`${stack}: attempt ${attempt}`);
  }
  lockWait(stack: string, holders: Parameters<FleetProgress["lockWait"]>[1], waitMs: number, attempt: number): void {
    this.#line(`${stack}: locked (${describeHolders(holders)}); attempt ${attempt} in ${(waitMs / 1000).toFixed(1)} s`);
  }
  clusterChanged(): void {
    this.#changed++;
  }
  clusterFailed(): void {
    this.#failedClusters++;
  }
  stackFinished(result: StackResult): void {
    this.#running.delete(result.stack);
    this.#done++;
    if (result.status !== "succeeded") this.#failedStacks++;
    this.#line(`[${this.#done}/${this.total}] ${result.stack} ${result.status} in ${(result.durationMs / 1000).toFixed(1)} s: ${result.clusters} clusters, ${result.changed} changed, ${result.failed} failed · ${this.status()}`);
  }
}

/** Drops an error of writing to a terminal that is gone (see run). */
const dropWriteError = (): void => undefined;

/** The signals the runner handles while stacks run. */
export const FLEET_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** What the runner has done on the signals so far. */
export interface SignalHistory {
  /** Running stacks were interrupted (each CLI got one SIGINT: steps in flight finish). */
  readonly interrupted: boolean;
  /** They were stopped at once (each CLI got its second SIGINT). */
  readonly stopped: boolean;
}

/**
 * What a signal does. The first of any (SIGINT, SIGTERM, SIGHUP) interrupts: no stack starts, each
 * running CLI gets one SIGINT, so the steps in flight finish and their locks are released. A second
 * SIGINT or SIGTERM, someone insisting, stops them at once. SIGHUP never does: a closed terminal sends
 * it more than once to the same job (the shell passes its hang-up on to its jobs, and the kernel sends
 * the foreground group another when the session leader exits), and a hang-up is nobody insisting.
 * Pure: tested by tables.
 */
export function signalAction(signal: NodeJS.Signals, history: SignalHistory): { action: "interrupt" | "stop" | "none"; next: SignalHistory } {
  if (!history.interrupted) return { action: "interrupt", next: { ...history, interrupted: true } };
  if (signal === "SIGHUP" || history.stopped) return { action: "none", next: history };
  return { action: "stop", next: { ...history, stopped: true } };
}

/** Runs `fleet` with the arguments after it; resolves to the exit code. Every text it writes goes through one redactor. */
export async function runFleetCommand(args: string[]): Promise<number> {
  if (args[0] === "report") return runReportCommand(args.slice(1));
  const line = parseFleetArgs(args);
  if (line === undefined) {
    console.log(FLEET_USAGE);
    return EXIT.ok;
  }
  // Known before the inventory is read: the environment's secrets and its backend URL.
  let redactor = Redactor.forFleet([process.env.PULUMI_BACKEND_URL], process.env);
  const fail = (message: string): number => {
    process.stderr.write(`${redactor.text(`pulumi-ontap-security fleet: ${message}`)}\n`);
    return EXIT.usage;
  };
  let inventory: Inventory;
  try {
    inventory = loadInventory(line.inventory);
    if (line.shard !== undefined) inventory = { ...inventory, stacks: shardStacks(inventory.stacks, line.shard) };
  } catch (error) {
    return fail((error as Error).message);
  }
  redactor = Redactor.forFleet([inventory.backend, process.env.PULUMI_BACKEND_URL], process.env);
  if (line.json !== undefined) {
    const problem = jsonTargetProblem(line.json, inventory.file);
    if (problem !== undefined) return fail(`${problem}; nothing was run`);
  }
  if (line.report !== undefined) {
    const files = [summaryFileName(line.shard), ...Object.values(REPORT_FILES)];
    const problem = reportTargetProblem("--report", line.report, inventory.file, files);
    if (problem !== undefined) return fail(`${problem}; nothing was run`);
  }
  const policy = line.policyConfig === undefined ? undefined : loadPolicyConfig(line.policyConfig);
  if (policy !== undefined && "problem" in policy) return fail(`${policy.problem}; nothing was run`);
  const cliProblem = line.pulumiRoot === undefined ? pulumiOnPathProblem(process.env.PATH) : pulumiRootProblem(line.pulumiRoot);
  if (cliProblem !== undefined) return fail(`${cliProblem}; nothing was run`);
  try {
    return await run(line, inventory, redactor, policy?.rules);
  } catch (error) {
    process.stderr.write(`${redactor.text(`pulumi-ontap-security fleet: ${error instanceof Error ? error.message : String(error)}`)}\n`);
    return EXIT.failed;
  }
}

async function run(line: FleetCommandLine, inventory: Inventory, redactor: Redactor, rules?: Parameters<typeof writeRunReport>[4]): Promise<number> {
  const write = (text: string) => process.stderr.write(`${redactor.text(text)}\n`);
  const progress = new ProgressPrinter(line.command, inventory.stacks.length, write);
  const abort = new AbortController();
  let history: SignalHistory = { interrupted: false, stopped: false };
  const onSignal = (signal: NodeJS.Signals) => {
    const { action, next } = signalAction(signal, history);
    history = next;
    if (action === "interrupt") {
      write(`fleet ${line.command}: ${signal}: interrupting running stacks (Pulumi finishes the steps in flight and releases their locks), starting no more; a second SIGINT or SIGTERM stops them at once`);
      abort.abort();
    } else if (action === "stop") {
      write(`fleet ${line.command}: ${signal} again: stopping the running stacks at once (steps in flight may be left pending: each such stack says how to recover)`);
      interruptAll();
    }
  };
  // A closed terminal takes stdout and stderr with it: writing there then fails (EIO, EPIPE), and an
  // unhandled stream error would end the runner before the stacks it interrupted have finished and
  // before --json and --report are written. What cannot be shown is dropped; the run goes on.
  for (const stream of [process.stdout, process.stderr]) if (!stream.listeners("error").includes(dropWriteError)) stream.on("error", dropWriteError);
  for (const signal of FLEET_SIGNALS) process.on(signal, onSignal);
  const heartbeat = setInterval(() => write(`fleet ${line.command}: ${progress.status()}`), 15_000);
  const startedAt = new Date();
  const started = Date.now();
  try {
    // One manager per cluster: two entries that reach one cluster are refused before anything runs.
    const identities = await identifyClusters(inventory, process.env, Math.max(4, line.concurrency * 4), abort.signal);
    if (identities.skipped !== undefined) {
      write(`fleet ${line.command}: clusters not asked who they are before the run (${identities.skipped}): two names for one cluster are caught only as the stacks report them`);
    }
    const same = sameClusterProblems(identities.found);
    if (same.length > 0) {
      write(`pulumi-ontap-security fleet: inventory ${inventory.file}: two entries reach one cluster, nothing was run:${same.length === 1 ? " " : "\n  "}${same.join("\n  ")}`);
      return EXIT.usage;
    }
    write(
      `fleet ${line.command}: ${inventory.stacks.length} stacks${line.shard === undefined ? "" : ` (shard ${describeShard(line.shard)})`} of ${inventory.project}${inventory.backend === undefined ? "" : ` on ${inventory.backend}`}, ${line.concurrency} at once${line.driftCheck ? ", drift check" : ""}`,
    );
    const results = await runFleet(inventory, {
      command: line.command,
      concurrency: line.concurrency,
      driftCheck: line.driftCheck,
      clearPendingCreates: line.clearPendingCreates,
      backoff: line.backoff,
      signal: abort.signal,
      progress,
      ...(line.parallel === undefined ? {} : { parallel: line.parallel }),
      ...(line.report === undefined ? {} : { exportState: true }),
      ...(line.pulumiRoot === undefined ? {} : { pulumiRoot: line.pulumiRoot }),
    });
    const report = redactor.value(summary(line.command, line.driftCheck, startedAt, Date.now() - started, results, line.shard));
    console.log(redactor.text(renderSummary(report)));
    if (line.json !== undefined) {
      try {
        writeFileSync(line.json, `${JSON.stringify(report, null, 2)}\n`);
      } catch (error) {
        write(`pulumi-ontap-security fleet: the summary could not be written to --json ${line.json}: ${(error as Error).message}; the table above is the run's result`);
        return EXIT.failed;
      }
    }
    if (line.report !== undefined) {
      try {
        for (const file of writeRunReport(line.report, report, inventory, line.inventory, rules)) write(`fleet ${line.command}: wrote ${file}`);
      } catch (error) {
        write(`pulumi-ontap-security fleet: the report could not be written to --report ${line.report}: ${(error as Error).message}; the table above is the run's result`);
        return EXIT.failed;
      }
    }
    return report.exitCode;
  } finally {
    clearInterval(heartbeat);
    for (const signal of FLEET_SIGNALS) process.off(signal, onSignal);
  }
}
