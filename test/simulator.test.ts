// The ONTAP simulator, exercised over real HTTPS with its own CA, the way the provider will use it.
// Every test starts the simulator it needs and closes it; job timings are kept in tens of milliseconds.

import test, { ExecutionContext } from "ava";
import { request as httpsRequest } from "https";
import type { IncomingHttpHeaders } from "http";
import { connect } from "net";

import { ClusterOptions, SimCluster, Simulator, startSimulator } from "../simulator";

// The tests read arbitrary ONTAP JSON; a loose type keeps the assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Json;
  /** Set when the connection failed or was dropped instead of answering. */
  error?: Error;
}

type Auth = "admin" | "readonly" | "none" | { username: string; password: string };

interface CallOptions {
  body?: unknown;
  rawBody?: string;
  auth?: Auth;
}

/** One HTTPS request to a cluster, trusting only the simulator's CA. Never rejects: failures come back as `error`. */
function call(sim: Simulator, cluster: SimCluster, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string | number> = { Accept: "application/hal+json" };
  const auth = options.auth ?? "admin";
  const credentials =
    auth === "admin" ? { username: sim.username, password: sim.password }
    : auth === "readonly" ? { username: sim.readOnlyUsername, password: sim.readOnlyPassword }
    : auth === "none" ? undefined
    : auth;
  if (credentials) headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
  if (payload !== undefined) {
    headers["Content-Type"] = "application/json";
    headers["Content-Length"] = Buffer.byteLength(payload);
  }
  const url = new URL(path, cluster.url);
  return new Promise((resolve) => {
    const req = httpsRequest(url, { method, headers, ca: sim.caCertificate, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (error) => resolve({ status: 0, headers: {}, body: undefined, error }));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: Json = text;
        try {
          body = JSON.parse(text);
        } catch {
          // leave the raw text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on("error", (error) => resolve({ status: 0, headers: {}, body: undefined, error }));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 5 ms until it is truthy; fails the test after `timeoutMs`. */
async function waitFor<T>(t: ExecutionContext, what: string, probe: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) {
      t.fail(`timed out waiting for ${what}`);
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(5);
  }
}

/** Starts a simulator for one test and closes it when the test ends, pass or fail. */
async function simulator(t: ExecutionContext, clusters: number | ClusterOptions[] = 1): Promise<Simulator> {
  const sim = await startSimulator({ clusters });
  t.teardown(() => sim.close());
  return sim;
}

const FAST = { jobDurationMs: 40 };

/** PATCHes and waits for the job to end; returns the PATCH reply and the final job. */
async function patchAndWait(t: ExecutionContext, sim: Simulator, cluster: SimCluster, body: unknown): Promise<{ reply: Reply; job: Json }> {
  const reply = await call(sim, cluster, "PATCH", "/api/security", { body });
  t.is(reply.status, 202, JSON.stringify(reply.body));
  const uuid: string = reply.body.job.uuid;
  await waitFor(t, `job ${uuid} to end`, () => {
    const state = cluster.jobs.get(uuid)?.state;
    return state === "success" || state === "failure";
  });
  const job = await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}`);
  return { reply, job: job.body };
}

const securityBody = async (sim: Simulator, cluster: SimCluster, fields = "**"): Promise<Json> =>
  (await call(sim, cluster, "GET", `/api/security?fields=${fields}`)).body;

// ---------------------------------------------------------------------------------------------------------
// Versions and reads

test("GET /api/cluster reports each cluster's name, uuid and version", async (t) => {
  const versions = ["9.6.0", "9.7.0", "9.8.0", "9.10.1", "9.11.1", "9.16.1"];
  const sim = await simulator(t, versions.map((version, i) => ({ version, name: `c${i}` })));
  for (const [i, cluster] of sim.clusters.entries()) {
    const reply = await call(sim, cluster, "GET", "/api/cluster?fields=version,name,uuid");
    const [generation, major, minor] = (versions[i] as string).split(".").map(Number);
    t.is(reply.status, 200);
    t.like(reply.body, { name: `c${i}`, uuid: cluster.uuid, version: { generation, major, minor }, _links: { self: { href: "/api/cluster" } } });
    t.true((reply.body.version.full as string).startsWith(`NetApp Release ${versions[i]}: `));
    t.is(cluster.version, versions[i]);
  }
  const one = await call(sim, sim.clusters[0] as SimCluster, "GET", "/api/cluster?fields=version.major");
  t.deepEqual(one.body, { version: { major: 6 }, _links: { self: { href: "/api/cluster" } } });
});

const versionTable: { version: string; get: number; groups: string[]; patch: number }[] = [
  { version: "9.6.0", get: 404, groups: [], patch: 404 },
  { version: "9.7.0", get: 200, groups: ["onboard_key_manager_configurable_status"], patch: 405 },
  { version: "9.8.0", get: 200, groups: ["onboard_key_manager_configurable_status", "fips", "software_data_encryption"], patch: 202 },
  {
    version: "9.10.1",
    get: 200,
    groups: ["onboard_key_manager_configurable_status", "fips", "software_data_encryption", "tls", "management_protocols"],
    patch: 202,
  },
  {
    version: "9.16.1",
    get: 200,
    groups: ["onboard_key_manager_configurable_status", "fips", "software_data_encryption", "tls", "management_protocols"],
    patch: 202,
  },
];

test("each version gates GET and PATCH /api/security as ONTAP does", async (t) => {
  const sim = await simulator(t, versionTable.map(({ version }) => ({ version, scenario: FAST })));
  for (const [i, row] of versionTable.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    const get = await call(sim, cluster, "GET", "/api/security");
    t.is(get.status, row.get, `GET on ${row.version}`);
    if (row.get === 200) {
      t.deepEqual(Object.keys(get.body).filter((key) => key !== "_links").sort(), [...row.groups].sort(), `groups on ${row.version}`);
      t.is(get.headers["content-type"], "application/hal+json");
      t.deepEqual(get.body._links, { self: { href: "/api/security" } });
    } else {
      t.like(get.body, { error: { code: "3" } });
    }
    const patch = await call(sim, cluster, "PATCH", "/api/security", { body: {} });
    t.is(patch.status, row.patch, `PATCH on ${row.version}: ${JSON.stringify(patch.body)}`);
  }
  const newest = (await call(sim, sim.clusters[4] as SimCluster, "GET", "/api/security")).body;
  t.is(newest.software_data_encryption.encryption_state, "unencrypted");
  const v910 = (await call(sim, sim.clusters[3] as SimCluster, "GET", "/api/security")).body;
  t.false("encryption_state" in v910.software_data_encryption);
  t.deepEqual(v910.tls.protocol_versions, ["TLSv1.3", "TLSv1.2", "TLSv1.1"]);
});

const fieldsTable: { fields: string; expect: Json }[] = [
  { fields: "fips.enabled", expect: { fips: { enabled: false } } },
  { fields: "fips", expect: { fips: { enabled: false } } },
  {
    fields: "fips.enabled,tls.protocol_versions",
    expect: { fips: { enabled: false }, tls: { protocol_versions: ["TLSv1.3", "TLSv1.2"] } },
  },
  { fields: "management_protocols", expect: { management_protocols: { rsh_enabled: false, telnet_enabled: false } } },
  {
    fields: "software_data_encryption",
    expect: { software_data_encryption: { conversion_enabled: false, disabled_by_default: false, encryption_state: "unencrypted" } },
  },
  { fields: "onboard_key_manager_configurable_status.code", expect: { onboard_key_manager_configurable_status: { code: 0 } } },
];

test("fields= selects groups and dotted sub-fields, and always links", async (t) => {
  const sim = await simulator(t);
  const cluster = sim.clusters[0] as SimCluster;
  for (const row of fieldsTable) {
    const reply = await call(sim, cluster, "GET", `/api/security?fields=${row.fields}`);
    t.deepEqual(reply.body, { ...row.expect, _links: { self: { href: "/api/security" } } }, row.fields);
  }
  const star = await securityBody(sim, cluster, "*");
  const stars = await securityBody(sim, cluster, "**");
  const fallback = (await call(sim, cluster, "GET", "/api/security")).body;
  t.deepEqual(star, stars);
  t.deepEqual(fallback, stars);
  t.deepEqual(Object.keys(stars).sort(), ["_links", "fips", "management_protocols", "onboard_key_manager_configurable_status", "software_data_encryption", "tls"]);
  t.false("rekey" in stars.software_data_encryption, "rekey is write-only");
});

const missingFieldTable: { version: string; fields: string }[] = [
  { version: "9.7.0", fields: "fips" },
  { version: "9.8.0", fields: "tls.protocol_versions" },
  { version: "9.8.0", fields: "management_protocols" },
  { version: "9.10.1", fields: "software_data_encryption.encryption_state" },
  { version: "9.16.1", fields: "software_data_encryption.rekey" },
  { version: "9.16.1", fields: "fips.enabled,no_such_field" },
  { version: "9.16.1", fields: "tls.rlogin_enabled" },
];

test("fields= naming a field the version lacks answers 400 262197 with target fields", async (t) => {
  const sim = await simulator(t, missingFieldTable.map(({ version }) => ({ version })));
  for (const [i, row] of missingFieldTable.entries()) {
    const reply = await call(sim, sim.clusters[i] as SimCluster, "GET", `/api/security?fields=${row.fields}`);
    t.is(reply.status, 400, `${row.version} ${row.fields}`);
    t.like(reply.body, { error: { code: "262197", target: "fields" } });
    t.regex(reply.body.error.message, /is invalid for field "fields"/);
  }
});

// ---------------------------------------------------------------------------------------------------------
// PATCH bodies and validation

const bodyTable: { title: string; body: Json; check: (state: Json) => boolean }[] = [
  { title: "nested", body: { fips: { enabled: true } }, check: (s) => s.fips.enabled === true },
  { title: "dotted", body: { "fips.enabled": true }, check: (s) => s.fips.enabled === true },
  {
    title: "mixed",
    body: { "fips.enabled": true, management_protocols: { rsh_enabled: true }, "tls.cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] },
    check: (s) => s.fips.enabled && s.management_protocols.rsh_enabled === false && s.tls.cipher_suites.includes("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
  },
  {
    title: "partly dotted inside a group",
    body: { software_data_encryption: { "disabled_by_default": true }, "management_protocols.telnet_enabled": true },
    check: (s) => s.software_data_encryption.disabled_by_default === true && s.management_protocols.telnet_enabled === true,
  },
];

test("PATCH accepts nested, dotted and mixed bodies", async (t) => {
  // The "mixed" row asks for rsh while enabling FIPS, which ONTAP refuses (5636145): use a body without it.
  const rows = bodyTable.map((row) =>
    row.title === "mixed" ? { ...row, body: { ...row.body, management_protocols: { rsh_enabled: false } } } : row,
  );
  const sim = await simulator(t, rows.map(() => ({ scenario: FAST })));
  for (const [i, row] of rows.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    const { job } = await patchAndWait(t, sim, cluster, row.body);
    t.is(job.state, "success", row.title);
    t.true(row.check(await securityBody(sim, cluster)), row.title);
    t.deepEqual(cluster.patches()[0]?.body, row.body, "the log keeps the body as sent");
  }
});

const rejectTable: { title: string; version?: string; security?: Json; scenario?: Json; query?: string; body?: Json; raw?: string; status?: number; code: string; target?: string; message?: RegExp }[] = [
  { title: "an unknown field", body: { fips: { enabled: true, level: 3 } }, code: "262179", target: "fips.level", message: /^Unexpected argument "fips\.level"\.$/ },
  { title: "an unknown dotted field", body: { "foo.bar": 1 }, code: "262179", target: "foo.bar" },
  { title: "rlogin, which no version has", body: { management_protocols: { rlogin_enabled: false } }, code: "262179", target: "management_protocols.rlogin_enabled" },
  { title: "a field from a later version", version: "9.8.0", body: { tls: { protocol_versions: ["TLSv1.2"] } }, code: "262179", target: "tls.protocol_versions" },
  { title: "rekey before 9.16.1", version: "9.11.1", body: { "software_data_encryption.rekey": true }, code: "262179", target: "software_data_encryption.rekey" },
  { title: "a read-only field", body: { software_data_encryption: { encryption_state: "encrypted" } }, code: "262179", target: "software_data_encryption.encryption_state" },
  { title: "a string for a boolean", body: { fips: { enabled: "yes" } }, code: "262185", target: "fips.enabled" },
  { title: "a scalar for a group", body: { fips: true }, code: "262185", target: "fips" },
  { title: "a string for a list", body: { tls: { protocol_versions: "TLSv1.2" } }, code: "262185", target: "tls.protocol_versions" },
  { title: "an empty protocol list", body: { tls: { protocol_versions: [] } }, code: "262185", target: "tls.protocol_versions" },
  { title: "an unknown protocol", body: { tls: { protocol_versions: ["TLSv1.4"] } }, code: "262185", target: "tls.protocol_versions" },
  { title: "a malformed cipher suite", body: { tls: { cipher_suites: ["aes128-gcm"] } }, code: "262185", target: "tls.cipher_suites" },
  { title: "a body that is not JSON", raw: "{fips:", code: "262145" },
  { title: "a JSON array body", raw: "[]", code: "262185" },
  { title: "SSLv3 while FIPS is on", security: { fips: { enabled: true } }, body: { tls: { protocol_versions: ["SSLv3"] } }, code: "52428817", message: /^SSLv3 is not supported when FIPS is enabled\.$/ },
  { title: "TLSv1 while FIPS is being enabled", body: { fips: { enabled: true }, tls: { protocol_versions: ["TLSv1", "TLSv1.2"] } }, code: "52428824", message: /^TLSv1 is not supported when FIPS is enabled\.$/ },
  { title: "TLSv1.1 under FIPS from 9.11.1", security: { fips: { enabled: true } }, body: { "tls.protocol_versions": ["TLSv1.1"] }, code: "52428825" },
  { title: "telnet while FIPS is on", security: { fips: { enabled: true } }, body: { management_protocols: { telnet_enabled: true } }, code: "5636145" },
  { title: "reverting a conversion", security: { software_data_encryption: { conversion_enabled: true } }, body: { software_data_encryption: { conversion_enabled: false } }, code: "196608085" },
  { title: "a mixed-release cluster", scenario: { mixedRelease: true }, body: { fips: { enabled: true } }, code: "5636142" },
  { title: "return_timeout above 120", query: "return_timeout=121", body: {}, code: "262197", target: "return_timeout" },
  { title: "a non-integer return_timeout", query: "return_timeout=1.5", body: {}, code: "262197", target: "return_timeout" },
  { title: "an unknown query parameter", query: "force=true", body: {}, code: "262179", target: "force" },
  { title: "a return_records that is not a boolean", query: "return_records=yes", body: {}, code: "262197", target: "return_records" },
  // preconditionErrors "patch": the reference's PATCH errors refuse the whole PATCH, earlier groups included.
  { title: "certificate strength too low for FIPS, refused by the PATCH", scenario: { preconditionErrors: "patch", fipsCertificateStrengthTooLow: true, fipsNonCompliantCertificate: true }, body: { fips: { enabled: true }, management_protocols: { telnet_enabled: false } }, code: "52428830", message: /minimum security strength/ },
  { title: "a non-compliant certificate, refused by the PATCH", scenario: { preconditionErrors: "patch", fipsNonCompliantCertificate: true }, body: { "fips.enabled": true }, code: "52559974", message: /not FIPS-compliant/ },
  { title: "data volumes present, refused by the PATCH", scenario: { preconditionErrors: "patch", dataVolumesPresent: true }, body: { fips: { enabled: true }, software_data_encryption: { conversion_enabled: true } }, code: "196608081", message: /Data volumes are present/ },
  { title: "MetroCluster switchover, refused by the PATCH", scenario: { preconditionErrors: "patch", metroclusterSwitchover: true }, body: { software_data_encryption: { conversion_enabled: true, disabled_by_default: true } }, code: "196608082", message: /switchover/ },
  { title: "no key manager, refused by the PATCH", scenario: { preconditionErrors: "patch", keyManagerConfigured: false }, body: { software_data_encryption: { conversion_enabled: true } }, code: "196608080", message: /key manager/ },
];

test("PATCH validation failures answer 400 at once, start no job and change nothing", async (t) => {
  const sim = await simulator(
    t,
    rejectTable.map((row) => ({ version: row.version ?? "9.16.1", security: row.security, scenario: row.scenario })),
  );
  for (const [i, row] of rejectTable.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    const before = JSON.stringify(cluster.security);
    const reply = await call(sim, cluster, "PATCH", `/api/security${row.query ? `?${row.query}` : ""}`, { body: row.body, rawBody: row.raw });
    t.is(reply.status, row.status ?? 400, `${row.title}: ${JSON.stringify(reply.body)}`);
    t.is(reply.body.error?.code, row.code, row.title);
    if (row.target) t.is(reply.body.error.target, row.target, row.title);
    if (row.message) t.regex(reply.body.error.message, row.message, row.title);
    t.false("job" in reply.body, `${row.title}: no job link`);
    t.is(cluster.jobs.size, 0, `${row.title}: no job`);
    t.is(JSON.stringify(cluster.security), before, `${row.title}: nothing changed`);
  }
});

// ---------------------------------------------------------------------------------------------------------
// Jobs

test("a job goes queued, running, success, and its change applies only at the end", async (t) => {
  // stuckJobs holds the job in `running` so the test sees it there whatever the machine's load.
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 400, stuckJobs: true } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const reply = await call(sim, cluster, "PATCH", "/api/security", { body: { fips: { enabled: true } } });
  t.is(reply.status, 202);
  const uuid: string = reply.body.job.uuid;
  t.deepEqual(reply.body, { job: { uuid, _links: { self: { href: `/api/cluster/jobs/${uuid}` } } } });
  const seen: string[] = [];
  const observe = async (): Promise<string> => {
    const job = await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}?fields=state,message`);
    if (seen.at(-1) !== job.body.state) seen.push(job.body.state);
    if (job.body.state !== "success") t.false(cluster.security.fips?.enabled, `not applied while ${job.body.state}`);
    return job.body.state;
  };
  while ((await observe()) !== "running") await sleep(3);
  await sleep(450);
  t.is(await observe(), "running", "still running past its duration while stuck");
  cluster.scenario.stuckJobs = false;
  while ((await observe()) !== "success") await sleep(3);
  t.deepEqual(seen.filter((state) => state !== "queued"), ["running", "success"]);
  t.true(seen.length === 2 || seen[0] === "queued");
  t.true(cluster.security.fips?.enabled);
  const job = (await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}`)).body;
  t.like(job, { uuid, description: "PATCH /api/security", state: "success", message: "success", code: 0, _links: { self: { href: `/api/cluster/jobs/${uuid}` } } });
  t.false("error" in job);
  t.regex(job.start_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  t.regex(job.end_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
});

test("a job sits in paused mid-run when jobPauseMs is set, and paused is not terminal", async (t) => {
  // A pause well above the time one GET can take on a loaded machine, so the GET sees it.
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 100, jobPauseMs: 4000 } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const reply = await call(sim, cluster, "PATCH", "/api/security", { body: { "management_protocols.rsh_enabled": true } });
  const uuid: string = reply.body.job.uuid;
  await waitFor(t, "paused", () => cluster.jobs.get(uuid)?.state === "paused");
  const paused = (await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}`)).body;
  t.is(paused.state, "paused");
  t.false("end_time" in paused);
  t.false(cluster.security.management_protocols?.rsh_enabled);
  await waitFor(t, "success", () => cluster.jobs.get(uuid)?.state === "success", 15_000);
  t.true(cluster.security.management_protocols?.rsh_enabled);
});

