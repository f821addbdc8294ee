/**
 * What to do next, in Pulumi's terms, for the ONTAP layer's errors. The ONTAP layer says what
 * happened; only this layer knows the user is running Pulumi, with arguments, stack config and
 * environment variables, and `pulumi refresh` and `pulumi up` to bring state and cluster together.
 */
import {
  OntapApiError,
  OntapCertificateError,
  OntapClientCertificateRefusedError,
  OntapDeadlineError,
  OntapError,
  OntapJobFailedError,
  OntapJobLostError,
  OntapJobTimeoutError,
  OntapJobUnreachableError,
  OntapNetworkError,
  OntapNotAppliedError,
  OntapPatchOutcomeUnknownError,
  OntapRedirectError,
  OntapResponseTooLargeError,
} from "../ontap/errors";
import { CONNECTION_SOURCES, sourcesOf } from "./connection";

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

/**
 * What to do about ONTAP's documented refusals of `PATCH /api/security`, by code (docs/ontap-api.md lists
 * them with the release that documents each). What follows from the program alone is stopped before any
 * PATCH (rules of the tables); these are for what only the cluster knows.
 */
const WAIT_THEN_UP = `wait for it to end, then run 'pulumi up' again: ${NEXT_UP}`;
export const CODE_ADVICE: Readonly<Record<string, string>> = {
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
    return error.target === undefined ? "Fix what ONTAP reports." : `Fix ${error.target} in the program: ONTAP refused its value.`;
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
