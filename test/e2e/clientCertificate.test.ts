/**
 * Certificate-based access, below Pulumi: where the certificate and key come from, every way they can
 * be wrong (each named by the argument to fix and where it came from, the key never quoted), what the
 * transport sends, and how a refusal is blamed, whether the cluster answers 401 or ends the handshake.
 */
import test, { ExecutionContext } from "ava";
import { spawn } from "child_process";
import { X509Certificate, createPrivateKey } from "crypto";
import { mkdtemp, rm, writeFile } from "fs/promises";
import { tmpdir } from "os";
import { join } from "path";
import { createServer as createHttpsServer } from "https";
import type { IncomingHttpHeaders } from "http";
import { ClientCertificate, startSimulator } from "../../simulator";
import { issueClientCertificate, simulatorCertificate } from "../../simulator/certificate";
import { resolveConnection } from "../../provider/lifecycle/connection";
import { ConnectionConfigError } from "../../provider/lifecycle/errors";
import { preflight } from "../../provider/lifecycle/preflight";
import { blamedArgument } from "../../provider/lifecycle/advice";
import { validateInputs } from "../../provider/lifecycle/check";
import { OntapTransport } from "../../provider/ontap/transport";
import { OntapApiError } from "../../provider/ontap/httpErrors";
import { OntapCertificateError, OntapClientCertificateRefusedError } from "../../provider/ontap/networkErrors";
import { LifecycleEnv } from "../../provider/lifecycle/operations";

interface Certificates {
  valid: ClientCertificate;
  other: ClientCertificate;
  expired: ClientCertificate;
  stranger: ClientCertificate;
}

let issued: Promise<Certificates> | undefined;
/** Issued once for the file: openssl takes a few hundred milliseconds per certificate. */
function certificates(): Promise<Certificates> {
  issued ??= (async () => ({
    valid: await issueClientCertificate({ commonName: "pulumi-automation" }),
    other: await issueClientCertificate({ commonName: "someone-else" }),
    expired: await issueClientCertificate({ commonName: "pulumi-automation", expired: true }),
    stranger: await issueClientCertificate({ commonName: "pulumi-automation", signer: "unknown-ca" }),
  }))();
  return issued;
}

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

/** The body lines of a PEM key: what must never appear in a message. */
const keyBody = (pem: string): string[] => pem.split("\n").filter((line) => line.length > 20 && !line.startsWith("-----"));

function failuresOf(t: ExecutionContext, resolve: () => unknown): ConnectionConfigError["failures"] {
  const error = t.throws(resolve, { instanceOf: ConnectionConfigError });
  return error?.failures ?? [];
}

test("a certificate and key from stack config authenticate instead of a password; the account is the certificate's common name", async (t) => {
  const { valid } = await certificates();
  const resolved = resolveConnection({}, config({ "ontap:host": "h", "ontap:clientCertificate": valid.certificate, "ontap:clientKey": valid.privateKey }), {});
  t.deepEqual(resolved, { host: "h", username: "pulumi-automation", clientCertificate: valid.certificate, clientKey: valid.privateKey });
});

test("a certificate and key on one line with literal \\n, as environment variables often carry them, are accepted", async (t) => {
  const { valid } = await certificates();
  const oneLine = (pem: string): string => pem.trimEnd().split("\n").join("\\n");
  const resolved = resolveConnection({}, undefined, { ONTAP_HOST: "h", ONTAP_CLIENT_CERTIFICATE: oneLine(valid.certificate), ONTAP_CLIENT_KEY: oneLine(valid.privateKey) });
  t.is(resolved.clientCertificate, valid.certificate.trimEnd());
  t.is(resolved.clientKey, valid.privateKey.trimEnd());
});

test("each of certificate and key follows the precedence on its own: argument, then config, then environment", async (t) => {
  const { valid, other } = await certificates();
  const resolved = resolveConnection(
    { clientCertificate: valid.certificate },
    config({ "ontap:host": "h", "ontap:clientCertificate": other.certificate }),
    { ONTAP_CLIENT_KEY: valid.privateKey, ONTAP_USERNAME: "pulumi-automation" },
  );
  t.is(resolved.clientCertificate, valid.certificate);
  t.is(resolved.clientKey, valid.privateKey);
  t.is(resolved.password, undefined);
});

type Case = [string, (c: Certificates) => { inputs: Record<string, string>; stack: Record<string, string>; env: Record<string, string> }, [string, RegExp][]];

