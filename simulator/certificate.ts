// A throwaway CA and a server certificate for 127.0.0.1 / localhost, made with the `openssl` command line
// (Node has no API to issue X.509 certificates). Made once per process, on first use, and shared by every
// simulator and cluster: one handshake identity keeps 500 clusters cheap.

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
}

let cached: Promise<SimulatorCertificate> | undefined;

/** The process-wide simulator certificate, created with `openssl` on the first call. */
export function simulatorCertificate(): Promise<SimulatorCertificate> {
  cached ??= createCertificate().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function createCertificate(): Promise<SimulatorCertificate> {
  const dir = await mkdtemp(join(tmpdir(), "ontap-simulator-cert-"));
  const file = (name: string): string => join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  try {
    // CA extensions satisfy strict verifiers too (Python 3.13's VERIFY_X509_STRICT): critical basic
    // constraints, keyCertSign, subject/authority key identifiers.
    await openssl([
      "req", "-x509", ...ec, "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "3650",
      "-subj", "/O=pulumi-ontap-security/CN=ONTAP simulator test CA",
      "-addext", "basicConstraints=critical,CA:TRUE",
      "-addext", "keyUsage=critical,keyCertSign,cRLSign",
      "-addext", "subjectKeyIdentifier=hash",
    ]);
    await openssl(["req", "-new", ...ec, "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/O=pulumi-ontap-security/CN=127.0.0.1"]);
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
    const [caCertificate, certificate, privateKey] = await Promise.all(
      ["ca.pem", "server.pem", "server.key"].map((name) => readFile(file(name), "utf8")),
    );
    return { caCertificate: caCertificate as string, certificate: certificate as string, privateKey: privateKey as string };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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
