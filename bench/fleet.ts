/**
 * Section 4: a fleet through the real Pulumi CLI. examples/fleet (one `ClusterSecurity` per cluster of
 * the inventory in stack config) against one simulator holding N clusters on loopback: wall time and
 * peak memory of `preview`, `up` and a second `preview` with nothing to change, for each N, and how
 * they grow with N. Then the same `up` of the middle size with `--parallel 1`, to show the parallelism
 * Pulumi gives (and the most PATCHes the clusters saw in flight at once).
 */
import type { IncomingMessage, ServerResponse } from "http";
import * as path from "path";
import { performance } from "perf_hooks";
import { SimCluster, Simulator, asFound, startSimulator } from "../simulator";
import { PulumiProject, REPO_ROOT, findPulumiCli } from "../harness/pulumiCli";
import { TreePeak, TreeSampler, pulumiRole } from "../harness/processTree";
import { formatBytes, formatMs, heading, renderTable } from "./table";


/** Short jobs: the fleet measures the tool, not ONTAP. */
const JOB_MS = 200;
const PROGRAM_DIR = path.join(REPO_ROOT, "examples", "fleet");
/** A WAN-like delay of every answer, for the one preview that shows how round trips add up. */
const SLOW_ANSWER_MS = 50;
/** Pulumi's (experimental) switch to write state once at the end instead of after every step. */
const SKIP_CHECKPOINTS = "PULUMI_SKIP_CHECKPOINTS";

export interface FleetOptions {
  readonly sizes: readonly number[];
  readonly progress: (line: string) => void;
}

/** What the clusters saw during one command. */
interface Load {
  readonly requests: number;
  readonly patches: number;
  readonly maxInFlight: number;
  readonly maxPatchesInFlight: number;
}

/** The stack's state after `up`, as `pulumi stack export` gives it. */
interface StateSize {
  readonly bytes: number;
  readonly resources: number;
  /** Bytes of `__provider` text in the state (inputs and outputs both hold it). */
  readonly providerBytes: number;
}

interface Measured {
  readonly op: string;
  readonly size: number;
  readonly wallMs: number;
  readonly peak: TreePeak;
  readonly load: Load;
}

export async function runFleet(options: FleetOptions): Promise<string[]> {
  const cli = findPulumiCli();
  if (!cli.ok) return [heading(2, "4. A fleet through the Pulumi CLI"), `Skipped: no Pulumi CLI (${cli.reason}).`];
  const results: Measured[] = [];
  const states: (StateSize & { size: number })[] = [];
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const parallelSize = sizes.includes(100) ? 100 : (sizes[Math.floor(sizes.length / 2)] as number);
  const largest = sizes[sizes.length - 1] as number;
  for (const size of sizes) {
    const fleet = await Fleet.start(cli.dir, size);
    try {
      for (const [op, args] of [
        ["preview", ["preview"]],
        ["up", ["up", "--yes", "--skip-preview"]],
        ["preview, no changes", ["preview", "--expect-no-changes"]],
      ] as const) {
        if (op === "up" && size === parallelSize) {
          // An adoption's preview reads each cluster in check, and the engine calls Check one resource
          // at a time: every answer late by a WAN-like 50 ms shows what that costs. (A preview with
          // nothing to change sends no request, so latency cannot cost it anything.)
          options.progress(`fleet: ${size} clusters, pulumi preview, answers ${SLOW_ANSWER_MS} ms late`);
          fleet.answerLatency(SLOW_ANSWER_MS);
          results.push({ op: `preview, answers ${SLOW_ANSWER_MS} ms late`, size, ...(await fleet.measure(["preview"])) });
          fleet.answerLatency(0);
        }
        options.progress(`fleet: ${size} clusters, pulumi ${args.join(" ")}`);
        results.push({ op, size, ...(await fleet.measure(args)) });
        if (op === "up") states.push({ size, ...(await fleet.state()) });
      }
      if (size === parallelSize) {
        options.progress(`fleet: ${size} clusters, pulumi up --parallel 1 (fresh stack, clusters reset)`);
        await fleet.reset();
        results.push({ op: "up --parallel 1", size, ...(await fleet.measure(["up", "--yes", "--skip-preview", "--parallel", "1"])) });
      }
      if (size === largest) {
        // What the file backend's checkpoints cost: the same up, with Pulumi writing state only at the end.
        options.progress(`fleet: ${size} clusters, pulumi up with ${SKIP_CHECKPOINTS}=true (fresh stack, clusters reset)`);
        await fleet.reset({ [SKIP_CHECKPOINTS]: "true" });
        results.push({ op: `up, ${SKIP_CHECKPOINTS}=true`, size, ...(await fleet.measure(["up", "--yes", "--skip-preview"])) });
      }
    } finally {
      await fleet.close();
    }
  }
  return report(results, states, sizes);
}

