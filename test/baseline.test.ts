// The security baseline's rules, by tables: what each finds in the program's arguments and in the
// cluster's reported settings, under its default and its own config; and the messages a reviewer reads.

import test from "ava";

import {
  BASELINE_RULES,
  BaselineRule,
  CommonConfig,
  DEFAULT_WEAK_MARKERS,
  SettingsView,
  Source,
  configSchema,
  fipsEnabled,
  noWeakCipherSuites,
  rshDisabled,
  ruleConfig,
  softwareEncryptionConverted,
  telnetDisabled,
  tlsMinimumVersion,
  violationMessage,
} from "../policy/baseline";
import { isReported } from "../policy/crossguard";

interface Row {
  rule: BaselineRule<CommonConfig & Record<string, unknown>>;
  settings: SettingsView;
  source?: Source;
  config?: Record<string, unknown>;
  /** `setting = value` of each shortfall, in order. */
  expected: string[];
}

const rule = <C extends CommonConfig>(r: BaselineRule<C>): Row["rule"] => r as unknown as Row["rule"];
const STRONG = ["TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"];

const table: Row[] = [
  // FIPS
  { rule: rule(fipsEnabled), settings: { fips: { enabled: true } }, expected: [] },
  { rule: rule(fipsEnabled), settings: { fips: { enabled: false } }, expected: ["fips.enabled = false"] },
  { rule: rule(fipsEnabled), settings: { fips: { enabled: false } }, source: "cluster", expected: ["fips.enabled = false"] },
  { rule: rule(fipsEnabled), settings: {}, expected: [] },
  { rule: rule(fipsEnabled), settings: {}, config: { requireInProgram: true }, expected: ["fips.enabled = undefined"] },
  { rule: rule(fipsEnabled), settings: {}, source: "cluster", config: { requireInProgram: true }, expected: [] },
  // TLS versions: the lowest listed decides, as ONTAP enables everything above it
  { rule: rule(tlsMinimumVersion), settings: { tls: { protocolVersions: ["TLSv1.2"] } }, expected: [] },
  { rule: rule(tlsMinimumVersion), settings: { tls: { protocolVersions: ["TLSv1.3", "TLSv1.2"] } }, source: "cluster", expected: [] },
  { rule: rule(tlsMinimumVersion), settings: { tls: { protocolVersions: ["TLSv1.1"] } }, expected: ['tls.protocolVersions = ["TLSv1.1"]'] },
  { rule: rule(tlsMinimumVersion), settings: { tls: { protocolVersions: ["SSLv3"] } }, expected: ['tls.protocolVersions = ["SSLv3"]'] },
  {
    rule: rule(tlsMinimumVersion),
    settings: { tls: { protocolVersions: ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"] } },
    source: "cluster",
    expected: ['tls.protocolVersions = ["TLSv1.3","TLSv1.2","TLSv1.1","TLSv1"]'],
  },
  { rule: rule(tlsMinimumVersion), settings: { tls: { protocolVersions: ["TLSv1.2"] } }, config: { minimumVersion: "TLSv1.3" }, expected: ['tls.protocolVersions = ["TLSv1.2"]'] },
  { rule: rule(tlsMinimumVersion), settings: { tls: { protocolVersions: ["TLSv1.3"] } }, config: { minimumVersion: "TLSv1.3" }, expected: [] },
  { rule: rule(tlsMinimumVersion), settings: { tls: {} }, expected: [] },
  { rule: rule(tlsMinimumVersion), settings: {}, config: { requireInProgram: true }, expected: ["tls.protocolVersions = undefined"] },
  // Cipher suites
  { rule: rule(noWeakCipherSuites), settings: { tls: { cipherSuites: STRONG } }, expected: [] },
  {
    rule: rule(noWeakCipherSuites),
    settings: { tls: { cipherSuites: [...STRONG, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_NULL_SHA256"] } },
    source: "cluster",
    expected: ['tls.cipherSuites = ["TLS_RSA_WITH_3DES_EDE_CBC_SHA","TLS_RSA_WITH_RC4_128_SHA","TLS_RSA_WITH_NULL_SHA256"]'],
  },
  {
    rule: rule(noWeakCipherSuites),
    settings: { tls: { cipherSuites: ["TLS_DH_anon_WITH_AES_128_CBC_SHA", "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", "TLS_RSA_WITH_DES_CBC_SHA", "TLS_RSA_WITH_RC4_128_MD5"] } },
    expected: ['tls.cipherSuites = ["TLS_DH_anon_WITH_AES_128_CBC_SHA","TLS_RSA_EXPORT_WITH_DES40_CBC_SHA","TLS_RSA_WITH_DES_CBC_SHA","TLS_RSA_WITH_RC4_128_MD5"]'],
  },
  {
    rule: rule(noWeakCipherSuites),
    settings: { tls: { cipherSuites: [...STRONG, "TLS_RSA_WITH_AES_128_CBC_SHA"] } },
    config: { weakMarkers: ["_CBC_"] },
    expected: ['tls.cipherSuites = ["TLS_RSA_WITH_AES_128_CBC_SHA"]'],
  },
  { rule: rule(noWeakCipherSuites), settings: {}, config: { requireInProgram: true }, expected: ["tls.cipherSuites = undefined"] },
  // rsh and telnet
  { rule: rule(telnetDisabled), settings: { managementProtocols: { telnetEnabled: false, rshEnabled: true } }, expected: [] },
  { rule: rule(telnetDisabled), settings: { managementProtocols: { telnetEnabled: true } }, expected: ["managementProtocols.telnetEnabled = true"] },
  { rule: rule(rshDisabled), settings: { managementProtocols: { telnetEnabled: true, rshEnabled: false } }, expected: [] },
  { rule: rule(rshDisabled), settings: { managementProtocols: { rshEnabled: true } }, source: "cluster", expected: ["managementProtocols.rshEnabled = true"] },
  { rule: rule(rshDisabled), settings: {}, config: { requireInProgram: true }, expected: ["managementProtocols.rshEnabled = undefined"] },
  // Software data encryption
  { rule: rule(softwareEncryptionConverted), settings: { softwareDataEncryption: { conversionEnabled: true } }, expected: [] },
  { rule: rule(softwareEncryptionConverted), settings: { softwareDataEncryption: { conversionEnabled: false } }, expected: ["softwareDataEncryption.conversionEnabled = false"] },
  { rule: rule(softwareEncryptionConverted), settings: { softwareDataEncryption: { disabledByDefault: true } }, expected: [] },
  {
    rule: rule(softwareEncryptionConverted),
    settings: { softwareDataEncryption: { disabledByDefault: true } },
    config: { requireInProgram: true },
    expected: ["softwareDataEncryption.conversionEnabled = undefined"],
  },
  {
    rule: rule(softwareEncryptionConverted),
    settings: { softwareDataEncryption: { conversionEnabled: true, encryptionState: "encrypting" } },
    source: "cluster",
    expected: [],
  },
  {
    rule: rule(softwareEncryptionConverted),
    settings: { softwareDataEncryption: { conversionEnabled: true, encryptionState: "encrypting" } },
    source: "cluster",
    config: { requireEncryptedState: true },
    expected: ['softwareDataEncryption.encryptionState = "encrypting"'],
  },
  {
    rule: rule(softwareEncryptionConverted),
    settings: { softwareDataEncryption: { conversionEnabled: true, encryptionState: "encrypted" } },
    source: "cluster",
    config: { requireEncryptedState: true },
    expected: [],
  },
];

for (const row of table) {
  const source = row.source ?? "program";
  test(`${row.rule.name}: ${source} ${JSON.stringify(row.settings)}${row.config ? ` with ${JSON.stringify(row.config)}` : ""} → ${row.expected.length === 0 ? "passes" : row.expected.join("; ")}`, (t) => {
    const found = row.rule.check(row.settings, ruleConfig(row.rule, row.config ?? {}), source);
    t.deepEqual(
      found.map((s) => `${s.setting} = ${s.value === undefined ? "undefined" : JSON.stringify(s.value)}`),
      row.expected,
    );
    for (const shortfall of found) t.regex(shortfall.fix, /set |remove |wait /, "every shortfall says how to fix it");
  });
}

test("the baseline's rules: names, levels (only encryption conversion advisory), a TR-4569 reference each", (t) => {
  t.deepEqual(
    BASELINE_RULES.map((r) => [r.name, r.enforcementLevel]),
    [
      ["ontap-fips-enabled", "mandatory"],
      ["ontap-tls-minimum-version", "mandatory"],
      ["ontap-no-weak-cipher-suites", "mandatory"],
      ["ontap-telnet-disabled", "mandatory"],
      ["ontap-rsh-disabled", "mandatory"],
      ["ontap-software-encryption-converted", "advisory"],
    ],
  );
  for (const r of BASELINE_RULES) t.regex(r.reference, /^TR-4569, /, r.name);
});

test("each rule's config schema carries its own settings with defaults, and requireInProgram", (t) => {
  t.deepEqual(Object.keys(configSchema(fipsEnabled).properties), ["requireInProgram"]);
  t.deepEqual(Object.keys(configSchema(tlsMinimumVersion).properties), ["requireInProgram", "minimumVersion"]);
  t.deepEqual(configSchema(noWeakCipherSuites).properties.weakMarkers?.default, [...DEFAULT_WEAK_MARKERS]);
  t.deepEqual(ruleConfig(softwareEncryptionConverted, {}), { requireInProgram: false, requireEncryptedState: false });
  t.deepEqual(ruleConfig(tlsMinimumVersion, { minimumVersion: "TLSv1.3" }), { requireInProgram: false, minimumVersion: "TLSv1.3" });
  for (const r of BASELINE_RULES) {
    for (const [key, property] of Object.entries(configSchema(r).properties)) {
      t.not(property.default, undefined, `${r.name}.${key} has a default`);
      t.true(property.description.length > 0, `${r.name}.${key} is described`);
    }
  }
});

test("messages name the cluster, whose value it is, the setting, the value and the fix", (t) => {
  const [telnet] = telnetDisabled.check({ managementProtocols: { telnetEnabled: true } }, ruleConfig(telnetDisabled, {}), "cluster");
  if (telnet === undefined) return t.fail("no shortfall");
  t.is(
    violationMessage({ resource: "edge", cluster: "c1", host: "10.0.0.1" }, "cluster", telnet),
    'cluster "c1" (ClusterSecurity "edge", host 10.0.0.1): the cluster reports managementProtocols.telnetEnabled = true; the baseline allows SSH only for command-line access: set managementProtocols: { telnetEnabled: false }.',
  );
  t.is(
    violationMessage({ resource: "edge" }, "program", telnet),
    'ClusterSecurity "edge": the program sets managementProtocols.telnetEnabled = true; the baseline allows SSH only for command-line access: set managementProtocols: { telnetEnabled: false }.',
  );
  const [missing] = fipsEnabled.check({}, ruleConfig(fipsEnabled, { requireInProgram: true }), "program");
  if (missing === undefined) return t.fail("no shortfall");
  t.regex(violationMessage({ resource: "edge", host: "c1.example.com" }, "program", missing), /^ClusterSecurity "edge", host c1\.example\.com: the program sets fips\.enabled = not set; /);
});

test("the stack check reads outputs only when the cluster reported them (the provider sets cluster)", (t) => {
  t.true(isReported({ cluster: { name: "c1", uuid: "u", version: "9.16.1" }, fips: { enabled: false } }));
  t.false(isReported({ fips: { enabled: false } }), "a preview's stand-in outputs: the program's values");
  t.false(isReported({ cluster: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }));
});