const refused: Case[] = [
  [
    "a password and a certificate",
    (c) => ({ inputs: { clientCertificate: c.valid.certificate, clientKey: c.valid.privateKey }, stack: {}, env: { ONTAP_USERNAME: "u", ONTAP_PASSWORD: "pw" } }),
    [["clientCertificate", /^password \(from environment ONTAP_PASSWORD\) and clientCertificate \(from argument\) are both set: authenticate either with a username and password or with a clientCertificate and its clientKey, not both/]],
  ],
  [
    "a certificate without its key",
    (c) => ({ inputs: {}, stack: { "ontap:clientCertificate": c.valid.certificate }, env: {} }),
    [["clientKey", /^clientCertificate \(from config ontap:clientCertificate\) is set but no clientKey \(argument clientKey, config ontap:clientKey or ONTAP_CLIENT_KEY\)/]],
  ],
  [
    "a key without its certificate, and a password",
    (c) => ({ inputs: { password: "pw", username: "u" }, stack: {}, env: { ONTAP_CLIENT_KEY: c.valid.privateKey } }),
    [
      ["clientKey", /^password \(from argument\) and clientKey \(from environment ONTAP_CLIENT_KEY\) are both set/],
      ["clientCertificate", /^clientKey \(from environment ONTAP_CLIENT_KEY\) is set but no clientCertificate/],
    ],
  ],
  [
    "a certificate that is not PEM",
    (c) => ({ inputs: { clientCertificate: "MIIB-not-pem", clientKey: c.valid.privateKey }, stack: {}, env: {} }),
    [["clientCertificate", /^clientCertificate \(from argument\) is not PEM: it must start with -----BEGIN CERTIFICATE-----$/]],
  ],
  [
    "a PEM certificate that does not parse",
    (c) => ({ inputs: { clientCertificate: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", clientKey: c.valid.privateKey }, stack: {}, env: {} }),
    [["clientCertificate", /^clientCertificate \(from argument\) does not parse as an X\.509 certificate/]],
  ],
  [
    "a key that is not a PEM private key",
    (c) => ({ inputs: { clientCertificate: c.valid.certificate }, stack: { "ontap:clientKey": c.valid.privateKey.replace(/PRIVATE KEY/g, "PUBLIC KEY") }, env: {} }),
    [["clientKey", /^clientKey \(from config ontap:clientKey\) is not an unencrypted PEM private key \(-----BEGIN PRIVATE KEY-----/]],
  ],
  [
    "an encrypted key",
    (c) => ({
      inputs: {
        clientCertificate: c.valid.certificate,
        clientKey: createPrivateKey(c.valid.privateKey).export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "pass" }) as string,
      },
      stack: {},
      env: {},
    }),
    [["clientKey", /^clientKey \(from argument\) is encrypted; give it unencrypted/]],
  ],
  [
    "a key that is not the certificate's",
    (c) => ({ inputs: { clientCertificate: c.valid.certificate }, stack: {}, env: { ONTAP_CLIENT_KEY: c.other.privateKey } }),
    [["clientKey", /^clientKey \(from environment ONTAP_CLIENT_KEY\) is not the private key of clientCertificate \(CN=pulumi-automation\) \(from argument\)/]],
  ],
  [
    "an expired certificate",
    (c) => ({ inputs: { clientCertificate: c.expired.certificate, clientKey: c.expired.privateKey }, stack: {}, env: {} }),
    [["clientCertificate", /^clientCertificate \(CN=pulumi-automation\) \(from argument\) expired on \d{4}-\d\d-\d\dT[\d:.]+Z; issue a new one/]],
  ],
  [
    "a username that is not the certificate's common name",
    (c) => ({ inputs: { clientCertificate: c.valid.certificate, clientKey: c.valid.privateKey }, stack: { "ontap:username": "admin" }, env: {} }),
    [["username", /^username "admin" \(from config ontap:username\) is not the common name of clientCertificate \(CN=pulumi-automation\), which ONTAP takes as the account/]],
  ],
  [
    "a certificate with its key in one PEM from stack config, and no clientKey",
    (c) => ({ inputs: {}, stack: { "ontap:clientCertificate": c.valid.certificate + c.valid.privateKey }, env: {} }),
    [["clientCertificate", /^clientCertificate \(from config ontap:clientCertificate\) holds a PEM private key, which would be kept in state in clear: give only the certificate there, and its key as clientKey \(argument clientKey, config ontap:clientKey or ONTAP_CLIENT_KEY\)/]],
  ],
  [
    "a certificate with its key in one PEM on one line with literal \\n, beside the key",
    (c) => ({ inputs: {}, stack: {}, env: { ONTAP_CLIENT_CERTIFICATE: `${c.valid.certificate}${c.valid.privateKey}`.trimEnd().split("\n").join("\\n"), ONTAP_CLIENT_KEY: c.valid.privateKey } }),
    [["clientCertificate", /^clientCertificate \(from environment ONTAP_CLIENT_CERTIFICATE\) holds a PEM private key/]],
  ],
  [
    "a certificate and key swapped",
    (c) => ({ inputs: { clientCertificate: c.valid.privateKey }, stack: { "ontap:clientKey": c.valid.certificate }, env: {} }),
    [["clientCertificate", /^clientCertificate \(from argument\) holds a private key and clientKey \(from config ontap:clientKey\) a certificate: the two are swapped/]],
  ],
  [
    "a key given as both certificate and key",
    (c) => ({ inputs: { clientCertificate: c.valid.privateKey, clientKey: c.valid.privateKey }, stack: {}, env: {} }),
    [["clientCertificate", /^clientCertificate \(from argument\) holds a PEM private key/]],
  ],
];

for (const [title, given, expected] of refused) {
  test(`connection refuses ${title}, naming the argument and where it came from, never quoting the key`, async (t) => {
    const c = await certificates();
    const { inputs, stack, env } = given(c);
    const failures = failuresOf(t, () => resolveConnection(inputs, config({ "ontap:host": "h", ...stack }), env));
    t.deepEqual(
      failures.map((f) => f.property),
      expected.map(([property]) => property),
      JSON.stringify(failures),
    );
    expected.forEach(([, reason], i) => t.regex(failures[i]?.reason ?? "", reason));
    const keys = [c.valid, c.other, c.expired].flatMap((cert) => keyBody(cert.privateKey));
    for (const failure of failures) t.false(keys.some((line) => failure.reason.includes(line)), failure.reason);
  });
}

test("check hides a client key of the wrong type like a password", (t) => {
  const failures = validateInputs({}, { clientKey: ["-----BEGIN PRIVATE KEY-----secret"], clientCertificate: 42 });
  t.deepEqual(failures.map((f) => f.property).sort(), ["clientCertificate", "clientKey"]);
  t.regex(failures.find((f) => f.property === "clientKey")?.reason ?? "", /^clientKey is \(hidden\); expected string$/);
  t.false(failures.some((f) => f.reason.includes("secret")));
});

const blamed: [string, unknown, ReturnType<typeof blamedArgument>][] = [
  ["401 with a password", new OntapApiError({ method: "GET", url: "u" }, { status: 401 }), "password"],
  ["403 with a password", new OntapApiError({ method: "GET", url: "u" }, { status: 403 }), "username"],
  ["401 with a certificate", new OntapApiError({ method: "GET", url: "u", authentication: "certificate" }, { status: 401 }), "clientCertificate"],
  ["403 with a certificate", new OntapApiError({ method: "GET", url: "u", authentication: "certificate" }, { status: 403 }), "clientCertificate"],
  ["a handshake ended over the client certificate", new OntapClientCertificateRefusedError({ method: "GET", url: "u" }, new Error("alert"), "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA"), "clientCertificate"],
  ["a cluster certificate not trusted", new OntapCertificateError({ method: "GET", url: "u" }, new Error("self-signed"), "SELF_SIGNED_CERT_IN_CHAIN"), "caCertificate"],
  ["a refused connection", new Error("ECONNREFUSED"), "host"],
];
for (const [what, error, property] of blamed) {
  test(`a failed live check blames ${property} for ${what}`, (t) => {
    t.is(blamedArgument(error), property);
  });
}

/** An HTTPS server on loopback that records the headers and TLS peer of each request. */
async function recordingServer(t: ExecutionContext): Promise<{ port: number; seen: { headers: IncomingHttpHeaders; peerCn: unknown }[]; ca: string }> {
  const server = await simulatorCertificate();
  const seen: { headers: IncomingHttpHeaders; peerCn: unknown }[] = [];
  const https = createHttpsServer(
    { key: server.privateKey, cert: server.certificate, requestCert: true, rejectUnauthorized: false, ca: server.clientCa.certificate },
    (req, res) => {
      const socket = req.socket as import("tls").TLSSocket;
      seen.push({ headers: req.headers, peerCn: socket.authorized ? socket.getPeerCertificate().subject.CN : undefined });
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    },
  );
  await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => https.close(() => resolve())));
  t.teardown(() => https.closeAllConnections());
  return { port: (https.address() as { port: number }).port, seen, ca: server.caCertificate };
}

