import test from "ava";
import { diffResource } from "../provider/lifecycle/diff";
import { UNKNOWN } from "../provider/lifecycle/check";
import { ClusterSecurityOutputs } from "../provider/lifecycle/model";

const observed: ClusterSecurityOutputs = {
  host: "cluster1",
  username: "admin",
  password: "pw",
  fips: { enabled: true },
  softwareDataEncryption: { conversionEnabled: true, disabledByDefault: false, encryptionState: "encrypted" },
  tls: {
    protocolVersions: ["TLSv1.3", "TLSv1.2"],
    cipherSuites: ["TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
  },
  managementProtocols: { rshEnabled: false, telnetEnabled: false },
  cluster: { uuid: "u", name: "c1", version: "9.16.1" },
};
const connection = { host: "cluster1", username: "admin", password: "pw", __provider: "exports.handler = …" };

const table: [string, Record<string, unknown>, string[]][] = [
  ["nothing managed", {}, []],
  ["every setting as observed", {
    fips: { enabled: true },
    softwareDataEncryption: { conversionEnabled: true, disabledByDefault: false },
    tls: { protocolVersions: ["TLSv1.2"], cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] },
    managementProtocols: { rshEnabled: false, telnetEnabled: false },
  }, []],
  ["protocol versions written newest first", { tls: { protocolVersions: ["TLSv1.3", "TLSv1.2"] } }, []],
  ["a lower protocol version", { tls: { protocolVersions: ["TLSv1.1", "TLSv1.2", "TLSv1.3"] } }, ["tls.protocolVersions"]],
  ["only TLS 1.3", { tls: { protocolVersions: ["TLSv1.3"] } }, ["tls.protocolVersions"]],
  ["a cipher suite the cluster lacks", { tls: { cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA"] } }, ["tls.cipherSuites"]],
  ["fewer cipher suites than the cluster has", { tls: { cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] } }, ["tls.cipherSuites"]],
  ["FIPS off", { fips: { enabled: false } }, ["fips.enabled"]],
  ["telnet on", { managementProtocols: { telnetEnabled: true } }, ["managementProtocols.telnetEnabled"]],
  ["conversionEnabled removed from the program", { softwareDataEncryption: {} }, []],
  ["conversionEnabled false on a converted cluster (plan refuses it)", { softwareDataEncryption: { conversionEnabled: false } }, ["softwareDataEncryption.conversionEnabled"]],
  ["a value not known yet", { fips: { enabled: UNKNOWN } }, ["fips.enabled"]],
  ["a group not known yet", { tls: UNKNOWN }, ["tls.protocolVersions", "tls.cipherSuites", "tls.offloadEnabled"]],
  ["a new jobTimeoutSeconds alone (recorded in outputs)", { jobTimeoutSeconds: 60 }, ["jobTimeoutSeconds"]],
];

for (const [title, settings, fields] of table) {
  test(`diff with ${title}`, (t) => {
    const outcome = diffResource(observed, { ...connection, ...settings });
    t.deepEqual([...outcome.fields], fields);
    t.is(outcome.changes, fields.length > 0);
  });
}

test("diff sees a rotated password as a change of state", (t) => {
  t.deepEqual([...diffResource(observed, { ...connection, password: "new" }).fields], ["password"]);
});

test("diff sees a setting the outputs lack as a change (first update after an older release)", (t) => {
  const { tls: _tls, ...withoutTls } = observed;
  t.deepEqual([...diffResource(withoutTls, { ...connection, tls: { protocolVersions: ["TLSv1.2"] } }).fields], ["tls.protocolVersions"]);
});

test("diff reads malformed state as settings it does not know (refresh calls it with roles swapped)", (t) => {
  const garbled = diffResource({ tls: "garbage" } as never, { tls: { protocolVersions: ["TLSv1.2"] } } as never);
  t.deepEqual([...garbled.fields], ["tls.protocolVersions"]);
  t.true(garbled.lines.includes("ontap: cluster (name not known yet): tls.protocolVersions: (not reported) → [TLSv1.2, TLSv1.3]"), garbled.lines.join("\n"));
  t.deepEqual([...diffResource({ ...observed }, observed as never).fields], [], "outputs given back as inputs are no change");
});

test("diff answers state it cannot read at all with an update that re-reads the cluster", (t) => {
  const fallback = { changes: true, fields: [], lines: ["ontap: the last known settings could not be read; the update will read the cluster"] };
  const unreadable = Object.defineProperty({}, "tls", {
    enumerable: true,
    get() {
      throw new Error("unreadable");
    },
  });
  t.deepEqual(diffResource(unreadable as never, { tls: { protocolVersions: ["TLSv1.2"] } } as never), fallback);
  t.deepEqual(diffResource(null as never, {} as never), fallback);
});

test("diff reports each difference as found → desired, on the cluster's lines, never a connection value", (t) => {
  const outcome = diffResource(observed, { ...connection, password: "rotated-secret", managementProtocols: { telnetEnabled: true }, fips: { enabled: UNKNOWN as never } });
  t.deepEqual([...outcome.lines], [
    "ontap: cluster c1: update: 2 of 2 managed settings change; found = last known state (last up or refresh)",
    "ontap: cluster c1: fips.enabled: true → (known after apply)",
    "ontap: cluster c1: managementProtocols.telnetEnabled: false → true",
    "ontap: cluster c1: password: changed (value not shown; updates state only)",
  ]);
  t.notRegex(outcome.lines.join("\n"), /rotated-secret/);
});

test("diff says nothing when nothing changes, and lists what is already as desired when something does", (t) => {
  t.deepEqual([...diffResource(observed, { ...connection, fips: { enabled: true } }).lines], []);
  const outcome = diffResource(observed, { ...connection, fips: { enabled: true }, tls: { protocolVersions: ["TLSv1.3", "TLSv1.2"] }, managementProtocols: { rshEnabled: true } });
  t.deepEqual([...outcome.lines].slice(-1), ["ontap: cluster c1: already as desired: fips.enabled, tls.protocolVersions"]);
});

test("diff of a drift found by refresh warns when the last known state says the update will be refused", (t) => {
  const drifted = { ...observed, tls: { protocolVersions: ["TLSv1.3", "TLSv1.2"], cipherSuites: [] } };
  const outcome = diffResource(drifted, { ...connection, tls: { protocolVersions: ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] } });
  t.true(outcome.changes);
  t.regex(outcome.lines.join("\n"), /ontap: cluster c1: the update will be refused before any change, unless .*TLSv1 and TLSv1\.1, which ONTAP does not allow while FIPS is on \(TLSv1: error 52428824; TLSv1\.1: error 52428832 from ONTAP 9\.11\.1 \(this cluster runs 9\.16\.1\)/);
});
