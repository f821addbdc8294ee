/**
 * Section 1: job-completion latency. For jobs of 0.3 s, 3 s and 30 s on the simulator, the time from the
 * job's end to the update returning, for this package and, in the same run, for the same update waiting
 * the way NetApp's Python client, Ansible collection and Terraform provider wait. Then, computed on a
 * virtual clock, the poll schedules for jobs longer than ONTAP's 120 s `return_timeout` cap.
 *
 * The job's end is the simulator's own record (`SimJob.endTime`, set when the job reaches `success`), in
 * the same process and clock as the caller, so "job end → return" is measured to the millisecond with
 * no clock skew: it covers noticing the end (the held PATCH's answer, or the next poll) and the read-back.
 */
import { SecurityPatch } from "../provider/ontap/codecs";
import { ClusterSecurityInputs } from "../provider/lifecycle/model";
import { SimCluster, Simulator, startSimulator } from "../simulator";
import { FlowResult, FlowTarget, ourUpdate, peerUpdate, pollerOnlyUpdate } from "./updateFlows";
import { PEER_WAITERS } from "./peerWaiters";
import { describeSchedule, schedulesFor } from "./pollSchedule";
import { formatMs, formatSpread, heading, median, renderTable } from "./table";

/** One way of updating, measured. */
interface Strategy {
  readonly name: string;
  readonly description: string;
  run(target: FlowTarget, telnetEnabled: boolean): Promise<FlowResult>;
}

const STRATEGIES: readonly Strategy[] = [
  {
    name: "ours",
    description: "this package: updateResource, PATCH with return_timeout (≤120 s), then our waiter",
    run: (target, telnetEnabled) => ourUpdate(target, { managementProtocols: { telnetEnabled } } satisfies ClusterSecurityInputs),
  },
  {
    name: "ours, poller only",
    description: "our waiter (jobWaiter.ts) with no return_timeout: what runs once the 120 s hold is over",
    run: (target, telnetEnabled) => pollerOnlyUpdate(target, patchOf(telnetEnabled)),
  },
  ...PEER_WAITERS.map(
    (peer): Strategy => ({ name: peer.name, description: peer.description, run: (target, telnetEnabled) => peerUpdate(target, patchOf(telnetEnabled), peer) }),
  ),
];

function patchOf(telnetEnabled: boolean): SecurityPatch {
  return { management_protocols: { telnet_enabled: telnetEnabled } };
}

/** One measured update. */
interface Sample {
  readonly strategy: string;
  readonly jobMs: number;
  /** From the job's end (simulator record) to the update returning; negative when the waiter gave up first. */
  readonly lagMs: number;
  /** The whole update call, as a pipeline sees it. */
  readonly totalMs: number;
  readonly requests: number;
  readonly jobGets: number;
  readonly outcome: FlowResult["outcome"];
}

export interface LatencyOptions {
  /** Repetitions per job duration (ms → count). */
  readonly reps: ReadonlyMap<number, number>;
  /** Durations at or above this run their strategies concurrently (each on its own cluster): they wait, not compute. */
  readonly concurrentFromMs: number;
  readonly progress: (line: string) => void;
}

/** Our target: at most 100 ms or 5 % of the job's duration, whichever is larger. */
export function targetMs(jobMs: number): number {
  return Math.max(100, jobMs * 0.05);
}

export async function runLatency(options: LatencyOptions): Promise<string[]> {
  const sim = await startSimulator({ clusters: STRATEGIES.map((strategy) => ({ name: `latency-${strategy.name.replace(/\W+/g, "-")}`, scenario: { jobDurationMs: 10 } })) });
  const out: string[] = [heading(2, "1. Job-completion latency (measured)")];
  try {
    const clusterOf = new Map(STRATEGIES.map((strategy, index) => [strategy.name, sim.clusters[index] as SimCluster]));
    const measure = (strategy: Strategy, jobMs: number): Promise<Sample> => measureOnce(sim, clusterOf.get(strategy.name) as SimCluster, strategy, jobMs);

    // Warm-up, not counted: first TLS handshakes, module loading and JIT. Only the waiters that a
    // 10 ms job does not keep waiting for seconds.
    for (const strategy of STRATEGIES.filter((s) => s.name === "ours" || s.name === "ansible" || s.name === "terraform")) await measure(strategy, 10);

    const samples: Sample[] = [];
    for (const [jobMs, reps] of options.reps) {
      for (let rep = 0; rep < reps; rep++) {
        options.progress(`latency: ${formatMs(jobMs)} job, run ${rep + 1}/${reps}`);
        if (jobMs >= options.concurrentFromMs) {
          // Staggered starts, so that the jobs (and the answers they release) do not all end at the same instant.
          samples.push(...(await Promise.all(STRATEGIES.map((strategy, index) => delay(index * 700).then(() => measure(strategy, jobMs))))));
        } else {
          // Sequential, in an order that rotates each run, so that no waiter always follows the same one.
          for (let i = 0; i < STRATEGIES.length; i++) samples.push(await measure(STRATEGIES[(i + rep) % STRATEGIES.length] as Strategy, jobMs));
        }
      }
    }
    out.push(...latencyTable(samples));
  } finally {
    await sim.close();
  }
  out.push(...(await computedTables()));
  return out;
}

