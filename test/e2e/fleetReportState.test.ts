/**
 * `fleet report --inventory FILE --out DIR` with no summaries, against the real CLI and a file or a
 * PostgreSQL backend: the report comes from each stack's state as last recorded, asks no cluster,
 * says so in all three views with each stack's time, exits 3 on drift a refresh recorded and 1 on a
 * create a killed run left in flight, reports a stack the backend lacks as not run, and keeps every
 * secret of the state and of the backend's URL out of its files; with `--policy-config`, it judges a
 * cluster as the policy pack, given the same file by the CLI, does.
 */
import test, { ExecutionContext } from "ava";
import type { ChildProcess } from "child_process";
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import type { SimCluster } from "../../simulator";
import { FleetProject, FleetRun, killGroup } from "../../harness/fleetProject";
import { findPostgres, startPostgres } from "../../harness/postgres";
import { REPO_ROOT, findPulumiCli } from "../../harness/pulumiCli";
import { REPORT_FILES } from "../../cli/reportCommand";
import { fleetSimulator } from "./fleetFixtures";

const explain = (run: FleetRun): string => `exit ${run.code}\n${run.stdout}\n${run.stderr}`;
const PASSWORD = "Passw0rd-only-in-state";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCstateonly\n-----END PRIVATE KEY-----";

const read = (dir: string) => Object.fromEntries(Object.values(REPORT_FILES).map((file) => [file, readFileSync(path.join(dir, file), "utf8")]));
const requestsTo = (clusters: readonly SimCluster[]): number => clusters.reduce((n, c) => n + c.requests.length + c.droppedRequests, 0);

const PG_PASSWORD = "pg-Passw0rd-of-the-backend";

