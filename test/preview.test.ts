/**
 * What `pulumi preview` costs and says, through the provider's own methods against the simulator:
 * an adoption reads the cluster and reports found → desired; unchanged inputs send nothing; the
 * cluster's own state refuses what ONTAP would refuse; the update keeps every guard before its PATCH.
 */
import test, { ExecutionContext } from "ava";
import { ClusterOptions, SimCluster, Simulator, asFound, startSimulator } from "../simulator";
import { createProvider } from "../provider/provider";
import { PreflightKind, preflightKind } from "../provider/lifecycle/preflight";
import { LifecycleEnv } from "../provider/lifecycle/operations";
import { ClusterSecurityInputs, ClusterSecurityOutputs } from "../provider/lifecycle/model";
import { ConflictingSettingsError, IrreversibleConversionError } from "../provider/lifecycle/errors";

const PROVIDER_TEXT = "exports.handler = …";

const kinds: [string, Record<string, unknown> | undefined, Record<string, unknown>, PreflightKind][] = [
  ["no previous inputs (a new resource)", {}, { __provider: PROVIDER_TEXT, fips: { enabled: true } }, "create"],
  ["previous inputs absent altogether", undefined, { fips: { enabled: true } }, "create"],
  ["the same inputs", { __provider: PROVIDER_TEXT, host: "c1", fips: { enabled: true } }, { __provider: PROVIDER_TEXT, host: "c1", fips: { enabled: true } }, "none"],
  ["the same inputs under a newer serialized provider", { __provider: "old", tls: { protocolVersions: ["TLSv1.2"] } }, { __provider: "new", tls: { protocolVersions: ["TLSv1.2"] } }, "none"],
  ["the same inputs, keys in another order", { __provider: "p", a: 1, fips: { enabled: true } }, { fips: { enabled: true }, a: 1, __provider: "p" }, "none"],
  ["a managed setting changed", { __provider: "p", fips: { enabled: true } }, { __provider: "p", fips: { enabled: false } }, "update"],
  ["a setting added", { __provider: "p", fips: { enabled: true } }, { __provider: "p", fips: { enabled: true }, managementProtocols: { telnetEnabled: false } }, "update"],
  ["a TLS list reordered (the program's text changed)", { __provider: "p", tls: { protocolVersions: ["TLSv1.2", "TLSv1.3"] } }, { __provider: "p", tls: { protocolVersions: ["TLSv1.3", "TLSv1.2"] } }, "update"],
  ["a rotated password", { __provider: "p", password: "a" }, { __provider: "p", password: "b" }, "update"],
  ["a value not known yet", { __provider: "p", host: "c1" }, { __provider: "p", host: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }, "update"],
];

for (const [title, olds, news, kind] of kinds) {
  test(`check's reads for ${title}: ${kind}`, (t) => {
    t.is(preflightKind(olds, news), kind);
  });
}

interface Fixture {
  sim: Simulator;
  cluster: SimCluster;
  provider: ReturnType<typeof createProvider>;
  logs: string[];
}

async function setup(t: ExecutionContext, cluster: ClusterOptions = {}): Promise<Fixture> {
  const sim = await startSimulator({ clusters: [{ name: "paris-a", security: asFound(), ...cluster, scenario: { jobDurationMs: 20, ...cluster.scenario } }] });
  t.teardown(() => sim.close());
  const only = sim.clusters[0];
  const logs: string[] = [];
  const config: Record<string, string> = {
    "ontap:username": sim.username,
    "ontap:password": sim.password,
    "ontap:caCertificate": sim.caCertificate,
  };
  const env = (): LifecycleEnv => ({
    config: { get: (key) => config[key] },
    env: {},
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))) },
    log: (message) => logs.push(message),
    transport: { retryDelayMs: 1 },
  });
  return { sim, cluster: only, provider: createProvider(env), logs };
}

