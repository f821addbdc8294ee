/**
 * The whole lifecycle through Pulumi's own dynamic-provider host, over gRPC, as the engine drives it:
 * the provider text is the one a real `new ClusterSecurity(...)` serializes, the host runs in the
 * example program's folder and loads the implementation by package name, and a simulated ONTAP
 * cluster answers. Each test has its own simulator and its own host process.
 */
import test, { ExecutionContext } from "ava";
import * as path from "path";
import { SimCluster, Simulator, startSimulator } from "../../simulator";
import type { ClientCertificate, ClusterOptions } from "../../simulator";
import { ConfigValue, ProviderHost, ProviderHostError, Props, serializedProviderText, startProviderHost } from "../../harness/providerHost";

/** Jobs finish in a few milliseconds: the file stays fast. */
const FAST_JOBS = { jobDurationMs: 10 };

/** Connection values given to the probe resource whose provider text is captured: none may be in it. */
const PROBE = {
  host: "https://probe-cluster.example.invalid:8443",
  username: "probe-admin-7f3a",
  password: "probe-P4ssw0rd-9c1e5d",
  clientCertificate: "-----BEGIN CERTIFICATE-----\nprobe-client-certificate-2d7c\n-----END CERTIFICATE-----\n",
  clientKey: "-----BEGIN PRIVATE KEY-----\nprobe-client-key-5e1f08\n-----END PRIVATE KEY-----\n",
};

let serialized: Promise<string> | undefined;

/** The `__provider` text of a real `ClusterSecurity` given the probe's credentials; captured once per file. */
function providerText(): Promise<string> {
  serialized ??= serializedProviderText({ ...PROBE, fips: { enabled: true } });
  return serialized;
}

interface Fixture {
  sim: Simulator;
  cluster: SimCluster;
  host: ProviderHost;
  provider: string;
  /** `ontap:*` stack config that reaches the cluster, password as a secret. */
  stackConfig: Record<string, ConfigValue>;
}

/** A simulator with one cluster and a provider host, both closed when the test ends. */
async function setup(t: ExecutionContext, cluster: ClusterOptions = {}): Promise<Fixture> {
  const provider = await providerText();
  const sim = await startSimulator({ clusters: [{ ...cluster, scenario: { ...FAST_JOBS, ...cluster.scenario } }] });
  t.teardown(() => sim.close());
  const host = await startProviderHost();
  t.teardown(() => host.close());
  const only = sim.clusters[0];
  if (only === undefined) throw new Error("the simulator started no cluster");
  return {
    sim,
    cluster: only,
    host,
    provider,
    stackConfig: {
      "ontap:host": only.host,
      "ontap:username": sim.username,
      "ontap:password": { secret: sim.password },
      "ontap:caCertificate": sim.caCertificate,
    },
  };
}

/** Awaits a call expected to fail and returns its error, failing the test if it resolves. */
async function failureOf(t: ExecutionContext, call: Promise<unknown>): Promise<ProviderHostError> {
  const error = await t.throwsAsync(call, { instanceOf: ProviderHostError });
  if (error === undefined) throw new Error("expected the call to fail");
  return error;
}

const copy = <T>(value: T): T => structuredClone(value);

test("the serialized provider is a small shim that loads the package by name and holds no credential", async (t) => {
  const text = await providerText();
  // Stored twice per resource (inputs and outputs): it is most of what a cluster costs in state.
  t.true(Buffer.byteLength(text) < 256, `__provider is ${Buffer.byteLength(text)} bytes`);
  t.true(text.includes('require("pulumi-ontap-security/provider")'));
  for (const value of Object.values(PROBE)) t.false(text.includes(value), `__provider contains ${value}`);
  t.false(text.includes("probe-cluster"));
});

test("the provider text evaluates, as the provider host does, to the installed implementation", async (t) => {
  const text = await providerText();
  // The host's requireFromString: a module with no file of its own, resolving bare names from its cwd.
  const Module = require("module") as { new (id: string): NodeJS.Module & { _compile(code: string, file: string): void; paths: string[] }; _nodeModulePaths(dir: string): string[] };
  const examples = path.join(__dirname, "..", "..", "..", "examples");
  const host = new Module("<provider text>");
  host.paths = Module._nodeModulePaths(examples);
  host._compile(text, path.join(examples, "<provider text>"));
  const handler = (host.exports as { handler: () => unknown }).handler;
  t.is(handler(), (require(require.resolve("pulumi-ontap-security/provider", { paths: [examples] })) as { provider: unknown }).provider);
});

