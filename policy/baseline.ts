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
import type { ObservedSecurity } from "../provider/lifecycle/model";
import { SETTINGS } from "../provider/lifecycle/settings";
import { SECURITY_FIELDS, TLS_VERSIONS as PROTOCOL_VERSIONS } from "../provider/ontap/securityFields";
import { booleanRule, defineRule, oddShape, propertiesOf, quoted, read } from "./ruleKit";

export { configProblems } from "./ruleKit";

/** What a rule does on a violation: fail the preview or update, warn, or not run. */
export type EnforcementLevel = "mandatory" | "advisory" | "disabled";

/** Every field of `T` optional and read-only, at every depth. */
type ReadingOf<T> = {
  readonly [K in keyof T]?: NonNullable<T[K]> extends readonly (infer E)[] ? readonly E[] : NonNullable<T[K]> extends object ? ReadingOf<NonNullable<T[K]>> : T[K];
};

/**
 * One cluster's security settings as a rule reads them: the resource's outputs (`ObservedSecurity`,
 * which the program's arguments are a part of), with every field possibly absent. The rules read it
 * defensively: a value of another shape is reported or ignored, never thrown on.
 */
export type SettingsView = ReadingOf<ObservedSecurity>;

/** Whose settings a rule is reading: the program's arguments, or what the cluster reported. */
export type Source = "program" | "cluster";

/** One setting below the baseline, or one the rule could not judge. */
export interface Shortfall {
  /** The argument/output path, e.g. `managementProtocols.telnetEnabled`; for `config`, `<rule>.<setting>`. */
  readonly setting: string;
  /** What it is (absent when the program does not say and `requireInProgram` asks it to). */
  readonly value: unknown;
  /** What the baseline wants instead, and how to get there. */
  readonly fix: string;
  /**
   * `config` when the rule's own config is invalid (the rule then judges nothing and says so: it fails
   * closed); absent for a cluster's setting.
   */
  readonly about?: "config";
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
  /**
   * What in `settings` falls short under `config`. Never throws: a setting of another shape than the
   * model's is reported (or, when null, taken as not set), and a `config` outside the rule's schema is
   * reported as such, judging nothing (it fails closed, never open).
   */
  check(settings: SettingsView, config: C, source: Source): Shortfall[];
}


/** The FIPS field's row: the release that brought it, and the releases before which a change needs a reboot. */
const FIPS_FIELD = SECURITY_FIELDS[SETTINGS["fips.enabled"].wire];
/** `9.8.0` → `9.8`, as releases are spoken of. */
const spoken = (version: string): string => version.replace(/\.0$/, "");

/** FIPS 140 mode: only validated cryptographic modules on the control plane. */
export const fipsEnabled = booleanRule(
  "ontap-fips-enabled",
  "FIPS 140 compliance mode is on (fips.enabled), so the cluster's management interfaces use only validated cryptography.",
  "TR-4569, FIPS mode and TLS and SSL management",
  "mandatory",
  "fips.enabled",
  true,
  `the baseline needs FIPS 140 mode (ONTAP ${spoken(FIPS_FIELD.since)} and later; before ${FIPS_FIELD.rebootBefore} reboot each node afterwards)`,
);

/** Settings of {@link tlsMinimumVersion}. */
export interface TlsConfig extends CommonConfig {
  /** The lowest protocol version allowed. */
  minimumVersion: "TLSv1.2" | "TLSv1.3";
}

/** No SSLv3, TLSv1 or TLSv1.1 (or below a configured minimum). */
export const tlsMinimumVersion: BaselineRule<TlsConfig> = defineRule<TlsConfig>({
  name: "ontap-tls-minimum-version",
  description: "No protocol older than TLS 1.2 is enabled (tls.protocolVersions): SSLv3, TLSv1 and TLSv1.1 are off.",
  enforcementLevel: "mandatory",
  reference: "TR-4569, FIPS mode and TLS and SSL management",
  config: {
    minimumVersion: { type: "string", enum: ["TLSv1.2", "TLSv1.3"], default: "TLSv1.2", description: "The lowest TLS version allowed." },
  },
  judge(settings, config, source) {
    const setting = "tls.protocolVersions";
    const found = read(settings, setting, "string[]");
    const fix = `the baseline allows ${config.minimumVersion} and newer only: set tls: { protocolVersions: ["${config.minimumVersion}"] }`;
    if (found.state === "unknown") return [];
    if (found.state === "odd") return [oddShape(found)];
    if (found.state === "absent") return source === "program" && config.requireInProgram ? [{ setting, value: undefined, fix }] : [];
    const floor = PROTOCOL_VERSIONS.indexOf(config.minimumVersion);
    // ONTAP enables every version at or above the lowest one listed, so the program's lowest entry decides.
    const tooOld = found.value.filter((v) => {
      const rank = PROTOCOL_VERSIONS.indexOf(v as (typeof PROTOCOL_VERSIONS)[number]);
      return rank >= 0 && rank < floor;
    });
    return tooOld.length === 0 ? [] : [{ setting, value: found.value, fix: `${quoted(tooOld)} ${tooOld.length === 1 ? "is" : "are"} below the baseline; ${fix}` }];
  },
});

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
export const noWeakCipherSuites: BaselineRule<CipherConfig> = defineRule<CipherConfig>({
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
  judge(settings, config, source) {
    const setting = "tls.cipherSuites";
    const found = read(settings, setting, "string[]");
    if (found.state === "unknown") return [];
    if (found.state === "odd") return [oddShape(found)];
    if (found.state === "absent") {
      return source === "program" && config.requireInProgram
        ? [{ setting, value: undefined, fix: "the baseline needs the enabled cipher suites listed: set tls: { cipherSuites: [...] } without weak suites" }]
        : [];
    }
    const weak = found.value.filter((suite) => config.weakMarkers.some((marker) => suite.includes(marker)));
    return weak.length === 0
      ? []
      : [{ setting, value: weak, fix: `remove the weak suites ${quoted(weak)} from tls.cipherSuites (weak: names containing ${quoted(config.weakMarkers)})` }];
  },
});

