// The ONTAP simulator over real HTTPS with its own CA, the way the provider uses it: what a job does
// to the settings: TLS versions and ciphers, FIPS, conversion and rekey.

import test from "ava";

import { SimCluster } from "../simulator";
import { call, FAST, patchAndWait, securityBody, simulator, waitFor } from "./simulatorHttp";

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
  const again = await call(sim, newest, "PATCH", "/api/security?return_timeout=5", { body: { software_data_encryption: { rekey: true } } });
  t.is(again.status, 200, "rekeying succeeds");
  t.is(newest.security.software_data_encryption?.encryption_state, "encrypted");

  const { job } = await patchAndWait(t, sim, old, { software_data_encryption: { conversion_enabled: true } });
  t.is(job.state, "success");
  t.deepEqual(old.security.software_data_encryption, { conversion_enabled: true, disabled_by_default: false });
});
