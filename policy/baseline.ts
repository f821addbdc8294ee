/**
 * A security baseline for ONTAP clusters, from NetApp's "Security hardening guide for NetApp ONTAP 9"
 * (TR-4569): FIPS 140 mode on; no SSLv3, TLSv1 or TLSv1.1; no weak cipher suites; rsh and telnet off
 * (SSH is the command-line access the guide recommends); software data encryption converted.
 *
 * Each rule is a pure function of one cluster's settings (the program's arguments, or the settings the
 * cluster reported, both camelCase as `ClusterSecurity` has them) and the rule's own config, returning
 * what falls short. `policy/pack.ts` turns the rules into a Pulumi CrossGuard policy pack; they are
 * exported (`pulumi-ontap-security/policy`) for teams that build their own.
 */
import { TLS_VERSIONS as PROTOCOL_VERSIONS } from "../provider/ontap/securityFields";

/** What a rule does on a violation: fail the preview or update, warn, or not run. */
export type EnforcementLevel = "mandatory" | "advisory" | "disabled";

/** One cluster's security settings as a rule reads them: every field may be absent. */
export interface SettingsView {
  fips?: { enabled?: boolean };
  tls?: { protocolVersions?: readonly string[]; cipherSuites?: readonly string[] };
  managementProtocols?: { rshEnabled?: boolean; telnetEnabled?: boolean };
  softwareDataEncryption?: { conversionEnabled?: boolean; disabledByDefault?: boolean; encryptionState?: string };
}

/** Whose settings a rule is reading: the program's arguments, or what the cluster reported. */
export type Source = "program" | "cluster";

/** One setting below the baseline. */
export interface Shortfall {
  /** The argument/output path, e.g. `managementProtocols.telnetEnabled`. */
  readonly setting: string;
  /** What it is (absent when the program does not say and `requireInProgram` asks it to). */
  readonly value: unknown;
  /** What the baseline wants instead, and how to get there. */
  readonly fix: string;
}

/** Settings every rule takes. */
export interface CommonConfig {
  /** The program itself must set what the rule checks (so a reviewer sees it), not leave it to the cluster. */
  requireInProgram: boolean;
}

/** A JSON-schema property of a rule's config, as CrossGuard takes it. */
export interface ConfigProperty {
  type: "boolean" | "string" | "array";
  description: string;
  default: boolean | string | string[];
  enum?: string[];
  items?: { type: "string" };
}

/** One rule of the baseline. */
export interface BaselineRule<C extends CommonConfig = CommonConfig> {
  /** The policy's name, its key in the policy config file. */
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  /** Where TR-4569 says so. */
  readonly reference: string;
  /** The rule's own settings, with their defaults. */
  readonly config: Readonly<Record<Exclude<keyof C, "requireInProgram">, ConfigProperty>>;
  /** What in `settings` falls short under `config`. */
  check(settings: SettingsView, config: C, source: Source): Shortfall[];
}

const REQUIRE_IN_PROGRAM: ConfigProperty = {
  type: "boolean",
  description: "Fail also when the program leaves the setting out (it is then only checked on the cluster's reported value).",
  default: false,
};

const quoted = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(", ");

/** A boolean setting that must have one value. */
function booleanRule(
  name: string,
  description: string,
  reference: string,
  enforcementLevel: EnforcementLevel,
  group: keyof SettingsView,
  field: string,
  wanted: boolean,
  why: string,
): BaselineRule {
  const setting = `${group}.${field}`;
  return {
    name,
    description,
    enforcementLevel,
    reference,
    config: {},
    check(settings, config, source) {
      const value = (settings[group] as Record<string, unknown> | undefined)?.[field];
      const fix = `${why}: set ${group}: { ${field}: ${wanted} }`;
      if (value === undefined) return source === "program" && config.requireInProgram ? [{ setting, value, fix }] : [];
      return value === wanted ? [] : [{ setting, value, fix }];
    },
  };
}

/** FIPS 140 mode: only validated cryptographic modules on the control plane. */
export const fipsEnabled = booleanRule(
  "ontap-fips-enabled",
  "FIPS 140 compliance mode is on (fips.enabled), so the cluster's management interfaces use only validated cryptography.",
  "TR-4569, FIPS mode and TLS and SSL management",
  "mandatory",
  "fips",
  "enabled",
  true,
  "the baseline needs FIPS 140 mode (ONTAP 9.8 and later; on 9.8 reboot each node afterwards)",
);