/** Telnet off: a clear-text remote shell. */
export const telnetDisabled = booleanRule(
  "ontap-telnet-disabled",
  "Telnet is off (managementProtocols.telnetEnabled): it sends credentials in clear text; use SSH.",
  "TR-4569, System administration methods (command-line access)",
  "mandatory",
  "managementProtocols.telnetEnabled",
  false,
  "the baseline allows SSH only for command-line access",
);

/** rsh off: a clear-text remote shell. */
export const rshDisabled = booleanRule(
  "ontap-rsh-disabled",
  "rsh is off (managementProtocols.rshEnabled): it sends credentials in clear text; use SSH.",
  "TR-4569, System administration methods (command-line access)",
  "mandatory",
  "managementProtocols.rshEnabled",
  false,
  "the baseline allows SSH only for command-line access",
);

/** Settings of {@link softwareEncryptionConverted}. */
export interface EncryptionConfig extends CommonConfig {
  /** Also require ONTAP's own `encryptionState` (9.16.1 and later) to read `encrypted`. */
  requireEncryptedState: boolean;
}

/** Software data encryption converted (one-way: it can never be undone). */
export const softwareEncryptionConverted: BaselineRule<EncryptionConfig> = defineRule<EncryptionConfig>({
  name: "ontap-software-encryption-converted",
  description:
    "The cluster is converted to software data encryption (softwareDataEncryption.conversionEnabled). Advisory by default: conversion is one-way and needs a key manager and no data volumes.",
  enforcementLevel: "advisory",
  reference: "TR-4569, Storage encryption",
  config: {
    requireEncryptedState: {
      type: "boolean",
      default: false,
      description: `Also require softwareDataEncryption.encryptionState (ONTAP ${SECURITY_FIELDS[SETTINGS["softwareDataEncryption.encryptionState"].wire].since} and later) to be "encrypted" on the cluster.`,
    },
  },
  judge(settings, config, source) {
    const found: Shortfall[] = [];
    const fix =
      "the baseline needs data at rest encrypted: set softwareDataEncryption: { conversionEnabled: true } (one-way; needs an onboard or external key manager and no data volumes)";
    const converted = read(settings, "softwareDataEncryption.conversionEnabled", "boolean");
    if (converted.state === "odd") found.push(oddShape(converted));
    if ((converted.state === "set" && !converted.value) || (converted.state === "absent" && source === "program" && config.requireInProgram)) {
      found.push({ setting: "softwareDataEncryption.conversionEnabled", value: converted.state === "set" ? converted.value : undefined, fix });
    }
    if (source === "cluster" && config.requireEncryptedState) {
      const state = read(settings, "softwareDataEncryption.encryptionState", "string");
      if (state.state === "odd" && !found.some((shortfall) => shortfall.setting === state.at)) found.push(oddShape(state));
      if (state.state === "set" && state.value !== "encrypted") {
        found.push({
          setting: "softwareDataEncryption.encryptionState",
          value: state.value,
          fix: 'wait for the conversion to finish (or resume it) until the cluster reports "encrypted"',
        });
      }
    }
    return found;
  },
});

/** The baseline, in the order its rules are reported. */
export const BASELINE_RULES: readonly BaselineRule[] = [
  fipsEnabled,
  tlsMinimumVersion,
  noWeakCipherSuites,
  telnetDisabled,
  rshDisabled,
  softwareEncryptionConverted,
];

/**
 * A rule's config: its defaults, then what the policy config gives. What is given is not checked here:
 * the rule's `check` refuses a config outside its schema (so a bad value, or a config that is not an
 * object at all, is kept for it to see rather than replaced by a default).
 */
export function ruleConfig<C extends CommonConfig>(rule: BaselineRule<C>, given: unknown): C {
  if (given !== undefined && given !== null && (typeof given !== "object" || Array.isArray(given))) return given as C;
  const defaults: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(propertiesOf(rule))) defaults[key] = property.default;
  return { ...defaults, ...(given as object | null | undefined) } as unknown as C;
}

/**
 * The JSON schema of a rule's config, as CrossGuard validates the policy config file against it.
 * `additionalProperties: false` says what the rules enforce themselves (see {@link configProblems}):
 * CrossGuard does not pass it on.
 */
export function configSchema(rule: BaselineRule): { properties: Record<string, ConfigProperty>; additionalProperties: false } {
  return { properties: propertiesOf(rule), additionalProperties: false };
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
  if (shortfall.about === "config") return `${where}: not judged: the policy config gives ${shortfall.setting} = ${describeValue(shortfall.value)}; ${shortfall.fix}.`;
  const whose = source === "program" ? "the program sets" : "the cluster reports";
  return `${where}: ${whose} ${shortfall.setting} = ${describeValue(shortfall.value)}; ${shortfall.fix}.`;
}
