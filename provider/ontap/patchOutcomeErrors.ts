/**
 * A PATCH whose outcome is judged by reading the settings back: accepted yet not applied, or its answer
 * lost with no job of it running and no change to see.
 */
import { OntapError, RequestContext } from "./ontapError";

/**
 * ONTAP accepted a PATCH (answered without a job, or its job ended in `success`), yet the settings read
 * back do not show what it asked: the change was not applied.
 */
export class OntapNotAppliedError extends OntapError {
  readonly url: string;
  /** One line per field the cluster does not show: the wire name, what was asked and what the cluster has. */
  readonly mismatches: readonly string[];
  /** The job that reported success, when ONTAP ran one. */
  readonly jobUuid: string | undefined;
  /** The settings read back, as ONTAP sent them. */
  readonly security: unknown;
  constructor(url: string, mismatches: readonly string[], details: { jobUuid?: string | undefined; security?: unknown } = {}) {
    const what = details.jobUuid === undefined ? `PATCH ${url} was accepted` : `job ${details.jobUuid} (PATCH ${url}) ended in success`;
    super(
      `${what}, but the cluster does not show the change: ${mismatches.join("; ")}. ONTAP did not apply it; ` +
        `the cluster's event log (event log show) may say why.`,
    );
    this.url = url;
    this.mismatches = mismatches;
    this.jobUuid = details.jobUuid;
    this.security = details.security;
  }
}

/**
 * The answer to a PATCH was lost, no job of it is running on the cluster, and the cluster does not show
 * the change. Sending it again would be blind: for a conversion, that could start a second one.
 */
export class OntapPatchOutcomeUnknownError extends OntapError {
  readonly method: string;
  readonly url: string;
  readonly mismatches: readonly string[];
  constructor(request: RequestContext, cause: OntapError, mismatches: readonly string[]) {
    super(
      `${request.method} ${request.url} got no answer (${cause.message}); no job of it is running on the cluster and the ` +
        `cluster does not show the change (${mismatches.join("; ")}). It was not sent again, so that a conversion never starts twice.`,
      { cause },
    );
    this.method = request.method;
    this.url = request.url;
    this.mismatches = mismatches;
  }
}
