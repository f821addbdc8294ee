// The ONTAP simulator over real HTTPS with its own CA, the way the provider uses it: PATCH bodies the
// simulator accepts, and the validation failures it answers at once.

import test from "ava";

import { SimCluster } from "../simulator";
import { call, FAST, Json, patchAndWait, securityBody, simulator } from "./simulatorHttp";

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
  { title: "TLSv1.1 under FIPS from 9.11.1", security: { fips: { enabled: true } }, body: { "tls.protocol_versions": ["TLSv1.1"] }, code: "52428832", message: /^TLSv1\.1 is not supported when FIPS is enabled\.$/ },
  { title: "TLSv1.1 under FIPS on 9.11.1 itself", version: "9.11.1", security: { fips: { enabled: true } }, body: { "tls.protocol_versions": ["TLSv1.1"] }, code: "52428832" },
  { title: "telnet while FIPS is on", security: { fips: { enabled: true } }, body: { management_protocols: { telnet_enabled: true } }, code: "5636145" },
  { title: "reverting a conversion before 9.16.1", version: "9.11.1", security: { software_data_encryption: { conversion_enabled: true } }, body: { software_data_encryption: { conversion_enabled: false } }, code: "196608085" },
  // From 9.16.1, what the reference lists for the body alone.
  { title: "conversion_enabled false (196608387)", body: { software_data_encryption: { conversion_enabled: false } }, code: "196608387", target: "software_data_encryption.conversion_enabled" },
  { title: "conversion and disabled_by_default both true (196608388)", body: { software_data_encryption: { conversion_enabled: true, disabled_by_default: true } }, code: "196608388" },
  { title: "conversion and rekey both true (196608389)", body: { software_data_encryption: { conversion_enabled: true, rekey: true } }, code: "196608389" },
  { title: "rekey false (196608390)", body: { "software_data_encryption.rekey": false }, code: "196608390" },
  { title: "rekey and disabled_by_default both true (196608391)", body: { software_data_encryption: { rekey: true, disabled_by_default: true } }, code: "196608391" },
  { title: "a conversion while one goes on (196608370)", security: { software_data_encryption: { encryption_state: "encrypting" } }, body: { "software_data_encryption.conversion_enabled": true }, code: "196608370" },
  { title: "a rekey while one goes on, 9.17.1 (196608371)", version: "9.17.1", security: { software_data_encryption: { conversion_enabled: true, encryption_state: "rekeying" } }, body: { "software_data_encryption.rekey": true }, code: "196608371" },
  { title: "an encryptionRefusal refused by the PATCH (SnapLock, 196608383)", scenario: { preconditionErrors: "patch", encryptionRefusal: 196608383 }, body: { "software_data_encryption.conversion_enabled": true }, code: "196608383", message: /SnapLock/ },
  { title: "a mixed-release cluster", scenario: { mixedRelease: true }, body: { fips: { enabled: true } }, code: "5636142" },
  { title: "return_timeout above 120", query: "return_timeout=121", body: {}, code: "262197", target: "return_timeout" },
  { title: "a non-integer return_timeout", query: "return_timeout=1.5", body: {}, code: "262197", target: "return_timeout" },
  { title: "an unknown query parameter", query: "force=true", body: {}, code: "262179", target: "force" },
  { title: "a return_records that is not a boolean", query: "return_records=yes", body: {}, code: "262197", target: "return_records" },
  // preconditionErrors "patch": the reference's PATCH errors refuse the whole PATCH, earlier groups included.
  { title: "certificate strength too low for FIPS, refused by the PATCH", scenario: { preconditionErrors: "patch", fipsCertificateStrengthTooLow: true, fipsNonCompliantCertificate: true }, body: { fips: { enabled: true }, management_protocols: { telnet_enabled: false } }, code: "52428830", message: /minimum security strength/ },
  { title: "a non-compliant certificate, refused by the PATCH", scenario: { preconditionErrors: "patch", fipsNonCompliantCertificate: true }, body: { "fips.enabled": true }, code: "52559974", message: /not FIPS-compliant/ },
  { title: "data volumes present, refused by the PATCH", scenario: { preconditionErrors: "patch", dataVolumesPresent: true }, body: { fips: { enabled: true }, software_data_encryption: { conversion_enabled: true } }, code: "196608081", message: /Data volumes are present/ },
  { title: "MetroCluster switchover, refused by the PATCH", scenario: { preconditionErrors: "patch", metroclusterSwitchover: true }, body: { software_data_encryption: { conversion_enabled: true } }, code: "196608082", message: /switchover/ },
  { title: "no key manager, refused by the PATCH", scenario: { preconditionErrors: "patch", keyManagerConfigured: false }, body: { software_data_encryption: { conversion_enabled: true } }, code: "196608070", message: /key manager/ },
  { title: "no key manager before 9.16.1, refused by the PATCH", version: "9.11.1", scenario: { preconditionErrors: "patch", keyManagerConfigured: false }, body: { software_data_encryption: { conversion_enabled: true } }, code: "196608080", message: /key manager/ },
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
