/**
 * Each wire field by its own rule from the table of fields: mapped to the resource's shape, compared
 * (protocol versions by their lowest, cipher suites as sets), gated by release, read back after a
 * PATCH; and what a `host` value means as a base URL.
 */
import test from "ava";
import { observedFromWire } from "../provider/lifecycle/model";
import { fieldMatches, lowestTlsVersion } from "../provider/ontap/securityFields";
import { patchMismatches } from "../provider/ontap/readBack";
import { atLeast, fieldsNeedingReboot, parseVersion, readableFields } from "../provider/ontap/versions";
import { baseUrlOf } from "../provider/ontap/host";

test("wire settings map to the resource's shape", (t) => {
  t.deepEqual(
    observedFromWire({
      fips: { enabled: true },
      software_data_encryption: { conversion_enabled: false, disabled_by_default: true, encryption_state: "unencrypted" },
      tls: { protocol_versions: ["TLSv1.3"], cipher_suites: ["TLS_AES_128_GCM_SHA256"] },
      management_protocols: { rsh_enabled: false, telnet_enabled: true },
      onboard_key_manager_configurable_status: { supported: true, message: "", code: "0" },
    }),
    {
      fips: { enabled: true },
      softwareDataEncryption: { conversionEnabled: false, disabledByDefault: true, encryptionState: "unencrypted" },
      tls: { protocolVersions: ["TLSv1.3"], cipherSuites: ["TLS_AES_128_GCM_SHA256"] },
      managementProtocols: { rshEnabled: false, telnetEnabled: true },
      onboardKeyManagerConfigurableStatus: { supported: true, message: "", code: 0 },
    },
  );
});

test("groups a release lacks are absent from outputs, not invented", (t) => {
  t.deepEqual(observedFromWire({ onboard_key_manager_configurable_status: { supported: false, code: 65537, message: "m" } }), {
    onboardKeyManagerConfigurableStatus: { supported: false, message: "m", code: 65537 },
  });
});

const protocols: [string[], string[], boolean][] = [
  [["TLSv1.2"], ["TLSv1.3", "TLSv1.2"], true],
  [["TLSv1.2", "TLSv1.3"], ["TLSv1.3", "TLSv1.2"], true],
  [["TLSv1.2"], ["TLSv1.2"], true],
  [["TLSv1.1"], ["TLSv1.3", "TLSv1.2"], false],
  [["TLSv1.3"], ["TLSv1.3", "TLSv1.2"], false],
  [[], [], false],
];
for (const [desired, actual, same] of protocols) {
  test(`protocol versions ${JSON.stringify(desired)} ${same ? "match" : "differ from"} ${JSON.stringify(actual)}`, (t) => {
    t.is(fieldMatches("tls.protocol_versions", desired, actual), same);
  });
}

test("the lowest protocol is found whatever the order", (t) => {
  t.is(lowestTlsVersion(["TLSv1.3", "TLSv1", "TLSv1.2"]), "TLSv1");
  t.is(lowestTlsVersion(["nope"]), undefined);
});

const suites: [string[], string[], boolean][] = [
  [["TLS_B", "TLS_A"], ["TLS_A", "TLS_B"], true],
  [["TLS_A"], ["TLS_A", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"], true],
  [["TLS_A"], ["TLS_A", "TLS_B"], false],
  [["TLS_A", "TLS_B"], ["TLS_A"], false],
];
for (const [desired, actual, same] of suites) {
  test(`cipher suites ${JSON.stringify(desired)} ${same ? "match" : "differ from"} ${JSON.stringify(actual)}`, (t) => {
    t.is(fieldMatches("tls.cipher_suites", desired, actual), same);
  });
}

test("versions compare by generation, major and minor", (t) => {
  t.true(atLeast(parseVersion("9.10.1"), "9.9.1"));
  t.false(atLeast(parseVersion("9.8.0"), "9.10.1"));
  t.true(atLeast(parseVersion("10.0.0"), "9.16.1"));
  t.deepEqual(parseVersion("9.16"), { generation: 9, major: 16, minor: 0 });
  t.throws(() => parseVersion("latest"), { message: /not an ONTAP version: "latest"/ });
});

test("each release is asked only for the fields it has", (t) => {
  t.false(readableFields(parseVersion("9.7.0")).includes("fips.enabled"));
  t.true(readableFields(parseVersion("9.8.0")).includes("fips.enabled"));
  t.false(readableFields(parseVersion("9.8.0")).includes("tls.protocol_versions"));
  t.true(readableFields(parseVersion("9.10.1")).includes("management_protocols.telnet_enabled"));
  t.false(readableFields(parseVersion("9.15.1")).includes("software_data_encryption.encryption_state"));
  t.true(readableFields(parseVersion("9.16.1")).includes("software_data_encryption.encryption_state"));
});

test("FIPS needs a reboot before 9.9.1 only, and no other field does", (t) => {
  const changed = ["fips.enabled", "management_protocols.telnet_enabled"] as const;
  t.deepEqual(fieldsNeedingReboot(parseVersion("9.8.0"), changed), ["fips.enabled"]);
  t.deepEqual(fieldsNeedingReboot(parseVersion("9.9.1"), changed), []);
});

test("the read-back names each field the cluster does not show, by that field's own rule", (t) => {
  const actual = { fips: { enabled: false }, tls: { protocol_versions: ["TLSv1.3", "TLSv1.2"] } };
  t.deepEqual(patchMismatches({ fips: { enabled: false }, tls: { protocol_versions: ["TLSv1.2"] } }, actual), []);
  t.deepEqual(patchMismatches({ fips: { enabled: true }, tls: { protocol_versions: ["TLSv1.1"] }, management_protocols: { rsh_enabled: false } }, actual), [
    "fips.enabled: asked true, cluster has false",
    'tls.protocol_versions: asked ["TLSv1.1"], cluster has ["TLSv1.3","TLSv1.2"]',
    "management_protocols.rsh_enabled: asked false, cluster has nothing",
  ]);
});

const hosts: [string, string][] = [
  ["cluster1", "https://cluster1"],
  ["cluster1:8443", "https://cluster1:8443"],
  ["https://cluster1.example.com:443/", "https://cluster1.example.com"],
  ["10.0.0.5", "https://10.0.0.5"],
  ["fd20::10", "https://[fd20::10]"],
  ["[fd20::10]:8443", "https://[fd20::10]:8443"],
];
for (const [host, url] of hosts) {
  test(`host ${host} means ${url}`, (t) => {
    t.is(baseUrlOf(host), url);
  });
}