test("check, create, read, diff, update and delete run through the provider host against the cluster", async (t) => {
  const { cluster, host, provider, sim, stackConfig } = await setup(t);
  await host.configure(stackConfig);

  const desired: Props = {
    __provider: provider,
    fips: { enabled: false },
    tls: { protocolVersions: ["TLSv1.2", "TLSv1.3"] },
    managementProtocols: { rshEnabled: false, telnetEnabled: false },
  };
  const checked = await host.check({}, desired);
  t.deepEqual(checked.failures, []);
  t.deepEqual(checked.inputs, desired);

  // Create adopts: the cluster already is as asked, so nothing is sent but reads.
  cluster.clearLog();
  const created = await host.create(checked.inputs);
  t.is(created.id, cluster.uuid);
  t.deepEqual(cluster.patches(), []);
  t.true(cluster.requests.every((request) => request.method === "GET"));
  t.is(created.properties.__provider, provider);
  t.deepEqual(created.properties.fips, { enabled: false });
  t.deepEqual(created.properties.managementProtocols, { rshEnabled: false, telnetEnabled: false });
  t.deepEqual(created.properties.cluster, { uuid: cluster.uuid, name: cluster.name, version: cluster.version });
  t.false("password" in created.properties, "a password from stack config must not be copied into state");

  const read = await host.read(created.id, created.properties);
  t.is(read.id, cluster.uuid);
  t.is(read.properties.__provider, provider);
  t.deepEqual(read.properties.fips, { enabled: cluster.security.fips?.enabled });
  t.deepEqual(read.properties.tls, {
    protocolVersions: cluster.security.tls?.protocol_versions,
    cipherSuites: cluster.security.tls?.cipher_suites,
  });

  const unchanged = await host.diff(created.id, read.properties, desired, desired);
  t.is(unchanged.changes, "DIFF_NONE");
  t.deepEqual(unchanged.replaces, []);

  const wanted: Props = { ...desired, fips: { enabled: true } };
  t.deepEqual((await host.check(desired, wanted)).failures, []);
  const changed = await host.diff(created.id, read.properties, wanted, desired);
  t.is(changed.changes, "DIFF_SOME");
  t.deepEqual(changed.replaces, []);
  t.false(changed.deleteBeforeReplace);

  cluster.clearLog();
  const updated = await host.update(created.id, read.properties, wanted, desired);
  t.deepEqual(cluster.patches().map((patch) => patch.body), [{ fips: { enabled: true } }]);
  t.is(cluster.security.fips?.enabled, true);
  t.deepEqual(updated.properties.fips, { enabled: true });
  t.is(updated.properties.__provider, provider);
  t.regex(host.stdout(), /changing fips\.enabled/);
  t.is((await host.diff(created.id, updated.properties, wanted, wanted)).changes, "DIFF_NONE");

  // Delete lets go: not one request, the settings stay as they are.
  const before = copy(cluster.security);
  cluster.clearLog();
  await host.delete(created.id, updated.properties, wanted);
  t.deepEqual(cluster.requests, []);
  t.deepEqual(cluster.security, before);

  t.false(host.output().includes(sim.password), "the password appeared in the provider host's output");
});

test("a check with a bad input returns failures that name the field", async (t) => {
  const { cluster, host, provider, stackConfig } = await setup(t);
  await host.configure(stackConfig);
  cluster.clearLog();

  const typed = await host.check({}, { __provider: provider, fips: { enabled: "yes" } });
  t.true(typed.failures.length > 0);
  t.true(typed.failures.every((f) => f.property === "fips"), JSON.stringify(typed.failures));
  t.true(typed.failures.some((f) => /fips\.enabled/.test(f.reason) && f.reason.includes('"yes"')), JSON.stringify(typed.failures));

  const unknownSetting = await host.check({}, { __provider: provider, managementProtocols: { sshEnabled: false } });
  t.deepEqual(
    unknownSetting.failures.map((f) => f.property),
    ["managementProtocols"],
  );
  t.regex(unknownSetting.failures[0]?.reason ?? "", /sshEnabled/);

  const outOfRange = await host.check({}, { __provider: provider, jobTimeoutSeconds: 0, tls: { protocolVersions: ["TLSv1.4"] } });
  t.deepEqual(outOfRange.failures.map((f) => f.property).sort(), ["jobTimeoutSeconds", "tls"]);
  t.regex(outOfRange.failures.find((f) => f.property === "tls")?.reason ?? "", /TLSv1\.4/);

  t.deepEqual(cluster.requests, [], "input errors are found without asking the cluster");
});