test("return_timeout holds the PATCH: 200 with the job link when the job succeeds in time, else 202", async (t) => {
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 60 } }, { scenario: { jobDurationMs: 60, stuckJobs: true } }]);
  const [quick, slow] = sim.clusters as [SimCluster, SimCluster];
  const started = Date.now();
  const ok = await call(sim, quick, "PATCH", "/api/security?return_timeout=20", { body: { fips: { enabled: true } } });
  t.is(ok.status, 200);
  t.truthy(ok.body.job?._links?.self?.href);
  t.true(Date.now() - started < 15_000, "answers when the job ends, not when return_timeout runs out");
  t.true(quick.security.fips?.enabled);

  const before = Date.now();
  const late = await call(sim, slow, "PATCH", "/api/security?return_timeout=1", { body: { fips: { enabled: true } } });
  const waited = Date.now() - before;
  t.is(late.status, 202);
  t.true(waited >= 950, `held about one second, took ${waited} ms`);
  t.is(slow.jobs.get(late.body.job.uuid)?.state, "running");

  const immediate = await call(sim, quick, "PATCH", "/api/security?return_timeout=0", { body: {} });
  t.is(immediate.status, 202);
});

const failedAnswerTable: { answer: "job" | "error"; status: number }[] = [
  { answer: "job", status: 202 },
  { answer: "error", status: 400 },
];

