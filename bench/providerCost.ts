/**
 * Section 3: what the provider itself costs. The `__provider` text serialized into every resource's
 * state, the dynamic-provider host's start (spawn → port printed) and its memory after a create, a read
 * and an update, next to a bare Node.js process for scale.
 */
import { spawn } from "child_process";
import { performance } from "perf_hooks";
import { startSimulator } from "../simulator";
import { Props, serializedProviderText, startProviderHost } from "../harness/providerHost";
import { commandOf, descendantsOf, memoryOf } from "../harness/processTree";
import { formatBytes, formatSpread, heading, renderTable } from "./table";

const SETTINGS: Props = {
  fips: { enabled: true },
  tls: { protocolVersions: ["TLSv1.2"] },
  managementProtocols: { rshEnabled: false, telnetEnabled: false },
};

export interface ProviderCostOptions {
  readonly runs: number;
  readonly progress: (line: string) => void;
}

interface Run {
  readonly startMs: number;
  readonly idleRss: number;
  readonly firstCheckMs: number;
  readonly warmCheckMs: number;
  readonly hwm: number;
  readonly rss: number;
  readonly bareNodeRss: number;
}

export async function runProviderCost(options: ProviderCostOptions): Promise<string[]> {
  options.progress("provider: serializing the provider");
  const text = await serializedProviderText(SETTINGS);
  const runs: Run[] = [];
  for (let i = 0; i < options.runs; i++) {
    options.progress(`provider: host run ${i + 1}/${options.runs}`);
    runs.push(await hostRun(text));
  }
  const of = (pick: (run: Run) => number): number[] => runs.map(pick);
  return [
    heading(2, "3. Provider cost (measured)"),
    `Median (min–max) over ${runs.length} runs; one provider host per run, as one \`pulumi up\` starts one.`,
    "",
    renderTable(
      ["figure", "value"],
      [
        ["serialized `__provider` per resource", `${Buffer.byteLength(text)} B${text.includes('require("pulumi-ontap-security/provider")') ? " (a shim that requires the package by name)" : ""}`],
        ["provider host start (spawn → port printed)", formatSpread(of((run) => run.startMs))],
        ["first check (loads the implementation, one GET)", formatSpread(of((run) => run.firstCheckMs))],
        ["second check (warm, one GET)", formatSpread(of((run) => run.warmCheckMs))],
        ["host RSS, idle after start", formatSpread(of((run) => run.idleRss), formatBytes)],
        ["host RSS after create + read + update", formatSpread(of((run) => run.rss), formatBytes)],
        ["host peak RSS (VmHWM) after create + read + update", formatSpread(of((run) => run.hwm), formatBytes)],
        ["for scale: a bare `node` process, idle", formatSpread(of((run) => run.bareNodeRss), formatBytes)],
      ],
    ),
  ];
}

async function hostRun(text: string): Promise<Run> {
  const sim = await startSimulator({ clusters: [{ scenario: { jobDurationMs: 50 } }] });
  const cluster = sim.clusters[0];
  if (cluster === undefined) throw new Error("the simulator started no cluster");
  const before = new Set(descendantsOf(process.pid));
  const started = performance.now();
  const host = await startProviderHost();
  const startMs = performance.now() - started;
  try {
    const pid = descendantsOf(process.pid).find((candidate) => !before.has(candidate) && commandOf(candidate).includes("dynamic-provider"));
    if (pid === undefined) throw new Error("provider: cannot find the provider host's process");
    const idleRss = memoryOf(pid)?.rss ?? Number.NaN;
    await host.configure({ "ontap:host": cluster.host, "ontap:username": sim.username, "ontap:password": { secret: sim.password }, "ontap:caCertificate": sim.caCertificate });
    const inputs: Props = { __provider: text, ...SETTINGS };
    let at = performance.now();
    await host.check({}, inputs);
    const firstCheckMs = performance.now() - at;
    at = performance.now();
    const checked = await host.check({}, inputs);
    const warmCheckMs = performance.now() - at;
    const created = await host.create(checked.inputs);
    const read = await host.read(created.id, created.properties, inputs);
    const changed: Props = { ...inputs, tls: { protocolVersions: ["TLSv1.3"] } };
    await host.update(created.id, read.properties, changed, inputs);
    const memory = memoryOf(pid);
    return {
      startMs,
      idleRss,
      firstCheckMs,
      warmCheckMs,
      hwm: memory?.hwm ?? Number.NaN,
      rss: memory?.rss ?? Number.NaN,
      bareNodeRss: await bareNodeRss(),
    };
  } finally {
    await host.close();
    await sim.close();
  }
}

/** The RSS of `node` doing nothing, read once it has settled. */
function bareNodeRss(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    child.once("error", reject);
    setTimeout(() => {
      const rss = child.pid === undefined ? undefined : memoryOf(child.pid)?.rss;
      child.kill("SIGKILL");
      resolve(rss ?? Number.NaN);
    }, 500);
  });
}
