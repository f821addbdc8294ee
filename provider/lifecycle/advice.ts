/**
 * What to do next, in Pulumi's terms, for the ONTAP layer's errors. The ONTAP layer says what
 * happened; only this layer knows the user is running Pulumi, with arguments, stack config and
 * environment variables, and `pulumi refresh` and `pulumi up` to bring state and cluster together.
 */
import { OntapError } from "../ontap/ontapError";
import { OntapApiError, OntapRedirectError, OntapResponseTooLargeError } from "../ontap/httpErrors";
import { OntapCertificateError, OntapClientCertificateRefusedError, OntapDeadlineError, OntapNetworkError } from "../ontap/networkErrors";
import { OntapJobFailedError, OntapJobLostError, OntapJobTimeoutError, OntapJobUnreachableError } from "../ontap/jobErrors";
import { OntapNotAppliedError, OntapPatchOutcomeUnknownError } from "../ontap/patchOutcomeErrors";
import { CONNECTION_SOURCES, sourcesOf } from "./connection";
import { ROWS, codeAdvice } from "./settings";

/**
 * The connection argument an error from the cluster is about: the one its advice tells the user to
 * check, and the one a failed live check blames. The credentials for a refusal by authentication (the
 * client certificate when one was presented, whose common name is also the account), the account for
 * a missing role, the CA for a cluster certificate not trusted, the address for anything else.
 */
export function blamedArgument(error: unknown): keyof typeof CONNECTION_SOURCES {
  if (error instanceof OntapClientCertificateRefusedError) return "clientCertificate";
  if (error instanceof OntapApiError && (error.unauthenticated || error.forbidden)) {
    if (error.authentication === "certificate") return "clientCertificate";
    return error.unauthenticated ? "password" : "username";
  }
  if (error instanceof OntapCertificateError) return "caCertificate";
  return "host";
}

/** What the next `pulumi up` does, said wherever running it again can help. */
const NEXT_UP = "it waits for any security job still running on the cluster, then sends only what the cluster still lacks";

/** What to do about ONTAP's documented refusals, by code (the table is in settings.ts, in the settings' names). */
export const CODE_ADVICE: Readonly<Record<string, string>> = codeAdvice(NEXT_UP);


/**
 * The advice for an error, or undefined when the message already says all there is to do. "Run
 * `pulumi up` again" is said only where a retry can help: after a fault that may heal (the network,
 * the cluster's load, a job still running), or once the user has fixed what ONTAP reported.
 */
export function adviceFor(error: unknown): string | undefined {
  const blamed = blamedArgument(error);
  if ((error instanceof OntapApiError && error.unauthenticated && blamed === "clientCertificate") || error instanceof OntapClientCertificateRefusedError) {
    return (
      `Check clientCertificate (${sourcesOf("clientCertificate")}): it must chain to a certificate installed on the cluster with ` +
      `'security certificate install -type client-ca', be within its validity, and its common name must have a login made with ` +
      `'security login create -user-or-group-name <CN> -application http -authentication-method cert'.`
    );
  }
  if (error instanceof OntapApiError && error.unauthenticated) {
    return `Check the username and password (${sourcesOf("username")}; ${sourcesOf(blamed)}).`;
  }
  if (error instanceof OntapApiError && error.forbidden) {
    return blamed === "clientCertificate"
      ? `Give that account the role, or use a certificate mapped to another (${sourcesOf(blamed)}).`
      : `Give the account that role, or use another (${sourcesOf(blamed)}).`;
  }
  if (error instanceof OntapCertificateError) {
    return `To trust it, set ${blamed} (${sourcesOf(blamed)}) to the PEM of its CA, or insecure to true to skip verification.`;
  }
  if (error instanceof OntapJobTimeoutError) {
    return `Raise jobTimeoutSeconds for slow operations. Run 'pulumi up' again: ${NEXT_UP}.`;
  }
  if (error instanceof OntapRedirectError || error instanceof OntapResponseTooLargeError) {
    return `Point host (${sourcesOf("host")}) at the cluster management address itself, not at a proxy, load balancer or web server.`;
  }
  if (error instanceof OntapDeadlineError) {
    return `jobTimeoutSeconds bounds the whole update, unanswered requests and retries included: raise it for a slow cluster or link. Once the cluster answers, run 'pulumi up': ${NEXT_UP}.`;
  }
  if (error instanceof OntapJobUnreachableError) {
    return `Once the cluster answers again, run 'pulumi up': ${NEXT_UP}.`;
  }
  if (error instanceof OntapPatchOutcomeUnknownError) {
    return `Look at the cluster's jobs and event log (job show, event log show), then run 'pulumi up': ${NEXT_UP}.`;
  }
  if (error instanceof OntapJobLostError) {
    return `Run 'pulumi up' again: ${NEXT_UP}.`;
  }
  if (error instanceof OntapNotAppliedError) {
    // Sending the same change again may meet the same fate: the cause must be found first.
    return "Find out why in the cluster's event log before running 'pulumi up' again.";
  }
  if (error instanceof OntapJobFailedError) {
    if (error.code !== undefined && CODE_ADVICE[error.code] !== undefined) return CODE_ADVICE[error.code];
    return `Fix what ONTAP reports, then run 'pulumi up' again: ${NEXT_UP}.`;
  }
  if ((error instanceof OntapNetworkError && error.retryable) || (error instanceof OntapApiError && error.retryable)) {
    return `Once the cluster answers again, run 'pulumi up': ${NEXT_UP}.`;
  }
  if (error instanceof OntapApiError && error.refusedValue) {
    if (error.code !== undefined && CODE_ADVICE[error.code] !== undefined) return CODE_ADVICE[error.code];
    if (error.target === undefined) return "Fix what ONTAP reports.";
    // ONTAP names its own wire field (snake_case); the program knows it by the setting's name.
    const setting = ROWS.find((row) => row.wire === error.target)?.setting;
    return setting === undefined
      ? `Fix the program's value for ONTAP's field ${error.target}: ONTAP refused it.`
      : `Fix ${setting} in the program: ONTAP refused its value.`;
  }
  return undefined;
}

/**
 * True when a failed change is known to have changed nothing: ONTAP refused the request itself (a 4xx
 * other than a transient one, with no job) and the settings read afterwards are those read before.
 */
export function changedNothing(error: unknown, before: unknown, after: unknown): boolean {
  const refused = error instanceof OntapApiError && error.refusedAsSent && error.jobUuid === undefined;
  return refused && JSON.stringify(before) === JSON.stringify(after);
}

/** The error with its advice added, when it is the ONTAP layer's and advice exists; anything else unchanged. */
export function withAdvice(error: unknown): unknown {
  const advice = adviceFor(error);
  return error instanceof OntapError && advice !== undefined ? error.advise(advice) : error;
}