/** Settings of {@link tlsMinimumVersion}. */
export interface TlsConfig extends CommonConfig {
  /** The lowest protocol version allowed. */
  minimumVersion: "TLSv1.2" | "TLSv1.3";
}

/** No SSLv3, TLSv1 or TLSv1.1 (or below a configured minimum). */
export const tlsMinimumVersion: BaselineRule<TlsConfig> = {
  name: "ontap-tls-minimum-version",
  description: "No protocol older than TLS 1.2 is enabled (tls.protocolVersions): SSLv3, TLSv1 and TLSv1.1 are off.",
  enforcementLevel: "mandatory",
  reference: "TR-4569, FIPS mode and TLS and SSL management",
  config: {
    minimumVersion: { type: "string", enum: ["TLSv1.2", "TLSv1.3"], default: "TLSv1.2", description: "The lowest TLS version allowed." },
  },
  check(settings, config, source) {
    const versions = settings.tls?.protocolVersions;
    const setting = "tls.protocolVersions";
    const fix = `the baseline allows ${config.minimumVersion} and newer only: set tls: { protocolVersions: ["${config.minimumVersion}"] }`;
    if (versions === undefined) return source === "program" && config.requireInProgram ? [{ setting, value: undefined, fix }] : [];
    const floor = PROTOCOL_VERSIONS.indexOf(config.minimumVersion);
    // ONTAP enables every version at or above the lowest one listed, so the program's lowest entry decides.
    const tooOld = versions.filter((v) => {
      const rank = PROTOCOL_VERSIONS.indexOf(v as (typeof PROTOCOL_VERSIONS)[number]);
      return rank >= 0 && rank < floor;
    });
    return tooOld.length === 0 ? [] : [{ setting, value: versions, fix: `${quoted(tooOld)} ${tooOld.length === 1 ? "is" : "are"} below the baseline; ${fix}` }];
  },
};

/** Settings of {@link noWeakCipherSuites}. */
export interface CipherConfig extends CommonConfig {
  /** A suite is weak when its IANA name contains one of these (case-sensitive). */
  weakMarkers: string[];
}

/**
 * The markers of weak suites: no encryption (NULL), no authentication (anon), export grade, RC4, single
 * and triple DES (56/64-bit block ciphers), and MD5 MACs. ONTAP's own default excludes the first four
 * (`ALL:!LOW:!aNULL:!EXP:!eNULL`); the guide names RC4 and 3DES as the ones to remove next.
 */
export const DEFAULT_WEAK_MARKERS: readonly string[] = ["_NULL_", "_anon_", "_EXPORT", "_RC4_", "_DES_", "_DES40_", "_3DES_", "_MD5"];

/** No weak cipher suites. */
export const noWeakCipherSuites: BaselineRule<CipherConfig> = {
  name: "ontap-no-weak-cipher-suites",
  description: "No weak cipher suite is enabled (tls.cipherSuites): none without encryption or authentication, export grade, RC4, DES, 3DES or MD5.",
  enforcementLevel: "mandatory",
  reference: "TR-4569, FIPS mode and TLS and SSL management (supported ciphers)",
  config: {
    weakMarkers: {
      type: "array",
      items: { type: "string" },
      default: [...DEFAULT_WEAK_MARKERS],
      description: "A suite whose IANA name contains any of these is weak.",
    },
  },
  check(settings, config, source) {
    const suites = settings.tls?.cipherSuites;
    const setting = "tls.cipherSuites";
    if (suites === undefined) {
      return source === "program" && config.requireInProgram
        ? [{ setting, value: undefined, fix: "the baseline needs the enabled cipher suites listed: set tls: { cipherSuites: [...] } without weak suites" }]
        : [];
    }
    const weak = suites.filter((suite) => config.weakMarkers.some((marker) => suite.includes(marker)));
    return weak.length === 0
      ? []
      : [{ setting, value: weak, fix: `remove the weak suites ${quoted(weak)} from tls.cipherSuites (weak: names containing ${quoted(config.weakMarkers)})` }];
  },
};

/** Telnet off: a clear-text remote shell. */
export const telnetDisabled = booleanRule(
  "ontap-telnet-disabled",
  "Telnet is off (managementProtocols.telnetEnabled): it sends credentials in clear text; use SSH.",
  "TR-4569, System administration methods (command-line access)",
  "mandatory",
  "managementProtocols",
  "telnetEnabled",
  false,
  "the baseline allows SSH only for command-line access",
);