/** A simulator with N legacy clusters and a Pulumi project of examples/fleet pointing at them. */
class Fleet {
  #project: PulumiProject;
  readonly #load = { requests: 0, patches: 0, inFlight: 0, patchesInFlight: 0, maxInFlight: 0, maxPatchesInFlight: 0 };

  private constructor(
    private readonly cliDir: string,
    private readonly sim: Simulator,
    project: PulumiProject,
  ) {
    this.#project = project;
    for (const cluster of sim.clusters) this.#instrument(cluster);
  }

  static async start(cliDir: string, size: number): Promise<Fleet> {
    const sim = await startSimulator({
      clusters: Array.from({ length: size }, (_, i) => ({ name: `cluster-${String(i + 1).padStart(3, "0")}`, security: asFound(), scenario: { jobDurationMs: JOB_MS } })),
    });
    try {
      return new Fleet(cliDir, sim, await Fleet.#newProject(cliDir, sim, {}));
    } catch (error) {
      await sim.close();
      throw error;
    }
  }

  static async #newProject(cliDir: string, sim: Simulator, env: Readonly<Record<string, string>>): Promise<PulumiProject> {
    const project = new PulumiProject(cliDir, { programDir: PROGRAM_DIR, env: { ONTAP_CA_CERTIFICATE: sim.caCertificate, ...env } });
    const inventory = sim.clusters.map((cluster) => ({ name: cluster.name, host: cluster.host }));
    await project.init({ clusters: JSON.stringify(inventory), "ontap:username": sim.username }, { "ontap:password": sim.password });
    return project;
  }