test("a check turning softwareDataEncryption.conversionEnabled from true to false fails before anything is sent", async (t) => {
  const { cluster, host, provider, stackConfig } = await setup(t, { security: { software_data_encryption: { conversion_enabled: true } } });
  await host.configure(stackConfig);
  cluster.clearLog();

  const result = await host.check(
    { __provider: provider, softwareDataEncryption: { conversionEnabled: true } },
    { __provider: provider, softwareDataEncryption: { conversionEnabled: false } },
  );
  t.deepEqual(
    result.failures.map((f) => f.property),
    ["softwareDataEncryption"],
  );
  t.regex(result.failures[0]?.reason ?? "", /cannot be undone/);
  t.deepEqual(cluster.requests, [], "the one-way rule is enforced without a single request");

  // A first check (no old inputs) asking false on a converted cluster is refused too, by reading only.
  const fresh = await host.check({}, { __provider: provider, softwareDataEncryption: { conversionEnabled: false } });
  t.deepEqual(
    fresh.failures.map((f) => f.property),
    ["softwareDataEncryption"],
  );
  t.regex(fresh.failures[0]?.reason ?? "", /cannot be undone/);
  t.deepEqual(cluster.patches(), []);
  t.is(cluster.security.software_data_encryption?.conversion_enabled, true);
});

test("a job failing during an update returns ONTAP's code and records the cluster's actual settings", async (t) => {
  const { cluster, host, provider, stackConfig } = await setup(t);
  await host.configure(stackConfig);
  const adopted: Props = { __provider: provider, fips: { enabled: false } };
  const created = await host.create((await host.check({}, adopted)).inputs);

  cluster.scenario.dataVolumesPresent = true;
  const wanted: Props = { __provider: provider, fips: { enabled: true }, softwareDataEncryption: { conversionEnabled: true } };
  t.deepEqual((await host.check(adopted, wanted)).failures, []);
  cluster.clearLog();
  const error = await failureOf(t, host.update(created.id, created.properties, wanted, adopted));

  t.regex(error.message, /196608081/);
  t.regex(error.message, /Data volumes are present/);
  const failure = error.initFailure;
  if (failure === undefined) return t.fail("no ErrorResourceInitFailed details in grpc-status-details-bin");
  t.is(failure.id, cluster.uuid);
  t.is(failure.properties.__provider, provider);
  t.deepEqual(failure.properties.fips, { enabled: true });
  t.like(failure.properties.softwareDataEncryption as object, { conversionEnabled: false });
  t.true(failure.reasons.some((reason) => reason.includes("196608081")), failure.reasons.join("\n"));
  // FIPS went first and alone; the conversion was the second PATCH and its job failed.
  t.deepEqual(
    cluster.patches().map((patch) => patch.body),
    [{ fips: { enabled: true } }, { software_data_encryption: { conversion_enabled: true } }],
  );
  t.is(cluster.security.fips?.enabled, true);
  t.is(cluster.security.software_data_encryption?.conversion_enabled, false);

  // The next `up` starts from the recorded state and finishes the work.
  cluster.scenario.dataVolumesPresent = false;
  t.is((await host.diff(created.id, failure.properties, wanted, adopted)).changes, "DIFF_SOME");
  cluster.clearLog();
  const finished = await host.update(created.id, failure.properties, wanted, adopted);
  t.deepEqual(
    cluster.patches().map((patch) => patch.body),
    [{ software_data_encryption: { conversion_enabled: true } }],
  );
  t.like(finished.properties.softwareDataEncryption as object, { conversionEnabled: true });
});

