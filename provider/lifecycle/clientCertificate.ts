/**
 * What can be known about a client certificate and its key without asking the cluster: that both are
 * PEM, that the key is the certificate's, that the certificate is within its validity, and the common
 * name ONTAP will map to an account. Pure but for the time given. Never quotes the key, nor anything
 * Node says while parsing it.
 */
import { KeyObject, X509Certificate, createPrivateKey } from "crypto";

/** A problem with the certificate or key, by the argument to fix. */
export interface ClientCertificateProblem {
  readonly property: "clientCertificate" | "clientKey";
  readonly reason: string;
}

/** Where a value came from, for messages: `argument`, `config ontap:clientKey` or `environment ONTAP_CLIENT_KEY`. */
export interface Sourced {
  readonly value: string;
  readonly from: string;
}

/** A certificate and key that passed every local check. */
export interface InspectedClientCertificate {
  /** The subject's common name: ONTAP maps it to the account of that name. */
  readonly commonName: string;
  readonly validTo: Date;
}

const KEY_FORMS = "an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----, -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)";

/** Checks a certificate and key; `now` in ms since the epoch. */
export function inspectClientCertificate(
  certificate: Sourced,
  key: Sourced,
  now: number,
): { ok: InspectedClientCertificate } | { problems: ClientCertificateProblem[] } {
  const problems: ClientCertificateProblem[] = [];
  let x509: X509Certificate | undefined;
  if (!certificate.value.includes("-----BEGIN CERTIFICATE-----")) {
    problems.push({ property: "clientCertificate", reason: `clientCertificate (from ${certificate.from}) is not PEM: it must start with -----BEGIN CERTIFICATE-----` });
  } else {
    try {
      x509 = new X509Certificate(certificate.value);
    } catch (error) {
      problems.push({ property: "clientCertificate", reason: `clientCertificate (from ${certificate.from}) does not parse as an X.509 certificate: ${(error as Error).message}` });
    }
  }
  let privateKey: KeyObject | undefined;
  try {
    privateKey = createPrivateKey(key.value);
  } catch (error) {
    // Node's own message is left out on purpose: it is about the key's bytes.
    const encrypted = /ENCRYPTED/.test(key.value) || /passphrase/i.test((error as Error).message);
    problems.push({
      property: "clientKey",
      reason: encrypted
        ? `clientKey (from ${key.from}) is encrypted; give it unencrypted (it is kept as a secret), as ${KEY_FORMS}`
        : `clientKey (from ${key.from}) is not ${KEY_FORMS}`,
    });
  }
  if (x509 === undefined) return { problems };
  const commonName = commonNameOf(x509.subject);
  const named = commonName === undefined ? "" : ` (CN=${commonName})`;
  if (privateKey !== undefined && !x509.checkPrivateKey(privateKey)) {
    problems.push({
      property: "clientKey",
      reason: `clientKey (from ${key.from}) is not the private key of clientCertificate${named} (from ${certificate.from}); give the key the certificate was issued for`,
    });
  }
  const validFrom = new Date(x509.validFrom);
  const validTo = new Date(x509.validTo);
  if (validTo.getTime() < now) {
    problems.push({
      property: "clientCertificate",
      reason: `clientCertificate${named} (from ${certificate.from}) expired on ${validTo.toISOString()}; issue a new one from the CA installed on the cluster (security certificate install -type client-ca)`,
    });
  } else if (validFrom.getTime() > now) {
    problems.push({ property: "clientCertificate", reason: `clientCertificate${named} (from ${certificate.from}) is not valid before ${validFrom.toISOString()}` });
  }
  if (commonName === undefined) {
    problems.push({
      property: "clientCertificate",
      reason: `clientCertificate (from ${certificate.from}) has no common name (CN); ONTAP maps the CN to the account the certificate logs in as`,
    });
  }
  return problems.length > 0 || commonName === undefined ? { problems } : { ok: { commonName, validTo } };
}

/** The CN of a subject as Node prints it (`O=x\nCN=name`). */
function commonNameOf(subject: string): string | undefined {
  for (const line of subject.split("\n")) {
    if (line.startsWith("CN=")) return line.slice(3);
  }
  return undefined;
}
