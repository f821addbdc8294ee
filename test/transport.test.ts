/**
 * The transport against a hostile or broken server: real HTTPS on loopback, one server per test,
 * each answer scripted. Proves that no redirect is followed, bodies cut short or dripping are noticed,
 * answers are capped, retries fit the error and one deadline bounds every request.
 */
import test, { ExecutionContext } from "ava";
import { createServer as createHttpsServer } from "https";
import type { IncomingMessage, ServerResponse } from "http";
import { AddressInfo, Socket } from "net";
import { simulatorCertificate } from "../simulator/certificate";
import { Clock } from "../provider/ontap/clock";
import { OntapApiError, OntapRedirectError, OntapResponseTooLargeError } from "../provider/ontap/httpErrors";
import { OntapBodyStalledError, OntapDeadlineError, OntapNetworkError, OntapCertificateError } from "../provider/ontap/networkErrors";
import { OntapTransport, TransportOptions, retryAfterMs, shouldRetry } from "../provider/ontap/transport";
import { MAX_QUOTED_CHARS } from "../provider/ontap/redact";

type Handler = (req: IncomingMessage, res: ServerResponse, count: number) => void;

interface Served {
  host: string;
  port: number;
  /** Requests received, with the headers they carried. */
  requests: { method: string; url: string; authorization: string | undefined }[];
  /** TLS connections that reached the server (handshakes attempted). */
  connections: number;
  caCertificate: string;
}

/** An HTTPS server on 127.0.0.1 answering with `handler`; closed when the test ends. */
async function serve(t: ExecutionContext, handler: Handler): Promise<Served> {
  const certificate = await simulatorCertificate();
  const sockets = new Set<Socket>();
  const served: Served = { host: "", port: 0, requests: [], connections: 0, caCertificate: certificate.caCertificate };
  const server = createHttpsServer({ key: certificate.privateKey, cert: certificate.certificate }, (req, res) => {
    served.requests.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
    handler(req, res, served.requests.length);
  });
  server.on("connection", (socket: Socket) => {
    served.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  served.port = (server.address() as AddressInfo).port;
  served.host = `127.0.0.1:${served.port}`;
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return served;
}

/** Real time for timers, virtual pauses between attempts (recorded). */
class RecordingClock implements Clock {
  readonly sleeps: number[] = [];
  now(): number {
    return Date.now();
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
  }
}

const SECRET = "S3cr3t-pw-never-echoed";

function transportTo(t: ExecutionContext, served: Served, options: TransportOptions = {}, trust = true): OntapTransport {
  const transport = new OntapTransport(
    { host: served.host, username: "admin", password: SECRET, ...(trust ? { caCertificate: served.caCertificate } : {}) },
    { retryDelayMs: 1, ...options },
  );
  t.teardown(() => transport.close());
  return transport;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/hal+json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
};

const noSecret = (t: ExecutionContext, error: unknown): void => {
  t.false(JSON.stringify({ message: (error as Error).message, ...(error as object) }).includes(SECRET), "the password appears in the error");
};

for (const status of [301, 302, 303, 307, 308]) {
  test(`a ${status} redirect is reported, never followed, and its Location is quoted without userinfo`, async (t) => {
    const decoy = await serve(t, (_req, res) => json(res, 200, { uuid: "impostor", name: "impostor", version: { generation: 9, major: 16, minor: 1 } }));
    const cluster = await serve(t, (_req, res) => {
      res.writeHead(status, { location: `https://admin:${SECRET}@${decoy.host}/api/cluster` });
      res.end();
    });
    const transport = transportTo(t, cluster);
    const error = await t.throwsAsync(transport.request({ method: "PATCH", path: "/api/security", body: { fips: { enabled: true } } }), {
      instanceOf: OntapRedirectError,
    });
    t.is(error?.status, status);
    t.is(error?.location, `https://***@${decoy.host}/api/cluster`);
    t.regex(error?.message ?? "", new RegExp(`HTTP ${status}`));
    noSecret(t, error);
    t.is(decoy.requests.length, 0, "a request reached the redirect's target");
    t.is(decoy.connections, 0, "a connection reached the redirect's target");
    t.is(cluster.requests.length, 1, "a redirect is not retried");
  });
}

test("a body cut short is a network error at once, not a timeout, and is retried", async (t) => {
  const cluster = await serve(t, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": 1000 });
    res.write('{"uuid":"');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  const transport = transportTo(t, cluster, { requestTimeoutMs: 600_000, bodyTimeoutMs: 600_000, attempts: 3 });
  const error = await t.throwsAsync(transport.request({ method: "GET", path: "/api/cluster" }), { instanceOf: OntapNetworkError });
  t.regex(error?.message ?? "", /cut short/);
  t.is(cluster.requests.length, 3);
});

/** A server whose every answer sends its headers, then drips a space every 20 ms and never ends. */
async function dripping(t: ExecutionContext): Promise<Served> {
  const timers = new Set<NodeJS.Timeout>();
  t.teardown(() => timers.forEach(clearInterval));
  return serve(t, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": 1000 });
    const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(" ")), 20);
    timers.add(timer);
  });
}