test("credentials given as resource inputs never appear in the host's output or in an error message", async (t) => {
  const { cluster, host, provider, sim } = await setup(t, { scenario: { dataVolumesPresent: true } });
  await host.configure({});
  const wrongPassword = `${sim.password}-rotated`;
  const inputs: Props = {
    __provider: provider,
    host: cluster.url,
    username: sim.username,
    password: sim.password,
    caCertificate: sim.caCertificate,
    fips: { enabled: true },
    softwareDataEncryption: { conversionEnabled: true },
  };
  const leaks = (text: string) => text.includes(sim.password) || text.includes(wrongPassword);

  t.deepEqual((await host.check({}, inputs)).failures, []);
  const error = await failureOf(t, host.create(inputs));
  t.regex(error.message, /196608081/);
  t.false(leaks(error.message), error.message);
  t.false(error.initFailure?.reasons.some(leaks) ?? true);
  // State does hold the password (the engine encrypts it: the resource marks it a secret output).
  t.is(error.initFailure?.properties.password, sim.password);

  const badInputs = await host.check({}, { ...inputs, password: [sim.password], jobTimeoutSeconds: 0 });
  // A failure on the password goes without its property (the engine would print its value); the reason names it.
  t.true(badInputs.failures.some((f) => f.property === "" && /^password is \(hidden\)/.test(f.reason)), JSON.stringify(badInputs.failures));
  t.false(badInputs.failures.some((f) => f.property === "password"));
  t.false(badInputs.failures.some((f) => leaks(f.reason)), JSON.stringify(badInputs.failures));

  const rejected = await host.check({}, { ...inputs, password: wrongPassword });
  t.true(rejected.failures.length > 0, "a wrong password fails the check");
  t.false(rejected.failures.some((f) => leaks(f.reason)), JSON.stringify(rejected.failures));

  const refresh = await failureOf(t, host.read(cluster.uuid, { ...(error.initFailure?.properties ?? {}), password: wrongPassword }));
  t.regex(refresh.message, /401/);
  t.false(leaks(refresh.message), refresh.message);

  t.regex(host.stdout(), /changing fips\.enabled/, "the provider did log to the host's stdout");
  t.true(host.stderr().length > 0, "the failed read was printed on the host's stderr");
  t.false(leaks(host.output()), "a password appeared in the provider host's stdout or stderr");
});

test("diff with the roles swapped, as refresh sends it, does not throw", async (t) => {
  const { host, provider, stackConfig } = await setup(t);
  await host.configure(stackConfig);
  const inputs: Props = { __provider: provider, fips: { enabled: false }, tls: { protocolVersions: ["TLSv1.2"] } };
  const created = await host.create(inputs);
  const refreshed = await host.read(created.id, created.properties, inputs);

  // Refresh: olds are the refreshed outputs, news the old inputs.
  const refresh = await host.diff(created.id, refreshed.properties, inputs, inputs);
  t.is(refresh.changes, "DIFF_NONE");
  t.deepEqual(refresh.replaces, []);

  // The other way round, and against state of any shape: an answer, never an error, never a replace.
  const oddOlds: Props[] = [
    inputs,
    { __provider: provider },
    { __provider: provider, fips: null, tls: "garbage", softwareDataEncryption: [1, 2] },
  ];
  for (const olds of oddOlds) {
    const result = await host.diff(created.id, olds, refreshed.properties, inputs);
    t.not(result.changes, "DIFF_UNKNOWN");
    t.deepEqual(result.replaces, []);
  }
});

test("during preview, unknown values pass check, diff reports a change and nothing is changed", async (t) => {
  const { cluster, host, provider, stackConfig } = await setup(t);
  await host.configure(stackConfig);
  const adopted: Props = { __provider: provider, fips: { enabled: false } };
  const created = await host.create(adopted);
  cluster.clearLog();

  // What the engine sends for values not known yet, whatever their type (#6310).
  const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
  const pending: Props = { __provider: provider, fips: { enabled: UNKNOWN }, tls: { protocolVersions: [UNKNOWN] } };
  const checked = await host.check(adopted, pending);
  t.deepEqual(checked.failures, []);
  t.deepEqual(checked.inputs, pending);
  const diff = await host.diff(created.id, created.properties, pending, adopted);
  t.is(diff.changes, "DIFF_SOME");
  t.deepEqual(diff.replaces, []);

  // An unknown host: the live part of check waits for the real value instead of guessing.
  const unknownHost = await host.check(adopted, { ...adopted, host: UNKNOWN });
  t.deepEqual(unknownHost.failures, []);
  t.deepEqual(cluster.patches(), []);
  t.true(cluster.requests.every((request) => request.method === "GET"));
  t.is(cluster.security.fips?.enabled, false);
});

