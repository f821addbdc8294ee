// ONTAP release numbers and the `/api/cluster` view of them.

/** An ONTAP release as `GET /api/cluster?fields=version` reports it: 9.16.1 is generation 9, major 16, minor 1. */
export interface OntapVersion {
  generation: number;
  major: number;
  minor: number;
}

/** The releases the simulator is known to model faithfully (any `9.x.y` from 9.6 is accepted and gated by number). */
export const KNOWN_VERSIONS = ["9.6.0", "9.7.0", "9.8.0", "9.10.1", "9.11.1", "9.16.1", "9.17.1", "9.19.1"] as const;

/** The release a simulated cluster runs when none is given. */
export const DEFAULT_VERSION = "9.16.1";

/**
 * Parses `"9.16.1"` (or `"9.16"`, read as `9.16.0`). Throws for anything else, and for releases before 9.6,
 * which have no REST API at all.
 */
export function parseVersion(text: string): OntapVersion {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) {
    throw new Error(`ONTAP simulator: version "${text}" is not of the form 9.16.1; known versions: ${KNOWN_VERSIONS.join(", ")}`);
  }
  const version = { generation: Number(match[1]), major: Number(match[2]), minor: Number(match[3] ?? 0) };
  if (version.generation !== 9 || version.major < 6) {
    throw new Error(`ONTAP simulator: version "${text}" has no REST API to simulate; use 9.6.0 or later (known: ${KNOWN_VERSIONS.join(", ")})`);
  }
  return version;
}

/** `"9.16.1"` for `{9, 16, 1}`. */
export function formatVersion(version: OntapVersion): string {
  return `${version.generation}.${version.major}.${version.minor}`;
}

/** True when `version` is `minimum` (written `"9.10.1"`) or later. */
export function atLeast(version: OntapVersion, minimum: string): boolean {
  const floor = parseVersion(minimum);
  if (version.generation !== floor.generation) return version.generation > floor.generation;
  if (version.major !== floor.major) return version.major > floor.major;
  return version.minor >= floor.minor;
}

/** ONTAP's `version` object. Simulator choice [version-banner]: `full` is shaped like a release banner, with a fixed date. */
export function clusterVersionJson(version: OntapVersion): { full: string; generation: number; major: number; minor: number } {
  return {
    full: `NetApp Release ${formatVersion(version)}: Tue Nov 26 10:00:00 UTC 2024`,
    generation: version.generation,
    major: version.major,
    minor: version.minor,
  };
}
