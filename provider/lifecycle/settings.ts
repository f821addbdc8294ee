/**
 * The program's settings, one row each: the camelCase path a program writes (its first part is the
 * group), the wire field it maps to, and what only this side knows: the rules a value must follow
 * beyond its type, how a reported value reads in outputs. A row whose wire
 * field PATCH may set is a managed setting; the others are outputs only.
 *
 * Everything else is derived: the inputs' codec (`check.ts`), the resource's shapes and groups
 * (`model.ts`), diff, the PATCH plan and the version gates, all comparing through the wire table's
 * rules, so that preview and update can never disagree about what differs.
 */
import { SecurityPatch } from "../ontap/codecs";
import { SECURITY_FIELDS, SecurityField, TLS_VERSIONS, conflictInOnePatch, fieldMatches, fieldRow, lowestTlsVersion, splitField, underWayAs } from "../ontap/securityFields";
import { UNKNOWN, containsUnknown } from "./unknown";

/** One program setting. */
export interface SettingSpec {
  readonly wire: SecurityField;
  /** Failures of a known value beyond its type (rules between settings: rules.ts). */
  readonly rules?: (value: never) => string[];
  /** How a reported value reads in outputs, when not as ONTAP sent it. */
  readonly fromWire?: (value: never) => unknown;
  /**
   * A managed setting that a later release added to a group that already existed: outputs have it only from
   * that release, and the group is reported without it before (every other managed setting is always there).
   */
  readonly laterInGroup?: true;
}

/** ONTAP documents this code as an integer and as a string: report integers as numbers. */
const integerCode = (code: number | string): number | string => (typeof code === "string" && /^-?\d+$/.test(code) ? Number(code) : code);

/** The settings, in the order ONTAP applies and reports them. */
export const SETTINGS = {
  "fips.enabled": { wire: "fips.enabled" },
  "softwareDataEncryption.disabledByDefault": { wire: "software_data_encryption.disabled_by_default" },
  "softwareDataEncryption.conversionEnabled": { wire: "software_data_encryption.conversion_enabled" },
  "softwareDataEncryption.encryptionState": { wire: "software_data_encryption.encryption_state" },
  "tls.protocolVersions": { wire: "tls.protocol_versions", rules: tlsVersionRules },
  "tls.cipherSuites": { wire: "tls.cipher_suites", rules: cipherSuiteRules },
  "tls.offloadEnabled": { wire: "tls.offload_enabled", laterInGroup: true },
  "managementProtocols.rshEnabled": { wire: "management_protocols.rsh_enabled" },
  "managementProtocols.telnetEnabled": { wire: "management_protocols.telnet_enabled" },
  "onboardKeyManagerConfigurableStatus.supported": { wire: "onboard_key_manager_configurable_status.supported" },
  "onboardKeyManagerConfigurableStatus.message": { wire: "onboard_key_manager_configurable_status.message" },
  "onboardKeyManagerConfigurableStatus.code": { wire: "onboard_key_manager_configurable_status.code", fromWire: integerCode },
} as const satisfies Record<string, SettingSpec>;

function tlsVersionRules(versions: string[]): string[] {
  const allowed = TLS_VERSIONS.join(", ");
  const unknownNames = versions.filter((v) => !(TLS_VERSIONS as readonly string[]).includes(v));
  if (versions.length === 0) return [`tls.protocolVersions is empty; allowed: one or more of ${allowed}`];
  if (unknownNames.length > 0) return [`tls.protocolVersions has ${unknownNames.map((v) => JSON.stringify(v)).join(", ")}; allowed: ${allowed}`];
  const failures: string[] = [];
  // ONTAP enables every version at or above the lowest one listed, so a list with a gap says one thing
  // and does another: refuse it rather than let the cluster silently differ from the program.
  const ranks = versions.map((v) => TLS_VERSIONS.indexOf(v as (typeof TLS_VERSIONS)[number]));
  const missing = TLS_VERSIONS.slice(Math.min(...ranks), Math.max(...ranks) + 1).filter((v) => !versions.includes(v));
  if (missing.length > 0) {
    failures.push(
      `tls.protocolVersions ${JSON.stringify(versions)} leaves out ${missing.join(", ")}, but ONTAP enables every version ` +
        `at or above the lowest one listed (${lowestTlsVersion(versions)}); list them all, or raise the lowest`,
    );
  }
  // What another setting, the release or the cluster refuses: rules.ts.
  return failures;
}

function cipherSuiteRules(suites: string[]): string[] {
  const failures: string[] = [];
  if (suites.length === 0) failures.push("tls.cipherSuites is empty; list at least one suite, or leave it out to keep the cluster's");
  for (const suite of suites) {
    if (!/^TLS_[A-Z0-9_]+$/.test(suite)) {
      failures.push(`tls.cipherSuites has ${JSON.stringify(suite)}; allowed: IANA suite names such as TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`);
    }
  }
  if (new Set(suites).size !== suites.length) failures.push(`tls.cipherSuites lists a suite twice: ${JSON.stringify(suites)}`);
  return failures;
}