/** The lines of a PEM key's body: none may appear in any output, message or state in clear. */
const keyLines = (pem: string): string[] => pem.split("\n").filter((line) => line.length > 20 && !line.startsWith("-----"));
const leaksKey = (text: string, client: ClientCertificate): boolean => keyLines(client.privateKey).some((line) => text.includes(line));

/** Stack config that reaches the cluster with a client certificate, the key as a secret; no password. */
function certificateConfig(f: Fixture, client: ClientCertificate): Record<string, ConfigValue> {
  return {
    "ontap:host": f.cluster.host,
    "ontap:caCertificate": f.sim.caCertificate,
    "ontap:clientCertificate": client.certificate,
    "ontap:clientKey": { secret: client.privateKey },
  };
}

test("with a client certificate from stack config, check, create, read, update and delete authenticate by certificate alone", async (t) => {
  const f = await setup(t);
  const { cluster, host, provider, sim } = f;
  sim.createCertificateLogin("pulumi-automation", "admin");
  const client = await sim.issueClientCertificate({ commonName: "pulumi-automation" });
  await host.configure(certificateConfig(f, client));

  const desired: Props = { __provider: provider, fips: { enabled: false } };
  t.deepEqual((await host.check({}, desired)).failures, []);
  const created = await host.create(desired);
  t.is(created.id, cluster.uuid);
  t.false("clientKey" in created.properties || "clientCertificate" in created.properties, "a certificate from stack config is not copied into state");
  const read = await host.read(created.id, created.properties);
  const wanted: Props = { ...desired, fips: { enabled: true } };
  t.deepEqual((await host.check(desired, wanted)).failures, []);
  t.is((await host.diff(created.id, read.properties, wanted, desired)).changes, "DIFF_SOME");
  const updated = await host.update(created.id, read.properties, wanted, desired);
  t.deepEqual(updated.properties.fips, { enabled: true });
  t.is(cluster.security.fips?.enabled, true);
  // Refresh's diff, roles swapped: nothing to change.
  t.is((await host.diff(created.id, (await host.read(created.id, updated.properties)).properties, wanted, wanted)).changes, "DIFF_NONE");
  await host.delete(created.id, updated.properties, wanted);

  t.true(cluster.patches().length === 1);
  t.true(cluster.requests.length > 4);
  for (const request of cluster.requests) {
    t.like(request, { user: "pulumi-automation", authentication: "certificate" }, `${request.method} ${request.path}`);
    t.is(request.authorizationScheme, undefined, "no Authorization header travels beside the certificate");
  }
  t.false(leaksKey(host.output(), client), "the key appeared in the provider host's output");
});

test("a client certificate and key given as arguments stay out of every message; state holds them for refresh", async (t) => {
  const f = await setup(t, { scenario: { dataVolumesPresent: true } });
  const { cluster, host, provider, sim } = f;
  sim.createCertificateLogin("pulumi-automation", "admin");
  const client = await sim.issueClientCertificate({ commonName: "pulumi-automation" });
  await host.configure({});
  const inputs: Props = {
    __provider: provider,
    host: cluster.url,
    caCertificate: sim.caCertificate,
    clientCertificate: client.certificate,
    clientKey: client.privateKey,
    fips: { enabled: true },
    softwareDataEncryption: { conversionEnabled: true },
  };
  t.deepEqual((await host.check({}, inputs)).failures, []);
  const error = await failureOf(t, host.create(inputs));
  t.regex(error.message, /196608081/);
  t.false(leaksKey(error.message, client), error.message);
  t.false(error.initFailure?.reasons.some((reason) => leaksKey(reason, client)) ?? true);
  // State keeps the key so that refresh can reach the cluster; the engine encrypts it (a secret output).
  t.is(error.initFailure?.properties.clientKey, client.privateKey);

  const refreshed = await host.read(cluster.uuid, error.initFailure?.properties ?? {});
  t.deepEqual(refreshed.properties.fips, { enabled: true });
  t.is(refreshed.properties.clientKey, client.privateKey);

  const badType = await host.check({}, { ...inputs, clientKey: [client.privateKey] });
  // No property: the engine would print its value, secret or not. The reason names it.
  t.deepEqual(badType.failures.map((f) => f.property), [""]);
  t.regex(badType.failures[0]?.reason ?? "", /^clientKey is \(hidden\); expected string$/);
  t.false(badType.failures.some((f) => leaksKey(f.reason, client)), JSON.stringify(badType.failures));
  t.false(leaksKey(host.output(), client), "the key appeared in the provider host's output");
});

