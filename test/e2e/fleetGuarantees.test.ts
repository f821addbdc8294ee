/**
 * The fleet command's guarantees, with real programs: a PostgreSQL server on loopback whose account
 * has a password (with an `@` in it), the Pulumi CLI, and the simulator. Each row of the matrix is an
 * input and its outcome, and every row checks that no credential appears in any text the command
 * writes: stdout, stderr, the `--json` file and, where a stack was written, `pulumi stack export`.
 */
import test, { ExecutionContext } from "ava";
import type { ChildProcess } from "child_process";
import { existsSync, readFileSync, writeFileSync } from "fs";
import { createServer } from "net";
import * as path from "path";
import { stringify } from "yaml";
import { ManualClock, SimCluster, Simulator } from "../../simulator";
import { FleetProject, FleetRun } from "../../harness/fleetProject";
import { Postgres, findPostgres, startPostgres } from "../../harness/postgres";
import { fleetPrerequisites, fleetSimulator } from "./fleetFixtures";
import { CLUSTER_SECURITY_TYPE } from "../../provider/resourceType";

const CLUSTER_TYPE = CLUSTER_SECURITY_TYPE;
/** The state database's password: an `@` in it, which Pulumi accepts unencoded too. */
const PG_PASSWORD = "S3cr@t-pg-Pw";
const WRONG_PASSWORD = "Wr0ng@pass-xyz";
const PASSPHRASE = "fleet-Passphrase-7d1e";
let postgres: Postgres | undefined;

test.before(async () => {
  if (findPostgres().ok) postgres = await startPostgres({ password: PG_PASSWORD });
});
test.after.always(async () => {
  await postgres?.stop();
});

function project(t: ExecutionContext, cliDir: string, sim: Simulator, backend: string): FleetProject {
  const p = new FleetProject(cliDir, sim, { backend, env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } });
  t.teardown(() => p.close());
  return p;
}

/** Every credential in play, and the parts of the passwords an `@` splits: none may appear anywhere. */
function credentials(sim: Simulator): string[] {
  const passwords = [PG_PASSWORD, WRONG_PASSWORD];
  return [
    ...passwords.flatMap((pw) => [pw, encodeURIComponent(pw), ...pw.split("@").filter((part) => part.length >= 4)]),
    PASSPHRASE,
    sim.password,
  ];
}

/** Every text the run wrote; the --json file is read as text. */
function texts(run: FleetRun, jsonFile: string | undefined): Record<string, string> {
  return {
    stdout: run.stdout,
    stderr: run.stderr,
    ...(jsonFile !== undefined && existsSync(jsonFile) ? { json: readFileSync(jsonFile, "utf8") } : {}),
  };
}

function assertNoCredential(t: ExecutionContext, sim: Simulator, outputs: Record<string, string>, row: string): void {
  for (const [where, text] of Object.entries(outputs)) {
    for (const secret of credentials(sim)) t.false(text.includes(secret), `${row}: ${JSON.stringify(secret)} in ${where}:\n${text}`);
  }
}

/** A loopback port nothing listens on (taken from the OS, then let go). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function explain(run: FleetRun): string {
  return `exit ${run.code}\n${run.stdout}\n${run.stderr}`;
}

/** `fleet up` of one stack, its --json file kept for reading as text. */
async function up(p: FleetProject, inventory: string, stack: string): Promise<{ run: FleetRun; json: string }> {
  const json = path.join(p.dir, `summary-${stack}.json`);
  const run = await p.fleet(["up", "--inventory", inventory, "--json", json], { json: false });
  return { run, json };
}

function inventoryFile(p: FleetProject, body: unknown, name = "fleet.yaml"): string {
  const file = path.join(p.dir, name);
  writeFileSync(file, stringify(body));
  return file;
}