test("a body that drips ends the request at the first body bound, with four attempts allowed", async (t) => {
  const cluster = await dripping(t);
  const clock = new RecordingClock();
  const transport = transportTo(t, cluster, { requestTimeoutMs: 600_000, bodyTimeoutMs: 150, attempts: 4, clock });
  const started = Date.now();
  const error = await t.throwsAsync(transport.request({ method: "GET", path: "/api/cluster" }), { instanceOf: OntapBodyStalledError });
  const elapsed = Date.now() - started;
  t.regex(error?.message ?? "", /^GET https:\/\/127\.0\.0\.1:\d+\/api\/cluster failed: the answer's body did not arrive within 150 ms of its headers \(it stalled or dripped\)$/);
  t.is(error?.bodyTimeoutMs, 150);
  t.true(error?.retryable, "still a network fault: a PATCH's answer so lost is judged by asking the cluster");
  t.is(cluster.requests.length, 1, "not asked again");
  t.deepEqual(clock.sleeps, [], "no pause for a retry");
  t.true(elapsed < 4 * 150, `one body bound, not four: ${elapsed} ms`);
});

test("a job poll whose body drips is asked again: the job runs on, and the attempts stay bounded", async (t) => {
  const cluster = await dripping(t);
  const transport = transportTo(t, cluster, { requestTimeoutMs: 600_000, bodyTimeoutMs: 100, attempts: 3 });
  await t.throwsAsync(transport.request({ method: "GET", path: "/api/cluster/jobs/j1", retryAfterStall: true }), { instanceOf: OntapBodyStalledError });
  t.is(cluster.requests.length, 3);
});

test("an answer declared larger than the cap is refused from its headers, once", async (t) => {
  const cluster = await serve(t, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": 50 * 1024 * 1024 });
    res.write("{");
  });
  const transport = transportTo(t, cluster, { maxResponseBytes: 64 * 1024 });
  const error = await t.throwsAsync(transport.request({ method: "GET", path: "/api/cluster" }), { instanceOf: OntapResponseTooLargeError });
  t.is(error?.limitBytes, 64 * 1024);
  t.is(cluster.requests.length, 1);
});