/** rsh off: a clear-text remote shell. */
export const rshDisabled = booleanRule(
  "ontap-rsh-disabled",
  "rsh is off (managementProtocols.rshEnabled): it sends credentials in clear text; use SSH.",
  "TR-4569, System administration methods (command-line access)",
  "mandatory",
  "managementProtocols",
  "rshEnabled",
  false,
  "the baseline allows SSH only for command-line access",
);

/** Settings of {@link softwareEncryptionConverted}. */
export interface EncryptionConfig extends CommonConfig {
  /** Also require ONTAP's own `encryptionState` (9.16.1 and later) to read `encrypted`. */
  requireEncryptedState: boolean;
}

/** Software data encryption converted (one-way: it can never be undone). */
export const softwareEncryptionConverted: BaselineRule<EncryptionConfig> = {
  name: "ontap-software-encryption-converted",
  description:
    "The cluster is converted to software data encryption (softwareDataEncryption.conversionEnabled). Advisory by default: conversion is one-way and needs a key manager and no data volumes.",
  enforcementLevel: "advisory",
  reference: "TR-4569, Storage encryption",
  config: {
    requireEncryptedState: {
      type: "boolean",
      default: false,
      description: "Also require softwareDataEncryption.encryptionState (ONTAP 9.16.1 and later) to be \"encrypted\" on the cluster.",
    },
  },
  check(settings, config, source) {
    const found: Shortfall[] = [];
    const sde = settings.softwareDataEncryption;
    const fix =
      "the baseline needs data at rest encrypted: set softwareDataEncryption: { conversionEnabled: true } (one-way; needs an onboard or external key manager and no data volumes)";
    if (sde?.conversionEnabled === false || (sde?.conversionEnabled === undefined && source === "program" && config.requireInProgram)) {
      found.push({ setting: "softwareDataEncryption.conversionEnabled", value: sde?.conversionEnabled, fix });
    }
    if (source === "cluster" && config.requireEncryptedState && sde?.encryptionState !== undefined && sde.encryptionState !== "encrypted") {
      found.push({
        setting: "softwareDataEncryption.encryptionState",
        value: sde.encryptionState,
        fix: 'wait for the conversion to finish (or resume it) until the cluster reports "encrypted"',
      });
    }
    return found;
  },
};

/** The baseline, in the order its rules are reported. */
export const BASELINE_RULES: readonly BaselineRule[] = [
  fipsEnabled,
  tlsMinimumVersion,
  noWeakCipherSuites,
  telnetDisabled,
  rshDisabled,
  softwareEncryptionConverted,
];

/** A rule's config: its defaults, then what the policy config gives. */
export function ruleConfig<C extends CommonConfig>(rule: BaselineRule<C>, given: Readonly<Record<string, unknown>>): C {
  const defaults: Record<string, unknown> = { requireInProgram: REQUIRE_IN_PROGRAM.default };
  for (const [key, property] of Object.entries(rule.config) as [string, ConfigProperty][]) defaults[key] = property.default;
  // The CLI has validated `given` against configSchema(rule) before the pack sees it.
  return { ...defaults, ...given } as unknown as C;
}

/** The JSON schema of a rule's config, as CrossGuard validates the policy config file against it. */
export function configSchema(rule: BaselineRule): { properties: Record<string, ConfigProperty> } {
  return { properties: { requireInProgram: REQUIRE_IN_PROGRAM, ...rule.config } };
}

/** Which cluster a message is about: its name and address as far as they are known. */
export interface ClusterLabel {
  /** The resource's name in the program. */
  readonly resource: string;
  /** The cluster's name, as the cluster reports it. */
  readonly cluster?: string;
  /** The host argument, when the program gives one. */
  readonly host?: string;
}

function describeValue(value: unknown): string {
  return value === undefined ? "not set" : JSON.stringify(value);
}

/**
 * The message for one shortfall: the cluster, whose value it is, the setting, the value, and the fix,
 * e.g. `cluster "c1" (ClusterSecurity "edge"): the cluster reports managementProtocols.telnetEnabled = true; …`.
 */
export function violationMessage(label: ClusterLabel, source: Source, shortfall: Shortfall): string {
  const who = [
    label.cluster === undefined ? undefined : `cluster "${label.cluster}"`,
    `ClusterSecurity "${label.resource}"`,
    label.host === undefined ? undefined : `host ${label.host}`,
  ].filter((part) => part !== undefined);
  const where = label.cluster === undefined ? who.join(", ") : `${who[0]} (${who.slice(1).join(", ")})`;
  const whose = source === "program" ? "the program sets" : "the cluster reports";
  return `${where}: ${whose} ${shortfall.setting} = ${describeValue(shortfall.value)}; ${shortfall.fix}.`;
}
