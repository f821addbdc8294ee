// A throwaway CA and a server certificate for 127.0.0.1 / localhost, and a client CA that signs client
// certificates for mutual TLS, made with the `openssl` command line (Node has no API to issue X.509
// certificates). Made once per process, on first use, and shared by every simulator and cluster: one
// handshake identity keeps 500 clusters cheap.

import { execFile } from "child_process";
import { mkdtemp, readFile, rm, writeFile } from "fs/promises";
import { tmpdir } from "os";
import { join } from "path";
import { promisify } from "util";

const run = promisify(execFile);

/** PEM texts of the simulator's certificate authority and of the server certificate it signed. */
export interface SimulatorCertificate {
  /** The CA certificate clients must trust (the provider's `ONTAP_CA_CERTIFICATE`). */
  caCertificate: string;
  /** The server certificate, for IP 127.0.0.1 and DNS localhost, signed by the CA. */
  certificate: string;
  /** The server certificate's private key. */
  privateKey: string;
  /**
   * The CA that signs client certificates: what `security certificate install -type client-ca` installs on
   * a real cluster. Its key stays inside the simulator, to issue test certificates.
   */
  clientCa: { certificate: string; privateKey: string };
}

/** A client certificate and its private key, PEM. */
export interface ClientCertificate {
  certificate: string;
  privateKey: string;
}

/** What client certificate to issue. */
export interface ClientCertificateOptions {
  /** The subject's common name: ONTAP maps it to the account of the same name. */
  commonName: string;
  /**
   * Who signs it: `"client-ca"` (default), the client CA the simulator trusts, or `"unknown-ca"`, a CA the
   * simulator has never heard of (as when a certificate is installed on one cluster and used on another).
   */
  signer?: "client-ca" | "unknown-ca";
  /** Issue it already expired (valid for one day, a year ago). Default false: valid from an hour ago for 30 days. */
  expired?: boolean;
}

let cached: Promise<SimulatorCertificate> | undefined;
let unknownCa: Promise<{ certificate: string; privateKey: string }> | undefined;

/** The process-wide simulator certificate, created with `openssl` on the first call. */
export function simulatorCertificate(): Promise<SimulatorCertificate> {
  cached ??= createCertificate().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/** A CA no simulator trusts, made once per process. */
function unknownClientCa(): Promise<{ certificate: string; privateKey: string }> {
  unknownCa ??= inTempDir(async (file) => {
    await openssl(caRequest(file("ca.key"), file("ca.pem"), "/O=elsewhere/CN=A client CA no cluster trusts"));
    const [certificate, privateKey] = await Promise.all([readFile(file("ca.pem"), "utf8"), readFile(file("ca.key"), "utf8")]);
    return { certificate, privateKey };
  }).catch((error: unknown) => {
    unknownCa = undefined;
    throw error;
  });
  return unknownCa;
}

/**
 * Issues a client certificate (EC P-256, `extendedKeyUsage=clientAuth`) for tests and trials. Uses
 * `openssl ca`, the one openssl command that sets arbitrary validity dates on every 3.x release, so
 * that an expired certificate is a real one.
 */
export async function issueClientCertificate(options: ClientCertificateOptions): Promise<ClientCertificate> {
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(options.commonName)) {
    throw new Error(`ONTAP simulator: commonName ${JSON.stringify(options.commonName)} must be 1 to 64 letters, digits, '.', '_', '@' or '-' (an ONTAP user name)`);
  }
  const signer = options.signer === "unknown-ca" ? await unknownClientCa() : (await simulatorCertificate()).clientCa;
  const hour = 3600_000;
  const now = Date.now();
  const [start, end] = options.expired ? [now - 366 * 24 * hour, now - 365 * 24 * hour] : [now - hour, now + 30 * 24 * hour];
  return inTempDir(async (file) => {
    await Promise.all([writeFile(file("ca.pem"), signer.certificate), writeFile(file("ca.key"), signer.privateKey, { mode: 0o600 })]);
    await Promise.all([writeFile(file("index.txt"), ""), writeFile(file("serial"), "01\n")]);
    await writeFile(
      file("ca.cnf"),
      [
        "[ca]",
        "default_ca = client_ca",
        "[client_ca]",
        `database = ${file("index.txt")}`,
        `new_certs_dir = ${file("")}`,
        `serial = ${file("serial")}`,
        "default_md = sha256",
        "policy = any",
        "unique_subject = no",
        "copy_extensions = none",
        "[any]",
        "commonName = supplied",
        "organizationName = optional",
        "",
      ].join("\n"),
    );
    await writeFile(
      file("client.ext"),
      ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature", "extendedKeyUsage=clientAuth", "subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid:always", ""].join("\n"),
    );
    await openssl(["req", "-new", ...EC, "-keyout", file("client.key"), "-out", file("client.csr"), "-subj", `/O=pulumi-ontap-security/CN=${options.commonName}`]);
    await openssl([
      "ca", "-batch", "-notext", "-rand_serial", "-config", file("ca.cnf"), "-cert", file("ca.pem"), "-keyfile", file("ca.key"),
      "-startdate", opensslDate(start), "-enddate", opensslDate(end), "-extfile", file("client.ext"),
      "-in", file("client.csr"), "-out", file("client.pem"),
    ]);
    const [certificate, privateKey] = await Promise.all([readFile(file("client.pem"), "utf8"), readFile(file("client.key"), "utf8")]);
    return { certificate, privateKey };
  });
}

