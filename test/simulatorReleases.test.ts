// The simulator as NetApp's later references and NetApp's Ansible modules need it: `/api//security`, the
// documented GET parameters, an empty `fields=`, plain JSON without HAL links, the release profiles up to
// 9.19.1 (TLS offload), the 9.16.1 encryption codes, a conversion that goes on after its job, and a clock
// that runs faster than the wall clock.
import test, { ExecutionContext } from "ava";
import { request as httpsRequest } from "https";

import { ClusterOptions, ENCRYPTION_CODES, KNOWN_VERSIONS, SimCluster, Simulator, acceleratedClock, startSimulator } from "../simulator";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Reply {
  status: number;
  contentType: string | undefined;
  body: Json;
}

function call(sim: Simulator, cluster: SimCluster, method: string, path: string, options: { body?: unknown; accept?: string } = {}): Promise<Reply> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string | number> = { Authorization: `Basic ${Buffer.from(`${sim.username}:${sim.password}`).toString("base64")}` };
  if (options.accept !== undefined) headers.Accept = options.accept;
  if (payload !== undefined) {
    headers["Content-Type"] = "application/json";
    headers["Content-Length"] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${cluster.url}${path}`, { method, headers, ca: sim.caCertificate, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"], body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
    });
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

async function simulator(t: ExecutionContext, clusters: ClusterOptions[], clock?: ReturnType<typeof acceleratedClock>): Promise<Simulator> {
  const sim = await startSimulator({ clusters, ...(clock ? { clock } : {}) });
  t.teardown(() => sim.close());
  return sim;
}

async function until(what: string, probe: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test("/api//security is /api/security, for GET and PATCH, and the log keeps the path as asked", async (t) => {
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 20 } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const read = await call(sim, cluster, "GET", "/api//security?fields=fips.enabled,");
  t.is(read.status, 200);
  t.deepEqual(read.body.fips, { enabled: false });
  const patch = await call(sim, cluster, "PATCH", "/api//security?return_timeout=5", { body: { "fips.enabled": true } });
  t.is(patch.status, 200, JSON.stringify(patch.body));
  t.true(cluster.security.fips?.enabled);
  t.is(cluster.patches().length, 1, "patches() counts it");
  t.is(cluster.patches()[0]?.path, "/api//security");
});

test("every documented GET parameter is accepted on /api/security, /api/cluster and the jobs; a bad value is 262197", async (t) => {
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 20 } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const all = "max_records=1024&return_records=true&return_timeout=15&order_by=name";
  t.is((await call(sim, cluster, "GET", `/api/cluster?fields=&${all}`)).status, 200);
  t.is((await call(sim, cluster, "GET", "/api/security?fields=&max_records=1024&return_records=True&return_timeout=0&order_by=fips.enabled%20desc")).status, 200);
  t.is((await call(sim, cluster, "GET", "/api/cluster/jobs?fields=&max_records=1024&return_records=true&return_timeout=15&order_by=start_time")).status, 200);
  for (const [query, target] of [
    ["max_records=-1", "max_records"],
    ["return_records=maybe", "return_records"],
    ["return_timeout=121", "return_timeout"],
    ["order_by=nothing", "order_by"],
  ]) {
    const reply = await call(sim, cluster, "GET", `/api/security?${query}`);
    t.is(reply.status, 400, query);
    t.like(reply.body, { error: { code: "262197", target } }, query);
  }
  t.like((await call(sim, cluster, "GET", "/api/security?force=true")).body, { error: { code: "262179", target: "force" } });
});

test("an empty fields= answers the default fields, as no fields does", async (t) => {
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 20 } }]);
  const cluster = sim.clusters[0] as SimCluster;
  for (const path of ["/api/security", "/api/cluster"]) {
    const none = await call(sim, cluster, "GET", path);
    const empty = await call(sim, cluster, "GET", `${path}?fields=`);
    t.deepEqual(empty.body, none.body, path);
    t.true(Object.keys(empty.body).length > 1, `${path}: more than _links`);
  }
  const job = await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: {} });
  const uuid: string = job.body.job.uuid;
  t.deepEqual((await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}?fields=`)).body, (await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}`)).body);
  t.deepEqual(Object.keys((await call(sim, cluster, "GET", "/api/cluster/jobs?fields=")).body.records[0]).sort(), ["_links", "uuid"]);
});

test("Accept: application/json leaves out HAL links, but a collection's link to its next batch", async (t) => {
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 10 } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const plain = await call(sim, cluster, "GET", "/api/security", { accept: "application/json" });
  t.is(plain.contentType, "application/json");
  t.false("_links" in plain.body);
  t.true("fips" in plain.body);
  for (const accept of ["application/hal+json", "application/hal+json, application/json", "*/*"]) {
    const hal = await call(sim, cluster, "GET", "/api/security", { accept });
    t.is(hal.contentType, "application/hal+json", accept);
    t.deepEqual(hal.body._links, { self: { href: "/api/security" } }, accept);
  }
  const patch = await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: {}, accept: "application/json" });
  t.deepEqual(Object.keys(patch.body.job), ["uuid"], "the job is linked by uuid alone");
  await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: {} });
  await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: {} });
  const first = await call(sim, cluster, "GET", "/api/cluster/jobs?max_records=2&order_by=start_time", { accept: "application/json" });
  t.is(first.body.num_records, 2);
  t.true(first.body.records.every((record: Json) => !("_links" in record)));
  const next: string = first.body._links.next.href;
  t.deepEqual(Object.keys(first.body._links), ["next"]);
  const second = await call(sim, cluster, "GET", next, { accept: "application/json" });
  t.is(second.body.num_records, 1);
  t.false("_links" in second.body, "the last batch links no next one");
  const uuids = [...first.body.records, ...second.body.records].map((record: Json) => record.uuid).sort();
  t.deepEqual(uuids, cluster.startedJobs.map((job) => job.uuid).sort());
  t.deepEqual(Object.keys((await call(sim, cluster, "GET", "/api/cluster/jobs?return_records=false")).body).sort(), ["_links", "num_records"]);
});

test("the release profiles up to 9.19.1: TLS offload from 9.19.1, off by default and patchable", async (t) => {
  t.true(["9.11.1", "9.17.1", "9.19.1"].every((version) => (KNOWN_VERSIONS as readonly string[]).includes(version)));
  const sim = await simulator(t, [{ version: "9.17.1" }, { version: "9.19.1", scenario: { jobDurationMs: 20 } }]);
  const [older, newest] = sim.clusters as [SimCluster, SimCluster];
  t.false("offload_enabled" in (await call(sim, older, "GET", "/api/security?fields=tls")).body.tls);
  t.like((await call(sim, older, "GET", "/api/security?fields=tls.offload_enabled")).body, { error: { code: "262197" } });
  t.like((await call(sim, older, "PATCH", "/api/security", { body: { tls: { offload_enabled: true } } })).body, { error: { code: "262179" } });
  t.is((await call(sim, newest, "GET", "/api/security?fields=tls.offload_enabled")).body.tls.offload_enabled, false);
  const patched = await call(sim, newest, "PATCH", "/api/security?return_timeout=5", { body: { tls: { offload_enabled: true } } });
  t.is(patched.status, 200);
  t.true(newest.security.tls?.offload_enabled);
});

test("unknownAnswerFields adds a field no client knows to the default and * answers only", async (t) => {
  const sim = await simulator(t, [{ scenario: { unknownAnswerFields: true } }]);
  const cluster = sim.clusters[0] as SimCluster;
  t.deepEqual((await call(sim, cluster, "GET", "/api/security")).body.us_federal_cybersecurity, { alerts_enabled: false });
  t.truthy((await call(sim, cluster, "GET", "/api/security?fields=*")).body.us_federal_cybersecurity);
  t.false("us_federal_cybersecurity" in (await call(sim, cluster, "GET", "/api/security?fields=fips")).body);
});

test("every documented encryption code of cause `cluster` is producible per cluster, in the job or by the PATCH, from 9.16.1 only", async (t) => {
  const codes = ENCRYPTION_CODES.filter((row) => row.cause === "cluster" && row.code !== 196608070);
  const clusters: ClusterOptions[] = codes.map((row) => ({ scenario: { jobDurationMs: 10, encryptionRefusal: row.code, preconditionErrors: row.code % 2 === 0 ? "patch" : "job" } }));
  clusters.push({ version: "9.11.1", scenario: { jobDurationMs: 10, encryptionRefusal: 196608383 } });
  const sim = await simulator(t, clusters);
  for (const [i, row] of codes.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    const body = row.refuses === "rekey" ? { software_data_encryption: { rekey: true } } : { software_data_encryption: { conversion_enabled: true } };
    if (row.refuses === "rekey") cluster.security.software_data_encryption = { conversion_enabled: true, disabled_by_default: false, encryption_state: "encrypted" };
    const reply = await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body });
    if (cluster.scenario.preconditionErrors === "patch") {
      t.is(reply.status, 400, String(row.code));
      t.is(reply.body.error.code, String(row.code));
    } else {
      const job = cluster.jobs.get(reply.body.job.uuid);
      t.is(job?.state, "failure", String(row.code));
      t.is(job?.code, row.code);
      t.is(job?.message, row.message);
    }
    t.not(cluster.security.software_data_encryption?.encryption_state, "encrypting", `${row.code}: nothing started`);
  }
  const older = sim.clusters[codes.length] as SimCluster;
  const reply = await call(sim, older, "PATCH", "/api/security?return_timeout=5", { body: { software_data_encryption: { conversion_enabled: true } } });
  t.is(reply.status, 200, "9.11.1 documents none of them: the conversion runs");
});

for (const whileEncrypting of [false, true]) {
  test(`a conversion goes on after its job when told to; conversion_enabled reads ${whileEncrypting} meanwhile, and a second one is refused with 196608370`, async (t) => {
    const sim = await simulator(t, [{ scenario: { jobDurationMs: 10, conversionAfterJobMs: 3_000, conversionEnabledWhileEncrypting: whileEncrypting } }]);
    const cluster = sim.clusters[0] as SimCluster;
    const reply = await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: { software_data_encryption: { conversion_enabled: true } } });
    t.is(reply.status, 200, "the job ended");
    t.deepEqual((await call(sim, cluster, "GET", "/api/security?fields=software_data_encryption")).body.software_data_encryption, {
      conversion_enabled: whileEncrypting,
      disabled_by_default: false,
      encryption_state: "encrypting",
    });
    const again = await call(sim, cluster, "PATCH", "/api/security", { body: { software_data_encryption: { conversion_enabled: true } } });
    t.is(again.status, 400);
    t.is(again.body.error.code, "196608370");
    await until("the conversion to end", () => cluster.security.software_data_encryption?.encryption_state === "encrypted", 15_000);
    t.true(cluster.security.software_data_encryption?.conversion_enabled);
    t.is(cluster.conversionJobs().length, 1);
  });
}

test("acceleratedClock runs holds and jobs faster than the wall clock", async (t) => {
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 45_000 } }], acceleratedClock(100));
  const cluster = sim.clusters[0] as SimCluster;
  const started = Date.now();
  const held = await call(sim, cluster, "PATCH", "/api/security?return_timeout=30", { body: { "fips.enabled": true } });
  const heldMs = Date.now() - started;
  t.is(held.status, 202, "a 30 s hold ends before a 45 s job");
  t.true(heldMs < 5_000, `held ${heldMs} ms of wall clock`);
  await until("the job", () => cluster.startedJobs[0]?.state === "success");
  const job = cluster.startedJobs[0];
  t.true(job !== undefined && job.endTime !== undefined && job.endTime.getTime() - job.startTime.getTime() >= 44_000, "the job took 45 s of the simulator's time");
  t.throws(() => acceleratedClock(0), { message: /factor 0/ });
});