const inputs = (cluster: SimCluster, settings: ClusterSecurityInputs): ClusterSecurityInputs & { __provider: string } => ({
  __provider: PROVIDER_TEXT,
  host: cluster.host,
  ...settings,
});

const baseline: ClusterSecurityInputs = {
  fips: { enabled: true },
  tls: { protocolVersions: ["TLSv1.2"] },
  managementProtocols: { rshEnabled: false, telnetEnabled: false },
  softwareDataEncryption: { disabledByDefault: false },
};

const requestsOf = (cluster: SimCluster) => cluster.requests.map((r) => `${r.method} ${r.path}`);

test("preview of an adoption reads the cluster once more and says, per setting, found → desired and what is already so", async (t) => {
  const { cluster, provider, logs } = await setup(t);
  const news = inputs(cluster, baseline);
  const result = await provider.check({} as never, news);
  t.deepEqual(result.failures, []);
  t.deepEqual(requestsOf(cluster), ["GET /api/cluster", "GET /api/security"], "the release, then the settings: nothing else");
  t.deepEqual(logs, [
    "ontap: cluster paris-a: create (adopts the cluster's settings): 4 of 5 managed settings change; found = read from the cluster now",
    "ontap: cluster paris-a: fips.enabled: false → true",
    "ontap: cluster paris-a: tls.protocolVersions: [TLSv1, TLSv1.1, TLSv1.2, TLSv1.3] → [TLSv1.2, TLSv1.3]",
    "ontap: cluster paris-a: managementProtocols.rshEnabled: true → false",
    "ontap: cluster paris-a: managementProtocols.telnetEnabled: true → false",
    "ontap: cluster paris-a: already as desired: softwareDataEncryption.disabledByDefault",
  ]);
  t.is(cluster.patches().length, 0);
});

test("preview of unchanged inputs sends no request at all, whatever the serialized provider", async (t) => {
  const { cluster, provider, logs } = await setup(t);
  const created = await provider.create(inputs(cluster, baseline));
  cluster.clearLog();
  logs.length = 0;
  const olds = inputs(cluster, baseline);
  const news = { ...inputs(cluster, baseline), __provider: "exports.handler = /* a newer release */ …" };
  t.deepEqual((await provider.check(olds, news)).failures, []);
  const diff = await provider.diff(created.id, created.outs as ClusterSecurityOutputs, news);
  t.false(diff.changes);
  t.deepEqual(cluster.requests, [], "no request");
  t.deepEqual(logs, [], "and nothing to say");
});

test("preview of a changed program reads only the release; diff reports the change from the last known outputs", async (t) => {
  const { cluster, provider, logs } = await setup(t);
  const created = await provider.create(inputs(cluster, baseline));
  cluster.clearLog();
  logs.length = 0;
  const news = inputs(cluster, { ...baseline, managementProtocols: { rshEnabled: false, telnetEnabled: true } });
  t.deepEqual((await provider.check(inputs(cluster, baseline), news)).failures, []);
  t.deepEqual(requestsOf(cluster), ["GET /api/cluster"]);
  const diff = await provider.diff(created.id, created.outs as ClusterSecurityOutputs, news);
  t.true(diff.changes);
  t.deepEqual(requestsOf(cluster), ["GET /api/cluster"], "diff sends nothing");
  t.deepEqual(logs, [
    "ontap: cluster paris-a: update: 1 of 5 managed settings changes; found = last known state (last up or refresh)",
    "ontap: cluster paris-a: managementProtocols.telnetEnabled: false → true",
    "ontap: cluster paris-a: already as desired: fips.enabled, softwareDataEncryption.disabledByDefault, tls.protocolVersions, managementProtocols.rshEnabled",
  ]);
});