test("a chunked answer past the cap stops being read, once", async (t) => {
  let written = 0;
  const cluster = await serve(t, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = (): void => {
      while (!res.destroyed && written < 200 * 1024 * 1024) {
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  const transport = transportTo(t, cluster, { maxResponseBytes: 256 * 1024 });
  await t.throwsAsync(transport.request({ method: "GET", path: "/api/cluster" }), { instanceOf: OntapResponseTooLargeError });
  t.is(cluster.requests.length, 1);
  t.true(written < 50 * 1024 * 1024, `the server wrote ${written} bytes before the client hung up`);
});

test("Retry-After on a 503 sets the pause, and the next attempt succeeds", async (t) => {
  const cluster = await serve(t, (_req, res, n) =>
    n === 1 ? json(res, 503, { error: { message: "busy" } }, { "retry-after": "3" }) : json(res, 200, { ok: true }),
  );
  const clock = new RecordingClock();
  const transport = transportTo(t, cluster, { clock });
  const response = await transport.request({ method: "GET", path: "/api/cluster" });
  t.deepEqual(response.body, { ok: true });
  t.deepEqual(clock.sleeps, [3000]);
});

test("a Retry-After beyond the deadline ends the operation with the server's answer, without waiting", async (t) => {
  const cluster = await serve(t, (_req, res) => json(res, 429, { error: { message: "slow down" } }, { "retry-after": "600" }));
  const clock = new RecordingClock();
  const transport = transportTo(t, cluster, { clock, deadline: Date.now() + 5_000 });
  const error = await t.throwsAsync(transport.request({ method: "GET", path: "/api/cluster" }), { instanceOf: OntapApiError });
  t.is(error?.status, 429);
  t.is(error?.retryAfterMs, 600_000);
  t.regex(error?.message ?? "", /retry after 600 s/);
  t.deepEqual(clock.sleeps, []);
  t.is(cluster.requests.length, 1);
});

test("4xx answers other than 429 are not retried", async (t) => {
  for (const status of [400, 401, 403, 404, 405, 409]) {
    const cluster = await serve(t, (_req, res) => json(res, status, { error: { message: "no", code: "262179" } }));
    await t.throwsAsync(transportTo(t, cluster).request({ method: "GET", path: "/api/cluster" }), { instanceOf: OntapApiError });
    t.is(cluster.requests.length, 1, `HTTP ${status} was retried`);
  }
});

test("an untrusted certificate is a TLS error, tried once", async (t) => {
  const cluster = await serve(t, (_req, res) => json(res, 200, {}));
  const transport = transportTo(t, cluster, {}, false);
  const error = await t.throwsAsync(transport.request({ method: "GET", path: "/api/cluster" }), { instanceOf: OntapCertificateError });
  t.is(error?.retryable, false);
  t.is(cluster.connections, 1);
  t.is(cluster.requests.length, 0);
});

test("a certificate for another name is a TLS error, tried once", async (t) => {
  const cluster = await serve(t, (_req, res) => json(res, 200, {}));
  // The certificate names 127.0.0.1 and localhost; 127.0.0.1 under another spelling is another name.
  const transport = new OntapTransport(
    { host: `[::ffff:127.0.0.1]:${cluster.port}`, username: "admin", password: SECRET, caCertificate: cluster.caCertificate },
    { retryDelayMs: 1 },
  );
  t.teardown(() => transport.close());
  const error = await t.throwsAsync(transport.request({ method: "GET", path: "/api/cluster" }), { instanceOf: OntapCertificateError });
  t.is(error?.tlsCode, "ERR_TLS_CERT_ALTNAME_INVALID");
  t.is(cluster.connections, 1);
});

test("a request that is never answered ends at the deadline, naming what was in flight and the job", async (t) => {
  const cluster = await serve(t, () => undefined);
  const transport = transportTo(t, cluster, { requestTimeoutMs: 600_000, deadline: Date.now() + 2_000 });
  const error = await t.throwsAsync(transport.request({ method: "GET", path: "/api/cluster/jobs/0f1e-job" }), { instanceOf: OntapDeadlineError });
  t.is(error?.jobUuid, "0f1e-job");
  t.regex(error?.message ?? "", /deadline passed .* while waiting for an answer: GET https:\/\/127\.0\.0\.1:\d+\/api\/cluster\/jobs\/0f1e-job/);
  t.true(cluster.requests.length <= 1, `${cluster.requests.length} requests: ${error?.message}`);
});

test("a PATCH whose caller forbids resending is sent once after a network failure; GET is retried", async (t) => {
  const cluster = await serve(t, (req) => req.socket.destroy());
  await t.throwsAsync(transportTo(t, cluster).request({ method: "PATCH", path: "/api/security", body: {}, resendAfterNetworkError: false }), {
    instanceOf: OntapNetworkError,
  });
  t.is(cluster.requests.length, 1);
  await t.throwsAsync(transportTo(t, cluster).request({ method: "GET", path: "/api/security" }), { instanceOf: OntapNetworkError });
  t.is(cluster.requests.length, 5);
});

test("a long ONTAP message is cut, and control characters in it are escaped", async (t) => {
  const cluster = await serve(t, (_req, res) => json(res, 400, { error: { message: `\u001b[2Kbad${"x".repeat(100_000)}`, code: "262179" } }));
  const error = await t.throwsAsync(transportTo(t, cluster).request({ method: "GET", path: "/api/cluster" }), { instanceOf: OntapApiError });
  t.true((error?.ontapMessage ?? "").length < MAX_QUOTED_CHARS + 60);
  t.true((error?.ontapMessage ?? "").startsWith("\\u001b[2Kbad"));
  t.true((error?.message ?? "").length < 1000);
});

test("retry decisions: what may heal is retried, nothing else", (t) => {
  const context = { method: "GET", url: "https://c/api/x" };
  const rows: [string, Parameters<typeof shouldRetry>[0], "GET" | "PATCH", boolean | undefined, boolean][] = [
    ["reset on GET", new OntapNetworkError(context, new Error("reset")), "GET", undefined, true],
    ["reset on PATCH, resend allowed", new OntapNetworkError(context, new Error("reset")), "PATCH", undefined, true],
    ["reset on PATCH, resend forbidden", new OntapNetworkError(context, new Error("reset")), "PATCH", false, false],
    ["untrusted certificate", new OntapCertificateError(context, new Error("x"), "SELF_SIGNED_CERT_IN_CHAIN"), "GET", undefined, false],
    ["429", new OntapApiError(context, { status: 429 }), "GET", undefined, true],
    ["503 on PATCH, resend forbidden", new OntapApiError(context, { status: 503 }), "PATCH", false, true],
    ["500 on GET", new OntapApiError(context, { status: 500 }), "GET", undefined, true],
    ["500 on PATCH, resend allowed", new OntapApiError(context, { status: 500 }), "PATCH", undefined, true],
    ["500 on PATCH, resend forbidden: it may follow a job started", new OntapApiError(context, { status: 500 }), "PATCH", false, false],
    ["502 on PATCH, resend forbidden", new OntapApiError(context, { status: 502 }), "PATCH", false, false],
    ["configuration lock", new OntapApiError(context, { status: 409, code: "2621573" }), "PATCH", false, true],
    ["409 other", new OntapApiError(context, { status: 409, code: "1" }), "GET", undefined, false],
    ["400", new OntapApiError(context, { status: 400, code: "262179" }), "GET", undefined, false],
    ["403", new OntapApiError(context, { status: 403, code: "6" }), "GET", undefined, false],
    ["redirect", new OntapRedirectError(context, 302, undefined), "GET", undefined, false],
    ["too large", new OntapResponseTooLargeError(context, 10), "GET", undefined, false],
    ["deadline", new OntapDeadlineError(context, "waiting", {}), "GET", undefined, false],
    ["a stalled body on GET", new OntapBodyStalledError(context, 15_000), "GET", undefined, false],
    ["a stalled body on PATCH, resend allowed", new OntapBodyStalledError(context, 15_000), "PATCH", undefined, false],
  ];
  for (const [name, error, method, resend, expected] of rows) {
    t.is(shouldRetry(error, { method, ...(resend !== undefined ? { resendAfterNetworkError: resend } : {}) }), expected, name);
  }
  t.true(shouldRetry(new OntapBodyStalledError(context, 15_000), { method: "GET", retryAfterStall: true }), "a job poll's stalled body");
  t.false(shouldRetry(new OntapBodyStalledError(context, 15_000), { method: "PATCH", resendAfterNetworkError: false, retryAfterStall: true }), "a PATCH never blindly");
});

test("Retry-After is read as seconds or as an HTTP date", (t) => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  t.is(retryAfterMs("7", now), 7000);
  t.is(retryAfterMs("Thu, 01 Jan 2026 00:00:30 GMT", now), 30_000);
  t.is(retryAfterMs("Wed, 31 Dec 2025 00:00:00 GMT", now), 0);
  t.is(retryAfterMs("soon", now), undefined);
  t.is(retryAfterMs(null, now), undefined);
});
