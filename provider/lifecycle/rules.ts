/**
 * Rules across settings: what ONTAP refuses, or silently does differently, because of another setting,
 * whether the program sets it or the cluster already has it. Pure: check applies them to the program
 * alone, preview to the program and the settings found on the cluster, and the update plan to the
 * settings read just before its PATCH, so that preview and update can never disagree.
 *
 * What the ONTAP documentation says, and what is inferred here:
 * - documented: with FIPS on, ONTAP refuses SSLv3 (error 52428817) and TLSv1 (52428824);
 * - documented: enabling FIPS leaves only TLSv1.2 and TLSv1.3 from ONTAP 9.11.1, and TLSv1.1 and
 *   TLSv1.2 before; disabling FIPS does not re-enable the versions it turned off;
 * - inferred: TLSv1.1 cannot stay on with FIPS from 9.11.1. No error code is documented for asking it,
 *   so whether ONTAP refuses the PATCH or accepts it and drops TLSv1.1 is unconfirmed; either way the
 *   cluster could not end as the program says, so it is refused like the documented ones. Before
 *   9.11.1, TLSv1.1 with FIPS is allowed;
 * - documented: before 9.9.1 each node must be rebooted for a change of FIPS mode to take effect.
 * @see https://docs.netapp.com/us-en/ontap-restapi/ontap/patch-security.html
 */
import { TLS_VERSIONS, fieldRow, sortTlsVersions } from "../ontap/securityFields";
import { OntapVersion, atLeast, formatVersion } from "../ontap/versions";
import { ObservedSecurity, SecuritySettings } from "./model";

/** From this release, FIPS mode allows only TLSv1.2 and TLSv1.3. */
export const FIPS_TLS12_SINCE = "9.11.1";

/** One protocol version FIPS mode does not allow, and how sure we are of it. */
interface FipsRefusal {
  readonly version: string;
  /** ONTAP's error code when documented; undefined when the refusal is inferred. */
  readonly code: string | undefined;
  /** The release from which it applies, when not every release. */
  readonly since?: string;
}

/** The versions FIPS mode refuses. SSLv3 and TLSv1 on every release with TLS settings; TLSv1.1 from 9.11.1. */
export const FIPS_REFUSALS: readonly FipsRefusal[] = [
  { version: "SSLv3", code: "52428817" },
  { version: "TLSv1", code: "52428824" },
  { version: "TLSv1.1", code: undefined, since: FIPS_TLS12_SINCE },
];

/** A setting that cannot be applied as asked because of another. */
export interface RuleViolation {
  /** The top-level argument to fix, as check failures name it. */
  readonly property: string;
  /**
   * The setting ONTAP would refuse in a PATCH. A setting the cluster already has as asked is not sent,
   * so callers that know the cluster's settings keep only the violations of settings that change.
   */
  readonly setting: string;
  readonly reason: string;
}

/** What the rules say about one program on one cluster. */
export interface RuleOutcome {
  /** What cannot be applied: fails preview and, at update time, stops the update before any PATCH. */
  readonly violations: RuleViolation[];
  /** What the change will also do that the program does not say, for the person reading the preview. */
  readonly notes: string[];
}

/** Where the rules are applied: the cluster's name, its release and settings when known. */
export interface RuleContext {
  readonly cluster?: string;
  /** Unknown in check (no request made): rules that depend on the release are then skipped. */
  readonly version?: OntapVersion;
  /** The settings found on the cluster (live, or the last known ones); undefined when not read. */
  readonly found?: ObservedSecurity;
}

const knownBoolean = (value: unknown): boolean | undefined => (typeof value === "boolean" ? value : undefined);

/** The protocol versions asked for, when every one is known. */
function askedVersions(desired: SecuritySettings): string[] | undefined {
  const versions: unknown = (desired.tls as Record<string, unknown> | undefined)?.protocolVersions;
  return Array.isArray(versions) && versions.every((v) => typeof v === "string") ? (versions as string[]) : undefined;
}

/**
 * FIPS mode after the change: the program's value when it gives one, else the cluster's (`fromCluster`).
 * `on` is undefined while the program's value is not known yet, or the cluster's was not read.
 */
function fipsAfter(desired: SecuritySettings, found: ObservedSecurity | undefined): { on: boolean | undefined; fromCluster: boolean } {
  const group: unknown = desired.fips;
  const asked: unknown = group !== null && typeof group === "object" ? (group as Record<string, unknown>).enabled : group;
  if (asked === undefined) return { on: knownBoolean(found?.fips?.enabled), fromCluster: true };
  return { on: knownBoolean(asked), fromCluster: false };
}

