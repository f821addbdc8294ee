/**
 * The fault matrix: one injected fault per row (network, TLS, HTTP, ONTAP errors, jobs, bad input),
 * each driven through Pulumi's own dynamic-provider host over gRPC against a simulated cluster, and
 * each asserting the same things:
 * - the outcome (success, the error and its words, or check's failures naming the property);
 * - that no credential appears anywhere: the error, the partial-failure record, the outputs, the host's
 *   stdout and stderr;
 * - how many PATCHes reached the cluster and how many jobs it started;
 * - that nothing reached the simulator's decoy listener (where redirects point);
 * - that after the failure the state the engine keeps agrees with the cluster, and a `read` does too.
 *
 * Table-driven: a fault is a row in ROWS. docs/reliability.md shows this table.
 */
import test, { ExecutionContext } from "ava";
import { SimCluster, Simulator, startSimulator } from "../../simulator";
import type { ClusterOptions } from "../../simulator";
import { ConfigValue, ProviderHost, ProviderHostError, Props, serializedProviderText, startProviderHost } from "../../harness/providerHost";

type Operation = "create" | "update" | "check" | "read";

/** What a row expects of its operation. */
type Outcome =
  | { ok: true }
  | { error: RegExp }
  | { failures: { property: string; reason: RegExp }[] };

interface Fixture {
  sim: Simulator;
  cluster: SimCluster;
  /** Stack config that reaches the cluster. */
  config: Record<string, ConfigValue>;
}

interface Row {
  /** The fault, as the table in docs/reliability.md names it. */
  fault: string;
  kind: "network" | "TLS" | "HTTP" | "ONTAP" | "job" | "time" | "input";
  cluster?: ClusterOptions;
  /** Program arguments besides `__provider` (default: turn FIPS on). */
  args?: Props;
  /** The `host` argument (default: the row's cluster). */
  hostArg?: (f: Fixture) => string;
  /**
   * Stack config for the operation, when it is not the fixture's. The provider host takes config once,
   * so such a row gets a host of its own for the operation (the baseline and the read use the shared one).
   */
  config?: (f: Fixture) => Record<string, ConfigValue>;
  op: Operation;
  /** Switches the fault on, after any baseline (an update's prior create) and just before the operation. */
  arm?: (f: Fixture) => void;
  outcome: Outcome;
  patches: number;
  jobs: number;
  /**
   * The cluster may still change after the failure (a job that runs on past the deadline): state
   * cannot know the end, so only `read` (refresh) is held to agree with the cluster.
   */
  stateMayLag?: true;
}

const FIPS_ON: Props = { fips: { enabled: true } };
const FAST = { jobDurationMs: 10 };
const spent = (kind: string, extra: Record<string, unknown> = {}) => ({ kind, ...extra });