// The backend URL in the inventory, row by row: Pulumi's own errors quote it, and must lose its secrets.
const BACKEND_ROWS: readonly { readonly title: string; readonly url: (port: number, closed: number) => string; readonly ok: boolean; readonly error?: RegExp }[] = [
  { title: "password percent-encoded", url: (port) => `postgres://postgres:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:${port}/postgres?sslmode=disable`, ok: true },
  { title: "password with an unencoded @", url: (port) => `postgres://postgres:${PG_PASSWORD}@127.0.0.1:${port}/postgres?sslmode=disable`, ok: true },
  { title: "password as ?password=", url: (port) => `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable&password=${encodeURIComponent(PG_PASSWORD)}`, ok: true },
  { title: "closed port", url: (_port, closed) => `postgres://postgres:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:${closed}/postgres?sslmode=disable`, ok: false, error: /connection refused|connect|unexpected EOF|reset/i },
  { title: "wrong password", url: (port) => `postgres://postgres:${WRONG_PASSWORD}@127.0.0.1:${port}/postgres?sslmode=disable`, ok: false, error: /password authentication failed/i },
  { title: "wrong database", url: (port) => `postgres://postgres:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:${port}/nosuchdb?sslmode=disable`, ok: false, error: /nosuchdb.*does not exist|does not exist/i },
  { title: "sslmode the server cannot do", url: (port) => `postgres://postgres:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:${port}/postgres?sslmode=require`, ok: false, error: /SSL/i },
];

