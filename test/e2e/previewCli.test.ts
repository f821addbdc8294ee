/**
 * What a reviewer reads in `pulumi preview`, through the real CLI against the simulator: an adoption,
 * a changed program and a drift found by refresh each say, per cluster, found → desired; and a
 * preview of an unchanged 100-cluster fleet sends no request at all. The program is
 * test/programs/preview/: settings and clusters from stack config.
 */
import test, { ExecutionContext } from "ava";
import * as path from "path";
import { ClusterOptions, Simulator, asFound, startSimulator } from "../../simulator";
import { PulumiProject, REPO_ROOT, findPulumiCli } from "../../harness/pulumiCli";

const cli = findPulumiCli();
const PROGRAM = path.join(REPO_ROOT, "test", "programs", "preview");

const baseline = {
  fips: { enabled: true },
  tls: { protocolVersions: ["TLSv1.2"] },
  managementProtocols: { rshEnabled: false, telnetEnabled: false },
};

interface Fixture {
  sim: Simulator;
  /** Keeps everything the CLI printed in this test, to search for leaked credentials. */
  project: PulumiProject;
  settings(value: unknown): Promise<void>;
}

async function fixture(t: ExecutionContext, clusters: ClusterOptions[], settings: unknown): Promise<Fixture> {
  if (!cli.ok) throw new Error(cli.reason);
  const sim = await startSimulator({ clusters });
  t.teardown(() => sim.close());
  const project = new PulumiProject(cli.dir, { programDir: PROGRAM, env: { ONTAP_CA_CERTIFICATE: sim.caCertificate }, log: (line) => t.log(line) });
  t.teardown(() => project.close());
  const inventory = sim.clusters.map((cluster) => ({ name: cluster.name, host: cluster.host }));
  await project.init(
    { "ontap:username": sim.username, clusters: JSON.stringify(inventory), settings: JSON.stringify(settings) },
    { "ontap:password": sim.password },
  );
  return {
    sim,
    project,
    async settings(value) {
      await project.setConfig("settings", JSON.stringify(value));
    },
  };
}

/** The provider's lines in a CLI output, whatever the CLI indents them with. */
const ontapLines = (output: string): string[] =>
  output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("ontap: "));

/** Asserts that the CLI printed each of `expected` as one of the provider's lines; returns those lines. */
function assertShows(t: ExecutionContext, output: string, expected: readonly string[]): string[] {
  const lines = ontapLines(output);
  for (const line of expected) t.true(lines.includes(line), `preview shows ${line}\n${output}`);
  return lines;
}

