/**
 * End to end through the real Pulumi CLI: `preview`, `up`, `refresh`, `destroy` and `stack export` of
 * the example program against the simulator, as a pipeline would run them.
 */
import test, { ExecutionContext } from "ava";
import { ClusterOptions, ManualClock, Simulator, asFound, startSimulator } from "../../simulator";
import * as path from "path";
import { PulumiProject, REPO_ROOT, findPulumiCli } from "../../harness/pulumiCli";
import { CLUSTER_SECURITY_TYPE } from "../../provider/resourceType";

const cli = findPulumiCli();
const inCi = process.env.CI === "true";

/** The CLI's folder (tests that call this run only where the CLI was found). */
function cliDir(): string {
  if (!cli.ok) throw new Error(cli.reason);
  return cli.dir;
}

/**
 * A cluster as many are found before the program runs: FIPS off, TLS 1.0 on, telnet and rsh on. Its jobs
 * are short: the cluster holds each PATCH until its job ends, whatever its length, and a test that needs
 * a job in flight stops the cluster's clock instead.
 */
const legacy: ClusterOptions = {
  version: "9.16.1",
  security: asFound(),
  scenario: { jobDurationMs: 50 },
};

interface Fixture {
  sim: Simulator;
  /** Keeps everything the CLI printed in this test, to search for leaked credentials. */
  project: PulumiProject;
}

async function fixture(t: ExecutionContext, cluster: ClusterOptions, config: Record<string, string> = {}, clock?: ManualClock): Promise<Fixture> {
  const sim = await startSimulator({ clusters: [cluster], ...(clock ? { clock } : {}) });
  t.teardown(() => sim.close());
  const project = new PulumiProject(cliDir(), { env: { ONTAP_CA_CERTIFICATE: sim.caCertificate }, log: (line) => t.log(line) });
  t.teardown(() => project.close());
  await project.init({ "ontap:host": sim.clusters[0].host, "ontap:username": sim.username, ...config }, { "ontap:password": sim.password });
  return { sim, project };
}

function assertNoPassword(t: ExecutionContext, f: Fixture, text: string, where: string): void {
  t.false(text.includes(f.sim.password), `the password appears in ${where}`);
}