test.serial("a backend URL's credentials never appear, whichever form the URL takes and however the backend fails", async (t) => {
  const { cliDir, pg } = fleetPrerequisites(t, postgres, 10 * 60_000);
  const sim = await fleetSimulator(t, "creds", BACKEND_ROWS.length, 200);
  const first = project(t, cliDir, sim, pg.url);
  // A new PostgreSQL backend makes its table on first use: once, before the rows.
  await first.pulumi(["stack", "ls"]);
  for (const [i, row] of BACKEND_ROWS.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    const stack = `creds-${i + 1}`;
    // Taken just before its row runs: a port let go minutes earlier may be another test file's by then.
    const closed = await closedPort();
    const p = i === 0 ? first : project(t, cliDir, sim, row.url(pg.port, closed));
    const inventory = inventoryFile(p, { project: ".", backend: row.url(pg.port, closed), stacks: [{ name: stack, clusters: [{ name: cluster.name, host: cluster.host }] }] });
    const { run, json } = await up(p, inventory, stack);
    const outputs = texts(run, json);
    t.truthy(outputs.json, `${row.title}: the --json file is written`);
    if (row.ok) {
      t.is(run.code, 0, `${row.title}: ${explain(run)}`);
      t.is(cluster.patches().length, 1, `${row.title}: the cluster was brought as declared`);
      // State holds no credential either (exported with the trusted URL).
      const exported = await first.pulumi(["stack", "export", "--stack", stack]);
      t.true(exported.includes(CLUSTER_TYPE), row.title);
      outputs.export = exported;
    } else {
      t.is(run.code, 1, `${row.title}: ${explain(run)}`);
      const summary = JSON.parse(outputs.json ?? "{}") as { stacks: { status: string; error?: string }[] };
      t.is(summary.stacks[0]?.status, "failed", row.title);
      t.regex(summary.stacks[0]?.error ?? "", row.error as RegExp, `${row.title}: Pulumi's error is kept, redacted`);
      // CLI v3.248 says `unable to open bucket postgres://…`, v3.276 `unable to open state database "postgres://…"`.
      t.regex(summary.stacks[0]?.error ?? "", /^error: unable to open (bucket|state database) "?postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\//, `${row.title}: Pulumi's own words, the URL redacted`);
      t.is(cluster.patches().length, 0, `${row.title}: nothing changed`);
    }
    assertNoCredential(t, sim, outputs, row.title);
  }
});

test.serial("bad input is refused before anything runs (exit 2, one clear line), quoting no credential", async (t) => {
  const { cliDir, pg } = fleetPrerequisites(t, postgres, 10 * 60_000);
  const sim = await fleetSimulator(t, "input", 2, 200);
  const [c1, c2] = sim.clusters as [SimCluster, SimCluster];
  const p = project(t, cliDir, sim, pg.url);
  const port = c1.host.split(":")[1] as string;
  const good = { project: ".", backend: pg.url, stacks: [{ name: "input-1", clusters: [c2.host] }] };
  const rows: readonly { title: string; inventory: unknown; args?: string[]; message: RegExp; json?: string }[] = [
    {
      title: "a host with the ONTAP password in it",
      inventory: { ...good, stacks: [{ name: "input-1", clusters: [`https://admin:${sim.password}@${c1.host}`] }] },
      message: /stacks\[0\]\.clusters\[0\]\.host: holds credentials/,
    },
    {
      title: "one cluster in two stacks, as 127.0.0.1 and as https://localhost (found by asking it)",
      inventory: { ...good, stacks: [{ name: "input-1", clusters: [c1.host] }, { name: "input-2", clusters: [`https://localhost:${port}`] }] },
      message: new RegExp(`stacks\\[1\\]\\.clusters\\[0\\]\\.host: "https://localhost:${port}" reaches the cluster "${c1.name}" \\(uuid ${c1.uuid}\\) that stacks\\[0\\]\\.clusters\\[0\\] \\("127\\.0\\.0\\.1:${port}"\\) reaches`),
    },
    {
      title: "one cluster twice in one stack, as host:port and https://host:port",
      inventory: { ...good, stacks: [{ name: "input-1", clusters: [c1.host, `https://${c1.host}`] }] },
      message: /stacks\[0\]\.clusters\[1\]\.host: .* is the cluster of stacks\[0\]\.clusters\[0\]/,
    },
    {
      title: "one stack under two spellings",
      inventory: { ...good, stacks: [{ name: "siteX", clusters: [c1.host] }, { name: "organization/ontap-fleet/siteX", clusters: [c2.host] }] },
      message: /stacks\[1\]\.name: "organization\/ontap-fleet\/siteX" is the stack of stacks\[0\] \("siteX"\)/,
    },
    { title: "a stack name going up a folder", inventory: { ...good, stacks: [{ name: "../siteX" }] }, message: /stacks\[0\]\.name: "\.\.\/siteX" names organization/ },
    { title: "a project folder without Pulumi.yaml", inventory: { ...good, project: "elsewhere" }, message: /project: "elsewhere" .* has no Pulumi\.yaml/ },
    { title: "--json into a missing folder", inventory: good, json: "missing/summary.json", message: /--json "missing\/summary\.json": its folder .* does not exist; nothing was run/ },
    { title: "--json naming a directory", inventory: good, json: ".", message: /--json "\." is a directory/ },
    { title: "--json naming the inventory", inventory: good, json: "fleet.yaml", message: /--json "fleet\.yaml" is the inventory/ },
    { title: "--pulumi-root without bin/pulumi", inventory: good, args: ["--pulumi-root", "/nonexistent"], message: /--pulumi-root "\/nonexistent" has no executable bin\/pulumi/ },
  ];
  for (const row of rows) {
    const inventory = inventoryFile(p, row.inventory);
    const before = readFileSync(inventory, "utf8");
    const json = row.json ?? path.join(p.dir, "summary.json");
    const run = await p.fleet(["up", "--inventory", inventory, "--json", json, ...(row.args ?? [])], { json: false });
    t.is(run.code, 2, `${row.title}: ${explain(run)}`);
    t.regex(run.stderr, row.message, row.title);
    t.is(run.stderr.trimEnd().split("\n").length, 1, `${row.title}: one line`);
    t.is(run.stdout, "", `${row.title}: no summary, since nothing ran`);
    t.is(readFileSync(inventory, "utf8"), before, `${row.title}: the inventory is untouched`);
    t.false(existsSync(path.join(p.dir, "summary.json")), `${row.title}: no summary written`);
    t.false(run.stderr.includes("admin-"), `${row.title}: no name derived from a host's credentials`);
    assertNoCredential(t, sim, texts(run, undefined), row.title);
  }
  for (const cluster of sim.clusters) t.is(cluster.patches().length, 0, `${cluster.name}: nothing changed`);
  t.false((await p.pulumi(["stack", "ls", "--all", "--json"])).includes("input-"), "no stack was created");
});

test.serial("Ctrl-C in a terminal (SIGINT to the whole process group) mid-up: the steps in flight finish and are recorded, the lock is released", async (t) => {
  const { cliDir, pg } = fleetPrerequisites(t, postgres, 10 * 60_000);
  // The clusters' clock stands still until the signal, so both jobs are surely in flight when it comes;
  // then it runs while the steps finish.
  const clock = new ManualClock();
  const sim = await fleetSimulator(t, "ctrlc", 3, 6_000, clock);
  const p = project(t, cliDir, sim, pg.url);
  const [a, b, c] = sim.clusters as [SimCluster, SimCluster, SimCluster];
  // Two stacks, one at a time: the second must never start.
  const inventory = inventoryFile(p, { project: ".", backend: pg.url, stacks: [{ name: "ctrlc-1", clusters: [a.host, b.host] }, { name: "ctrlc-2", clusters: [c.host] }] });
  let pid: number | undefined;
  const json = path.join(p.dir, "summary.json");
  const running = p.fleet(["up", "--inventory", inventory, "--concurrency", "1", "--json", json], { json: false, onStart: (child) => (pid = child.pid) });
  const deadline = Date.now() + 5 * 60_000;
  while (![a, b].every((cluster) => cluster.patches().length > 0)) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the PATCHes");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // As a terminal sends it: to the foreground process group, the runner and whatever shares its group.
  process.kill(-(pid as number), "SIGINT");
  const run = await clock.runWhile(running);
  t.is(run.code, 1, explain(run));
  t.regex(run.stderr, /SIGINT: interrupting running stacks/);
  const summary = JSON.parse(readFileSync(json, "utf8")) as { stacks: { stack: string; status: string }[] };
  t.deepEqual(summary.stacks.map((s) => [s.stack, s.status]), [["ctrlc-1", "failed"], ["ctrlc-2", "cancelled"]], explain(run));
  t.is(c.patches().length, 0, "no stack starts after the signal");
  // The steps in flight finished: both creates recorded, nothing pending, no lock left.
  const exported = JSON.parse(await p.pulumi(["stack", "export", "--stack", "ctrlc-1"])) as { deployment: { resources?: { type: string; id?: string }[]; pending_operations?: unknown[] } };
  t.deepEqual(exported.deployment.pending_operations ?? [], [], "no operation left pending");
  t.deepEqual((exported.deployment.resources ?? []).filter((r) => r.type === CLUSTER_TYPE).map((r) => r.id).sort(), [a.uuid, b.uuid].sort());
  for (const cluster of [a, b]) t.true([...cluster.jobs.values()].every((job) => job.state === "success"), `${cluster.name}: its job ended`);
  t.is(Number(await pg.query("select count(*) from pulumi_state where key like '%/.pulumi/locks/%'")), 0, "the lock is released");
  assertNoCredential(t, sim, texts(run, json), "Ctrl-C");
});

test.serial("a closed terminal (SIGHUP to the whole process group, twice, its output gone) mid-up: the steps in flight finish and are recorded, the lock is released, the summary is written", async (t) => {
  const { cliDir, pg } = fleetPrerequisites(t, postgres, 10 * 60_000);
  // As for Ctrl-C: both jobs are in flight when the hang-up comes, and end only after it.
  const clock = new ManualClock();
  const sim = await fleetSimulator(t, "hangup", 3, 6_000, clock);
  const p = project(t, cliDir, sim, pg.url);
  const [a, b, c] = sim.clusters as [SimCluster, SimCluster, SimCluster];
  const inventory = inventoryFile(p, { project: ".", backend: pg.url, stacks: [{ name: "hangup-1", clusters: [a.host, b.host] }, { name: "hangup-2", clusters: [c.host] }] });
  let child: ChildProcess | undefined;
  const json = path.join(p.dir, "summary.json");
  const running = p.fleet(["up", "--inventory", inventory, "--concurrency", "1", "--json", json], { json: false, onStart: (started) => (child = started) });
  const deadline = Date.now() + 5 * 60_000;
  while (![a, b].every((cluster) => cluster.patches().length > 0)) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the PATCHes");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child?.pid as number;
  // The terminal is gone: nothing reads the runner's output any more (its writes fail with EPIPE).
  child?.stdout?.destroy();
  child?.stderr?.destroy();
  // As a terminal's hang-up comes: to the foreground process group, from the shell passing its own
  // SIGHUP on to the job and again from the kernel as the session leader exits.
  process.kill(-pid, "SIGHUP");
  await new Promise((resolve) => setTimeout(resolve, 200));
  process.kill(-pid, "SIGHUP");
  const run = await clock.runWhile(running);
  t.is(run.code, 1, explain(run));
  const summary = JSON.parse(readFileSync(json, "utf8")) as { stacks: { stack: string; status: string }[] };
  t.deepEqual(summary.stacks.map((s) => [s.stack, s.status]), [["hangup-1", "failed"], ["hangup-2", "cancelled"]], explain(run));
  t.is(c.patches().length, 0, "no stack starts after the hang-up");
  const exported = JSON.parse(await p.pulumi(["stack", "export", "--stack", "hangup-1"])) as { deployment: { resources?: { type: string; id?: string }[]; pending_operations?: unknown[] } };
  t.deepEqual(exported.deployment.pending_operations ?? [], [], "no operation left pending: a second SIGHUP did not stop the CLI at once");
  t.deepEqual((exported.deployment.resources ?? []).filter((r) => r.type === CLUSTER_TYPE).map((r) => r.id).sort(), [a.uuid, b.uuid].sort());
  for (const cluster of [a, b]) t.true([...cluster.jobs.values()].every((job) => job.state === "success"), `${cluster.name}: its job ended`);
  t.is(Number(await pg.query("select count(*) from pulumi_state where key like '%/.pulumi/locks/%'")), 0, "the lock is released");
  assertNoCredential(t, sim, texts(run, json), "SIGHUP");
});

test.serial("with the ONTAP account only in stack config, two names for one cluster are caught as the stacks report its uuid: the second stack fails naming both", async (t) => {
  const { cliDir, pg } = fleetPrerequisites(t, postgres, 10 * 60_000);
  const sim = await fleetSimulator(t, "claims", 1, 200);
  const cluster = sim.clusters[0] as SimCluster;
  const port = cluster.host.split(":")[1] as string;
  // No account in the environment: the runner cannot ask the clusters before the run.
  const p = new FleetProject(cliDir, sim, { backend: pg.url, env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, ONTAP_USERNAME: "", ONTAP_PASSWORD: "" } });
  t.teardown(() => p.close());
  for (const stack of ["claims-1", "claims-2"]) {
    await p.pulumi(["stack", "init", stack]);
    await p.pulumi(["config", "set", "--stack", stack, "ontap:username", sim.username]);
    await p.pulumi(["config", "set", "--stack", stack, "--secret", "ontap:password"], sim.password);
  }
  const inventory = inventoryFile(p, { project: ".", backend: pg.url, stacks: [{ name: "claims-1", clusters: [cluster.host] }, { name: "claims-2", clusters: [`https://localhost:${port}`] }] });
  const json = path.join(p.dir, "summary.json");
  const run = await p.fleet(["up", "--inventory", inventory, "--concurrency", "1", "--json", json], { json: false });
  t.is(run.code, 1, explain(run));
  t.regex(run.stderr, /clusters not asked who they are before the run \(no ONTAP account in the environment/);
  const summary = JSON.parse(readFileSync(json, "utf8")) as { stacks: { stack: string; status: string; error?: string }[] };
  t.deepEqual(summary.stacks.map((s) => [s.stack, s.status]), [["claims-1", "succeeded"], ["claims-2", "failed"]], explain(run));
  t.is(summary.stacks[1]?.error?.split("\n")[0], `localhost-${port} manages cluster ${cluster.uuid}, which 127.0.0.1-${port} of stack claims-1 already manages: one manager per cluster; this stack was interrupted`);
  t.is(cluster.patches().length, 1, "the second name sent nothing: the cluster was as declared");
  assertNoCredential(t, sim, texts(run, json), "claims");
});
