/**
 * What a `host` value means: the one parser of the cluster's address, for the transport that connects
 * to it and for check, which refuses a bad one before anything is sent. Pure: it sends nothing.
 */
import { OntapInvalidHostError } from "./clusterErrors";
import { redactHost } from "./redact";

/**
 * Normalizes the `host` argument to a base URL. Only HTTPS is accepted: ONTAP serves its REST API over
 * HTTPS alone, and basic credentials must never travel in clear text. Every message quotes the value
 * through `redactHost`, so a credential written into it is never echoed, whatever else is wrong.
 */
export function baseUrlOf(host: string): string {
  const trimmed = host.trim();
  if (trimmed === "") throw new OntapInvalidHostError(host, "host is empty: give the cluster management name or address");
  const redacted = redactHost(trimmed);
  const quoted = JSON.stringify(redacted);
  // Checked on the text first: a password holding `#`, `/` or `?` makes URL parsing stop before the `@`.
  if (trimmed.includes("@")) {
    throw new OntapInvalidHostError(redacted, `host ${quoted} contains credentials (text before an @); give username and password separately`);
  }
  let candidate = trimmed;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(candidate)) {
    // A bare IPv6 address has several colons and no brackets: bracket it before URL parsing.
    if ((candidate.match(/:/g) ?? []).length > 1 && !candidate.startsWith("[")) candidate = `[${candidate}]`;
    candidate = `https://${candidate}`;
  }
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new OntapInvalidHostError(redacted, `host ${quoted} is not a host name, IP address or https:// URL (with an optional port from 1 to 65535)`);
  }
  if (url.protocol !== "https:") {
    throw new OntapInvalidHostError(redacted, `host ${quoted} uses ${url.protocol.replace(":", "")}; ONTAP's REST API is served over https only`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new OntapInvalidHostError(redacted, "host must not contain credentials: give username and password separately");
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "") {
    throw new OntapInvalidHostError(redacted, `host ${quoted} must not have a path or query: give https://name[:port] only`);
  }
  if (url.port === "0") throw new OntapInvalidHostError(redacted, `host ${quoted} has port 0; allowed: 1 to 65535`);
  return `https://${url.host}`;
}