if (!cli.ok) {
  // Loud, never silent: under CI the CLI's absence fails the run; elsewhere too, unless explicitly waived.
  const waived = !inCi && process.env.PULUMI_ONTAP_SKIP_CLI === "1";
  (waived ? test.skip : test)(`the Pulumi CLI is available for end-to-end tests (${cli.reason})`, (t) => {
    t.fail(`No Pulumi CLI: ${cli.reason}. Run scripts/pulumi-cli.sh to see why; set PULUMI_ONTAP_SKIP_CLI=1 to waive outside CI.`);
  });
} else {
  test.serial("preview shows the create, up applies and waits, refresh sees drift, up restores it, destroy leaves the cluster", async (t) => {
    const f = await fixture(t, legacy);
    const cluster = f.sim.clusters[0];

    const preview = await f.project.run(["preview"]);
    t.is(preview.code, 0, preview.output);
    t.regex(preview.output, /\+\s+pulumi-nodejs:dynamic\/ontap:ClusterSecurity\s+cluster-security\s+create/);
    t.is(cluster.patches().length, 0, "preview changes nothing");

    const up = await f.project.run(["up", "--yes", "--skip-preview"]);
    t.is(up.code, 0, up.output);
    t.deepEqual(cluster.security.fips, { enabled: true });
    t.deepEqual(cluster.security.management_protocols, { rsh_enabled: false, telnet_enabled: false });
    t.deepEqual(cluster.security.tls?.protocol_versions, ["TLSv1.3", "TLSv1.2"]);
    t.is(cluster.security.software_data_encryption?.conversion_enabled, true);
    t.true([...cluster.jobs.values()].every((job) => job.state === "success"), "up returned after the jobs ended");
    const outputs = await f.project.outputs();
    t.deepEqual(outputs.fips, { enabled: true });
    t.is((outputs.cluster as { uuid: string }).uuid, cluster.uuid);

    const again = await f.project.run(["preview", "--expect-no-changes"]);
    t.is(again.code, 0, again.output);

    cluster.security.management_protocols = { rsh_enabled: false, telnet_enabled: true };
    const refresh = await f.project.run(["refresh", "--yes"]);
    t.is(refresh.code, 0, refresh.output);
    const exported = await f.project.ok(["stack", "export"]);
    t.regex(exported.stdout, /"telnetEnabled": true/, "state now records the drift");
    const drifted = await f.project.run(["preview"]);
    t.regex(drifted.output, /~\s+pulumi-nodejs:dynamic\/ontap:ClusterSecurity\s+cluster-security\s+update/);
    const restore = await f.project.run(["up", "--yes", "--skip-preview"]);
    t.is(restore.code, 0, restore.output);
    t.deepEqual(cluster.security.management_protocols, { rsh_enabled: false, telnet_enabled: false });

    const before = JSON.stringify(cluster.security);
    cluster.clearLog();
    const destroy = await f.project.run(["destroy", "--yes", "--skip-preview"]);
    t.is(destroy.code, 0, destroy.output);
    t.is(JSON.stringify(cluster.security), before, "destroy leaves the settings as they were");
    t.is(cluster.patches().length, 0);

    assertNoPassword(t, f, exported.stdout, "pulumi stack export");
    assertNoPassword(t, f, f.project.transcript(), "the CLI's output");
  });

  test.serial("flipping conversionEnabled from true to false fails in preview with the one-way message, sending nothing", async (t) => {
    const f = await fixture(t, legacy);
    const cluster = f.sim.clusters[0];
    t.is((await f.project.run(["up", "--yes", "--skip-preview"])).code, 0);
    await f.project.setConfig("convertToSoftwareEncryption", "false");
    cluster.clearLog();
    const preview = await f.project.run(["preview"]);
    t.not(preview.code, 0);
    t.regex(preview.output, /converting a cluster to software data encryption cannot be undone/);
    t.deepEqual(cluster.requests, [], "nothing at all was sent to the cluster");
    const up = await f.project.run(["up", "--yes"]);
    t.not(up.code, 0);
    t.is(cluster.patches().length, 0);
    t.is(cluster.security.software_data_encryption?.conversion_enabled, true);
  });

  test.serial("a refused conversion fails up with ONTAP's code; refresh and up then leave state and cluster in agreement", async (t) => {
    const f = await fixture(t, { ...legacy, scenario: { jobDurationMs: 300, dataVolumesPresent: true } });
    const cluster = f.sim.clusters[0];
    const up = await f.project.run(["up", "--yes", "--skip-preview"]);
    t.not(up.code, 0);
    t.regex(up.output, /196608081/);
    t.deepEqual(cluster.security.fips, { enabled: true }, "the settings before the conversion were applied");
    const exported = JSON.parse((await f.project.ok(["stack", "export"])).stdout) as {
      deployment: { resources: { type: string; outputs: Record<string, { enabled?: boolean; conversionEnabled?: boolean }> }[] };
    };
    const resource = exported.deployment.resources.find((r) => r.type === CLUSTER_SECURITY_TYPE);
    t.truthy(resource, "the failed create is recorded, with the cluster's actual settings");
    t.deepEqual(resource?.outputs.fips, { enabled: true });
    t.is(resource?.outputs.softwareDataEncryption.conversionEnabled, false);

    cluster.scenario.dataVolumesPresent = false;
    t.is((await f.project.run(["refresh", "--yes"])).code, 0);
    const retry = await f.project.run(["up", "--yes", "--skip-preview"]);
    t.is(retry.code, 0, retry.output);
    t.is(cluster.security.software_data_encryption?.conversion_enabled, true);
    t.is((await f.project.run(["preview", "--expect-no-changes"])).code, 0);
  });

  test.serial("a pipeline cancelled during up (SIGINT) lets the running update finish: state and cluster agree", async (t) => {
    // The cluster's clock stands still until the CLI has been interrupted, so the interrupt surely comes
    // while the job runs; then it is driven while the update finishes its work.
    const clock = new ManualClock();
    const f = await fixture(t, { ...legacy, scenario: { jobDurationMs: 3_000 } }, {}, clock);
    const cluster = f.sim.clusters[0];
    let signalled = false;
    let interrupted = (): void => undefined;
    const sent = new Promise<void>((resolve) => (interrupted = resolve));
    const running = f.project.run(["up", "--yes", "--skip-preview"], {
      onStart: (child) => {
        const timer = setInterval(() => {
          if (cluster.patches().length === 0) return;
          clearInterval(timer);
          signalled = child.kill("SIGINT");
          interrupted();
        }, 50);
        child.on("close", () => clearInterval(timer));
      },
    });
    await Promise.race([sent, running]);
    t.is(cluster.startedJobs[0]?.state, "queued", "the job had not moved when the CLI was interrupted");
    const up = await clock.runWhile(running);
    t.true(signalled, "the CLI was interrupted while the job ran");
    t.regex(up.output, /cancel/i);
    const exported = JSON.parse((await f.project.ok(["stack", "export"])).stdout) as {
      deployment: { resources: { type: string; outputs: Record<string, Record<string, unknown>> }[] };
    };
    const resource = exported.deployment.resources.find((r) => r.type === CLUSTER_SECURITY_TYPE);
    t.truthy(resource, "the update in flight was finished and recorded");
    t.deepEqual(resource?.outputs.fips, { enabled: cluster.security.fips?.enabled });
    t.deepEqual(resource?.outputs.managementProtocols, {
      rshEnabled: cluster.security.management_protocols?.rsh_enabled,
      telnetEnabled: cluster.security.management_protocols?.telnet_enabled,
    });
    t.is(resource?.outputs.softwareDataEncryption.conversionEnabled, cluster.security.software_data_encryption?.conversion_enabled);
    t.is((await clock.runWhile(f.project.run(["up", "--yes", "--skip-preview"]))).code, 0);
    t.is((await f.project.run(["preview", "--expect-no-changes"])).code, 0);
    assertNoPassword(t, f, f.project.transcript(), "the CLI's output");
  });

  test.serial("a pipeline terminated outright (second SIGTERM) mid-job: the next up finishes the work without repeating it", async (t) => {
    // The cluster's clock stands still during the first up: its job is still running when the CLI is
    // terminated, whatever the machine's load.
    const clock = new ManualClock();
    const f = await fixture(t, { ...legacy, scenario: { jobDurationMs: 3_000 } }, {}, clock);
    const cluster = f.sim.clusters[0];
    const up = await f.project.run(["up", "--yes", "--skip-preview"], {
      onStart: (child) => {
        const timer = setInterval(() => {
          if (cluster.patches().length === 0) return;
          clearInterval(timer);
          child.kill("SIGTERM");
          setTimeout(() => child.kill("SIGTERM"), 300);
        }, 50);
        child.on("close", () => clearInterval(timer));
      },
    });
    t.not(up.code, 0);
    t.regex(up.output, /terminating/);
    t.is(cluster.patches().length, 1, "the conversion PATCH was never sent");
    // The first job runs on to its end on the cluster, whatever became of the CLI.
    t.is(cluster.startedJobs[0]?.state, "queued", "the job had not moved while the clock stood still");
    await clock.advance(3_000);
    t.is(cluster.startedJobs[0]?.state, "success");
    t.deepEqual(cluster.security.fips, { enabled: true });
    const retry = await clock.runWhile(f.project.run(["up", "--yes", "--skip-preview"]));
    t.is(retry.code, 0, retry.output);
    t.deepEqual(
      cluster.patches().slice(1).map((p) => p.body),
      [{ software_data_encryption: { conversion_enabled: true } }],
      "the retry sends only what the cluster still lacks",
    );
    t.is((await f.project.run(["preview", "--expect-no-changes"])).code, 0);
  });

  test.serial("a password given as a plain argument stays encrypted in state through a failed update, a retry and a refresh", async (t) => {
    const sim = await startSimulator({ clusters: [{ ...legacy, scenario: { jobDurationMs: 200, dataVolumesPresent: true } }] });
    t.teardown(() => sim.close());
    const cluster = sim.clusters[0];
    const project = new PulumiProject(cliDir(), {
      programDir: path.join(REPO_ROOT, "examples", "explicit-connection"),
      env: { ONTAP_CA_CERTIFICATE: sim.caCertificate, LAB_CLUSTER_PASSWORD: sim.password },
    });
    t.teardown(() => project.close());
    await project.init({ labHost: cluster.host, labUsername: sim.username });
    const failed = await project.run(["up", "--yes", "--skip-preview"]);
    t.not(failed.code, 0);
    t.regex(failed.output, /196608081/);
    const afterFailure = (await project.ok(["stack", "export"])).stdout;
    t.regex(afterFailure, /"conversionEnabled": false/, "the partial failure was recorded");
    cluster.scenario.dataVolumesPresent = false;
    await project.ok(["up", "--yes", "--skip-preview"]);
    await project.ok(["refresh", "--yes"]);
    const afterRefresh = (await project.ok(["stack", "export"])).stdout;
    t.is(cluster.security.software_data_encryption?.conversion_enabled, true);
    for (const [where, text] of [["state after the failure", afterFailure], ["state after refresh", afterRefresh], ["the CLI's output", project.transcript()]]) {
      t.false(text.includes(sim.password), `the password appears in plaintext in ${where}`);
    }
    t.regex(afterRefresh, /"password": \{\s*"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",\s*"ciphertext"/, "state holds it encrypted");
  });

  test.serial("a cluster too old for a setting fails preview, naming the setting and the release, before any PATCH", async (t) => {
    const f = await fixture(t, { version: "9.8.0" });
    const preview = await f.project.run(["preview"]);
    t.not(preview.code, 0);
    t.regex(preview.output, /runs ONTAP 9\.8\.0, which does not have tls\.protocolVersions \(needs ONTAP 9\.10\.1 or later\)/);
    const up = await f.project.run(["up", "--yes"]);
    t.not(up.code, 0);
    t.is(f.sim.clusters[0].patches().length, 0);
  });
}