test("with a client certificate the transport presents it in the handshake and sends no Authorization header", async (t) => {
  const { valid } = await certificates();
  const { port, seen, ca } = await recordingServer(t);
  const transport = new OntapTransport({ host: `127.0.0.1:${port}`, username: "pulumi-automation", clientCertificate: valid.certificate, clientKey: valid.privateKey, caCertificate: ca });
  t.teardown(() => transport.close());
  await transport.request({ method: "GET", path: "/api/cluster" });
  t.is(seen.length, 1);
  t.is(seen[0]?.peerCn, "pulumi-automation");
  t.false("authorization" in (seen[0]?.headers ?? {}));

  const basic = new OntapTransport({ host: `127.0.0.1:${port}`, username: "admin", password: "pw", caCertificate: ca });
  t.teardown(() => basic.close());
  await basic.request({ method: "GET", path: "/api/cluster" });
  t.is(seen[1]?.peerCn, undefined);
  t.is(seen[1]?.headers.authorization, `Basic ${Buffer.from("admin:pw").toString("base64")}`);
});

function lifecycleEnv(values: Record<string, string>): LifecycleEnv {
  return { config: config(values), env: {}, clock: { now: Date.now, sleep: async () => undefined }, log: () => undefined, transport: { attempts: 1 } };
}