test("preview refuses TLSv1 on a cluster that already has FIPS on, from the read it makes, before anything changes", async (t) => {
  const { cluster, provider } = await setup(t, { security: { ...asFound(), fips: { enabled: true }, tls: { protocol_versions: ["TLSv1.3", "TLSv1.2"] } } });
  const news = inputs(cluster, { tls: { protocolVersions: ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] } });
  const adoption = await provider.check({} as never, news);
  t.is(adoption.failures?.length, 1);
  t.is(adoption.failures?.[0].property, "tls");
  t.regex(adoption.failures?.[0].reason ?? "", /^cluster paris-a: tls\.protocolVersions has TLSv1 and TLSv1\.1, which ONTAP does not allow while FIPS is on \(TLSv1: error 52428824; TLSv1\.1: error 52428832 from ONTAP 9\.11\.1 \(this cluster runs 9\.16\.1\): FIPS mode allows only TLSv1\.2 and TLSv1\.3\); the cluster has FIPS on/);
  cluster.clearLog();
  const change = await provider.check(inputs(cluster, { tls: { protocolVersions: ["TLSv1.2"] } }), news);
  t.is(change.failures?.length, 1, "a program changed to ask it is refused too");
  t.deepEqual(requestsOf(cluster), ["GET /api/cluster", "GET /api/security"], "the settings are read because the rule needs them");
  t.is(cluster.patches().length, 0);
});

test("preview refuses TLSv1.1 asked with FIPS on ONTAP 9.11.1 and later, from the release alone", async (t) => {
  const { cluster, provider } = await setup(t, { version: "9.11.1" });
  const olds = inputs(cluster, { fips: { enabled: true }, tls: { protocolVersions: ["TLSv1.2"] } });
  const news = inputs(cluster, { fips: { enabled: true }, tls: { protocolVersions: ["TLSv1.1", "TLSv1.2", "TLSv1.3"] } });
  const result = await provider.check(olds, news);
  t.regex(result.failures?.[0].reason ?? "", /^cluster paris-a: tls\.protocolVersions has TLSv1\.1, .*fips\.enabled is true\. List TLSv1\.2 as the lowest version$/);
  t.deepEqual(requestsOf(cluster), ["GET /api/cluster"]);
});

test("an adoption that turns FIPS on says what it does to TLS versions the program leaves alone", async (t) => {
  const { cluster, provider, logs } = await setup(t);
  await provider.check({} as never, inputs(cluster, { fips: { enabled: true } }));
  t.deepEqual(logs.slice(-1), [
    "ontap: cluster paris-a: enabling FIPS on ONTAP 9.16.1 also turns off TLSv1, TLSv1.1 (FIPS mode allows TLSv1.2 and up; turning FIPS off later does not turn them back on)",
  ]);
});

test("unchanged inputs skip preview's reads, but the update still refuses, before any PATCH, a TLS version the cluster's FIPS mode refuses", async (t) => {
  const { cluster, provider, logs } = await setup(t);
  const program = inputs(cluster, { tls: { protocolVersions: ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] }, managementProtocols: { telnetEnabled: false } });
  const created = await provider.create(program);
  // Someone turns FIPS on outside Pulumi (which turns TLSv1 and TLSv1.1 off), and refresh records it.
  cluster.security.fips = { enabled: true };
  cluster.security.tls = { cipher_suites: cluster.security.tls?.cipher_suites ?? [], protocol_versions: ["TLSv1.3", "TLSv1.2"] };
  const refreshed = await provider.read(created.id, created.outs as ClusterSecurityOutputs);
  cluster.clearLog();
  logs.length = 0;
  t.deepEqual((await provider.check(program, program)).failures, []);
  t.deepEqual(cluster.requests, [], "preview of unchanged inputs sends nothing");
  const diff = await provider.diff(created.id, refreshed.props as ClusterSecurityOutputs, program);
  t.true(diff.changes);
  t.regex(logs.join("\n"), /ontap: cluster paris-a: tls\.protocolVersions: \[TLSv1\.2, TLSv1\.3\] → \[TLSv1, TLSv1\.1, TLSv1\.2, TLSv1\.3\]/);
  t.regex(logs.join("\n"), /ontap: cluster paris-a: the update will be refused before any change, unless the cluster differs from the last known state: cluster paris-a: tls\.protocolVersions has TLSv1 and TLSv1\.1/);
  await t.throwsAsync(provider.update(created.id, refreshed.props as ClusterSecurityOutputs, program), { instanceOf: ConflictingSettingsError });
  t.is(cluster.patches().length, 0);
});

