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
  OntapJobLostError,
  OntapJobTimeoutError,
  OntapJobUnreachableError,
  OntapNotAppliedError,
  OntapRedirectError,
  OntapResponseTooLargeError,
} from "../ontap/errors";
import { CONNECTION_SOURCES } from "./connection";

/** Where a connection argument may be given, for messages: `argument, config ontap:host or ONTAP_HOST`. */
function sourcesOf(key: keyof typeof CONNECTION_SOURCES): string {
  return `argument ${key}, config ${CONNECTION_SOURCES[key].config} or ${CONNECTION_SOURCES[key].env}`;
}

/** The advice for an error, or undefined when the message already says all there is to do. */
export function adviceFor(error: unknown): string | undefined {
  if ((error instanceof OntapApiError && error.status === 401 && error.authentication === "certificate") || error instanceof OntapClientCertificateRefusedError) {
    return (
      `Check clientCertificate (${sourcesOf("clientCertificate")}): it must chain to a certificate installed on the cluster with ` +
      `'security certificate install -type client-ca', be within its validity, and its common name must have a login made with ` +
      `'security login create -user-or-group-name <CN> -application http -authentication-method cert'.`
    );
  }
  if (error instanceof OntapApiError && error.status === 401) {
    return `Check the username and password (${sourcesOf("username")}; ${sourcesOf("password")}).`;
  }
  if (error instanceof OntapCertificateError) {
    return `To trust it, set caCertificate (${sourcesOf("caCertificate")}) to the PEM of its CA, or insecure to true to skip verification.`;
  }
  if (error instanceof OntapJobTimeoutError) {
    return "Raise jobTimeoutSeconds for slow operations, and once the job has ended run 'pulumi refresh' and 'pulumi up' to bring state and cluster together.";
  }
  if (error instanceof OntapDeadlineError) {
    return "jobTimeoutSeconds bounds the whole update, unanswered requests and retries included: raise it for a slow cluster or link, and once the cluster answers run 'pulumi refresh' and 'pulumi up'.";
  }
  if (error instanceof OntapRedirectError || error instanceof OntapResponseTooLargeError) {
    return `Point host (${sourcesOf("host")}) at the cluster management address itself, not at a proxy, load balancer or web server.`;
  }
  if (error instanceof OntapJobUnreachableError) {
    return "Once the cluster answers again, run 'pulumi refresh' and 'pulumi up'.";
  }
  if (error instanceof OntapJobLostError || error instanceof OntapNotAppliedError) {
    return "Run 'pulumi up' again: it reads the cluster and sends only what it still lacks.";
  }
  return undefined;
}

/** The error with its advice added, when it is the ONTAP layer's and advice exists; anything else unchanged. */
export function withAdvice(error: unknown): unknown {
  const advice = adviceFor(error);
  return error instanceof OntapError && advice !== undefined ? error.advise(advice) : error;
}