const ROWS: Row[] = [
  // Network
  { fault: "connection refused (nothing listens at host)", kind: "network", op: "create", hostArg: () => "127.0.0.1:1", outcome: { error: /ECONNREFUSED/ }, patches: 0, jobs: 0 },
  { fault: "first connection dropped without an answer", kind: "network", op: "create", arm: (f) => (f.cluster.scenario.dropConnections = 1), outcome: { ok: true }, patches: 1, jobs: 1 },
  { fault: "every connection dropped", kind: "network", op: "create", arm: (f) => (f.cluster.scenario.dropConnections = 100), outcome: { error: /GET .*\/api\/cluster.* failed: .*socket hang up|ECONNRESET/ }, patches: 0, jobs: 0 },
  { fault: "one answer cut short (fewer bytes than Content-Length)", kind: "network", op: "create", arm: (f) => f.cluster.scenario.transportFaults.push(spent("truncate", { path: "/api/cluster" }) as never), outcome: { ok: true }, patches: 1, jobs: 1 },
  { fault: "every /api/security answer cut short", kind: "network", op: "create", arm: (f) => f.cluster.scenario.transportFaults.push(spent("truncate", { path: "/api/security", count: 100 }) as never), outcome: { error: /body cut short/ }, patches: 0, jobs: 0 },
  { fault: "a job poll's answer cut short once", kind: "network", op: "create", cluster: { scenario: { jobDurationMs: 2500 } }, args: { ...FIPS_ON, jobTimeoutSeconds: 4 }, arm: (f) => f.cluster.scenario.transportFaults.push(spent("truncate", { path: "/api/cluster/jobs/" }) as never), outcome: { ok: true }, patches: 1, jobs: 1 },
  // Time
  { fault: "a body that drips a byte every 400 ms (jobTimeoutSeconds 3)", kind: "time", op: "create", args: { ...FIPS_ON, jobTimeoutSeconds: 3 }, arm: (f) => f.cluster.scenario.transportFaults.push(spent("drip", { path: "/api/cluster", intervalMs: 400 }) as never), outcome: { error: /deadline passed \(3 s after the operation began\) while reading the answer: GET/ }, patches: 0, jobs: 0 },
  { fault: "preview's look at a cluster whose body drips (jobTimeoutSeconds 3)", kind: "time", op: "check", args: { ...FIPS_ON, jobTimeoutSeconds: 3 }, arm: (f) => f.cluster.scenario.transportFaults.push(spent("drip", { path: "/api/cluster", intervalMs: 400 }) as never), outcome: { failures: [{ property: "host", reason: /deadline passed \(3 s after the operation began\) while reading the answer/ }] }, patches: 0, jobs: 0 },
  { fault: "GET /api/cluster never answered (jobTimeoutSeconds 2)", kind: "time", op: "create", args: { ...FIPS_ON, jobTimeoutSeconds: 2 }, arm: (f) => f.cluster.scenario.transportFaults.push(spent("hang", { path: "/api/cluster" }) as never), outcome: { error: /deadline passed \(2 s after the operation began\) while waiting for an answer: GET .*\/api\/cluster/ }, patches: 0, jobs: 0 },
  { fault: "PATCH never answered, nothing done (jobTimeoutSeconds 3)", kind: "time", op: "update", args: { ...FIPS_ON, jobTimeoutSeconds: 3 }, arm: (f) => f.cluster.scenario.transportFaults.push(spent("hang", { method: "PATCH" }) as never), outcome: { error: /deadline passed .* while waiting for an answer: PATCH .*\/api\/security/ }, patches: 1, jobs: 0 },
  { fault: "PATCH carried out, its answer never sent (jobTimeoutSeconds 3)", kind: "time", op: "update", args: { ...FIPS_ON, jobTimeoutSeconds: 3 }, arm: (f) => f.cluster.scenario.transportFaults.push(spent("hang", { method: "PATCH", afterWork: true }) as never), outcome: { error: /deadline passed .* while waiting for an answer: PATCH/ }, patches: 1, jobs: 1 },
  { fault: "job poll never answered (jobTimeoutSeconds 3)", kind: "time", op: "update", cluster: { scenario: { jobDurationMs: 8000 } }, args: { ...FIPS_ON, jobTimeoutSeconds: 3 }, arm: (f) => f.cluster.scenario.transportFaults.push(spent("hang", { path: "/api/cluster/jobs/", count: 100 }) as never), outcome: { error: /deadline passed .* GET .*\/api\/cluster\/jobs\/[0-9a-f-]{36}\. Job [0-9a-f-]{36} was not cancelled/ }, patches: 1, jobs: 1, stateMayLag: true },
  { fault: "job still running at the deadline (jobTimeoutSeconds 3)", kind: "job", op: "update", args: { ...FIPS_ON, jobTimeoutSeconds: 3 }, arm: (f) => (f.cluster.scenario.stuckJobs = true), outcome: { error: /is still running on the cluster|Job [0-9a-f-]{36} was not cancelled/ }, patches: 1, jobs: 1, stateMayLag: true },
  // HTTP
  { fault: "answer declared at 64 MiB", kind: "HTTP", op: "create", arm: (f) => f.cluster.scenario.transportFaults.push(spent("huge", { path: "/api/cluster" }) as never), outcome: { error: /answered more than 4194304 bytes/ }, patches: 0, jobs: 0 },
  { fault: "answer streamed past the cap without a length", kind: "HTTP", op: "create", arm: (f) => f.cluster.scenario.transportFaults.push(spent("huge", { path: "/api/security", declareLength: false, bytes: 32 * 1024 * 1024 }) as never), outcome: { error: /answered more than 4194304 bytes/ }, patches: 0, jobs: 0 },
  { fault: "503 with Retry-After: 1, once", kind: "HTTP", op: "create", arm: (f) => f.cluster.scenario.transportFaults.push(spent("retryAfter", { path: "/api/cluster" }) as never), outcome: { ok: true }, patches: 1, jobs: 1 },
  { fault: "429 with Retry-After past the deadline", kind: "HTTP", op: "create", args: { ...FIPS_ON, jobTimeoutSeconds: 60 }, arm: (f) => f.cluster.scenario.transportFaults.push(spent("retryAfter", { status: 429, retryAfter: "3600", count: 100 }) as never), outcome: { error: /HTTP 429.*asked to retry after 3600 s/ }, patches: 0, jobs: 0 },
  { fault: "302 redirect to another listener", kind: "HTTP", op: "create", arm: (f) => f.cluster.scenario.transportFaults.push(spent("redirect") as never), outcome: { error: /answered HTTP 302, a redirect to "https:\/\/127\.0\.0\.1:\d+\/api\/cluster\?fields=.*not followed/ }, patches: 0, jobs: 0 },
  { fault: "307 redirect of the PATCH", kind: "HTTP", op: "update", arm: (f) => f.cluster.scenario.transportFaults.push(spent("redirect", { method: "PATCH", status: 307 }) as never), outcome: { error: /PATCH .* answered HTTP 307/ }, patches: 1, jobs: 0 },
  { fault: "301 redirect whose Location carries credentials", kind: "HTTP", op: "read", arm: (f) => f.cluster.scenario.transportFaults.push(spent("redirect", { status: 301, location: `https://admin:${f.sim.password}@127.0.0.1:1/x` }) as never), outcome: { error: /redirect to "https:\/\/\*\*\*@127\.0\.0\.1:1\/x"/ }, patches: 0, jobs: 0 },
  { fault: "wrong password (401)", kind: "HTTP", op: "create", config: (f) => ({ ...f.config, "ontap:password": { secret: `${f.sim.password}-wrong` } }), outcome: { error: /HTTP 401/ }, patches: 0, jobs: 0 },
  { fault: "read-only account (403 on the PATCH)", kind: "HTTP", op: "update", config: (f) => ({ ...f.config, "ontap:username": f.sim.readOnlyUsername, "ontap:password": { secret: f.sim.readOnlyPassword } }), outcome: { error: /HTTP 403/ }, patches: 1, jobs: 0 },
  { fault: "two 500s, then answers", kind: "HTTP", op: "create", arm: (f) => (f.cluster.scenario.serverErrors = 2), outcome: { ok: true }, patches: 1, jobs: 1 },
  { fault: "500 on every request", kind: "HTTP", op: "create", arm: (f) => (f.cluster.scenario.serverErrors = 100), outcome: { error: /HTTP 500/ }, patches: 0, jobs: 0 },
  // TLS
  { fault: "certificate not trusted (no caCertificate)", kind: "TLS", op: "create", config: (f) => withoutCa(f.config), outcome: { error: /certificate.*not trusted|self.signed|unable to verify/i }, patches: 0, jobs: 0 },
  { fault: "certificate for another name", kind: "TLS", op: "create", hostArg: (f) => `[::ffff:127.0.0.1]:${f.cluster.host.split(":")[1]}`, outcome: { error: /ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate's altnames|not in the cert's list/ }, patches: 0, jobs: 0 },
  // ONTAP
  { fault: "MetroCluster configuration lock (2621573) twice", kind: "ONTAP", op: "create", arm: (f) => (f.cluster.scenario.configLocked = 2), outcome: { ok: true }, patches: 1, jobs: 1 },
  { fault: "mixed-release cluster (400 5636142)", kind: "ONTAP", op: "update", arm: (f) => (f.cluster.scenario.mixedRelease = true), outcome: { error: /5636142/ }, patches: 1, jobs: 0 },
  // ONTAP would answer 400 52428824: the plan refuses it from the settings it reads first, sending nothing.
  { fault: "TLSv1 asked while FIPS is on (400 52428824)", kind: "ONTAP", op: "create", cluster: { security: { fips: { enabled: true }, tls: { protocol_versions: ["TLSv1.3", "TLSv1.2"] } } }, args: { tls: { protocolVersions: ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] } }, outcome: { error: /52428824/ }, patches: 0, jobs: 0 },
  { fault: "ONTAP 9.7 cannot PATCH /api/security", kind: "ONTAP", op: "check", cluster: { version: "9.7.0" }, outcome: { failures: [{ property: "fips", reason: /9\.7\.0/ }] }, patches: 0, jobs: 0 },
  // Jobs
  { fault: "job fails with ONTAP's code", kind: "job", op: "update", arm: (f) => (f.cluster.scenario.failNextJobs = { count: 1, code: 917927, message: "Simulated job failure" }), outcome: { error: /917927/ }, patches: 1, jobs: 1 },
  { fault: "job failure answered as a 400 body with the job link", kind: "job", op: "update", arm: (f) => Object.assign(f.cluster.scenario, { failedJobAnswer: "error", failNextJobs: { count: 1, code: 917928, message: "Simulated" } }), outcome: { error: /917928/ }, patches: 1, jobs: 1 },
  { fault: "conversion refused in its job (196608081)", kind: "job", op: "update", args: { softwareDataEncryption: { conversionEnabled: true } }, arm: (f) => (f.cluster.scenario.dataVolumesPresent = true), outcome: { error: /196608081/ }, patches: 1, jobs: 1 },
  { fault: "job vanishes (404) after applying", kind: "job", op: "update", arm: (f) => (f.cluster.scenario.lostJobs = true), outcome: { ok: true }, patches: 1, jobs: 1 },
  { fault: "PATCH's answer lost after its job started", kind: "job", op: "update", cluster: { scenario: { jobDurationMs: 300 } }, arm: (f) => (f.cluster.scenario.patchAnswersLost = 1), outcome: { ok: true }, patches: 1, jobs: 1 },
  { fault: "PATCH's answer lost and its job did nothing: the rest sent once more", kind: "job", op: "update", arm: (f) => Object.assign(f.cluster.scenario, { patchAnswersLost: 1, jobsWithoutEffect: 1 }), outcome: { ok: true }, patches: 2, jobs: 2 },
  { fault: "conversion PATCH's answer lost and its job did nothing", kind: "job", op: "update", args: { softwareDataEncryption: { conversionEnabled: true } }, arm: (f) => Object.assign(f.cluster.scenario, { patchAnswersLost: 1, jobsWithoutEffect: 1 }), outcome: { error: /got no answer .*It was not sent again, so that a conversion never starts twice/ }, patches: 1, jobs: 1 },
  { fault: "job ends in success without effect", kind: "job", op: "update", arm: (f) => (f.cluster.scenario.jobsWithoutEffect = 1), outcome: { error: /ended in success, but the cluster does not show the change: fips\.enabled: asked true, cluster has false/ }, patches: 1, jobs: 1 },
  { fault: "someone else's security job running at the start", kind: "job", op: "update", arm: (f) => f.cluster.startSecurityJob({ management_protocols: { rsh_enabled: false } }, { durationMs: 500 }), outcome: { ok: true }, patches: 1, jobs: 2 },
  { fault: "someone else's security job outlives the deadline (jobTimeoutSeconds 2)", kind: "job", op: "update", args: { ...FIPS_ON, jobTimeoutSeconds: 2 }, arm: (f) => { f.cluster.scenario.stuckJobs = true; f.cluster.startSecurityJob({ management_protocols: { rsh_enabled: false } }); }, outcome: { error: /started before this update, is still running after \d+ s\. Nothing was sent\./ }, patches: 0, jobs: 1 },
  // Input
  { fault: "ontap:host config with the password in it", kind: "input", op: "check", config: (f) => ({ ...f.config, "ontap:host": `https://admin:${f.sim.password}@${f.cluster.host}` }), outcome: { failures: [{ property: "host", reason: /contains credentials/ }] }, patches: 0, jobs: 0 },
  { fault: "host argument of another scheme with the password and a #", kind: "input", op: "check", hostArg: (f) => `ftp://admin:${f.sim.password}#x@${f.cluster.host}`, outcome: { failures: [{ property: "", reason: /host "ftp:\/\/\*\*\*@127\.0\.0\.1:\d+" contains credentials/ }] }, patches: 0, jobs: 0 },
  { fault: "username with a colon", kind: "input", op: "check", args: { ...FIPS_ON, username: "corp:admin" }, outcome: { failures: [{ property: "", reason: /cannot carry/ }] }, patches: 0, jobs: 0 },
  { fault: "caCertificate that is not a certificate", kind: "input", op: "check", config: (f) => ({ ...f.config, "ontap:caCertificate": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" }), outcome: { failures: [{ property: "caCertificate", reason: /not a certificate Node can parse/ }] }, patches: 0, jobs: 0 },
  { fault: "empty host argument", kind: "input", op: "check", args: { ...FIPS_ON, host: "" }, outcome: { failures: [{ property: "host", reason: /empty string/ }] }, patches: 0, jobs: 0 },
];

function withoutCa(config: Record<string, ConfigValue>): Record<string, ConfigValue> {
  const copy = { ...config };
  delete copy["ontap:caCertificate"];
  return copy;
}

/** The settings a state or a read reports, and the cluster's, in one comparable shape. */
function settingsOf(props: Props): unknown {
  const p = props as {
    fips?: { enabled?: boolean };
    tls?: { protocolVersions?: string[] };
    managementProtocols?: unknown;
    softwareDataEncryption?: { conversionEnabled?: boolean; disabledByDefault?: boolean };
  };
  return {
    fips: p.fips?.enabled,
    tls: p.tls?.protocolVersions === undefined ? undefined : [...p.tls.protocolVersions].sort(),
    managementProtocols: p.managementProtocols,
    conversion: p.softwareDataEncryption?.conversionEnabled,
  };
}

function clusterSettings(cluster: SimCluster): unknown {
  const s = cluster.security;
  return settingsOf({
    fips: s.fips,
    tls: s.tls === undefined ? undefined : { protocolVersions: s.tls.protocol_versions },
    managementProtocols:
      s.management_protocols === undefined ? undefined : { rshEnabled: s.management_protocols.rsh_enabled, telnetEnabled: s.management_protocols.telnet_enabled },
    softwareDataEncryption: s.software_data_encryption === undefined ? undefined : { conversionEnabled: s.software_data_encryption.conversion_enabled },
  });
}

let sharedPromise: Promise<{ sim: Simulator; host: ProviderHost; provider: string }> | undefined;

/**
 * One simulator with a cluster per row, and one provider host configured with the simulator's
 * credentials and CA: rows give `host` as an argument, so the host's one-time config serves them all.
 */
function shared(): Promise<{ sim: Simulator; host: ProviderHost; provider: string }> {
  sharedPromise ??= (async () => {
    const provider = await serializedProviderText({});
    const sim = await startSimulator({ clusters: ROWS.map((row) => ({ ...row.cluster, scenario: { ...FAST, ...row.cluster?.scenario } })) });
    const host = await startProviderHost({ callTimeoutMs: 120_000 });
    await host.configure(configOf(sim));
    return { sim, host, provider };
  })();
  return sharedPromise;
}

function configOf(sim: Simulator): Record<string, ConfigValue> {
  return { "ontap:username": sim.username, "ontap:password": { secret: sim.password }, "ontap:caCertificate": sim.caCertificate };
}

test.after.always(async () => {
  if (sharedPromise === undefined) return;
  const { sim, host } = await sharedPromise;
  await host.close();
  await sim.close();
});

async function settle(cluster: SimCluster): Promise<void> {
  const scenario = cluster.scenario;
  Object.assign(scenario, { transportFaults: [], dropConnections: 0, serverErrors: 0, configLocked: 0, stuckJobs: false, mixedRelease: false });
  for (let i = 0; i < 300 && [...cluster.jobs.values()].some((job) => job.state !== "success" && job.state !== "failure"); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function runRow(t: ExecutionContext, row: Row, index: number): Promise<void> {
  const { sim, host: sharedHost, provider } = await shared();
  const cluster = sim.clusters[index] as SimCluster;
  const config = configOf(sim);
  const fixture: Fixture = { sim, cluster, config };
  let host = sharedHost;
  if (row.config !== undefined) {
    host = await startProviderHost({ callTimeoutMs: 120_000 });
    t.teardown(() => host.close());
    await host.configure(row.config(fixture));
  }
  const secrets = [sim.password, sim.readOnlyPassword];
  const outputStart = host.output().length;
  const sharedOutputStart = sharedHost.output().length;
  const decoyRequests = sim.decoy.requests.length;
  const decoyConnections = sim.decoy.connections();

  const args: Props = { __provider: provider, host: row.hostArg ? row.hostArg(fixture) : cluster.host, ...(row.args ?? FIPS_ON) };
  if (row.config?.(fixture)["ontap:host"] !== undefined) delete args.host;

  // An update or a read starts from a state a baseline create recorded, with the cluster as it is.
  let state: Props | undefined;
  let id = "";
  if (row.op === "update" || row.op === "read") {
    const baseline = await sharedHost.create({ __provider: provider, host: cluster.host, fips: { enabled: cluster.security.fips?.enabled ?? false } });
    state = baseline.properties;
    id = baseline.id;
  }
  const before = clusterSettings(cluster);
  const patchesBefore = cluster.patches().length;
  const jobsBefore = cluster.startedJobs.length;
  row.arm?.(fixture);

  let error: ProviderHostError | undefined;
  let outputs: Props | undefined;
  let failures: { property: string; reason: string }[] = [];
  let returnedInputs: Props | undefined;
  try {
    if (row.op === "create") {
      const created = await host.create(args);
      outputs = created.properties;
      id = created.id;
    } else if (row.op === "update") {
      outputs = (await host.update(id, state ?? {}, args, state)).properties;
    } else if (row.op === "read") {
      outputs = (await host.read(id, state ?? {})).properties;
    } else {
      const checked = await host.check({}, args);
      failures = checked.failures;
      returnedInputs = checked.inputs;
    }
  } catch (caught) {
    if (!(caught instanceof ProviderHostError)) throw caught;
    error = caught;
  }

// The outcome.
  const outcome = row.outcome;
  if ("ok" in outcome) {
    t.is(error, undefined, `expected success, got: ${error?.details}`);
  } else if ("error" in outcome) {
    t.not(error, undefined, "expected the operation to fail");
    t.regex(error?.details ?? "", outcome.error);
  } else {
    t.is(error, undefined, `check threw: ${error?.details}`);
    t.deepEqual(failures.map((f) => f.property), outcome.failures.map((f) => f.property));
    outcome.failures.forEach((f, i) => t.regex(failures[i]?.reason ?? "", f.reason));
  }

  // No credential anywhere.
  const seen =
    JSON.stringify({ details: error?.details, initFailure: error?.initFailure, outputs, failures, returnedInputs }) +
    host.output().slice(outputStart) +
    sharedHost.output().slice(sharedOutputStart);
  for (const secret of secrets) t.false(seen.includes(secret), `a password appears in what the engine or the user sees:\n${seen.slice(0, 2000)}`);

  // What reached the cluster, and nothing elsewhere.
  t.is(cluster.patches().length - patchesBefore, row.patches, "PATCHes that reached the cluster");
  t.is(cluster.startedJobs.length - jobsBefore, row.jobs, "jobs the cluster started");
  t.is(sim.decoy.requests.length - decoyRequests, 0, "a request reached the redirect's target");
  t.is(sim.decoy.connections() - decoyConnections, 0, "a connection reached the redirect's target");

  // Every fault armed for one request hit one (a row whose fault never fired proves nothing).
  // An unset count means once, as the simulator reads it.
  for (const fault of cluster.scenario.transportFaults) t.true((fault.count ?? 1) === 0 || (fault.count ?? 1) > 50, `${fault.kind} fault not spent`);

  // State and cluster tell the same story, then and after a read.
  const recorded = outputs ?? error?.initFailure?.properties ?? state;
  const atFailure = clusterSettings(cluster);
  if (recorded !== undefined && row.op !== "check") {
    if (!row.stateMayLag) t.deepEqual(settingsOf(recorded), atFailure, "state disagrees with the cluster");
  } else {
    t.deepEqual(atFailure, before, "nothing recorded, yet the cluster changed");
  }
  await settle(cluster);
  if (row.op !== "check") {
    const read = await sharedHost.read(id === "" ? cluster.uuid : id, { ...(recorded ?? {}), __provider: provider, host: cluster.host });
    t.deepEqual(settingsOf(read.properties), clusterSettings(cluster), "a read disagrees with the cluster");
  }
}

ROWS.forEach((row, index) => test.serial(`${row.kind}: ${row.fault}`, (t) => runRow(t, row, index)));

test.serial("every row of the matrix is a different fault", (t) => {
  t.is(new Set(ROWS.map((row) => row.fault)).size, ROWS.length, "two rows share a name");
});

test.serial("control: a client that follows redirects does send the Authorization header to the decoy", async (t) => {
  // Proves the decoy rows can fail: what node-fetch does by default is what the transport must not do.
  const sim = await startSimulator({ clusters: [{ scenario: { transportFaults: [{ kind: "redirect", count: 1 }] } }] });
  t.teardown(() => sim.close());
  const fetch = (await import("node-fetch")).default;
  const https = await import("https");
  const agent = new https.Agent({ ca: sim.caCertificate });
  t.teardown(() => agent.destroy());
  const cluster = sim.clusters[0] as SimCluster;
  const response = await fetch(`${cluster.url}/api/cluster`, { agent, headers: { authorization: `Basic ${Buffer.from(`${sim.username}:${sim.password}`).toString("base64")}` } });
  t.is(response.status, 200);
  t.deepEqual(sim.decoy.requests, [{ method: "GET", path: "/api/cluster", authorization: true }]);
});