if (!cli.ok) {
  test(`the Pulumi CLI is available for the preview tests (${cli.reason})`, (t) => {
    t.fail(`No Pulumi CLI: ${cli.reason}. test/e2e/cli.test.ts says how to waive the end-to-end tests outside CI.`);
  });
} else {
  test.serial("preview of an adoption shows, per cluster, what will change as found → desired and what is already so; nothing is sent that changes", async (t) => {
    const f = await fixture(
      t,
      [
        { name: "paris-a", security: asFound(), scenario: { jobDurationMs: 200 } },
        { name: "lyon-b", security: { ...asFound(), management_protocols: { rsh_enabled: false, telnet_enabled: false } }, scenario: { jobDurationMs: 200 } },
      ],
      baseline,
    );
    const preview = await f.project.run(["preview"]);
    t.is(preview.code, 0, preview.output);
    const lines = assertShows(t, preview.output, [
      "ontap: cluster paris-a: create (adopts the cluster's settings): 4 of 4 managed settings change; found = read from the cluster now",
      "ontap: cluster paris-a: fips.enabled: false → true",
      "ontap: cluster paris-a: tls.protocolVersions: [TLSv1, TLSv1.1, TLSv1.2, TLSv1.3] → [TLSv1.2, TLSv1.3]",
      "ontap: cluster paris-a: managementProtocols.rshEnabled: true → false",
      "ontap: cluster paris-a: managementProtocols.telnetEnabled: true → false",
      "ontap: cluster lyon-b: create (adopts the cluster's settings): 2 of 4 managed settings change; found = read from the cluster now",
      "ontap: cluster lyon-b: fips.enabled: false → true",
      "ontap: cluster lyon-b: already as desired: managementProtocols.rshEnabled, managementProtocols.telnetEnabled",
    ]);
    t.false(lines.some((line) => line.startsWith("ontap: cluster lyon-b: managementProtocols")), "what is already so is not shown as a change");
    for (const cluster of f.sim.clusters) {
      t.deepEqual(cluster.requests.map((r) => `${r.method} ${r.path}`), ["GET /api/cluster", "GET /api/security"], `${cluster.name}: two reads, nothing else`);
    }
    t.false(f.project.transcript().includes(f.sim.password));
  });

  test.serial("preview of a changed program and of a drift found by refresh show found → desired from the last known state, naming the cluster", async (t) => {
    const f = await fixture(t, [{ name: "paris-a", security: asFound(), scenario: { jobDurationMs: 200 } }], baseline);
    const cluster = f.sim.clusters[0];
    t.is((await f.project.run(["up", "--yes", "--skip-preview"])).code, 0);

    // The program changes: TLS 1.3 only, cipher suites now managed (in another order
    // than the cluster lists them: a set, so only what goes is shown).
    const suites = [...(cluster.security.tls?.cipher_suites ?? [])].filter((suite) => !suite.startsWith("TLS_RSA_")).reverse();
    await f.settings({ ...baseline, tls: { protocolVersions: ["TLSv1.3"], cipherSuites: suites } });
    cluster.clearLog();
    const update = await f.project.run(["preview"]);
    t.is(update.code, 0, update.output);
    t.regex(update.output, /~\s+pulumi-nodejs:dynamic\/ontap:ClusterSecurity\s+paris-a\s+update/);
    const lines = assertShows(t, update.output, [
      "ontap: cluster paris-a: update: 2 of 5 managed settings change; found = last known state (last up or refresh)",
      "ontap: cluster paris-a: tls.protocolVersions: [TLSv1.2, TLSv1.3] → [TLSv1.3]",
      "ontap: cluster paris-a: already as desired: fips.enabled, managementProtocols.rshEnabled, managementProtocols.telnetEnabled",
    ]);
    t.true(
      lines.some((line) => /^ontap: cluster paris-a: tls\.cipherSuites: \{\d+ suites\} → \{\d+ suites\}: removes TLS_RSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_AES_256_GCM_SHA384$/.test(line)),
      update.output,
    );
    t.deepEqual(cluster.requests.map((r) => `${r.method} ${r.path}`), ["GET /api/cluster"], "a changed program: the release is read, nothing else");

    // Back to the applied program; then someone turns telnet on behind Pulumi's back.
    await f.settings(baseline);
    cluster.security.management_protocols = { rsh_enabled: false, telnet_enabled: true };
    t.is((await f.project.run(["refresh", "--yes"])).code, 0);
    cluster.clearLog();
    const drift = await f.project.run(["preview"]);
    t.is(drift.code, 0, drift.output);
    t.regex(drift.output, /~\s+pulumi-nodejs:dynamic\/ontap:ClusterSecurity\s+paris-a\s+update/);
    assertShows(t, drift.output, [
      "ontap: cluster paris-a: update: 1 of 4 managed settings changes; found = last known state (last up or refresh)",
      "ontap: cluster paris-a: managementProtocols.telnetEnabled: true → false",
      "ontap: cluster paris-a: already as desired: fips.enabled, tls.protocolVersions, managementProtocols.rshEnabled",
    ]);
    t.deepEqual(cluster.requests, [], "the program is as last applied: the preview of the drift sends nothing");
    t.false(f.project.transcript().includes(f.sim.password));
  });

  test.serial("preview fails on TLSv1 asked of a cluster that already has FIPS on (ONTAP would answer 52428824), sending nothing that changes", async (t) => {
    const f = await fixture(
      t,
      [{ name: "paris-a", security: { ...asFound(), fips: { enabled: true }, tls: { protocol_versions: ["TLSv1.3", "TLSv1.2"] } } }],
      { tls: { protocolVersions: ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] } },
    );
    const preview = await f.project.run(["preview"]);
    t.not(preview.code, 0);
    t.regex(preview.output, /property tls value .*has a problem: cluster paris-a: tls\.protocolVersions has TLSv1 and TLSv1\.1, which ONTAP does not allow while FIPS is on \(TLSv1: error 52428824;/);
    t.is(f.sim.clusters[0].patches().length, 0);
  });

  test.serial("preview of an unchanged 100-cluster fleet sends no request at all", async (t) => {
    const hardened = { fips: { enabled: true }, tls: { protocol_versions: ["TLSv1.3", "TLSv1.2"] }, management_protocols: { rsh_enabled: false, telnet_enabled: false } };
    const clusters = Array.from({ length: 100 }, (_, i) => ({ name: `site-${String(i + 1).padStart(3, "0")}`, security: hardened }));
    const f = await fixture(t, clusters, baseline);
    const up = await f.project.run(["up", "--yes", "--skip-preview"]);
    t.is(up.code, 0, up.output);
    for (const cluster of f.sim.clusters) cluster.clearLog();
    const preview = await f.project.run(["preview", "--expect-no-changes"]);
    t.is(preview.code, 0, preview.output);
    t.regex(preview.output, /101 unchanged/);
    const requests = f.sim.clusters.reduce((sum, cluster) => sum + cluster.requests.length, 0);
    t.is(requests, 0, "the simulator's request log is empty for every cluster");
    t.deepEqual(ontapLines(preview.output), [], "and there is nothing to say");
  });
}
