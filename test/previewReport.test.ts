import test from "ava";
import { ChangeReport, compareSettings, describeChange, reportLines } from "../provider/lifecycle/previewReport";
import { UNKNOWN } from "../provider/lifecycle/check";
import { ObservedSecurity, SecuritySettings } from "../provider/lifecycle/model";

/** A cluster as many are found: FIPS off, TLS 1.0 and up, rsh and telnet on, not converted. */
const found: ObservedSecurity = {
  fips: { enabled: false },
  softwareDataEncryption: { conversionEnabled: false, disabledByDefault: false },
  tls: {
    protocolVersions: ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"],
    cipherSuites: ["TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"],
  },
  managementProtocols: { rshEnabled: true, telnetEnabled: true },
};

/** One setting asked, and the line describing it (undefined: already as desired, no line). */
const table: [string, SecuritySettings, string | undefined][] = [
  ["a boolean that changes", { fips: { enabled: true } }, "fips.enabled: false → true"],
  ["a boolean already as desired", { managementProtocols: { rshEnabled: true } }, undefined],
  ["TLS versions, expanded upwards on both sides", { tls: { protocolVersions: ["TLSv1.2"] } }, "tls.protocolVersions: [TLSv1, TLSv1.1, TLSv1.2, TLSv1.3] → [TLSv1.2, TLSv1.3]"],
  ["TLS versions in another order but the same lowest", { tls: { protocolVersions: ["TLSv1.1", "TLSv1", "TLSv1.3", "TLSv1.2"] } }, undefined],
  ["TLS versions by their lowest only", { tls: { protocolVersions: ["TLSv1"] } }, undefined],
  [
    "cipher suites in another order",
    { tls: { cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256"] } },
    undefined,
  ],
  [
    "cipher suites as sets: what goes and what comes, TLS 1.3 suites kept by ONTAP not counted as going",
    { tls: { cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] } },
    "tls.cipherSuites: {3 suites} → {2 suites}: removes TLS_RSA_WITH_AES_128_GCM_SHA256; adds TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  ],
  ["a value not known until apply", { managementProtocols: { telnetEnabled: UNKNOWN as never } }, "managementProtocols.telnetEnabled: true → (known after apply)"],
  ["a whole group not known until apply", { fips: UNKNOWN as never }, "fips.enabled: false → (known after apply)"],
  [
    "conversion, said to be one-way",
    { softwareDataEncryption: { conversionEnabled: true } },
    "softwareDataEncryption.conversionEnabled: false → true (one-way: converting a cluster to software data encryption cannot be undone)",
  ],
];

for (const [title, desired, line] of table) {
  test(`a reviewer reads ${title}`, (t) => {
    const [comparison] = compareSettings(desired, found);
    t.is(comparison.changes, line !== undefined);
    if (line !== undefined) t.is(describeChange(comparison), line);
  });
}

test("a setting the cluster does not report shows as such and changes", (t) => {
  const [comparison] = compareSettings({ tls: { cipherSuites: ["TLS_A"] } }, { fips: { enabled: true } });
  t.true(comparison.changes);
  t.is(describeChange(comparison), "tls.cipherSuites: (not reported) → {1 suite}: TLS_A");
});

test("asking a converted cluster to be unconverted is marked as refused", (t) => {
  const [comparison] = compareSettings(
    { softwareDataEncryption: { conversionEnabled: false } },
    { softwareDataEncryption: { conversionEnabled: true, disabledByDefault: false } },
  );
  t.regex(describeChange(comparison), /true → false \(refused: converting a cluster to software data encryption cannot be undone; the update stops before any change\)$/);
});

test("an adoption's report: summary, one line per change, what is already as desired, notes, each naming the cluster", (t) => {
  const report: ChangeReport = {
    cluster: "paris-a",
    source: "cluster",
    comparisons: compareSettings({ fips: { enabled: true }, managementProtocols: { rshEnabled: false, telnetEnabled: true } }, found),
    notes: ["a note"],
  };
  t.deepEqual(reportLines(report), [
    "ontap: cluster paris-a: create (adopts the cluster's settings): 2 of 3 managed settings change; found = read from the cluster now",
    "ontap: cluster paris-a: fips.enabled: false → true",
    "ontap: cluster paris-a: managementProtocols.rshEnabled: true → false",
    "ontap: cluster paris-a: already as desired: managementProtocols.telnetEnabled",
    "ontap: cluster paris-a: a note",
  ]);
});

test("an update's report names connection arguments without their values", (t) => {
  const lines = reportLines({ cluster: "c1", source: "state", comparisons: [], connection: [{ key: "password", known: true }, { key: "host", known: false }] });
  t.deepEqual(lines, [
    "ontap: cluster c1: update: no managed setting; found = last known state (last up or refresh)",
    "ontap: cluster c1: password: changed (value not shown; updates state only)",
    "ontap: cluster c1: host: known after apply",
  ]);
});

test("control characters in a cluster name are escaped, never written raw", (t) => {
  const [line] = reportLines({ cluster: "a\rb\u001b[2J\u2028", source: "state", comparisons: [] });
  t.true(line.startsWith("ontap: cluster a\\u000db\\u001b[2J\\u2028: "), line);
});