test("a job that fails within return_timeout answers as failedJobAnswer says", async (t) => {
  const sim = await simulator(
    t,
    failedAnswerTable.map(({ answer }) => ({ scenario: { ...FAST, failedJobAnswer: answer, failNextJobs: { count: 1, code: 123456, message: "Simulated failure." } } })),
  );
  for (const [i, row] of failedAnswerTable.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    const reply = await call(sim, cluster, "PATCH", "/api/security?return_timeout=10", { body: { fips: { enabled: true } } });
    t.is(reply.status, row.status, row.answer);
    t.truthy(reply.body.job?._links?.self?.href, `${row.answer}: the job link is always there`);
    if (row.answer === "error") t.deepEqual(reply.body.error, { message: "Simulated failure.", code: "123456" });
    else t.false("error" in reply.body);
    t.false(cluster.security.fips?.enabled, "a failed job applies nothing");
  }
});

test("finished jobs are deleted jobExpiryMs after they end", async (t) => {
  // Expiry well above the time one GET can take on a loaded machine, so the job is still there to be read.
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 20, jobExpiryMs: 4000 } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const reply = await call(sim, cluster, "PATCH", "/api/security?return_timeout=10", { body: {} });
  t.is(reply.status, 200, "a PATCH that changes nothing still runs a job that succeeds");
  const uuid: string = reply.body.job.uuid;
  t.is((await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}`)).body.state, "success");
  await waitFor(t, "expiry", () => !cluster.jobs.has(uuid), 15_000);
  const gone = await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}`);
  t.is(gone.status, 404);
  t.deepEqual(gone.body, { error: { message: "entry doesn't exist", code: "4", target: "uuid" } });
});