test("unchanged inputs skip preview's reads, but the update still refuses to revert a conversion made outside Pulumi", async (t) => {
  const { cluster, provider, logs } = await setup(t);
  const program = inputs(cluster, { softwareDataEncryption: { conversionEnabled: false } });
  const created = await provider.create(program);
  cluster.security.software_data_encryption = { disabled_by_default: false, conversion_enabled: true };
  const refreshed = await provider.read(created.id, created.outs as ClusterSecurityOutputs);
  cluster.clearLog();
  logs.length = 0;
  t.deepEqual((await provider.check(program, program)).failures, []);
  t.deepEqual(cluster.requests, []);
  await provider.diff(created.id, refreshed.props as ClusterSecurityOutputs, program);
  t.regex(logs.join("\n"), /softwareDataEncryption\.conversionEnabled: true → false \(refused: converting a cluster to software data encryption cannot be undone; the update stops before any change\)/);
  await t.throwsAsync(provider.update(created.id, refreshed.props as ClusterSecurityOutputs, program), { instanceOf: IrreversibleConversionError });
  t.is(cluster.patches().length, 0);
});

test("a cluster name with control characters is escaped at its source in every line, failure and error, whatever the log does", async (t) => {
  const evil = "evil\u001b[2K\nontap: cluster prod: all good\r\u2028";
  const escaped = "evil\\u001b[2K\\u000aontap: cluster prod: all good\\u000d\\u2028";
  // The fixture's log keeps lines as given: escaping must not depend on the console's.
  const { cluster, provider, logs } = await setup(t, { name: evil, security: { ...asFound(), fips: { enabled: true } } });
  const texts: string[] = [];
  const adoption = await provider.check({} as never, inputs(cluster, baseline));
  t.deepEqual(adoption.failures, []);
  const created = await provider.create(inputs(cluster, baseline));
  // A program that asks TLSv1 beside FIPS, checked against the last known state: the diff's note names the cluster.
  await provider.diff(created.id, created.outs as ClusterSecurityOutputs, inputs(cluster, { ...baseline, tls: { protocolVersions: ["TLSv1", "TLSv1.1", "TLSv1.2"] } }));
  const refused = await provider.check(inputs(cluster, baseline), inputs(cluster, { tls: { protocolVersions: ["TLSv1", "TLSv1.1", "TLSv1.2"] } }));
  texts.push(...(refused.failures ?? []).map((f) => f.reason));
  const conflict = await t.throwsAsync(provider.update(created.id, created.outs as ClusterSecurityOutputs, inputs(cluster, { tls: { protocolVersions: ["TLSv1", "TLSv1.1", "TLSv1.2"] } })));
  texts.push(conflict?.message ?? "");
  await provider.delete(created.id, created.outs as ClusterSecurityOutputs);
  texts.push(...logs);
  t.true(logs.some((line) => line.startsWith(`ontap: cluster ${escaped}: create`)), logs.join("\n"));
  t.true(logs.some((line) => line.startsWith(`ontap: cluster ${escaped}: update`)), logs.join("\n"));
  t.true(logs.some((line) => line.includes(`the update will be refused before any change`) && line.includes(`cluster ${escaped}: tls.protocolVersions`)), logs.join("\n"));
  t.true(texts.length > logs.length + 1);
  for (const text of texts) {
    const control = (code: number) => code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
    t.false([...text].some((c) => control(c.charCodeAt(0))), JSON.stringify(text));
    t.true(!text.includes("evil") || text.includes(escaped), text);
  }
});