  /**
   * Counts requests in flight across all clusters. `handle` resolves once the answer is written
   * (a PATCH held by return_timeout included), so this is what the clusters carried at once.
   */
  #instrument(cluster: SimCluster): void {
    const target = cluster as unknown as { handle(req: IncomingMessage, res: ServerResponse): Promise<void> };
    const original = target.handle.bind(cluster);
    const load = this.#load;
    target.handle = async (req, res) => {
      const patch = req.method === "PATCH";
      load.requests++;
      load.inFlight++;
      load.maxInFlight = Math.max(load.maxInFlight, load.inFlight);
      if (patch) {
        load.patches++;
        load.patchesInFlight++;
        load.maxPatchesInFlight = Math.max(load.maxPatchesInFlight, load.patchesInFlight);
      }
      try {
        await original(req, res);
      } finally {
        load.inFlight--;
        if (patch) load.patchesInFlight--;
      }
    };
  }

  /** Runs one command (it must succeed) and measures it. */
  async measure(args: readonly string[]): Promise<{ wallMs: number; peak: TreePeak; load: Load }> {
    Object.assign(this.#load, { requests: 0, patches: 0, maxInFlight: 0, maxPatchesInFlight: 0 });
    const sampler = new TreeSampler(pulumiRole);
    const started = performance.now();
    try {
      await this.#project.ok(args, { timeoutMs: 30 * 60_000 });
    } catch (error) {
      sampler.stop();
      throw error;
    }
    const wallMs = performance.now() - started;
    const peak = sampler.stop();
    const { requests, patches, maxInFlight, maxPatchesInFlight } = this.#load;
    return { wallMs, peak, load: { requests, patches, maxInFlight, maxPatchesInFlight } };
  }

  /** Delays every answer of every cluster (the simulator's `latencyMs`). */
  answerLatency(ms: number): void {
    for (const cluster of this.sim.clusters) cluster.scenario.latencyMs = ms;
  }

  /** The size of the stack's state, and how much of it is the serialized provider. */
  async state(): Promise<StateSize> {
    const text = (await this.#project.ok(["stack", "export"])).stdout;
    const resources = (JSON.parse(text) as { deployment: { resources?: { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] } }).deployment.resources ?? [];
    const ours = resources.filter((resource) => resource.type.endsWith("ontap:ClusterSecurity"));
    const providerBytes = ours
      .flatMap((resource) => [resource.inputs?.__provider, resource.outputs?.__provider])
      .reduce<number>((sum, value) => sum + (typeof value === "string" ? JSON.stringify(value).length : 0), 0);
    return { bytes: Buffer.byteLength(text), resources: ours.length, providerBytes };
  }

  /** Puts every cluster back as found and starts a fresh stack, so that the next `up` does the same work. */
  async reset(env: Readonly<Record<string, string>> = {}): Promise<void> {
    for (const cluster of this.sim.clusters) {
      const security = cluster.security;
      const found = asFound();
      if (security.fips) security.fips = found.fips;
      if (security.tls) security.tls.protocol_versions = found.tls.protocol_versions;
      if (security.management_protocols) security.management_protocols = found.management_protocols;
    }
    this.#project.close();
    this.#project = await Fleet.#newProject(this.cliDir, this.sim, env);
  }

  async close(): Promise<void> {
    this.#project.close();
    await this.sim.close();
  }
}

/** The processes of a `pulumi` run that matter, in the order the table lists them. */
const ROLES = ["pulumi CLI", "program", "provider host"] as const;

function formatSeconds(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : "–";
}

function report(results: readonly Measured[], states: readonly (StateSize & { size: number })[], sizes: readonly number[]): string[] {
  const rows = results.map((result) => [
    String(result.size),
    `pulumi ${result.op}`,
    formatMs(result.wallMs),
    formatMs(result.wallMs / result.size),
    formatBytes(result.peak.peakSumBytes),
    ROLES.map((role) => formatBytes(result.peak.peakByRole.get(role) ?? Number.NaN)).join(" / "),
    ROLES.map((role) => formatSeconds(result.peak.cpuMsByRole.get(role) ?? Number.NaN)).join(" / "),
    String(result.load.requests),
    String(result.load.patches),
    `${result.load.maxInFlight} / ${result.load.maxPatchesInFlight}`,
  ]);
  const lines = [
    heading(2, "4. A fleet through the Pulumi CLI (measured)"),
    `examples/fleet against one simulator with N clusters on loopback (jobs of ${JOB_MS} ms; every cluster starts with FIPS off, TLS 1.0 on, rsh and telnet on). One run per figure. Peak memory: the largest sum of VmRSS over the CLI's process tree (sampled every 200 ms), and each process's own peak (VmHWM). In flight: the most requests (all / PATCH) the clusters were answering at once.`,
    "",
    renderTable(["clusters", "command", "wall", "per cluster", "peak memory (tree)", "peak CLI / program / provider host", "CPU CLI / program / provider host", "requests", "PATCH", "max in flight (all / PATCH)"], rows),
  ];
  const smallest = sizes[0] as number;
  const largest = sizes[sizes.length - 1] as number;
  if (largest > smallest) {
    const growth: string[][] = [];
    for (const op of ["preview", "up", "preview, no changes"]) {
      const at = (size: number) => results.find((result) => result.op === op && result.size === size);
      const small = at(smallest);
      const large = at(largest);
      if (small === undefined || large === undefined) continue;
      const steps = sizes.slice(1).map((size, i) => {
        const a = at(sizes[i] as number);
        const b = at(size);
        return a && b ? `${sizes[i]}→${size}: ${formatMs((b.wallMs - a.wallMs) / (size - (sizes[i] as number)))}` : "";
      });
      growth.push([
        `pulumi ${op}`,
        steps.join(", "),
        `${(large.wallMs / small.wallMs).toFixed(1)}× for ${largest / smallest}× the clusters`,
        `${(large.peak.peakSumBytes / small.peak.peakSumBytes).toFixed(2)}× (${formatBytes((large.peak.peakSumBytes - small.peak.peakSumBytes) / (largest - smallest))} per extra cluster)`,
      ]);
    }
    lines.push(
      "",
      "How it grows (marginal time per extra cluster between sizes; ratios of the largest to the smallest fleet):",
      "",
      renderTable(["command", "marginal wall per cluster", `wall ${largest} vs ${smallest}`, `peak memory ${largest} vs ${smallest}`], growth),
    );
  }
  if (states.length > 0) {
    lines.push(
      "",
      "State after `up` (`pulumi stack export`):",
      "",
      renderTable(
        ["clusters", "state", "per resource", "of which `__provider` (inputs + outputs)"],
        states.map((state) => [
          String(state.size),
          formatBytes(state.bytes),
          formatBytes(state.bytes / Math.max(1, state.resources)),
          `${formatBytes(state.providerBytes / Math.max(1, state.resources))} (${((state.providerBytes / state.bytes) * 100).toFixed(0)} %)`,
        ]),
      ),
    );
  }
  const unchecked = results.find((result) => result.op.startsWith("up, "));
  const checkpointed = unchecked && results.find((result) => result.op === "up" && result.size === unchecked.size);
  if (unchecked && checkpointed) {
    const cli = (result: Measured): string => formatSeconds(result.peak.cpuMsByRole.get("pulumi CLI") ?? Number.NaN);
    lines.push(
      "",
      `Checkpoints, ${unchecked.size} clusters: \`up\` took ${formatMs(checkpointed.wallMs)} (Pulumi CLI CPU ${cli(checkpointed)}) writing state after every step, as the file backend does by default, and ${formatMs(unchecked.wallMs)} (CLI CPU ${cli(unchecked)}) with ${SKIP_CHECKPOINTS}=true.`,
    );
  }
  const slow = results.find((result) => result.op.includes("ms late"));
  const quick = slow && results.find((result) => result.op === "preview" && result.size === slow.size);
  if (slow && quick) {
    lines.push(
      "",
      `Checks in series, ${slow.size} clusters: the preview of their adoption (${quick.load.requests} requests) took ${formatMs(quick.wallMs)}; with every answer ${SLOW_ANSWER_MS} ms late, ${formatMs(slow.wallMs)}: ${formatMs((slow.wallMs - quick.wallMs) / slow.size)} more per cluster, with at most ${slow.load.maxInFlight} request(s) in flight.`,
    );
  }
  const serial = results.find((result) => result.op === "up --parallel 1");
  const parallel = serial && results.find((result) => result.op === "up" && result.size === serial.size);
  if (serial && parallel) {
    lines.push(
      "",
      `Parallelism, ${serial.size} clusters: \`up\` with the default --parallel took ${formatMs(parallel.wallMs)} with up to ${parallel.load.maxPatchesInFlight} PATCHes in flight; with --parallel 1 it took ${formatMs(serial.wallMs)} with ${serial.load.maxPatchesInFlight} in flight: ${(serial.wallMs / parallel.wallMs).toFixed(1)}× faster in parallel.`,
    );
  }
  return lines;
}
