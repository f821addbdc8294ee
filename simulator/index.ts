// The ONTAP simulator: many fake ONTAP clusters over real HTTPS on 127.0.0.1, each on its own port,
// speaking `/api/cluster`, `/api/security`, `/api/cluster/jobs` and `/api/cluster/jobs/{uuid}` as documented in
// docs/ontap-api.md, and answering anything else with a loud ONTAP-style error.
//
// One TLS server (one certificate, one secure context) serves every cluster: each port is a plain TCP
// listener that hands its connections to it, and the local port tells which cluster a request is for.
// The server asks every client for a certificate (mutual TLS) without requiring one, so that basic
// authentication keeps working beside certificate authentication, as on a real cluster.

import { randomBytes, randomUUID } from "crypto";
import { createServer as createHttpsServer } from "https";
import { Server as NetServer, Socket, createServer as createNetServer } from "net";

import { ClientCertificate, ClientCertificateOptions, issueClientCertificate, simulatorCertificate } from "./certificate";
import { SimulatorClock, systemClock } from "./clock";
import { DEFAULT_VERSION, formatVersion, parseVersion } from "./ontapVersion";
import { Scenario, defaultScenario } from "./scenario";
import { SecurityStateInit, initialSecurityState } from "./securityState";
import { CertificateLogins, Credentials, Role, SimCluster, SimulatedCluster } from "./simCluster";

export type { FailNextJobs, Scenario, TransportFault } from "./scenario";
export type { EncryptionState, SecurityState, SecurityStateInit } from "./securityState";
export type { SecurityPatch } from "./securityPatch";
export type { RequestLogEntry, Role, SimCluster } from "./simCluster";
export type { ClientCertificate, ClientCertificateOptions } from "./certificate";
export type { JobState, SimJob } from "./simJob";
export type { OntapError, OntapErrorArgument } from "./ontapError";
export { KNOWN_VERSIONS } from "./ontapVersion";
export { ManualClock } from "./manualClock";
export { acceleratedClock, systemClock } from "./clock";
export type { SimulatorClock } from "./clock";
export { ENCRYPTION_CODES } from "./encryptionCodes";
export type { EncryptionCode } from "./encryptionCodes";
export { asFound } from "./presets";
export { ontapEnvironment, shellExports } from "./environment";
export type { SimulatorAddress } from "./environment";
export type { AsFoundSecurity } from "./presets";

/** How to start one simulated cluster. */
export interface ClusterOptions {
  /** ONTAP release: one of `KNOWN_VERSIONS` ("9.6.0" to "9.19.1"; any 9.x.y ≥ 9.6 is gated by number). Default "9.16.1". */
  version?: string;
  /** Cluster name. Default `sim-cluster-<n>` (1-based). */
  name?: string;
  /** Cluster uuid. Default: random. */
  uuid?: string;
  /** Initial settings, wire-shaped, overlaid on the release's defaults; a field the release lacks throws. */
  security?: SecurityStateInit;
  /** Initial scenario switches; see {@link Scenario} for the defaults. */
  scenario?: Partial<Scenario>;
}

/** How to start a simulator. */
export interface SimulatorOptions {
  /** How many default clusters, or one options object per cluster. Default 1. */
  clusters?: number | ClusterOptions[];
  /**
   * Port of the first cluster; the others take the next ports in order. Default: each cluster gets a free
   * port from the OS. (An addition to the original contract, for the CLI's `--port`.)
   */
  port?: number;
  /**
   * The clusters' time: job steps, `return_timeout` holds, latency, and the transport faults that spoil
   * a body over time (`truncate`, `drip`). Default: the wall clock. A {@link ManualClock} lets a test
   * move jobs along without waiting; on it, nothing timed happens until the test moves it.
   * {@link acceleratedClock} runs them faster, for a client that itself waits on the wall clock.
   */
  clock?: SimulatorClock;
}

