// The ONTAP simulator over real HTTPS with its own CA, the way the provider uses it: each switch makes
// the cluster speak one of the forms the ONTAP reference allows.

import test from "ava";

import { SimCluster } from "../simulator";
import { call, FAST, Json, patchAndWait, securityBody, simulator } from "./simulatorHttp";

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