test("a wrong, expired or doubled certificate fails check naming the argument, before any change", async (t) => {
  const f = await setup(t);
  const { cluster, provider, sim } = f;
  // The host configures a provider once, when it first loads it: one host per stack configuration.
  const checkWith = async (config: Record<string, ConfigValue>) => {
    const host = await startProviderHost();
    t.teardown(() => host.close());
    await host.configure(config);
    const result = await host.check({}, news);
    outputs.push(host.output());
    return result;
  };
  const outputs: string[] = [];
  sim.createCertificateLogin("pulumi-automation", "admin");
  const expired = await sim.issueClientCertificate({ commonName: "pulumi-automation", expired: true });
  const stranger = await sim.issueClientCertificate({ commonName: "pulumi-automation", signer: "unknown-ca" });
  const valid = await sim.issueClientCertificate({ commonName: "pulumi-automation" });
  const news: Props = { __provider: provider, fips: { enabled: true } };

  const old = await checkWith(certificateConfig(f, expired));
  t.deepEqual(old.failures.map((failure) => failure.property), ["clientCertificate"]);
  t.regex(old.failures[0]?.reason ?? "", /^clientCertificate \(CN=pulumi-automation\) \(from config ontap:clientCertificate\) expired on /);
  t.deepEqual(cluster.requests, [], "an expired certificate is refused without asking the cluster");

  const unknown = await checkWith(certificateConfig(f, stranger));
  t.deepEqual(unknown.failures.map((failure) => failure.property), ["clientCertificate"]);
  t.regex(unknown.failures[0]?.reason ?? "", /HTTP 401: User is not authorized\..*The cluster refused the client certificate\. Check clientCertificate/);

  const both = await checkWith({ ...certificateConfig(f, valid), "ontap:username": sim.username, "ontap:password": { secret: sim.password } });
  t.deepEqual(both.failures.map((failure) => failure.property), ["clientCertificate"]);
  t.regex(both.failures[0]?.reason ?? "", /^password \(from config ontap:password\) and clientCertificate \(from config ontap:clientCertificate\) are both set/);

  const keyless = await checkWith({ "ontap:host": cluster.host, "ontap:caCertificate": sim.caCertificate, "ontap:clientCertificate": valid.certificate });
  t.deepEqual(keyless.failures.map((failure) => failure.property), [""], "a failure on the key goes without its property");
  t.regex(keyless.failures[0]?.reason ?? "", /^clientCertificate \(from config ontap:clientCertificate\) is set but no clientKey/);

  t.deepEqual(cluster.patches(), []);
  t.is(cluster.security.fips?.enabled, false);
  t.true(cluster.requests.every((request) => request.method === "GET"));
  for (const client of [expired, stranger, valid]) t.false(leaksKey(outputs.join("") + JSON.stringify([old, unknown, both, keyless]), client));
});

test("a certificate mapped to a read-only account passes check, and fails the update with ONTAP's 403 and nothing changed", async (t) => {
  const f = await setup(t);
  const { cluster, host, provider, sim } = f;
  sim.createCertificateLogin("auditor", "readonly");
  const client = await sim.issueClientCertificate({ commonName: "auditor" });
  await host.configure(certificateConfig(f, client));
  const before = copy(cluster.security);

  const wanted: Props = { __provider: provider, fips: { enabled: true } };
  t.deepEqual((await host.check({}, wanted)).failures, [], "reading is allowed: check cannot know the role");
  const error = await failureOf(t, host.create(wanted));
  t.regex(error.message, /PATCH https:\/\/127\.0\.0\.1:\d+\/api\/security\?return_timeout=\d+ failed with HTTP 403: not authorized for that command \(ONTAP error code 6\)\. The account the client certificate maps to \(by its common name\) lacks the role/);
  t.deepEqual(cluster.security, before, "nothing changed on the cluster");
  t.is(cluster.jobs.size, 0);
  t.deepEqual(
    cluster.patches().map((patch) => [patch.user, patch.status]),
    [["auditor", 403]],
  );
  t.regex(error.message, /Nothing was changed on the cluster\. Give that account the role, or use a certificate mapped to another/);
  t.is(error.initFailure, undefined, "nothing changed: not recorded as a partial update");
});