/** A running simulator. */
export interface Simulator {
  /** The clusters, in the order they were asked for. */
  clusters: SimCluster[];
  /** PEM of the CA that signed the server certificate: trust it, never disable verification. */
  caCertificate: string;
  /** The admin user: may GET and PATCH. */
  username: string;
  /** The admin's password, random per simulator. */
  password: string;
  /** A read-only user: GET works, PATCH answers 403 code `6`. */
  readOnlyUsername: string;
  /** The read-only user's password, random per simulator. */
  readOnlyPassword: string;
  /**
   * PEM of the CA whose client certificates every cluster accepts: on a real cluster, the certificate
   * installed with `security certificate install -type client-ca -vserver <cluster>`.
   */
  clientCaCertificate: string;
  /**
   * Lets a client certificate with this common name in, with this role, on every cluster: what
   * `security login create -user-or-group-name <name> -application http -authentication-method cert
   * -role <role>` does. A certificate whose name has no such login is answered 401.
   */
  createCertificateLogin(commonName: string, role: Role): void;
  /** Issues a client certificate (signed by the client CA unless told otherwise); see {@link ClientCertificateOptions}. */
  issueClientCertificate(options: ClientCertificateOptions): Promise<ClientCertificate>;
  /**
   * A second listener on 127.0.0.1, not a cluster: where `redirect` transport faults point by default.
   * It answers 200 with an impostor cluster's identity and records every request it gets, so a test
   * can prove that nothing (least of all an Authorization header) was sent there.
   */
  decoy: Decoy;
  /** Stops every cluster: drops open connections, cancels job timers. Safe to call twice. */
  close(): Promise<void>;
}

/** The decoy listener; see {@link Simulator.decoy}. */
export interface Decoy {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** Every request it received: method, path and whether it carried an Authorization header. */
  readonly requests: { method: string; path: string; authorization: boolean }[];
  /** TCP connections it accepted (a client that only connected is counted here). */
  readonly connections: () => number;
}

