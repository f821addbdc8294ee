// Who a request is: a client certificate mapped by its common name, or basic credentials.

import { timingSafeEqual } from "crypto";
import type { IncomingMessage } from "http";
import type { TLSSocket } from "tls";

/** The credentials a cluster accepts. */
export interface Credentials {
  username: string;
  password: string;
  readOnlyUsername: string;
  readOnlyPassword: string;
}

/** The roles the simulator knows: `admin` may change settings, `readonly` gets ONTAP's 403 on PATCH. */
export type Role = "admin" | "readonly";

/** Certificate logins by common name (`security login create ... -authentication-method cert`). */
export type CertificateLogins = Map<string, Role>;

/** Who a request authenticated as. */
export interface Login {
  user: string;
  role: Role;
  authentication: "password" | "certificate";
}

/**
 * A client certificate, when the client sent one, decides alone: it must chain to the client CA, be
 * within its validity, and its common name must have a certificate login (ONTAP maps the CN to the
 * account of that name). Otherwise basic credentials decide.
 *
 * Simulator choice [certificate-401]: a certificate that is unknown, expired or not mapped is answered 401
 * ("User is not authorized."), not with a failed handshake. ONTAP does not document which it does. Failing the handshake would
 * need the TLS layer to require certificates of every client, locking out basic authentication,
 * which a cluster keeps serving beside certificates; and NetApp's Python client expects a 401 here
 * (`HostConnection` drops its session on a 401 to a certificate-authenticated request). The
 * provider handles both answers alike.
 */
export function authenticate(req: IncomingMessage, credentials: Credentials, certificateLogins: CertificateLogins): Login | undefined {
  const socket = req.socket as TLSSocket;
  const peer = typeof socket.getPeerCertificate === "function" ? socket.getPeerCertificate() : undefined;
  if (peer !== undefined && peer !== null && Object.keys(peer).length > 0) {
    if (!socket.authorized) return undefined;
    const name = peer.subject?.CN;
    const commonName = Array.isArray(name) ? name[0] : name;
    const role = commonName === undefined ? undefined : certificateLogins.get(commonName);
    return commonName === undefined || role === undefined ? undefined : { user: commonName, role, authentication: "certificate" };
  }
  const match = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const { username: admin, password: adminPassword, readOnlyUsername, readOnlyPassword } = credentials;
  if (username === admin && sameSecret(password, adminPassword)) return { user: admin, role: "admin", authentication: "password" };
  if (username === readOnlyUsername && sameSecret(password, readOnlyPassword)) return { user: readOnlyUsername, role: "readonly", authentication: "password" };
  return undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