/** The scenario, on the file backend or on PostgreSQL (whose URL carries a password that must appear nowhere either). */
async function reportFromState(t: ExecutionContext, backend: "file" | "postgres"): Promise<void> {
  t.timeout(15 * 60_000);
  const cli = findPulumiCli();
  if (!cli.ok) throw new Error(`no Pulumi CLI: ${cli.reason}`);
  let secrets = [PASSWORD, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCstateonly", "PRIVATE KEY"];
  let options = {};
  if (backend === "postgres") {
    if (!findPostgres().ok) throw new Error(`no PostgreSQL: ${(findPostgres() as { reason: string }).reason}`);
    const pg = await startPostgres({ password: PG_PASSWORD });
    t.teardown(() => pg.stop());
    options = { backend: pg.url };
    secrets = [...secrets, PG_PASSWORD, encodeURIComponent(PG_PASSWORD)];
  }
  const sim = await fleetSimulator(t, "recorded", 4, 200);
  const project = new FleetProject(cli.dir, sim, options);
  t.teardown(() => project.close());
  const [a, b, c, d] = sim.clusters.map((cluster) => ({ name: cluster.name, host: cluster.host }));
  const ran = [
    { name: "site-1", clusters: [a!, b!] },
    { name: "site-2", clusters: [c!] },
  ];
  const ranInventory = project.writeInventory(ran, "ran.yaml");
  const up = await project.fleet(["up", "--inventory", ranInventory]);
  t.is(up.code, 0, explain(up));

  // Telnet turned back on behind the program's back; a plain refresh records it in state.
  (sim.clusters[1] as SimCluster).security.management_protocols = { rsh_enabled: false, telnet_enabled: true };
  const refresh = await project.fleet(["refresh", "--inventory", ranInventory]);
  t.is(refresh.code, 0, explain(refresh));

  const times = async (stack: string) => (JSON.parse(await project.pulumi(["stack", "export", "--stack", stack])) as { deployment: { manifest: { time: string } } }).deployment.manifest.time;
  const before = requestsTo(sim.clusters);
  const first = path.join(project.dir, "report-drift");
  const drift = await project.fleet(["report", "--inventory", ranInventory, "--out", first], { json: false });
  t.is(drift.code, 3, explain(drift));
  t.is(requestsTo(sim.clusters), before, "no request to any cluster");
  t.regex(drift.stdout, /from the state of 2 stacks as last recorded \(not a live read\): .*1 drifted.*; exit 3/);
  const firstFiles = read(first);
  for (const stack of ["site-1", "site-2"]) {
    const time = await times(stack);
    for (const [file, text] of Object.entries(firstFiles)) t.true(text.includes(time), `${file} gives ${stack}'s time ${time}`);
  }
  t.regex(firstFiles[REPORT_FILES.markdown] ?? "", /State as last recorded, not a live read/);
  t.regex(firstFiles[REPORT_FILES.html] ?? "", /State as last recorded, not a live read/);
  t.regex(firstFiles[REPORT_FILES.junit] ?? "", /<failure message="below the baseline: 1 mandatory shortfall \(ontap-telnet-disabled\); drifted in 1 setting \(managementProtocols\.telnetEnabled\)" type="ontap-telnet-disabled">/);

  // One policy config for the pack and the report: TLS 1.3 only, conversion mandatory, telnet not judged.
  // The pack, run by the CLI on site-2 (its cluster as declared), and the report from state judge alike.
  const policyConfig = path.join(project.dir, "baseline.json");
  writeFileSync(policyConfig, JSON.stringify({ "ontap-tls-minimum-version": { minimumVersion: "TLSv1.3" }, "ontap-software-encryption-converted": "remediate", "ontap-telnet-disabled": "disabled" }));
  const packRun = await project
    .pulumi(["preview", "--stack", "site-2", "--policy-pack", path.join(REPO_ROOT, "policy"), "--policy-pack-config", policyConfig])
    .then((output) => ({ failed: false, output }))
    .catch((error: Error) => ({ failed: true, output: error.message }));
  t.true(packRun.failed, `a mandatory violation fails the preview:\n${packRun.output}`);
  const byPack = [...packRun.output.matchAll(/\[(mandatory|advisory)\]\s+(\S+)\s+\([^)]*: ([^)]+)\)/g)].filter((m) => m[3] === c!.name).map((m) => `${m[1]} ${m[2]}`);
  const configured = path.join(project.dir, "report-configured");
  const judged = await project.fleet(["report", "--inventory", ranInventory, "--out", configured, "--policy-config", policyConfig], { json: false });
  t.is(judged.code, 3, explain(judged));
  const junit = readFileSync(path.join(configured, REPORT_FILES.junit), "utf8");
  const testcase = junit.split("<testcase ").find((chunk) => chunk.includes(`name="${c!.name}"`)) ?? "";
  const failure = /<failure message="below the baseline: \d+ mandatory shortfalls? \(([^)]*)\)/.exec(testcase)?.[1]?.split(", ") ?? [];
  const advisory = [...testcase.matchAll(/^advisory (\S+): /gm)].map((m) => m[1] as string);
  t.deepEqual([...new Set(byPack)].sort(), [...failure.map((rule) => `mandatory ${rule}`), ...advisory.map((rule) => `advisory ${rule}`)].sort(), packRun.output);
  t.true(failure.includes("ontap-tls-minimum-version") && failure.includes("ontap-software-encryption-converted"), testcase);
  t.notRegex(junit, /ontap-telnet-disabled/, "a disabled rule judges nothing");

  // site-1's state now holds a password and a private key (import keeps what it is given, as a state
  // written by an older program might have them).
  const exported = JSON.parse(await project.pulumi(["stack", "export", "--stack", "site-1"])) as { deployment: { resources: { urn: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] } };
  const resource = exported.deployment.resources.find((r) => r.urn.endsWith(`::${a!.name}`));
  if (resource === undefined) throw new Error(`no resource ${a!.name} in site-1's state`);
  resource.inputs = { ...resource.inputs, password: PASSWORD, clientKey: KEY };
  resource.outputs = { ...resource.outputs, password: PASSWORD, clientKey: KEY };
  const edited = path.join(project.dir, "site-1.json");
  writeFileSync(edited, JSON.stringify(exported));
  await project.pulumi(["stack", "import", "--stack", "site-1", "--file", edited]);

  // A run killed while it creates a fourth cluster's resource leaves that create in flight in site-2's state.
  const slow = sim.clusters[3] as SimCluster;
  slow.scenario.jobDurationMs = 120_000;
  const grow = project.writeInventory([{ name: "site-2", clusters: [c!, d!] }], "grow.yaml");
  let runner: ChildProcess | undefined;
  const killed = project.fleet(["up", "--inventory", grow], { onStart: (child) => (runner = child) });
  const deadline = Date.now() + 5 * 60_000;
  while (!slow.requests.some((r) => r.method === "PATCH")) {
    if (Date.now() > deadline) throw new Error("the fourth cluster's create never reached the cluster");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (runner !== undefined) killGroup(runner);
  await killed;
  const pending = (JSON.parse(await project.pulumi(["stack", "export", "--stack", "site-2"])) as { deployment: { pending_operations?: { type: string }[] } }).deployment.pending_operations ?? [];
  t.deepEqual(pending.map((p) => p.type), ["creating"], "the killed run left its create in flight");

  const all = project.writeInventory([ran[0]!, { name: "site-2", clusters: [c!, d!] }, { name: "site-3", clusters: [{ name: "never", host: "never.example.com" }] }], "fleet.yaml");
  const second = path.join(project.dir, "report-state");
  const report = await project.fleet(["report", "--inventory", all, "--out", second], { json: false });
  t.is(report.code, 1, explain(report));
  t.regex(report.stdout, /5 clusters in 3 stacks from the state of 3 stacks as last recorded/);
  t.regex(report.stdout, /1 failed, 0 unreachable, 0 locked, 1 not run, 1 drifted/);
  const files = read(second);
  const markdown = files[REPORT_FILES.markdown] ?? "";
  t.regex(markdown, /^> - site-3: no state in the backend$/m);
  t.regex(markdown, /creating when the state was last written/);
  t.regex(files[REPORT_FILES.html] ?? "", new RegExp(`its state records 1 operation in flight \\(creating ${d!.name}\\)`));
  t.regex(markdown, /pulumi cancel --stack site-2 --yes/);
  t.regex(files[REPORT_FILES.junit] ?? "", /<error message="failed: creating when the state was last written/);
  for (const [file, text] of Object.entries(files)) {
    for (const leak of [...secrets, sim.password]) t.false(text.includes(leak), `${file} holds a secret of the state or the backend`);
  }
  for (const leak of secrets) t.false(`${report.stdout}${report.stderr}`.includes(leak), "the command's output holds a secret");
}

test.serial("a report from the stacks' state on a file backend: drift as a refresh recorded it, a killed run's create in flight, a stack never run, no secret, no request to any cluster", (t) => reportFromState(t, "file"));
test.serial("a report from the stacks' state on PostgreSQL: the same, and the backend's password in none of it", (t) => reportFromState(t, "postgres"));