/**
 * Starts a simulator with one or more clusters listening on 127.0.0.1, for a user's own tests:
 *
 * ```ts
 * const sim = await startSimulator({
 *   clusters: [
 *     { version: "9.16.1", security: { management_protocols: { telnet_enabled: true } } },
 *     { version: "9.8.0", scenario: { jobDurationMs: 5_000, failNextJobs: { count: 1, code: 52559974, message: "…" } } },
 *   ],
 * });
 * // run `pulumi` (or the Automation API) with ontapEnvironment(sim) in its environment, then:
 * const patches = sim.clusters[0].patches(); // or .requests: every request, oldest first
 * await sim.close();
 * ```
 */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const clusterOptions = normalizeClusters(opts.clusters);
  const certificate = await simulatorCertificate();
  const credentials: Credentials = {
    username: "admin",
    password: randomBytes(18).toString("base64url"),
    readOnlyUsername: "monitor",
    readOnlyPassword: randomBytes(18).toString("base64url"),
  };
  const certificateLogins: CertificateLogins = new Map();
  // Built before any port is opened, so bad options throw without leaving listeners behind.
  const blueprints = clusterOptions.map((options, index) => {
    const version = parseVersion(options.version ?? DEFAULT_VERSION);
    return {
      name: options.name ?? `sim-cluster-${index + 1}`,
      uuid: options.uuid ?? randomUUID(),
      version,
      versionText: formatVersion(version),
      security: initialSecurityState(version, options.security),
      scenario: defaultScenario(options.scenario),
    };
  });

  const byPort = new Map<number, SimulatedCluster>();
  const sockets = new Set<Socket>();
  const tlsOptions = {
    key: certificate.privateKey,
    cert: certificate.certificate,
    // Ask for a client certificate and verify it against the client CA, but let the handshake go on
    // without one, or with one that does not verify: each request is then judged by SimulatedCluster
    // (see its `authenticate`), which answers 401 to a certificate it cannot accept.
    requestCert: true,
    rejectUnauthorized: false,
    ca: certificate.clientCa.certificate,
  };
  const decoyRequests: Decoy["requests"] = [];
  let decoyConnections = 0;
  let decoyPort = -1;
  const tlsServer = createHttpsServer(tlsOptions, (req, res) => {
    if (req.socket.localPort === decoyPort) {
      decoyRequests.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization !== undefined });
      const text = JSON.stringify({ uuid: "00000000-0000-4000-8000-00000000dec0", name: "impostor", version: { full: "NetApp Release 9.16.1", generation: 9, major: 16, minor: 1 } });
      res.writeHead(200, { "Content-Type": "application/hal+json", "Content-Length": Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    const cluster = byPort.get(req.socket.localPort ?? -1);
    if (cluster === undefined) {
      req.socket.destroy();
      return;
    }
    void cluster.handle(req, res);
  });
  tlsServer.keepAliveTimeout = 5_000;
  // A client that gives up mid-handshake is not the simulator's problem; never crash the test process.
  tlsServer.on("tlsClientError", (_error, socket) => socket.destroy());

  const listeners: NetServer[] = [];
  const clusters: SimulatedCluster[] = [];
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      clusters.forEach((cluster) => cluster.close());
      for (const socket of sockets) socket.destroy();
      tlsServer.closeAllConnections();
      await Promise.all(listeners.map((listener) => new Promise<void>((resolve) => listener.close(() => resolve()))));
    })();
    return closed;
  };

  const decoy = createNetServer((socket) => {
    decoyConnections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    tlsServer.emit("connection", socket);
  });
  listeners.push(decoy);
  try {
    decoyPort = await listen(decoy, 0);
    await Promise.all(
      blueprints.map(async (blueprint, index) => {
        const listener = createNetServer((socket) => {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => socket.destroy());
          tlsServer.emit("connection", socket);
        });
        listeners.push(listener);
        const port = await listen(listener, opts.port === undefined ? 0 : opts.port + index);
        const cluster = new SimulatedCluster(
          port,
          blueprint.uuid,
          blueprint.name,
          blueprint.version,
          blueprint.versionText,
          blueprint.security,
          blueprint.scenario,
          credentials,
          certificateLogins,
          opts.clock ?? systemClock,
        );
        cluster.decoyUrl = `https://127.0.0.1:${decoyPort}`;
        byPort.set(port, cluster);
        clusters[index] = cluster;
      }),
    );
  } catch (error) {
    await close();
    throw error;
  }

  return {
    clusters,
    caCertificate: certificate.caCertificate,
    ...credentials,
    clientCaCertificate: certificate.clientCa.certificate,
    createCertificateLogin(commonName, role) {
      if (commonName.trim() === "") throw new Error("ONTAP simulator: a certificate login needs a common name");
      if (role !== "admin" && role !== "readonly") throw new Error(`ONTAP simulator: role ${JSON.stringify(role)} is not simulated; use admin or readonly`);
      certificateLogins.set(commonName, role);
    },
    issueClientCertificate,
    decoy: { url: `https://127.0.0.1:${decoyPort}`, requests: decoyRequests, connections: () => decoyConnections },
    close,
  };
}

function normalizeClusters(clusters: SimulatorOptions["clusters"]): ClusterOptions[] {
  if (clusters === undefined) return [{}];
  if (typeof clusters === "number") {
    if (!Number.isInteger(clusters) || clusters < 1) throw new Error(`ONTAP simulator: clusters must be a positive integer, got ${clusters}`);
    return Array.from({ length: clusters }, () => ({}));
  }
  if (clusters.length === 0) throw new Error("ONTAP simulator: clusters must not be an empty list");
  return clusters;
}

function listen(server: NetServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("ONTAP simulator: listener has no TCP address"));
      else resolve(address.port);
    });
  });
}
