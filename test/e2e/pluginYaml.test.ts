/**
 * The provider plugin (`pulumi-resource-ontap-security`, as the package ships it) with a YAML program,
 * the real CLI and Pulumi's real YAML language host, against the simulator: the lifecycle a Pulumi
 * user on a YAML team runs (preview, up, refresh, destroy), the reviewer's property diff under the
 * resource (`--diff`, `--json`), a drift found by `preview --refresh`, the one-way rule refused in
 * preview, a failed job recorded truthfully, two explicit providers with their own credentials, and
 * secrets that never reach state or output in plaintext.
 */
import test, { ExecutionContext } from "ava";
import { writeFileSync } from "fs";
import * as path from "path";
import { ManualClock, Simulator, asFound, startSimulator, ClusterOptions } from "../../simulator";
import { PulumiProject, REPO_ROOT, findPulumiCli } from "../../harness/pulumiCli";
import { findYamlHost, yamlPath } from "../../harness/yamlHost";

const cli = findPulumiCli();
const yaml = cli.ok ? findYamlHost() : cli;
const TYPE = "ontap-security:index:ClusterSecurity";

/** A YAML project: `resources` and `config` are YAML text, indented by two. */
function projectFile(resources: string, config = ""): string {
  return ["name: ontap-yaml", "runtime: yaml", ...(config === "" ? [] : ["config:", config]), "resources:", resources, ""].join("\n");
}

/** One resource of the plugin, with settings written as YAML below `properties:`. */
function clusterResource(name: string, properties: string, options = ""): string {
  return [`  ${name}:`, `    type: ${TYPE}`, "    properties:", properties, ...(options === "" ? [] : ["    options:", options])].join("\n");
}

interface Fixture {
  project: PulumiProject;
  write(text: string): void;
}

async function fixture(t: ExecutionContext, text: string): Promise<Fixture> {
  if (!cli.ok || !yaml.ok) throw new Error(cli.ok ? (yaml.ok ? "" : yaml.reason) : cli.reason);
  const project = new PulumiProject(cli.dir, {
    projectFile: text,
    env: { PATH: yamlPath(cli.dir, yaml.dir) },
    log: (line) => t.log(line),
  });
  t.teardown(() => project.close());
  return { project, write: (next) => writeFileSync(path.join(project.dir, "Pulumi.yaml"), next) };
}

async function simulator(t: ExecutionContext, clusters: ClusterOptions[], clock?: ManualClock): Promise<Simulator> {
  const sim = await startSimulator({ clusters, ...(clock === undefined ? {} : { clock }) });
  t.teardown(() => sim.close());
  return sim;
}

/** Stack config of the default provider, in the plugin's own namespace. */
async function initDefaultProvider(project: PulumiProject, sim: Simulator): Promise<void> {
  await project.init(
    { "ontap-security:host": sim.clusters[0].host, "ontap-security:username": sim.username, "ontap-security:caCertificate": sim.caCertificate },
    { "ontap-security:password": sim.password },
  );
}

/** Asserts no credential of the simulators appears anywhere the CLI printed or in the exported state. */
async function assertNoPlaintext(t: ExecutionContext, project: PulumiProject, secrets: readonly string[]): Promise<string> {
  const exported = (await project.ok(["stack", "export"])).stdout;
  for (const secretValue of secrets) {
    t.false(exported.includes(secretValue), "a credential is in the exported state in plaintext");
    t.false(project.transcript().includes(secretValue), "a credential was printed");
  }
  return exported;
}

const SETTINGS = ["      fips:", "        enabled: true", "      managementProtocols:", "        rshEnabled: false"].join("\n");