/** `YYYYMMDDHHMMSSZ`, the form `openssl ca -startdate/-enddate` takes. */
function opensslDate(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** A self-signed CA, with the extensions strict verifiers ask for. */
function caRequest(keyFile: string, certFile: string, subject: string): string[] {
  // Critical basic constraints, keyCertSign, subject/authority key identifiers: these satisfy strict
  // verifiers too (Python 3.13's VERIFY_X509_STRICT).
  return [
    "req", "-x509", ...EC, "-keyout", keyFile, "-out", certFile, "-days", "3650", "-subj", subject,
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    "-addext", "subjectKeyIdentifier=hash",
  ];
}

async function inTempDir<T>(use: (file: (name: string) => string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "ontap-simulator-cert-"));
  try {
    return await use((name) => join(dir, name));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function createCertificate(): Promise<SimulatorCertificate> {
  return inTempDir(async (file) => {
    await openssl(caRequest(file("ca.key"), file("ca.pem"), "/O=pulumi-ontap-security/CN=ONTAP simulator test CA"));
    await openssl(caRequest(file("client-ca.key"), file("client-ca.pem"), "/O=pulumi-ontap-security/CN=ONTAP simulator client CA"));
    await openssl(["req", "-new", ...EC, "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/O=pulumi-ontap-security/CN=127.0.0.1"]);
    await writeFile(
      file("server.ext"),
      [
        "basicConstraints=critical,CA:FALSE",
        "keyUsage=critical,digitalSignature",
        "extendedKeyUsage=serverAuth",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "subjectKeyIdentifier=hash",
        "authorityKeyIdentifier=keyid:always",
        "",
      ].join("\n"),
    );
    await openssl([
      "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"),
      "-set_serial", `0x${Date.now().toString(16)}`, "-days", "825", "-extfile", file("server.ext"), "-out", file("server.pem"),
    ]);
    const [caCertificate, certificate, privateKey, clientCaCertificate, clientCaKey] = await Promise.all(
      ["ca.pem", "server.pem", "server.key", "client-ca.pem", "client-ca.key"].map((name) => readFile(file(name), "utf8")),
    );
    return {
      caCertificate: caCertificate as string,
      certificate: certificate as string,
      privateKey: privateKey as string,
      clientCa: { certificate: clientCaCertificate as string, privateKey: clientCaKey as string },
    };
  });
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run("openssl", args, { timeout: 30_000 });
  } catch (error) {
    const detail = error as NodeJS.ErrnoException & { stderr?: string };
    if (detail.code === "ENOENT") {
      throw new Error("ONTAP simulator: the `openssl` command is needed to create its test certificate and was not found on PATH (install the openssl package)");
    }
    throw new Error(`ONTAP simulator: openssl ${args[0]} failed: ${detail.stderr ?? detail.message}`);
  }
}