/** A setting's camelCase path: `tls.protocolVersions`. */
export type SettingPath = keyof typeof SETTINGS;

/** A row with what is derived from its path and its wire field. */
export interface SettingRow extends SettingSpec {
  /** `tls.protocolVersions`. */
  readonly setting: SettingPath;
  /** `tls`. */
  readonly group: string;
  /** `protocolVersions`. */
  readonly key: string;
  /** A program may set it (its wire field is writable); otherwise it is an output only. */
  readonly managed: boolean;
  /** The release whose `/api/security` has it. */
  readonly since: string;
  /** Why it can never go from true back to false, when that is so (from the wire table); no one may try. */
  readonly oneWay?: string;
  /** The wire field that shows the desired `true` is still being carried out (see `underWayIn`), when there is one. */
  readonly underWayField?: SecurityField;
}

/** Every row, in the table's order. */
export const ROWS: readonly SettingRow[] = (Object.keys(SETTINGS) as SettingPath[]).map((setting) => {
  const spec: SettingSpec = SETTINGS[setting];
  const [group, key] = splitField(setting as never);
  const field = fieldRow(spec.wire);
  return {
    ...spec,
    setting,
    group,
    key,
    managed: field.writable,
    since: SECURITY_FIELDS[spec.wire].since,
    ...(field.oneWay === undefined ? {} : { oneWay: field.oneWay }),
    ...(field.underWay === undefined ? {} : { underWayField: field.underWay.field as SecurityField }),
  };
});

/** The rows a program may set. */
export const MANAGED_ROWS: readonly SettingRow[] = ROWS.filter((row) => row.managed);

/** Group names in the table's order, each once. */
const groupsOf = (rows: readonly SettingRow[]): string[] => [...new Set(rows.map((row) => row.group))];
/** The groups of managed settings: the resource's setting arguments. */
export const MANAGED_GROUPS: readonly string[] = groupsOf(MANAGED_ROWS);
/** The groups of outputs the cluster reports. */
export const REPORTED_GROUPS: readonly string[] = groupsOf(ROWS);

/** The rows of one group. */
export function rowsOf(group: string, rows: readonly SettingRow[] = ROWS): SettingRow[] {
  return rows.filter((row) => row.group === group);
}

/** The value of a setting in inputs or outputs (both have the same groups). */
export function valueIn(source: object | undefined | null, row: SettingRow): unknown {
  const group = (source as Record<string, unknown> | undefined | null)?.[row.group];
  // A whole group not known yet (preview) stands for every setting in it.
  if (group === UNKNOWN) return UNKNOWN;
  return group !== null && typeof group === "object" ? (group as Record<string, unknown>)[row.key] : undefined;
}

/** The rows the program manages (gives a value for), with the desired value. */
export function managedSettings(desired: object): { row: SettingRow; value: unknown }[] {
  return MANAGED_ROWS.map((row) => ({ row, value: valueIn(desired, row) })).filter((m) => m.value !== undefined);
}

/**
 * The value of another setting that shows the desired value of `row` is already being carried out (a
 * conversion still running after its job ended), or undefined. Such a setting does not differ: it is never
 * sent again, whatever its own value reads meanwhile.
 */
export function underWayIn(row: SettingRow, desired: unknown, observed: object | undefined): string | undefined {
  return underWayAs(row.wire, desired, (field) => {
    const other = ROWS.find((r) => r.wire === field);
    return other === undefined ? undefined : valueIn(observed, other);
  });
}

/** The rows whose desired value the observed settings do not satisfy (unknown values always differ). */
export function differingSettings(desired: object, observed: object | undefined): SettingRow[] {
  return managedSettings(desired)
    .filter(({ row, value }) => {
      if (underWayIn(row, value, observed) !== undefined) return false;
      const actual = valueIn(observed, row);
      if (containsUnknown(value) || actual === undefined) return true;
      return !fieldMatches(row.wire, value, actual);
    })
    .map(({ row }) => row);
}

/** A nested PATCH body that sets these rows to their desired values. */
export function patchOf(rows: readonly SettingRow[], desired: object): SecurityPatch {
  const body: Record<string, Record<string, unknown>> = {};
  for (const row of rows) {
    const [group, key] = splitField(row.wire);
    body[group] = { ...body[group], [key]: valueIn(desired, row) };
  }
  return body as SecurityPatch;
}

/**
 * The rows to send, grouped into PATCHes in the order to send them. Two settings ONTAP refuses both true in
 * one PATCH (`notInOnePatchWith` in the table of fields, e.g. 196608388) never share one; each one-way
 * setting goes alone and last: it cannot be undone, and it is the change most likely to be refused (data
 * volumes, MetroCluster switchover), which must not hold back the others.
 */
