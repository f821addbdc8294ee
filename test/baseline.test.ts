// The security baseline's rules, by tables: what each finds in the program's arguments and in the
// cluster's reported settings, under its default and its own config; and the messages a reviewer reads.

import test from "ava";
import { ResourceValidationArgs, unknownCheckingProxy } from "@pulumi/policy";

import {
  BASELINE_RULES,
  BaselineRule,
  CommonConfig,
  DEFAULT_WEAK_MARKERS,
  SettingsView,
  Shortfall,
  Source,
  configProblems,
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
import { baselinePolicy, isReported } from "../policy/crossguard";
import { CLUSTER_SECURITY_TYPE } from "../provider/resourceType";

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

// ---------------------------------------------------------------------------------------------------------
// Odd shapes: whatever a rule is given, it reports or ignores, and never throws

const ALL = BASELINE_RULES.map((r) => rule(r));
const UNJUDGED = /^the baseline cannot judge this value: set /;

/** Settings of a shape the model does not have, and what every rule reading them reports (setting = value). */
const oddSettings: { settings: unknown; expected: Readonly<Record<string, string[]>> }[] = [
  // Nothing to read: null is how Pulumi sends an unset value, at any depth.
  { settings: null, expected: {} },
  { settings: undefined, expected: {} },
  { settings: "TLSv1", expected: {} },
  { settings: { fips: null, tls: null, managementProtocols: null, softwareDataEncryption: null }, expected: {} },
  { settings: { tls: { protocolVersions: null, cipherSuites: null } }, expected: {} },
  { settings: { managementProtocols: { telnetEnabled: null, rshEnabled: null } }, expected: {} },
  // A group that is not an object: reported at the group.
  {
    settings: { fips: "on", tls: [], managementProtocols: 0, softwareDataEncryption: true },
    expected: {
      "ontap-fips-enabled": ['fips = "on"'],
      "ontap-tls-minimum-version": ["tls = []"],
      "ontap-no-weak-cipher-suites": ["tls = []"],
      "ontap-telnet-disabled": ["managementProtocols = 0"],
      "ontap-rsh-disabled": ["managementProtocols = 0"],
      "ontap-software-encryption-converted": ["softwareDataEncryption = true"],
    },
  },
  // A string where a list belongs, a list holding null or a number, a boolean given as a string.
  {
    settings: { tls: { protocolVersions: "TLSv1", cipherSuites: "TLS_RSA_WITH_RC4_128_SHA" } },
    expected: { "ontap-tls-minimum-version": ['tls.protocolVersions = "TLSv1"'], "ontap-no-weak-cipher-suites": ['tls.cipherSuites = "TLS_RSA_WITH_RC4_128_SHA"'] },
  },
  {
    settings: { tls: { protocolVersions: [null], cipherSuites: ["TLS_AES_256_GCM_SHA384", 3] } },
    expected: { "ontap-tls-minimum-version": ["tls.protocolVersions = [null]"], "ontap-no-weak-cipher-suites": ['tls.cipherSuites = ["TLS_AES_256_GCM_SHA384",3]'] },
  },
  {
    settings: { fips: { enabled: "true" }, managementProtocols: { telnetEnabled: "false", rshEnabled: 0 }, softwareDataEncryption: { conversionEnabled: "yes" } },
    expected: {
      "ontap-fips-enabled": ['fips.enabled = "true"'],
      "ontap-telnet-disabled": ['managementProtocols.telnetEnabled = "false"'],
      "ontap-rsh-disabled": ["managementProtocols.rshEnabled = 0"],
      "ontap-software-encryption-converted": ['softwareDataEncryption.conversionEnabled = "yes"'],
    },
  },
];

for (const { settings, expected } of oddSettings) {
  for (const source of ["program", "cluster"] as const) {
    test(`every rule given ${source} settings ${JSON.stringify(settings) ?? "undefined"} reports ${JSON.stringify(expected)}, throwing nothing`, (t) => {
      for (const r of ALL) {
        const config = ruleConfig(r, source === "cluster" && r === rule(softwareEncryptionConverted) ? { requireEncryptedState: true } : {});
        let found: Shortfall[] = [];
        t.notThrows(() => (found = r.check(settings as SettingsView, config, source)), r.name);
        t.deepEqual(
          found.map((s) => `${s.setting} = ${JSON.stringify(s.value)}`),
          expected[r.name] ?? [],
          r.name,
        );
        for (const shortfall of found) t.regex(shortfall.fix, UNJUDGED, `${r.name}: says it cannot judge, and what to set`);
      }
    });
  }
}

test("a setting CrossGuard cannot read yet (unknown in a preview) is not judged, and nothing throws", (t) => {
  const UNKNOWN_LIST = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
  const UNKNOWN_BOOL = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";
  const props = unknownCheckingProxy({
    fips: { enabled: UNKNOWN_BOOL },
    tls: { protocolVersions: UNKNOWN_LIST, cipherSuites: ["TLS_AES_256_GCM_SHA384", UNKNOWN_LIST] },
    managementProtocols: UNKNOWN_BOOL,
  }) as SettingsView;
  t.throws(() => props.fips?.enabled, { message: /can't be known during preview/ }, "CrossGuard's proxy does throw on it");
  for (const r of ALL) {
    let found: Shortfall[] = [];
    t.notThrows(() => (found = r.check(props, ruleConfig(r, { requireInProgram: true }), "program")), r.name);
    t.deepEqual(
      found,
      r === rule(softwareEncryptionConverted) ? [{ setting: "softwareDataEncryption.conversionEnabled", value: undefined, fix: r.check({}, ruleConfig(r, { requireInProgram: true }), "program")[0]?.fix }] : [],
      r.name,
    );
  }
});

// ---------------------------------------------------------------------------------------------------------
// The rules' own config: a key they do not have, or a value outside their schema, fails closed

/** Configs outside a rule's schema, over settings that would pass, and the config shortfalls reported. */
const badConfigs: { rule: Row["rule"]; config: unknown; expected: string[] }[] = [
  { rule: rule(tlsMinimumVersion), config: { minimumVerison: "TLSv1.3" }, expected: ['ontap-tls-minimum-version.minimumVerison = "TLSv1.3": ontap-tls-minimum-version has no setting "minimumVerison"; allowed: requireInProgram, minimumVersion'] },
  { rule: rule(tlsMinimumVersion), config: { minimumVersion: "TLSv9" }, expected: ['ontap-tls-minimum-version.minimumVersion = "TLSv9": ontap-tls-minimum-version.minimumVersion must be "TLSv1.2" | "TLSv1.3"'] },
  { rule: rule(tlsMinimumVersion), config: { minimumVersion: null }, expected: ['ontap-tls-minimum-version.minimumVersion = null: ontap-tls-minimum-version.minimumVersion must be "TLSv1.2" | "TLSv1.3"'] },
  { rule: rule(noWeakCipherSuites), config: { weakMarkers: "_RC4_" }, expected: ['ontap-no-weak-cipher-suites.weakMarkers = "_RC4_": ontap-no-weak-cipher-suites.weakMarkers must be list of strings'] },
  { rule: rule(noWeakCipherSuites), config: { weakMarkers: [null] }, expected: ["ontap-no-weak-cipher-suites.weakMarkers = [null]: ontap-no-weak-cipher-suites.weakMarkers must be string"] },
  { rule: rule(fipsEnabled), config: { requireInProgram: "yes" }, expected: ['ontap-fips-enabled.requireInProgram = "yes": ontap-fips-enabled.requireInProgram must be boolean'] },
  {
    rule: rule(fipsEnabled),
    config: JSON.parse('{"__proto__": {"requireInProgram": true}, "constructor": true}') as unknown,
    expected: [
      'ontap-fips-enabled.__proto__ = {"requireInProgram":true}: ontap-fips-enabled has no setting "__proto__"; allowed: requireInProgram',
      'ontap-fips-enabled.constructor = true: ontap-fips-enabled has no setting "constructor"; allowed: requireInProgram',
    ],
  },
  { rule: rule(softwareEncryptionConverted), config: "mandatory", expected: ['ontap-software-encryption-converted = "mandatory": the config of ontap-software-encryption-converted must be an object of settings; allowed keys: requireInProgram, requireEncryptedState'] },
  { rule: rule(softwareEncryptionConverted), config: [true], expected: ["ontap-software-encryption-converted = [true]: the config of ontap-software-encryption-converted must be an object of settings; allowed keys: requireInProgram, requireEncryptedState"] },
];

const PASSING: SettingsView = {
  fips: { enabled: true },
  tls: { protocolVersions: ["TLSv1.3"], cipherSuites: STRONG },
  managementProtocols: { rshEnabled: false, telnetEnabled: false },
  softwareDataEncryption: { conversionEnabled: true, disabledByDefault: false, encryptionState: "encrypted" },
};

for (const { rule: r, config, expected } of badConfigs) {
  test(`${r.name} given the config ${JSON.stringify(config)} fails closed, naming the key, the value and what is allowed`, (t) => {
    t.deepEqual(r.check(PASSING, ruleConfig(r, {}), "cluster"), [], "these settings pass under a valid config");
    const found = r.check(PASSING, ruleConfig(r, config), "cluster");
    t.deepEqual(found.map((s) => `${s.setting} = ${JSON.stringify(s.value)}: ${s.fix.replace(/: fix the policy config, until then the rule fails$/, "")}`), expected);
    for (const shortfall of found) t.is(shortfall.about, "config");
    t.is(({} as Record<string, unknown>).requireInProgram, undefined, "no key reached Object.prototype");
    // The exported check given a complete config outside the schema, not through ruleConfig: the same.
    if (typeof config === "object" && config !== null && !Array.isArray(config)) {
      t.deepEqual(r.check(PASSING, { ...ruleConfig(r, {}), ...config }, "program"), found);
    }
  });
}

test("a valid config, CrossGuard's enforcementLevel key included, has no problems", (t) => {
  t.deepEqual(configProblems(tlsMinimumVersion, { enforcementLevel: "advisory", minimumVersion: "TLSv1.3", requireInProgram: true }), []);
  t.deepEqual(configProblems(noWeakCipherSuites, {}), []);
  t.deepEqual(configProblems(noWeakCipherSuites, null), []);
  for (const r of BASELINE_RULES) t.deepEqual(configProblems(r, ruleConfig(r, {})), [], `${r.name}: its defaults are in its schema`);
});

test("a config problem reads as one line naming the cluster, the rule's setting, the value and what is allowed", (t) => {
  const [problem] = tlsMinimumVersion.check(PASSING, ruleConfig(tlsMinimumVersion, { minimumVersion: "TLSv9" }), "program");
  if (problem === undefined) return t.fail("no shortfall");
  t.is(
    violationMessage({ resource: "edge", cluster: "c1" }, "program", problem),
    'cluster "c1" (ClusterSecurity "edge"): not judged: the policy config gives ontap-tls-minimum-version.minimumVersion = "TLSv9"; ontap-tls-minimum-version.minimumVersion must be "TLSv1.2" | "TLSv1.3": fix the policy config, until then the rule fails.',
  );
});

test("every rule's config schema refuses unknown keys; CrossGuard drops that on its way to the engine, so the rules check it", (t) => {
  for (const r of BASELINE_RULES) t.false(configSchema(r).additionalProperties, r.name);
  // CrossGuard's own translation of a pack into what the engine receives (internal: not in its types).
  const { makeAnalyzerInfo } = require("@pulumi/policy/protoutil") as {
    makeAnalyzerInfo: (...args: unknown[]) => { getPoliciesList(): { getName(): string; getConfigschema(): { toObject(): object } | undefined }[] };
  };
  const info = makeAnalyzerInfo("ontap-security-baseline", "0.1.0", "advisory", { policies: BASELINE_RULES.map(baselinePolicy) }, undefined);
  for (const policy of info.getPoliciesList()) {
    const sent = policy.getConfigschema()?.toObject() as Record<string, unknown> | undefined;
    t.deepEqual(Object.keys(sent ?? {}).sort(), ["properties", "requiredList"], `${policy.getName()}: only properties and required reach the engine`);
  }
});

// ---------------------------------------------------------------------------------------------------------
// The CrossGuard policies: what the CLI's analyzer calls

interface Reported {
  message: string;
  urn?: string;
}

function resourceArgs(props: unknown, config: unknown): ResourceValidationArgs {
  return {
    type: CLUSTER_SECURITY_TYPE,
    name: "edge",
    urn: `urn:pulumi:dev::p::${CLUSTER_SECURITY_TYPE}::edge`,
    props: unknownCheckingProxy(props as Record<string, unknown>),
    getConfig: <T extends object>() => config as T,
  } as unknown as ResourceValidationArgs;
}

function runResourceCheck(policy: ReturnType<typeof baselinePolicy>, props: unknown, config: unknown): Reported[] {
  const reported: Reported[] = [];
  const validate = policy.validateResource as (args: unknown, report: (message: string, urn?: string) => void) => void;
  validate(resourceArgs(props, config), (message, urn) => reported.push({ message, ...(urn === undefined ? {} : { urn }) }));
  return reported;
}

test("the resource check of every policy reports a misspelt setting instead of enforcing its default", (t) => {
  const reported = runResourceCheck(baselinePolicy(tlsMinimumVersion), { tls: { protocolVersions: ["TLSv1.2"] } }, { minimumVerison: "TLSv1.3" });
  t.deepEqual(reported.map((r) => r.message), [
    'ClusterSecurity "edge": not judged: the policy config gives ontap-tls-minimum-version.minimumVerison = "TLSv1.3"; ontap-tls-minimum-version has no setting "minimumVerison"; allowed: requireInProgram, minimumVersion: fix the policy config, until then the rule fails.',
  ]);
});

test("the stack check stays quiet on an invalid config (the resource check reported it) and never throws on odd outputs", (t) => {
  const reported: Reported[] = [];
  const validate = baselinePolicy(telnetDisabled).validateStack as (args: unknown, report: (message: string, urn?: string) => void) => void;
  const resources = (props: unknown) => [{ type: CLUSTER_SECURITY_TYPE, name: "edge", urn: "urn:x", props: unknownCheckingProxy(props as Record<string, unknown>) }];
  const stackArgs = (props: unknown, config: unknown) => ({ resources: resources(props), getConfig: () => config });
  validate(stackArgs({ cluster: { name: "c1" }, managementProtocols: { telnetEnabled: true } }, { requireInProgrm: true }), (message, urn) => reported.push({ message, urn }));
  t.deepEqual(reported, []);
  validate(stackArgs({ cluster: { name: "c1" }, managementProtocols: "on" }, {}), (message, urn) => reported.push({ message, urn }));
  t.deepEqual(reported, [
    {
      message: 'cluster "c1" (ClusterSecurity "edge"): the cluster reports managementProtocols = "on"; the baseline cannot judge this value: set managementProtocols to an object.',
      urn: "urn:x",
    },
  ]);
});

test("a rule that throws all the same is reported as not judged, at the policy's level, instead of crashing beside a pass", (t) => {
  const throwing: BaselineRule = {
    ...fipsEnabled,
    check: () => {
      throw new TypeError("Cannot read properties of null (reading 'enabled')");
    },
  };
  t.deepEqual(runResourceCheck(baselinePolicy(throwing), { fips: null }, {}).map((r) => r.message), [
    `ClusterSecurity "edge": not judged: ontap-fips-enabled failed on these settings (Cannot read properties of null (reading 'enabled')).`,
  ]);
});