async function measureOnce(sim: Simulator, cluster: SimCluster, strategy: Strategy, jobMs: number): Promise<Sample> {
  cluster.scenario.jobDurationMs = jobMs;
  const telnetEnabled = !(cluster.security.management_protocols?.telnet_enabled ?? false);
  const before = new Set(cluster.jobs.keys());
  cluster.clearLog();
  const target: FlowTarget = { id: cluster.uuid, connection: { host: cluster.host, username: sim.username, password: sim.password, caCertificate: sim.caCertificate } };
  const startedAt = Date.now();
  const result = await strategy.run(target, telnetEnabled);
  const started = [...cluster.jobs.values()].filter((job) => !before.has(job.uuid));
  if (started.length !== 1) throw new Error(`latency: ${strategy.name} started ${started.length} jobs on ${cluster.name}, expected 1`);
  const job = started[0];
  // A waiter that gave up returned before the job ended: wait for the end, so that the next run starts clean.
  while (job?.endTime === undefined) await delay(50);
  return {
    strategy: strategy.name,
    jobMs,
    lagMs: result.returnedAt - job.endTime.getTime(),
    totalMs: result.returnedAt - startedAt,
    requests: cluster.requests.length,
    jobGets: cluster.requests.filter((request) => request.path.startsWith("/api/cluster/jobs/")).length,
    outcome: result.outcome,
  };
}

function latencyTable(samples: readonly Sample[]): string[] {
  const rows: string[][] = [];
  const durations = [...new Set(samples.map((sample) => sample.jobMs))];
  for (const jobMs of durations) {
    const ours = samples.filter((sample) => sample.jobMs === jobMs && sample.strategy === "ours");
    const oursTotal = median(ours.map((sample) => sample.totalMs));
    for (const strategy of STRATEGIES) {
      const runs = samples.filter((sample) => sample.jobMs === jobMs && sample.strategy === strategy.name);
      if (runs.length === 0) continue;
      const gaveUp = runs.filter((sample) => sample.outcome === "client-timeout");
      const finished = runs.filter((sample) => sample.outcome === "done");
      const lag = median(finished.map((sample) => sample.lagMs));
      const verdict = gaveUp.length > 0 ? `client timeout ×${gaveUp.length}` : lag <= targetMs(jobMs) ? "pass" : "miss";
      rows.push([
        formatMs(jobMs),
        strategy.name,
        String(runs.length),
        finished.length > 0 ? formatSpread(finished.map((sample) => sample.lagMs)) : "–",
        gaveUp.length > 0 ? gaveUpText(median(gaveUp.map((sample) => sample.lagMs))) : "",
        formatMs(median(runs.map((sample) => sample.totalMs))),
        strategy.name === "ours" ? "" : signed(median(runs.map((sample) => sample.totalMs)) - oursTotal),
        `${median(runs.map((sample) => sample.requests))} (${median(runs.map((sample) => sample.jobGets))} job GETs)`,
        formatMs(targetMs(jobMs)),
        verdict,
      ]);
    }
  }
  return [
    "",
    "Job end (the simulator's job record) → update returns. Median (min–max) over the runs; ≤30 s jobs: strategies one after another, rotating; 30 s jobs: the five at once, each on its own cluster, starts 0.7 s apart.",
    "",
    renderTable(["job", "waiter", "runs", "job end → return", "client gave up", "update (median)", "vs ours", "requests (median)", "target", "verdict"], rows),
    "",
    "Waiters:",
    ...STRATEGIES.map((strategy) => `- ${strategy.name}: ${strategy.description}`),
    "",
    "Target: ours at most 100 ms or 5 % of the job's duration, whichever is larger (the verdict column applies it to every waiter for comparison).",
  ];
}

/** A waiter that gave up: before the job ended, or after it (it slept through the end, then hit its limit). */
function gaveUpText(lagMs: number): string {
  return lagMs < 0 ? `${formatMs(-lagMs)} before the job ended` : `${formatMs(lagMs)} after the job had ended`;
}

function signed(ms: number): string {
  return `${ms >= 0 ? "+" : ""}${formatMs(ms)}`;
}

/** Poll schedules for long jobs on a virtual clock: the real waiting loops, zero network time. */
async function computedTables(): Promise<string[]> {
  const durations = [300, 3_000, 30_000, 90_000, 150_000, 600_000, 1_200_000];
  const rows: string[][] = [];
  for (const jobMs of durations) {
    for (const schedule of await schedulesFor(jobMs)) {
      rows.push([
        formatMs(jobMs),
        schedule.waiter,
        formatMs(schedule.heldMs),
        String(schedule.pollsMs.length),
        schedule.sawEnd ? formatMs(schedule.worstLagMs) : "–",
        schedule.sawEnd ? `${((schedule.worstLagMs / jobMs) * 100).toFixed(1)} %` : "–",
        schedule.sawEnd ? "returns" : `gives up at ${formatMs(schedule.returnedMs)}`,
      ]);
    }
  }
  const six = await schedulesFor(600_000);
  return [
    heading(3, "Poll schedules (computed, not measured)"),
    "Each waiter's own loop run on a virtual clock against a modelled job, with zero network time; ours is provider/ontap/jobWaiter.ts `waitForJob` itself after a 120 s hold. Worst-case lag: the gap between the polls around the job's end (a job ending just after a poll waits the whole gap); 0 when return_timeout held the PATCH until the end.",
    "",
    renderTable(["job", "waiter", "PATCH held", "job GETs", "worst-case lag", "of the job", "outcome"], rows),
    "",
    "A 600 s job, poll by poll:",
    ...six.map((schedule) => `- ${schedule.waiter}: ${describeSchedule(schedule)}`),
  ];
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