export function patchGroups(rows: readonly SettingRow[], desired: object): SettingRow[][] {
  const groups: SettingRow[][] = [];
  for (const row of rows.filter((r) => r.oneWay === undefined)) {
    const clashes = (other: SettingRow) => valueIn(desired, row) === true && valueIn(desired, other) === true && conflictInOnePatch(row.wire, other.wire);
    const group = groups.find((g) => !g.some(clashes));
    if (group === undefined) groups.push([row]);
    else group.push(row);
  }
  for (const row of rows.filter((r) => r.oneWay !== undefined)) groups.push([row]);
  return groups;
}

/**
 * What to do about ONTAP's documented refusals of `PATCH /api/security`, by code (docs/ontap-api.md lists
 * them with the release that documents each), worded with the program's setting names; `NEXT_UP` says what
 * the next `pulumi up` does. What follows from the program alone is stopped before any PATCH (rules of
 * the tables); these are for what only the cluster knows.
 */
export function codeAdvice(NEXT_UP: string): Readonly<Record<string, string>> {
  const WAIT_THEN_UP = `wait for it to end, then run 'pulumi up' again: ${NEXT_UP}`;
  return {
  "52428817": "Remove SSLv3 from tls.protocolVersions while FIPS is on.",
  "52428824": "Remove TLSv1 from tls.protocolVersions while FIPS is on.",
  "52428832": "Remove TLSv1.1 from tls.protocolVersions while FIPS is on (ONTAP 9.11.1 and later allow only TLSv1.2 and TLSv1.3).",
  "52428830": "Raise the cluster's minimum security strength for certificates to one FIPS allows ('security config modify'), then run 'pulumi up' again.",
  "52559974": "Install a FIPS-compliant certificate for the cluster, then run 'pulumi up' again.",
  "196608081": "Conversion needs aggregates that are empty or hold only metadata volumes: move the data volumes off, or leave conversionEnabled out.",
  "196608082": "Switch the MetroCluster configuration back, then run 'pulumi up' again.",
  "5636142": `Complete the upgrade of every node, then run 'pulumi up' again: ${NEXT_UP}.`,
  "5636145": "Turn telnet and rsh off (managementProtocols) while FIPS is on.",
  "196608387": "A conversion cannot be undone: remove conversionEnabled: false from the program.",
  "196608388": "Send conversionEnabled and disabledByDefault in separate updates (the provider does); if another tool sent this, change one at a time.",
  "196608389": "A conversion and a rekey cannot go in one request: convert first.",
  "196608390": "rekey accepts only true.",
  "196608391": "A rekey and disabledByDefault cannot go in one request.",
  "196608370": `A conversion is already running (softwareDataEncryption.encryptionState says how far): ${WAIT_THEN_UP}.`,
  "196608371": `A rekey is already running (softwareDataEncryption.encryptionState says how far): ${WAIT_THEN_UP}.`,
  "196608070": "Configure the Onboard Key Manager or an external key manager ('security key-manager onboard enable' or 'security key-manager external enable'), then run 'pulumi up' again.",
  "65536987": "The cluster cannot reach its key servers: check 'security key-manager external show-status' and the network to them, then run 'pulumi up' again.",
  "196608047": `A volume move is in progress ('volume move show'): ${WAIT_THEN_UP}.`,
  "196608368": "Bring the offline data volumes online ('volume online'), then run 'pulumi up' again.",
  "196608369": "Read-only or primordial data-protection volumes cannot be converted: break or delete their relationships first, then run 'pulumi up' again.",
  "196608372": `An automated update is in progress: ${WAIT_THEN_UP}.`,
  "196608373": `Complete the upgrade of every node, then run 'pulumi up' again: ${NEXT_UP}.`,
  "196608374": "Start the stopped SVMs ('vserver start'), then run 'pulumi up' again.",
  "196608375": `A temporary volume exists: ${WAIT_THEN_UP}.`,
  "196608376": "ONTAP reported an internal error: look at the event log ('event log show') and contact NetApp support if it persists.",
  "196608377": "ONTAP reported an internal error: look at the event log ('event log show') and contact NetApp support if it persists.",
  "196608379": "ONTAP reported an internal error: look at the event log ('event log show') and contact NetApp support if it persists.",
  "196608378": "Bring every SVM's key manager to the same kind (all onboard or all external), then run 'pulumi up' again.",
  "196608380": `wafliron is running on an aggregate: ${WAIT_THEN_UP}.`,
  "196608381": `A clone split is in progress ('volume clone split show'): ${WAIT_THEN_UP}.`,
  "196608382": `A volume rehost is in progress: ${WAIT_THEN_UP}.`,
  "196608383": "SnapLock volumes cannot be converted: leave conversionEnabled out on this cluster, or convert the other volumes by other means.",
  "196608384": "Convert the plain-text volumes before a rekey.",
  "196608385": `The keystore is being switched: ${WAIT_THEN_UP}.`,
  "196608386": `An SVM rekey is in progress: ${WAIT_THEN_UP}.`,
  "196608392": "A cluster-level rekey needs every node at ONTAP 9.16.1 or later: finish the upgrade first.",
  "196608393": "This platform does not support a cluster-level rekey.",
  };
}