test("lostJobs: the job's GET answers 404 at once, yet the job runs and applies", async (t) => {
  const sim = await simulator(t, [{ scenario: { ...FAST, lostJobs: true } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const reply = await call(sim, cluster, "PATCH", "/api/security", { body: { fips: { enabled: true } } });
  t.is(reply.status, 202);
  const lost = await call(sim, cluster, "GET", reply.body.job._links.self.href);
  t.is(lost.status, 404);
  t.like(lost.body, { error: { code: "4", message: "entry doesn't exist", target: "uuid" } });
  await waitFor(t, "the change", () => cluster.security.fips?.enabled);
  t.true(cluster.jobs.get(reply.body.job.uuid)?.lost);
  t.is((await securityBody(sim, cluster, "fips")).fips.enabled, true);
});

test("stuckJobs keeps jobs running until it is switched off", async (t) => {
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 20, stuckJobs: true } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const reply = await call(sim, cluster, "PATCH", "/api/security?return_timeout=1", { body: { fips: { enabled: true } } });
  t.is(reply.status, 202);
  const uuid: string = reply.body.job.uuid;
  t.is((await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}`)).body.state, "running");
  t.false(cluster.security.fips?.enabled);
  cluster.scenario.stuckJobs = false;
  await waitFor(t, "success", () => cluster.jobs.get(uuid)?.state === "success");
  t.true(cluster.security.fips?.enabled);
});

const jobFailureTable: { title: string; scenario: Json; body: Json; code: number; message: RegExp; applied: (state: Json) => boolean }[] = [
  {
    title: "dataVolumesPresent fails the conversion, keeping the earlier groups",
    scenario: { dataVolumesPresent: true },
    body: { fips: { enabled: true }, software_data_encryption: { conversion_enabled: true, disabled_by_default: true } },
    code: 196608081,
    message: /Data volumes are present/,
    applied: (s) => s.fips.enabled && s.software_data_encryption.disabled_by_default && !s.software_data_encryption.conversion_enabled,
  },
  {
    title: "metroclusterSwitchover fails the conversion",
    scenario: { metroclusterSwitchover: true },
    body: { "software_data_encryption.conversion_enabled": true },
    code: 196608082,
    message: /switchover/,
    applied: (s) => !s.software_data_encryption.conversion_enabled && s.software_data_encryption.encryption_state === "unencrypted",
  },
  {
    title: "keyManagerConfigured=false fails the conversion",
    scenario: { keyManagerConfigured: false },
    body: { "software_data_encryption.conversion_enabled": true },
    code: 196608080,
    message: /key manager/,
    applied: (s) => !s.software_data_encryption.conversion_enabled,
  },
  {
    title: "fipsCertificateStrengthTooLow fails enabling FIPS before a non-compliant certificate does, applying nothing",
    scenario: { fipsCertificateStrengthTooLow: true, fipsNonCompliantCertificate: true },
    body: { fips: { enabled: true }, management_protocols: { telnet_enabled: false } },
    code: 52428830,
    message: /minimum security strength configured for certificates is not compatible with FIPS/,
    applied: (s) => !s.fips.enabled,
  },
  {
    title: "fipsNonCompliantCertificate fails enabling FIPS, applying nothing",
    scenario: { fipsNonCompliantCertificate: true },
    body: { fips: { enabled: true }, management_protocols: { rsh_enabled: false, telnet_enabled: false }, "tls.protocol_versions": ["TLSv1.2"] },
    code: 52559974,
    message: /not FIPS-compliant/,
    applied: (s) => !s.fips.enabled,
  },
  {
    title: "failNextJobs fails the whole job with the given code",
    scenario: { failNextJobs: { count: 1, code: 917927, message: "The job failed for a test." } },
    body: { management_protocols: { telnet_enabled: true } },
    code: 917927,
    message: /^The job failed for a test\.$/,
    applied: (s) => !s.management_protocols.telnet_enabled,
  },
];

test("scenario switches fail jobs with ONTAP's codes and apply what came before the failure", async (t) => {
  const sim = await simulator(t, jobFailureTable.map(({ scenario }) => ({ scenario: { ...FAST, ...scenario } })));
  for (const [i, row] of jobFailureTable.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    const { job } = await patchAndWait(t, sim, cluster, row.body);
    t.is(job.state, "failure", row.title);
    t.is(job.code, row.code, row.title);
    t.regex(job.message, row.message, row.title);
    t.deepEqual(job.error, { code: String(row.code), message: job.message, arguments: [] }, row.title);
    t.truthy(job.end_time, row.title);
    t.true(row.applied(await securityBody(sim, cluster)), row.title);
  }
});

test("failNextJobs counts down: only the next n jobs fail", async (t) => {
  const sim = await simulator(t, [{ scenario: { ...FAST, failNextJobs: { count: 2, code: 1, message: "no" } } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const states: string[] = [];
  for (let i = 0; i < 3; i += 1) states.push((await patchAndWait(t, sim, cluster, {})).job.state);
  t.deepEqual(states, ["failure", "failure", "success"]);
  t.is(cluster.scenario.failNextJobs?.count, 0);
});

test("the job can be read with fields=, including the client's message,state,error", async (t) => {
  const sim = await simulator(t, [{ scenario: { ...FAST, dataVolumesPresent: true } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const { reply } = await patchAndWait(t, sim, cluster, { software_data_encryption: { conversion_enabled: true } });
  const href: string = reply.body.job._links.self.href;
  const some = (await call(sim, cluster, "GET", `${href}?fields=message,state,error`)).body;
  t.deepEqual(Object.keys(some).sort(), ["_links", "error", "message", "state", "uuid"]);
  t.is(some.error.code, "196608081");
  const bad = await call(sim, cluster, "GET", `${href}?fields=node.name`);
  t.is(bad.status, 400);
  t.like(bad.body, { error: { code: "262197", target: "fields" } });
  const unknown = await call(sim, cluster, "GET", "/api/cluster/jobs/00000000-0000-0000-0000-000000000000");
  t.is(unknown.status, 404);
});

// ---------------------------------------------------------------------------------------------------------
// The job collection, jobs of others, lost answers, jobs without effect

const RUNNING_SECURITY_JOBS = "/api/cluster/jobs?description=PATCH%20/api/security&state=queued|running|paused&fields=uuid,state,description,start_time";

test("GET /api/cluster/jobs filters by description and by state alternatives, and answers fields=", async (t) => {
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 20 } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const { reply: done } = await patchAndWait(t, sim, cluster, { fips: { enabled: true } });
  cluster.scenario.stuckJobs = true;
  const running = await call(sim, cluster, "PATCH", "/api/security", { body: { tls: { protocol_versions: ["TLSv1.3"] } } });
  const other = cluster.startSecurityJob({ fips: { enabled: false } }, { description: "Security Config Modify" });
  await waitFor(t, "both jobs running", () => [...cluster.jobs.values()].filter((job) => job.state === "running").length === 2);

  const found = await call(sim, cluster, "GET", RUNNING_SECURITY_JOBS);
  t.is(found.status, 200, JSON.stringify(found.body));
  t.is(found.body.num_records, 1);
  t.deepEqual(Object.keys(found.body.records[0]).sort(), ["_links", "description", "start_time", "state", "uuid"]);
  t.like(found.body.records[0], { uuid: running.body.job.uuid, state: "running", description: "PATCH /api/security" });
  t.regex(found.body.records[0].start_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);

  const all = await call(sim, cluster, "GET", "/api/cluster/jobs");
  t.deepEqual(all.body.records.map((r: Json) => Object.keys(r).sort()), [["_links", "uuid"], ["_links", "uuid"], ["_links", "uuid"]], "without fields= only uuid and the link");
  const ended = await call(sim, cluster, "GET", "/api/cluster/jobs?state=success&fields=state");
  t.deepEqual(ended.body.records.map((r: Json) => r.uuid), [done.body.job.uuid]);
  const wildcard = await call(sim, cluster, "GET", "/api/cluster/jobs?description=security*&state=!success");
  t.deepEqual(wildcard.body.records.map((r: Json) => r.uuid), [other.uuid]);

  const stray = await call(sim, cluster, "GET", "/api/cluster/jobs?colour=red");
  t.like(stray, { status: 400, body: { error: { code: "262179", target: "colour" } } });
  const range = await call(sim, cluster, "GET", "/api/cluster/jobs?start_time=>2026-01-01");
  t.like(range, { status: 400, body: { error: { code: "262197", target: "start_time" } } });
  cluster.scenario.stuckJobs = false;
});

test("patchAnswersLost drops the PATCH's connection after its job started; the job runs on and applies", async (t) => {
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 20, stuckJobs: true, patchAnswersLost: 1 } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const lost = await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: { fips: { enabled: true } } });
  t.truthy(lost.error, "no answer");
  t.is(cluster.startedJobs.length, 1);
  const found = await call(sim, cluster, "GET", RUNNING_SECURITY_JOBS);
  t.deepEqual(found.body.records.map((r: Json) => r.uuid), [cluster.startedJobs[0]?.uuid]);
  cluster.scenario.stuckJobs = false;
  await waitFor(t, "the change", () => cluster.security.fips?.enabled);
  t.is(cluster.scenario.patchAnswersLost, 0);
  t.is(cluster.patches()[0]?.status, 0, "logged as unanswered");
  const next = await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: { fips: { enabled: false } } });
  t.is(next.status, 200, "only the next n PATCHes lose their answer");
});

test("jobsWithoutEffect: the job ends in success and nothing changes", async (t) => {
  const sim = await simulator(t, [{ scenario: { ...FAST, jobsWithoutEffect: 1 } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const reply = await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: { software_data_encryption: { conversion_enabled: true } } });
  t.is(reply.status, 200);
  t.is(cluster.jobs.get(reply.body.job.uuid)?.state, "success");
  t.like(cluster.security.software_data_encryption, { conversion_enabled: false, encryption_state: "unencrypted" });
  await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: { fips: { enabled: true } } });
  t.true(cluster.security.fips?.enabled, "only the next n jobs are without effect");
});

test("a job started by someone else runs like any other; PATCHes sent while a security job runs are recorded", async (t) => {
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 20, stuckJobs: true } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const states: string[] = [];
  cluster.onJobState = (job) => states.push(job.state);
  const job = cluster.startSecurityJob({ software_data_encryption: { conversion_enabled: true } });
  t.like(job, { description: "PATCH /api/security", startedBy: "System Manager", state: "queued" });
  t.throws(() => cluster.startSecurityJob({ fips: { enabled: "yes" } }), { message: /fips\.enabled/ });
  await waitFor(t, "the job to run", () => job.state === "running");
  const during = await call(sim, cluster, "PATCH", "/api/security", { body: { fips: { enabled: true } } });
  t.is(during.status, 202);
  cluster.scenario.stuckJobs = false;
  await waitFor(t, "both jobs to end", () => cluster.startedJobs.every((j) => j.state === "success"));
  await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: { fips: { enabled: false } } });
  t.deepEqual(cluster.patchesWhileJobRunning.map((entry) => entry.body), [{ fips: { enabled: true } }]);
  t.deepEqual(cluster.conversionJobs().map((j) => j.uuid), [job.uuid]);
  t.is(cluster.startedJobs.length, 3);
  t.deepEqual(states.slice(0, 3), ["queued", "running", "queued"]);
  t.true(cluster.security.software_data_encryption?.conversion_enabled);
});

test("onAnswered tells the test after each answer, counting across clearLog", async (t) => {
  const sim = await simulator(t, [{ scenario: FAST }]);
  const cluster = sim.clusters[0] as SimCluster;
  const seen: string[] = [];
  cluster.onAnswered = (entry, count) => seen.push(`${count} ${entry.method} ${entry.path} ${entry.status}`);
  await call(sim, cluster, "GET", "/api/cluster?fields=uuid");
  cluster.clearLog();
  await call(sim, cluster, "GET", "/api/nowhere");
  cluster.scenario.dropConnections = 1;
  await call(sim, cluster, "GET", "/api/cluster?fields=uuid");
  t.deepEqual(seen, ["1 GET /api/cluster 200", "2 GET /api/nowhere 404"], "a dropped connection is not an answer");
});

// ---------------------------------------------------------------------------------------------------------
// Transport faults, auth, the log

const faultTable: { title: string; switch: "configLocked" | "serverErrors" | "dropConnections"; status: number; code?: string }[] = [
  { title: "configLocked", switch: "configLocked", status: 409, code: "2621573" },
  { title: "serverErrors", switch: "serverErrors", status: 500, code: "1" },
  { title: "dropConnections", switch: "dropConnections", status: 0 },
];

test("configLocked, serverErrors and dropConnections hit exactly the next n requests", async (t) => {
  const sim = await simulator(t, faultTable.map((row) => ({ scenario: { [row.switch]: 2 } })));
  for (const [i, row] of faultTable.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    const first = await call(sim, cluster, "GET", "/api/security?fields=fips");
    const second = await call(sim, cluster, "PATCH", "/api/security", { body: { fips: { enabled: true } } });
    const third = await call(sim, cluster, "GET", "/api/security?fields=fips");
    t.deepEqual([first.status, second.status, third.status], [row.status, row.status, 200], row.title);
    if (row.code) t.is(first.body.error.code, row.code, row.title);
    if (row.status === 0) t.truthy(first.error, "the client sees a dropped connection");
    t.is(cluster.scenario[row.switch], 0);
    t.is(cluster.jobs.size, 0, `${row.title}: the refused PATCH started no job`);
    t.deepEqual(cluster.requests.map((entry) => entry.status), [row.status, row.status, 200]);
  }
});

test("latencyMs delays every answer, but the job starts at once", async (t) => {
  const sim = await simulator(t, [{ scenario: { ...FAST, latencyMs: 500 } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const started = Date.now();
  const pending = call(sim, cluster, "PATCH", "/api/security", { body: {} });
  await waitFor(t, "the job", () => cluster.jobs.size === 1);
  t.is(cluster.requests[0]?.status, 0, "not answered yet");
  const reply = await pending;
  t.is(reply.status, 202);
  t.true(Date.now() - started >= 490);
  cluster.scenario.latencyMs = 0;
  t.is((await call(sim, cluster, "GET", "/api/security?fields=fips")).status, 200);
});

test("missing or wrong credentials get 401; the read-only user may GET but not PATCH", async (t) => {
  const sim = await simulator(t, [{ scenario: FAST }]);
  const cluster = sim.clusters[0] as SimCluster;
  t.not(sim.password, sim.readOnlyPassword);
  t.true(sim.password.length >= 16);
  const anonymous = await call(sim, cluster, "GET", "/api/security", { auth: "none" });
  t.is(anonymous.status, 401);
  t.truthy(anonymous.body.error.message);
  const wrong = await call(sim, cluster, "GET", "/api/security", { auth: { username: sim.username, password: `${sim.password}x` } });
  t.is(wrong.status, 401);
  const swapped = await call(sim, cluster, "GET", "/api/security", { auth: { username: sim.username, password: sim.readOnlyPassword } });
  t.is(swapped.status, 401);
  const read = await call(sim, cluster, "GET", "/api/security?fields=fips", { auth: "readonly" });
  t.is(read.status, 200);
  const write = await call(sim, cluster, "PATCH", "/api/security", { auth: "readonly", body: { fips: { enabled: true } } });
  t.is(write.status, 403);
  t.deepEqual(write.body, { error: { message: "not authorized for that command", code: "6" } });
  t.is(cluster.jobs.size, 0);
  t.deepEqual(cluster.requests.map((entry) => entry.user), [undefined, undefined, undefined, sim.readOnlyUsername, sim.readOnlyUsername]);
});

test("the request log records method, path, query, body, status and user", async (t) => {
  const sim = await simulator(t, [{ scenario: FAST }]);
  const cluster = sim.clusters[0] as SimCluster;
  await call(sim, cluster, "GET", "/api/security?fields=fips.enabled,tls");
  await call(sim, cluster, "PATCH", "/api/security?return_timeout=3", { body: { "fips.enabled": true } });
  const before = Date.now();
  t.is(cluster.requests.length, 2);
  const [get, patch] = cluster.requests;
  t.like(get, { method: "GET", path: "/api/security", query: { fields: "fips.enabled,tls" }, status: 200, user: sim.username });
  t.false(get !== undefined && "body" in get);
  t.like(patch, { method: "PATCH", path: "/api/security", query: { return_timeout: "3" }, body: { "fips.enabled": true }, status: 200, user: sim.username });
  t.true((patch?.time ?? Infinity) <= before);
  t.deepEqual(cluster.patches(), [patch]);
  cluster.clearLog();
  t.deepEqual(cluster.requests, []);
  t.deepEqual(cluster.patches(), []);
});

const strayTable: { method: string; path: string; status: number; loud: boolean }[] = [
  { method: "GET", path: "/api/storage/volumes", status: 404, loud: true },
  { method: "GET", path: "/api/security/", status: 404, loud: true },
  { method: "PATCH", path: "/api/cluster/jobs", status: 405, loud: true },
  { method: "DELETE", path: "/api/security", status: 405, loud: false },
  { method: "POST", path: "/api/security", status: 405, loud: false },
  { method: "PATCH", path: "/api/cluster", status: 405, loud: true },
  { method: "DELETE", path: "/api/cluster/jobs/abc", status: 405, loud: true },
];

test("paths and methods the simulator was not built for answer loud ONTAP errors and are logged", async (t) => {
  const sim = await simulator(t);
  const cluster = sim.clusters[0] as SimCluster;
  for (const row of strayTable) {
    const reply = await call(sim, cluster, row.method, row.path, { body: row.method === "GET" ? undefined : {} });
    t.is(reply.status, row.status, `${row.method} ${row.path}`);
    t.truthy(reply.body.error?.code, `${row.method} ${row.path}`);
    if (row.loud) t.regex(reply.body.error.message, /simulator/, `${row.method} ${row.path}`);
  }
  t.deepEqual(cluster.requests.map((entry) => `${entry.method} ${entry.path} ${entry.status}`), strayTable.map((row) => `${row.method} ${row.path} ${row.status}`));
});

// ---------------------------------------------------------------------------------------------------------
// Semantics: TLS, FIPS, conversion

const protocolTable: { asked: string[]; stored: string[] }[] = [
  { asked: ["TLSv1.2"], stored: ["TLSv1.3", "TLSv1.2"] },
  { asked: ["TLSv1.3"], stored: ["TLSv1.3"] },
  { asked: ["TLSv1.1", "TLSv1.3"], stored: ["TLSv1.3", "TLSv1.2", "TLSv1.1"] },
  { asked: ["TLSv1"], stored: ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"] },
  { asked: ["SSLv3"], stored: ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3"] },
];

test("tls.protocol_versions enables every version at or above the lowest asked", async (t) => {
  const sim = await simulator(t, protocolTable.map(() => ({ scenario: FAST })));
  for (const [i, row] of protocolTable.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    await patchAndWait(t, sim, cluster, { tls: { protocol_versions: row.asked } });
    t.deepEqual((await securityBody(sim, cluster, "tls.protocol_versions")).tls.protocol_versions, row.stored, row.asked.join(","));
  }
});

test("cipher suites are stored as the requested set, sorted, with the TLS 1.3 suites kept", async (t) => {
  const sim = await simulator(t, [{ scenario: FAST }]);
  const cluster = sim.clusters[0] as SimCluster;
  const asked = ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"];
  await patchAndWait(t, sim, cluster, { tls: { cipher_suites: asked } });
  const stored: string[] = (await securityBody(sim, cluster, "tls.cipher_suites")).tls.cipher_suites;
  t.deepEqual(stored, [
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  ]);
});

const fipsTable: { version: string; before: string[]; after: string[] }[] = [
  { version: "9.10.1", before: ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3"], after: ["TLSv1.3", "TLSv1.2", "TLSv1.1"] },
  { version: "9.11.1", before: ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"], after: ["TLSv1.3", "TLSv1.2"] },
  { version: "9.16.1", before: ["TLSv1.3", "TLSv1.2", "TLSv1.1"], after: ["TLSv1.3", "TLSv1.2"] },
];

test("enabling FIPS drops the old protocols per version, and disabling it re-enables none", async (t) => {
  const sim = await simulator(t, fipsTable.map((row) => ({ version: row.version, security: { tls: { protocol_versions: row.before } }, scenario: FAST })));
  for (const [i, row] of fipsTable.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    t.deepEqual((await securityBody(sim, cluster, "tls.protocol_versions")).tls.protocol_versions, row.before, `${row.version} initial`);
    await patchAndWait(t, sim, cluster, { fips: { enabled: true } });
    t.deepEqual((await securityBody(sim, cluster, "tls.protocol_versions")).tls.protocol_versions, row.after, `${row.version} with FIPS`);
    await patchAndWait(t, sim, cluster, { fips: { enabled: false } });
    const after = await securityBody(sim, cluster, "fips,tls.protocol_versions");
    t.false(after.fips.enabled);
    t.deepEqual(after.tls.protocol_versions, row.after, `${row.version} after disabling FIPS`);
  }
});

test("conversion moves encryption_state from unencrypted through encrypting to encrypted, and rekey is accepted", async (t) => {
  const sim = await simulator(t, [{ scenario: { ...FAST, stuckJobs: true } }, { version: "9.8.0", scenario: FAST }]);
  const [newest, old] = sim.clusters as [SimCluster, SimCluster];
  const reply = await call(sim, newest, "PATCH", "/api/security", { body: { software_data_encryption: { conversion_enabled: true } } });
  await waitFor(t, "encrypting", () => newest.security.software_data_encryption?.encryption_state === "encrypting");
  const during = (await securityBody(sim, newest, "software_data_encryption")).software_data_encryption;
  t.like(during, { conversion_enabled: false, encryption_state: "encrypting" });
  newest.scenario.stuckJobs = false;
  await waitFor(t, "the job", () => newest.jobs.get(reply.body.job.uuid)?.state === "success");
  t.deepEqual((await securityBody(sim, newest, "software_data_encryption")).software_data_encryption, {
    conversion_enabled: true,
    disabled_by_default: false,
    encryption_state: "encrypted",
  });
  const again = await call(sim, newest, "PATCH", "/api/security?return_timeout=5", { body: { software_data_encryption: { conversion_enabled: true, rekey: true } } });
  t.is(again.status, 200, "enabling it again, and rekeying, succeed");
  t.is(newest.security.software_data_encryption?.encryption_state, "encrypted");

  const { job } = await patchAndWait(t, sim, old, { software_data_encryption: { conversion_enabled: true } });
  t.is(job.state, "success");
  t.deepEqual(old.security.software_data_encryption, { conversion_enabled: true, disabled_by_default: false });
});

// ---------------------------------------------------------------------------------------------------------
// Documented forms: each switch makes the cluster speak one of the forms the ONTAP reference allows

test("preconditionErrors picks where a precondition fails: the PATCH itself (400, no job) or its job (202, then failure)", async (t) => {
  const body = { fips: { enabled: true }, software_data_encryption: { conversion_enabled: true } };
  const sim = await simulator(t, [
    { scenario: { ...FAST, dataVolumesPresent: true, preconditionErrors: "patch" } },
    { scenario: { ...FAST, dataVolumesPresent: true, preconditionErrors: "job" } },
  ]);
  const [refusing, failing] = sim.clusters as [SimCluster, SimCluster];

  const refused = await call(sim, refusing, "PATCH", "/api/security?return_timeout=10", { body });
  t.is(refused.status, 400);
  t.deepEqual(Object.keys(refused.body), ["error"], "an error body alone: no job link");
  t.is(refused.body.error.code, "196608081");
  t.regex(refused.body.error.message, /^Failed to enable software data encryption conversion\. Reason: Data volumes are present/);
  t.false("target" in refused.body.error);
  t.false("arguments" in refused.body.error);
  t.is(refusing.jobs.size, 0);
  t.false(refusing.security.fips?.enabled, "the whole PATCH is refused, FIPS included");

  const { reply, job } = await patchAndWait(t, sim, failing, body);
  t.is(reply.status, 202);
  t.is(job.code, 196608081);
  t.true(failing.security.fips?.enabled, "in the job form the groups before the conversion are applied");

  // Switched per request: once the precondition is met, the same cluster converts.
  refusing.scenario.dataVolumesPresent = false;
  const ok = await call(sim, refusing, "PATCH", "/api/security?return_timeout=10", { body });
  t.is(ok.status, 200);
  t.true(refusing.security.software_data_encryption?.conversion_enabled);
});

test("jobLinkForm uuid: PATCH answers link the job by uuid alone, on 202, 200 and a failed job's 400", async (t) => {
  const sim = await simulator(t, [{ scenario: { ...FAST, jobLinkForm: "uuid", failedJobAnswer: "error" } }, { scenario: { ...FAST } }]);
  const [bare, linked] = sim.clusters as [SimCluster, SimCluster];

  const accepted = await call(sim, bare, "PATCH", "/api/security", { body: { fips: { enabled: true } } });
  t.is(accepted.status, 202);
  t.deepEqual(Object.keys(accepted.body.job), ["uuid"]);
  const job = await call(sim, bare, "GET", `/api/cluster/jobs/${accepted.body.job.uuid}`);
  t.is(job.status, 200, "the job lives where a client builds its path from the uuid");
  t.is(job.body._links.self.href, `/api/cluster/jobs/${accepted.body.job.uuid}`, "the job itself still links itself");

  const held = await call(sim, bare, "PATCH", "/api/security?return_timeout=10", { body: { fips: { enabled: false } } });
  t.is(held.status, 200);
  t.deepEqual(Object.keys(held.body.job), ["uuid"]);

  bare.scenario.failNextJobs = { count: 1, code: 42, message: "Simulated failure." };
  const failed = await call(sim, bare, "PATCH", "/api/security?return_timeout=10", { body: { fips: { enabled: true } } });
  t.is(failed.status, 400);
  t.deepEqual(Object.keys(failed.body.job), ["uuid"]);
  t.is(failed.body.error.code, "42");

  const both = await call(sim, linked, "PATCH", "/api/security", { body: {} });
  t.deepEqual(both.body.job, { uuid: both.body.job.uuid, _links: { self: { href: `/api/cluster/jobs/${both.body.job.uuid}` } } });
});

test("okmCodeForm and okmSupportedPresent: the key manager status code as an integer or a string, supported sent or left out", async (t) => {
  const table: { scenario: Json; expected: Json }[] = [
    { scenario: {}, expected: { supported: true, message: "", code: 0 } },
    { scenario: { okmCodeForm: "string" }, expected: { supported: true, message: "", code: "0" } },
    { scenario: { okmSupportedPresent: false }, expected: { message: "", code: 0 } },
    { scenario: { okmCodeForm: "string", okmSupportedPresent: false }, expected: { message: "", code: "0" } },
  ];
  const sim = await simulator(t, table.map((row) => ({ version: "9.8.0", scenario: row.scenario })));
  for (const [i, row] of table.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    const label = JSON.stringify(row.scenario);
    t.deepEqual((await securityBody(sim, cluster)).onboard_key_manager_configurable_status, row.expected, label);
    // A field left out is still a field of the release: asking for it is no error.
    const asked = await call(sim, cluster, "GET", "/api/security?fields=onboard_key_manager_configurable_status.supported,onboard_key_manager_configurable_status.code");
    t.is(asked.status, 200, label);
    t.deepEqual(asked.body.onboard_key_manager_configurable_status, { ...("supported" in row.expected ? { supported: true } : {}), code: row.expected.code }, label);
  }
  const stringly = sim.clusters[1] as SimCluster;
  stringly.security.onboard_key_manager_configurable_status = { supported: false, message: "No platform support for volume encryption in following nodes - node1.", code: 65537300 };
  t.is((await securityBody(sim, stringly, "onboard_key_manager_configurable_status")).onboard_key_manager_configurable_status.code, "65537300");
});

test("errorArguments: synchronous and job errors carry the values named in their message; without it, none", async (t) => {
  const sim = await simulator(t, [
    { scenario: { ...FAST, errorArguments: true, dataVolumesPresent: true } },
    { scenario: { ...FAST, dataVolumesPresent: true } },
  ]);
  const [withArguments, without] = sim.clusters as [SimCluster, SimCluster];

  const unknown = await call(sim, withArguments, "PATCH", "/api/security", { body: { fipss: { enabled: true } } });
  t.deepEqual(unknown.body.error, { message: 'Unexpected argument "fipss.enabled".', code: "262179", target: "fipss.enabled", arguments: [{ code: "262179", message: "fipss.enabled" }] });
  const badFields = await call(sim, withArguments, "GET", "/api/security?fields=nothing");
  t.deepEqual(badFields.body.error.arguments, [{ code: "262197", message: "nothing" }, { code: "262197", message: "fields" }]);
  const unauthenticated = await call(sim, withArguments, "GET", "/api/security", { auth: "none" });
  t.deepEqual(unauthenticated.body.error.arguments, [], "an error that names no value has an empty list");
  const { job } = await patchAndWait(t, sim, withArguments, { software_data_encryption: { conversion_enabled: true } });
  t.is(job.error.code, "196608081");
  t.is(job.error.arguments.length, 1);
  t.is(job.error.arguments[0].code, "196608081");
  t.true(job.error.message.endsWith(job.error.arguments[0].message), JSON.stringify(job.error));

  const plain = await call(sim, without, "PATCH", "/api/security", { body: { fipss: { enabled: true } } });
  t.deepEqual(plain.body.error, { message: 'Unexpected argument "fipss.enabled".', code: "262179", target: "fipss.enabled" });
  const plainJob = (await patchAndWait(t, sim, without, { software_data_encryption: { conversion_enabled: true } })).job;
  t.deepEqual(plainJob.error.arguments, []);
});

test("errorCodeForm integer: synchronous error bodies carry the code as a JSON integer; a job keeps its schema's types", async (t) => {
  const sim = await simulator(t, [
    { scenario: { ...FAST, errorCodeForm: "integer", failedJobAnswer: "error", dataVolumesPresent: true } },
    { scenario: { ...FAST, failedJobAnswer: "error", dataVolumesPresent: true } },
  ]);
  const [integers, strings] = sim.clusters as [SimCluster, SimCluster];
  const table: { cluster: SimCluster; code: string | number; failed: string | number }[] = [
    { cluster: integers, code: 262179, failed: 196608081 },
    { cluster: strings, code: "262179", failed: "196608081" },
  ];
  for (const { cluster, code, failed } of table) {
    const refused = await call(sim, cluster, "PATCH", "/api/security", { body: { fipss: { enabled: true } } });
    t.is(refused.body.error.code, code);
    const unauthenticated = await call(sim, cluster, "GET", "/api/cluster", { auth: "none" });
    t.is(typeof unauthenticated.body.error.code, typeof code);
    const answer = await call(sim, cluster, "PATCH", "/api/security?return_timeout=10", { body: { software_data_encryption: { conversion_enabled: true } } });
    t.is(answer.status, 400);
    t.is(answer.body.error.code, failed, "the 400 for a job failed in time is a synchronous error body");
    const job = (await call(sim, cluster, "GET", answer.body.job._links.self.href)).body;
    t.is(job.code, 196608081);
    t.is(job.error.code, "196608081");
  }
});

test("return_records=true or false is accepted on PATCH and changes nothing in the answer", async (t) => {
  const sim = await simulator(t, [{ scenario: FAST }]);
  const cluster = sim.clusters[0] as SimCluster;
  for (const value of ["true", "false"]) {
    const reply = await call(sim, cluster, "PATCH", `/api/security?return_records=${value}&return_timeout=10`, { body: { fips: { enabled: value === "true" } } });
    t.is(reply.status, 200, value);
    t.deepEqual(Object.keys(reply.body), ["job"], value);
    t.is(cluster.security.fips?.enabled, value === "true");
  }
  t.deepEqual(cluster.patches().map((entry) => entry.query.return_records), ["true", "false"]);
});

// ---------------------------------------------------------------------------------------------------------
// Many clusters, options, lifecycle

test("several clusters run at once, each on its own port with its own state", async (t) => {
  const sim = await simulator(t, [{ scenario: FAST, name: "east" }, { scenario: FAST, name: "west", version: "9.10.1" }, {}]);
  const ports = new Set(sim.clusters.map((cluster) => cluster.url));
  t.is(ports.size, 3);
  for (const cluster of sim.clusters) t.regex(cluster.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  t.is(sim.clusters[0]?.host, sim.clusters[0]?.url.slice("https://".length));
  const [east, west, third] = sim.clusters as [SimCluster, SimCluster, SimCluster];
  await Promise.all([patchAndWait(t, sim, east, { fips: { enabled: true } }), patchAndWait(t, sim, west, { management_protocols: { rsh_enabled: true } })]);
  t.true(east.security.fips?.enabled);
  t.false(east.security.management_protocols?.rsh_enabled);
  t.false(west.security.fips?.enabled);
  t.true(west.security.management_protocols?.rsh_enabled);
  t.is(third.requests.length, 0);
  t.is((await call(sim, west, "GET", "/api/cluster?fields=name")).body.name, "west");
});

// Serial: 500 handshakes would starve the timers of the concurrent tests.
test.serial("one simulator serves 500 clusters", async (t) => {
  t.timeout(60_000);
  const started = Date.now();
  const sim = await simulator(t, 500);
  const startMs = Date.now() - started;
  t.is(sim.clusters.length, 500);
  t.is(new Set(sim.clusters.map((cluster) => cluster.host)).size, 500);
  const queue = [...sim.clusters];
  const names: string[] = [];
  const requestStarted = Date.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let cluster = queue.shift(); cluster; cluster = queue.shift()) {
        const reply = await call(sim, cluster, "GET", "/api/cluster?fields=name");
        names.push(reply.body.name);
      }
    }),
  );
  t.is(names.length, 500);
  t.is(new Set(names).size, 500);
  t.log(`started 500 clusters in ${startMs} ms; one GET to each in ${Date.now() - requestStarted} ms`);
});

test("changing security and scenario from the test takes effect on the next request", async (t) => {
  const sim = await simulator(t);
  const cluster = sim.clusters[0] as SimCluster;
  cluster.security.fips = { enabled: true };
  t.deepEqual((await securityBody(sim, cluster, "fips")).fips, { enabled: true });
  cluster.scenario.configLocked = 1;
  t.is((await call(sim, cluster, "GET", "/api/security")).status, 409);
  t.is((await call(sim, cluster, "GET", "/api/security")).status, 200);
});

test("bad options are refused before any port opens", async (t) => {
  await t.throwsAsync(startSimulator({ clusters: [{ version: "8.3.0" }] }), { message: /no REST API/ });
  await t.throwsAsync(startSimulator({ clusters: [{ version: "nine" }] }), { message: /not of the form/ });
  await t.throwsAsync(startSimulator({ clusters: [{ version: "9.8.0", security: { tls: { protocol_versions: ["TLSv1.2"] } } }] }), { message: /tls\.protocol_versions/ });
  await t.throwsAsync(startSimulator({ clusters: 0 }), { message: /positive integer/ });
});

test("the port option puts the clusters on consecutive ports", async (t) => {
  const probe = await startSimulator();
  const free = Number(probe.clusters[0]?.host.split(":")[1]);
  await probe.close();
  const sim = await startSimulator({ clusters: 2, port: free });
  t.teardown(() => sim.close());
  t.deepEqual(sim.clusters.map((cluster) => cluster.url), [`https://127.0.0.1:${free}`, `https://127.0.0.1:${free + 1}`]);
});

test("close() releases held requests, stops jobs and frees the ports", async (t) => {
  const sim = await startSimulator({ clusters: [{ scenario: { stuckJobs: true, jobDurationMs: 10 } }] });
  const cluster = sim.clusters[0] as SimCluster;
  const held = call(sim, cluster, "PATCH", "/api/security?return_timeout=60", { body: { fips: { enabled: true } } });
  await waitFor(t, "the job", () => cluster.jobs.size === 1);
  const closing = Date.now();
  await sim.close();
  await sim.close();
  const reply = await held;
  t.is(reply.status, 0, "the held request ends without an answer");
  t.true(Date.now() - closing < 10_000, "released, not held for the 60 s return_timeout");
  const port = Number(cluster.host.split(":")[1]);
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", () => resolve(true));
  });
  t.true(refused, "nothing listens any more");
});