if (!cli.ok || !yaml.ok) {
  test(`the Pulumi CLI and the YAML language host are available (${cli.ok ? (yaml.ok ? "" : yaml.reason) : cli.reason})`, (t) => {
    t.fail("No Pulumi CLI or YAML host: run scripts/pulumi-cli.sh and scripts/pulumi-language-yaml.sh to see why.");
  });
} else {
  test.serial("a YAML program previews, applies, refreshes and destroys through the plugin, with each change a property diff under the resource", async (t) => {
    const sim = await simulator(t, [{ name: "paris-a", security: asFound() }]);
    const cluster = sim.clusters[0];
    const f = await fixture(t, projectFile(clusterResource("paris", SETTINGS)));
    await initDefaultProvider(f.project, sim);

    const preview = await f.project.run(["preview"]);
    t.is(preview.code, 0, preview.output);
    // The adoption's found → desired report, logged against the resource: listed under it.
    t.regex(preview.output, new RegExp(`${TYPE} \\(paris\\):\\s+ontap: cluster paris-a: create \\(adopts the cluster's settings\\)`));
    t.true(preview.output.includes("ontap: cluster paris-a: fips.enabled: false → true"), preview.output);
    const diff = await f.project.run(["preview", "--diff"]);
    t.regex(diff.output, new RegExp(`\\+ ${TYPE}: \\(create\\)`));
    t.deepEqual(cluster.patches(), [], "a preview changes nothing");

    const up = await f.project.run(["up", "--yes"]);
    t.is(up.code, 0, up.output);
    t.true(cluster.security.fips?.enabled);
    t.false(cluster.security.management_protocols?.rsh_enabled);

    // A changed program: the property diff under the resource, and in the JSON a PR tool renders.
    f.write(projectFile(clusterResource("paris", `${SETTINGS}\n        telnetEnabled: false`)));
    const changed = await f.project.run(["preview", "--diff"]);
    t.is(changed.code, 0, changed.output);
    t.regex(changed.output, new RegExp(`~ ${TYPE}: \\(update\\)`));
    t.regex(changed.output, /~ telnetEnabled: true => false/);
    const json = await f.project.run(["preview", "--json"]);
    t.is(json.code, 0, json.output);
    const steps = (JSON.parse(json.stdout) as { steps: { op: string; urn: string; detailedDiff?: Record<string, { kind: string }> }[] }).steps;
    const step = steps.find((s) => s.urn.endsWith("::paris"));
    t.is(step?.op, "update");
    t.deepEqual(step?.detailedDiff, { "managementProtocols.telnetEnabled": { kind: "update", inputDiff: false } });

    // Back to the applied program; an admin turns rsh on again: the drift is a property diff too.
    f.write(projectFile(clusterResource("paris", SETTINGS)));
    cluster.security.management_protocols = { rsh_enabled: true, telnet_enabled: true };
    const drift = await f.project.run(["preview", "--refresh", "--diff"]);
    t.is(drift.code, 0, drift.output);
    t.regex(drift.output, new RegExp(`~ ${TYPE}: \\(update\\)`));
    t.regex(drift.output, /~ rshEnabled: true => false/);

    const refresh = await f.project.run(["refresh", "--yes"]);
    t.is(refresh.code, 0, refresh.output);
    const state = JSON.parse(await assertNoPlaintext(t, f.project, [sim.password])) as {
      deployment: { resources: { type: string; outputs?: Record<string, unknown>; inputs?: Record<string, unknown> }[] };
    };
    const resource = state.deployment.resources.find((r) => r.type === TYPE);
    t.deepEqual(resource?.outputs?.managementProtocols, { rshEnabled: true, telnetEnabled: true }, "refresh records what the cluster has");
    t.deepEqual(resource?.inputs?.managementProtocols, { rshEnabled: false }, "refresh keeps the program's inputs");
    const provider = state.deployment.resources.find((r) => r.type === "pulumi:providers:ontap-security");
    t.like(provider?.inputs?.password as object, { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" }, "the password is a secret in state");

    // A changed provider config (here: insecure set, to its default) never replaces the resource the
    // provider manages (the CLI hides default providers' own steps).
    await f.project.setConfig("ontap-security:insecure", "false");
    const reconfigured = await f.project.run(["preview", "--json"]);
    t.is(reconfigured.code, 0, reconfigured.output);
    const ops = (JSON.parse(reconfigured.stdout) as { steps: { op: string; urn: string }[] }).steps.map((s) => `${s.op} ${s.urn.split("::")[2]}`);
    t.true(ops.includes(`update ${TYPE}`), ops.join(", "));
    t.false(ops.some((op) => /replace/.test(op)), ops.join(", "));

    const patchesBefore = cluster.patches().length;
    const destroy = await f.project.run(["destroy", "--yes"]);
    t.is(destroy.code, 0, destroy.output);
    t.is(cluster.patches().length, patchesBefore, "destroy leaves the cluster as it is");
    t.true(cluster.security.fips?.enabled);
  });

  test.serial("the baseline policy pack judges a YAML program's plugin resources and fails a preview below it", async (t) => {
    const sim = await simulator(t, [{ name: "bern-e", security: asFound() }]);
    const below = ["      fips:", "        enabled: true", "      managementProtocols:", "        rshEnabled: false", "        telnetEnabled: true"].join("\n");
    const f = await fixture(t, projectFile(clusterResource("bern", below)));
    await initDefaultProvider(f.project, sim);
    const preview = await f.project.run(["preview", "--policy-pack", path.join(REPO_ROOT, "policy")]);
    t.not(preview.code, 0, preview.output);
    t.regex(preview.output, new RegExp(`\\[mandatory\\]\\s+ontap-telnet-disabled\\s+\\(${TYPE}: bern\\)`));
    t.true(preview.output.includes('ClusterSecurity "bern": the program sets managementProtocols.telnetEnabled = true'), preview.output);
    t.deepEqual(sim.clusters[0].patches(), []);
  });

  test.serial("pulumi import takes a cluster's settings under management by its uuid, sending nothing that changes", async (t) => {
    const sim = await simulator(t, [{ name: "rome-f", security: asFound() }]);
    const cluster = sim.clusters[0];
    const f = await fixture(t, projectFile(clusterResource("placeholder", "      fips: { enabled: false }")));
    await initDefaultProvider(f.project, sim);
    const imported = await f.project.run(["import", TYPE, "rome", cluster.uuid, "--yes", "--protect=false"]);
    t.is(imported.code, 0, imported.output);
    // The program Pulumi writes for it asks for what the cluster has.
    t.regex(imported.output, /fips:\s+enabled: false/);
    t.regex(imported.output, /telnetEnabled: true/);
    const state = JSON.parse((await f.project.ok(["stack", "export"])).stdout) as { deployment: { resources: { type: string; id?: string; inputs?: Record<string, unknown> }[] } };
    const resource = state.deployment.resources.find((r) => r.type === TYPE);
    t.is(resource?.id, cluster.uuid);
    t.deepEqual(resource?.inputs?.fips, { enabled: false });
    t.deepEqual(cluster.patches(), []);
  });

  test.serial("preview refuses turning conversion off on a cluster that has it on, before anything changes", async (t) => {
    const sim = await simulator(t, [{ name: "lyon-b", security: { software_data_encryption: { conversion_enabled: true, disabled_by_default: false } } }]);
    const f = await fixture(t, projectFile(clusterResource("lyon", ["      softwareDataEncryption:", "        conversionEnabled: false"].join("\n"))));
    await initDefaultProvider(f.project, sim);
    const preview = await f.project.run(["preview"]);
    t.not(preview.code, 0, preview.output);
    t.regex(preview.output, /softwareDataEncryption\.conversionEnabled cannot go from true to false/);
    const up = await f.project.run(["up", "--yes"]);
    t.not(up.code, 0, up.output);
    t.deepEqual(sim.clusters[0].patches(), [], "nothing was sent");
  });

  test.serial("a job that fails ends the update with ONTAP's message, state records what the cluster has, and the next up finishes", async (t) => {
    const sim = await simulator(t, [{ name: "nice-c", security: asFound(), scenario: { failNextJobs: { count: 1, code: 52428820, message: "simulated job failure" } } }]);
    const f = await fixture(t, projectFile(clusterResource("nice", SETTINGS)));
    await initDefaultProvider(f.project, sim);
    const failed = await f.project.run(["up", "--yes"]);
    t.not(failed.code, 0, failed.output);
    t.regex(failed.output, /simulated job failure/);
    const exported = JSON.parse((await f.project.ok(["stack", "export"])).stdout) as { deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] } };
    const recorded = exported.deployment.resources.find((r) => r.type === TYPE);
    t.deepEqual(recorded?.outputs?.fips, { enabled: false }, "state says what the cluster has after the failed job");
    const again = await f.project.run(["up", "--yes"]);
    t.is(again.code, 0, again.output);
    t.true(sim.clusters[0].security.fips?.enabled);
  });

  test.serial("a pipeline cancelled during up (SIGINT) lets the plugin finish the running update: state and cluster agree", async (t) => {
    // The cluster's clock stands still until the CLI has been interrupted, so the interrupt surely comes
    // while the job runs; then it is driven while the update finishes its work.
    const clock = new ManualClock();
    const sim = await simulator(t, [{ name: "kiev-g", security: asFound(), scenario: { jobDurationMs: 3_000 } }], clock);
    const cluster = sim.clusters[0];
    const f = await fixture(t, projectFile(clusterResource("kiev", SETTINGS)));
    await initDefaultProvider(f.project, sim);
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
    const exported = JSON.parse((await f.project.ok(["stack", "export"])).stdout) as { deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] } };
    const resource = exported.deployment.resources.find((r) => r.type === TYPE);
    t.truthy(resource, "the update in flight was finished and recorded");
    t.deepEqual(resource?.outputs?.fips, { enabled: cluster.security.fips?.enabled });
    t.deepEqual(resource?.outputs?.managementProtocols, {
      rshEnabled: cluster.security.management_protocols?.rsh_enabled,
      telnetEnabled: cluster.security.management_protocols?.telnet_enabled,
    });
    t.is((await clock.runWhile(f.project.run(["up", "--yes", "--skip-preview"]))).code, 0);
    t.is((await f.project.run(["preview", "--expect-no-changes"])).code, 0);
    t.true(cluster.security.fips?.enabled);
  });

  test.serial("two explicit providers with their own credentials manage two clusters in one program", async (t) => {
    const siteA = await simulator(t, [{ name: "site-a", security: asFound() }]);
    const siteB = await simulator(t, [{ name: "site-b", security: asFound() }]);
    t.not(siteA.password, siteB.password);
    const provider = (name: string, site: string, extra: string[] = []) =>
      [
        `  ${name}:`,
        "    type: pulumi:providers:ontap-security",
        "    properties:",
        `      host: \${${site}Host}`,
        `      username: \${${site}User}`,
        `      password: \${${site}Password}`,
        `      caCertificate: \${${site}Ca}`,
        ...extra,
      ].join("\n");
    const config = ["siteA", "siteB"]
      .flatMap((site) => [`  ${site}Host: { type: string }`, `  ${site}User: { type: string }`, `  ${site}Password: { type: string, secret: true }`, `  ${site}Ca: { type: string }`])
      .join("\n");
    const resources = [
      provider("a", "siteA"),
      provider("b", "siteB"),
      clusterResource("clusterA", SETTINGS, "      provider: ${a}"),
      clusterResource("clusterB", SETTINGS, "      provider: ${b}"),
    ].join("\n");
    const f = await fixture(t, projectFile(resources, config));
    await f.project.init(
      {
        siteAHost: siteA.clusters[0].host,
        siteAUser: siteA.username,
        siteACa: siteA.caCertificate,
        siteBHost: siteB.clusters[0].host,
        siteBUser: siteB.username,
        siteBCa: siteB.caCertificate,
      },
      { siteAPassword: siteA.password, siteBPassword: siteB.password },
    );
    const up = await f.project.run(["up", "--yes"]);
    t.is(up.code, 0, up.output);
    t.true(siteA.clusters[0].security.fips?.enabled);
    t.true(siteB.clusters[0].security.fips?.enabled);
    await assertNoPlaintext(t, f.project, [siteA.password, siteB.password]);

    // A provider's changed arguments update that provider; the resource it manages is never replaced.
    f.write(projectFile(resources.replace(provider("a", "siteA"), provider("a", "siteA", ["      insecure: false"])), config));
    const changed = await f.project.run(["preview", "--json"]);
    t.is(changed.code, 0, changed.output);
    const ops = (JSON.parse(changed.stdout) as { steps: { op: string; urn: string }[] }).steps.map((s) => `${s.op} ${s.urn.split("::").slice(2).join("::")}`);
    t.true(ops.includes("update pulumi:providers:ontap-security::a"), ops.join(", "));
    t.false(ops.some((op) => /replace/.test(op)), ops.join(", "));
  });
}
