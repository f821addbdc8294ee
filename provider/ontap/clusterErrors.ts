/** The cluster as given cannot be used: its address is not one this package takes, or its release is too old. */
import { OntapError } from "./ontapError";

/** The cluster address is not one this package can use (not HTTPS, a path, credentials in it…). */
export class OntapInvalidHostError extends OntapError {
  /** The address as given, with anything that could be a credential redacted (see `redactHost`). */
  readonly host: string | undefined;
  constructor(host: string | undefined, problem: string) {
    super(problem);
    this.host = host;
  }
}

/** The cluster's ONTAP release lacks the endpoint or method needed (GET from 9.7, PATCH from 9.8). */
export class OntapUnsupportedReleaseError extends OntapError {
  readonly url: string;
  /** `9.6.0`. */
  readonly clusterVersion: string;
  /** The oldest release that has it. */
  readonly requiredVersion: string;
  constructor(details: { url: string; clusterVersion: string; requiredVersion: string; what: string }) {
    super(
      `${details.url} runs ONTAP ${details.clusterVersion}, which ${details.what} (it arrived in ${details.requiredVersion})`,
    );
    this.url = details.url;
    this.clusterVersion = details.clusterVersion;
    this.requiredVersion = details.requiredVersion;
  }
}