/** The lowest version FIPS mode allows, in words, for the release when known. */
function lowestAllowedUnderFips(version: OntapVersion | undefined): string {
  if (version === undefined) return `TLSv1.2 (TLSv1.1 is also allowed before ONTAP ${FIPS_TLS12_SINCE})`;
  return atLeast(version, FIPS_TLS12_SINCE) ? "TLSv1.2" : "TLSv1.1";
}

/** True when the release-dependent refusal applies (unknown release: only the every-release ones). */
function applies(refusal: FipsRefusal, version: OntapVersion | undefined): boolean {
  if (refusal.since === undefined) return true;
  return version !== undefined && atLeast(version, refusal.since);
}

function describeRefusal(refusal: FipsRefusal, version: OntapVersion | undefined): string {
  if (refusal.code !== undefined) return `error ${refusal.code}`;
  return `from ONTAP ${refusal.since}${version !== undefined ? ` (this cluster runs ${formatVersion(version)})` : ""} FIPS mode allows only TLSv1.2 and TLSv1.3`;
}

/** Applies every rule. Never throws: values of the wrong shape are left to check's type rules. */
export function applyRules(desired: SecuritySettings, context: RuleContext = {}): RuleOutcome {
  const violations: RuleViolation[] = [];
  const notes: string[] = [];
  const fips = fipsAfter(desired, context.found);
  const versions = askedVersions(desired);

  if (fips.on === true && versions !== undefined) {
    const refused = FIPS_REFUSALS.filter((refusal) => versions.includes(refusal.version) && applies(refusal, context.version));
    if (refused.length > 0) {
      const why = fips.fromCluster ? "the cluster has FIPS on, and the program leaves fips.enabled as it is" : "fips.enabled is true";
      violations.push({
        property: "tls",
        setting: "tls.protocolVersions",
        reason:
          `${context.cluster !== undefined ? `${context.cluster}: ` : ""}tls.protocolVersions has ${refused.map((r) => r.version).join(" and ")}, ` +
          `which ONTAP does not allow while FIPS is on (${refused.map((r) => `${r.version}: ${describeRefusal(r, context.version)}`).join("; ")}); ${why}. ` +
          `List ${lowestAllowedUnderFips(context.version)} as the lowest version${fips.fromCluster ? ", or set fips.enabled to false" : ""}`,
      });
    }
  }

  const foundFips = knownBoolean(context.found?.fips?.enabled);
  if (fips.on === true && foundFips === false && !fips.fromCluster) {
    // The program turns FIPS on. Say what that does to TLS when the program leaves TLS alone.
    const foundVersions = context.found?.tls?.protocolVersions;
    if (versions === undefined && foundVersions !== undefined && context.version !== undefined) {
      const kept = lowestAllowedUnderFips(context.version);
      const below = (v: string) => TLS_VERSIONS.includes(v as never) && TLS_VERSIONS.indexOf(v as never) < TLS_VERSIONS.indexOf(kept as never);
      const dropped = sortTlsVersions(foundVersions.filter(below));
      if (dropped.length > 0) {
        notes.push(
          `enabling FIPS on ONTAP ${formatVersion(context.version)} also turns off ${dropped.join(", ")} ` +
            `(FIPS mode allows ${kept} and up; turning FIPS off later does not turn them back on)`,
        );
      }
    }
  }
  const rebootBefore = fieldRow("fips.enabled").rebootBefore;
  const needsReboot = context.version !== undefined && rebootBefore !== undefined && !atLeast(context.version, rebootBefore);
  if (fips.on !== undefined && foundFips !== undefined && fips.on !== foundFips && needsReboot) {
    notes.push(`ONTAP ${formatVersion(context.version)} needs each node rebooted before the change of FIPS mode takes effect`);
  }
  return { violations, notes };
}

/**
 * True when a rule needs the cluster's current settings to decide about this program: the program
 * asks for a version FIPS mode refuses and leaves FIPS as the cluster has it. Preview then reads the
 * settings; otherwise it spares the request.
 */
export function needsFoundSettings(desired: SecuritySettings, version: OntapVersion | undefined): boolean {
  const versions = askedVersions(desired);
  if (versions === undefined || !fipsAfter(desired, undefined).fromCluster) return false;
  return FIPS_REFUSALS.some((refusal) => versions.includes(refusal.version) && applies(refusal, version));
}