/**
 * `openssl s_server` verifying client certificates inside the handshake, as a web server built on
 * OpenSSL does (Apache's `SSLVerifyClient require`): an untrusted or expired certificate gets a TLS alert.
 */
async function handshakeRefusingServer(t: ExecutionContext): Promise<{ port: number; ca: string }> {
  const server = await simulatorCertificate();
  const dir = await mkdtemp(join(tmpdir(), "handshake-refusing-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const files = { cert: join(dir, "server.pem"), key: join(dir, "server.key"), clientCa: join(dir, "client-ca.pem") };
  await Promise.all([writeFile(files.cert, server.certificate), writeFile(files.key, server.privateKey), writeFile(files.clientCa, server.clientCa.certificate)]);
  const child = spawn("openssl", ["s_server", "-accept", "127.0.0.1:0", "-cert", files.cert, "-key", files.key, "-CAfile", files.clientCa, "-Verify", "1", "-verify_return_error", "-www"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  t.teardown(() => void child.kill());
  const port = await new Promise<number>((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      const match = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    child.on("exit", (code) => reject(new Error(`openssl s_server exited ${code}: ${text}`)));
  });
  return { port, ca: server.caCertificate };
}

const handshakeCases: [string, keyof Certificates, RegExp][] = [
  ["from an unknown CA", "stranger", /alert unknown ca/],
  ["that expired (the local clock set back, so that only the cluster judges)", "expired", /alert certificate expired/],
];
for (const [what, which, alert] of handshakeCases) {
  test(`a cluster that ends the handshake over a certificate ${what} fails the preview on clientCertificate`, async (t) => {
    const client = (await certificates())[which];
    const { port, ca } = await handshakeRefusingServer(t);
    const env = lifecycleEnv({ "ontap:host": `127.0.0.1:${port}`, "ontap:caCertificate": ca, "ontap:clientCertificate": client.certificate, "ontap:clientKey": client.privateKey });
    const validFrom = Date.parse(new X509Certificate(client.certificate).validFrom);
    const failures = await preflight({ fips: { enabled: true } }, { ...env, clock: { ...env.clock, now: () => validFrom + 1000 } });
    t.deepEqual(failures.map((f) => f.property), ["clientCertificate"], JSON.stringify(failures));
    t.regex(failures[0]?.reason ?? "", /^cannot check the cluster: GET https:\/\/127\.0\.0\.1:\d+\/api\/cluster\?fields=version%2Cname%2Cuuid failed: /);
    t.regex(failures[0]?.reason ?? "", alert);
    t.regex(failures[0]?.reason ?? "", /The cluster ended the TLS handshake: it does not accept the client certificate\. Check clientCertificate \(argument clientCertificate, config ontap:clientCertificate or ONTAP_CLIENT_CERTIFICATE\): it must chain to/);
    t.false(keyBody(client.privateKey).some((line) => (failures[0]?.reason ?? "").includes(line)));
  });
}

test("a cluster that answers 401 to an unmapped certificate fails the preview on clientCertificate, with advice about the mapping", async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const client = await sim.issueClientCertificate({ commonName: "not-mapped" });
  const failures = await preflight(
    { fips: { enabled: true } },
    lifecycleEnv({ "ontap:host": sim.clusters[0]?.host ?? "", "ontap:caCertificate": sim.caCertificate, "ontap:clientCertificate": client.certificate, "ontap:clientKey": client.privateKey }),
  );
  t.deepEqual(failures.map((f) => f.property), ["clientCertificate"]);
  t.regex(failures[0]?.reason ?? "", /failed with HTTP 401: User is not authorized\. \(ONTAP error code 6691623\)\. The cluster refused the client certificate\. Check clientCertificate .*'security certificate install -type client-ca'.*-authentication-method cert'\.$/);
});
