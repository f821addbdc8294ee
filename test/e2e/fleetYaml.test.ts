/**
 * The fleet command over a Pulumi YAML project whose resources are the provider plugin's
 * (`ontap-security:index:ClusterSecurity`), with the real CLI, Pulumi's real YAML language host, the
 * plugin as the package ships it, a real PostgreSQL backend and the simulator: the runner's per-stack
 * config reaches the program, its counts, uuid claims, drift check and summary see the plugin's
 * resources as they see the dynamic ones.
 *
 * YAML has no loops: a YAML fleet program declares one provider and one resource per place in its
 * stacks' `clusters` list (`${clusters[0].host}`, …), so each stack of its inventory lists that many;
 * a stack listing more fails naming the clusters no resource manages.
 */
import test, { ExecutionContext } from "ava";
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { SimCluster, Simulator, asFound, startSimulator } from "../../simulator";
import { FleetProject, FleetRun } from "../../harness/fleetProject";
import { nameFromHost } from "../../cli/fleetInventory";
import { Postgres, findPostgres, startPostgres } from "../../harness/postgres";
import { REPO_ROOT, findPulumiCli } from "../../harness/pulumiCli";
import { findYamlHost, yamlPath } from "../../harness/yamlHost";
import { RESOURCE_TOKEN } from "../../provider/plugin/token";

const PASSPHRASE = "fleet-yaml-Passphrase-41c2";
let postgres: Postgres | undefined;

test.before(async () => {
  if (findPostgres().ok) postgres = await startPostgres({ password: "yaml-Pg-pw-93f" });
});
test.after.always(async () => {
  await postgres?.stop();
});

/** The shipped YAML fleet program: two clusters per stack, each through a provider whose host is `clusters[i].host`. */
const PROGRAM = readFileSync(path.join(REPO_ROOT, "examples", "fleet-yaml", "Pulumi.yaml"), "utf8");

function explain(run: FleetRun): string {
  return `exit ${run.code}\n${run.stdout}\n${run.stderr}`;
}

function prerequisites(t: ExecutionContext): { cliDir: string; yamlDir: string; pg: Postgres } {
  const cli = findPulumiCli();
  if (!cli.ok) throw new Error(`no Pulumi CLI: ${cli.reason}`);
  const yaml = findYamlHost();
  if (!yaml.ok) throw new Error(`no YAML language host: ${yaml.reason}`);
  if (postgres === undefined) throw new Error(`no PostgreSQL: ${(findPostgres() as { reason: string }).reason}`);
  t.timeout(10 * 60_000);
  return { cliDir: cli.dir, yamlDir: yaml.dir, pg: postgres };
}

test.serial("a YAML project of the plugin's resources in an inventory: fleet up configures and applies each stack, fleet refresh --drift-check finds a drift and writes nothing", async (t) => {
  const { cliDir, yamlDir, pg } = prerequisites(t);
  const sim: Simulator = await startSimulator({ clusters: ["yaml-a", "yaml-b", "yaml-c", "yaml-d", "yaml-e"].map((name) => ({ name, security: asFound() })) });
  t.teardown(() => sim.close());
  const [a, b, c, d, e] = sim.clusters as [SimCluster, SimCluster, SimCluster, SimCluster, SimCluster];
  const p = new FleetProject(cliDir, sim, { backend: pg.url, projectFile: PROGRAM, env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, PATH: yamlPath(cliDir, yamlDir) } });
  t.teardown(() => p.close());
  const inventory = path.join(p.dir, "fleet.yaml");
  writeFileSync(inventory, stringify({ project: ".", backend: pg.url, stacks: [{ name: "yaml-site", clusters: [a.host, b.host] }] }));

  const json = path.join(p.dir, "up.json");
  const up = await p.fleet(["up", "--inventory", inventory, "--json", json], { json: false });
  t.is(up.code, 0, explain(up));
  const summary = JSON.parse(readFileSync(json, "utf8")) as { stacks: { stack: string; status: string; clusters: number; changed: number; details?: { name: string; host?: string; op?: string }[] }[] };
  const [stack] = summary.stacks;
  t.like(stack, { stack: "yaml-site", status: "succeeded", clusters: 2, changed: 2 }, explain(up));
  // Each cluster once, by the program's name, with the host its provider was given by the stack's config.
  t.deepEqual(
    stack?.details?.map((d) => [d.name, d.host, d.op]),
    [
      ["cluster1", a.host, "create"],
      ["cluster2", b.host, "create"],
    ],
  );
  for (const cluster of [a, b]) {
    t.true(cluster.security.fips?.enabled, `${cluster.name}: fips on`);
    t.false(cluster.security.management_protocols?.rsh_enabled, `${cluster.name}: rsh off`);
  }
  const resources = await p.resources("yaml-site");
  t.deepEqual(resources.filter((r) => r.type === RESOURCE_TOKEN).map((r) => r.id).sort(), [a.uuid, b.uuid].sort(), "the plugin's resources, by cluster uuid");
  const exported = await p.pulumi(["stack", "export", "--stack", "yaml-site"]);
  t.false(exported.includes(sim.password), "no ONTAP password in state");

  // An administrator turns rsh back on, outside the program.
  a.security.management_protocols = { rsh_enabled: true, telnet_enabled: false };
  const patches = [a.patches().length, b.patches().length];
  const driftJson = path.join(p.dir, "drift.json");
  const drift = await p.fleet(["refresh", "--drift-check", "--inventory", inventory, "--json", driftJson], { json: false });
  t.is(drift.code, 3, explain(drift));
  const found = JSON.parse(readFileSync(driftJson, "utf8")) as { stacks: { status: string; clusters: number; changed: number; details?: { name: string; changed: boolean; found?: { managementProtocols?: { rshEnabled?: boolean } } }[] }[] };
  t.like(found.stacks[0], { status: "drift", clusters: 2, changed: 1 }, explain(drift));
  const drifted = found.stacks[0]?.details?.find((d) => d.name === "cluster1");
  t.true(drifted?.changed, "cluster1 drifted");
  t.is(drifted?.found?.managementProtocols?.rshEnabled, true, "what the cluster has, as read");
  t.false(found.stacks[0]?.details?.find((d) => d.name === "cluster2")?.changed, "cluster2 as declared");
  t.deepEqual([a.patches().length, b.patches().length], patches, "a drift check sends nothing");
  t.true(a.security.management_protocols?.rsh_enabled, "the drift is still there");

  // A stack listing three clusters for a program declaring two: the third is managed by nothing.
  const extraInventory = path.join(p.dir, "extra.yaml");
  writeFileSync(extraInventory, stringify({ project: ".", backend: pg.url, stacks: [{ name: "yaml-extra", clusters: [c.host, d.host, e.host] }] }));
  const extraJson = path.join(p.dir, "extra.json");
  const extra = await p.fleet(["up", "--inventory", extraInventory, "--json", extraJson], { json: false });
  t.is(extra.code, 1, explain(extra));
  const extraSummary = JSON.parse(readFileSync(extraJson, "utf8")) as { stacks: { status: string; error?: string }[] };
  t.is(extraSummary.stacks[0]?.status, "failed", explain(extra));
  t.true(extraSummary.stacks[0]?.error?.startsWith(`${nameFromHost(e.host)} (${e.host}): listed in the inventory, managed by no resource of the program`), extraSummary.stacks[0]?.error);
  t.true(c.security.fips?.enabled && d.security.fips?.enabled, "the two places the program declares are applied");
  t.deepEqual(e.patches(), [], "the third cluster was not touched");
  for (const text of [up.stdout, up.stderr, drift.stdout, drift.stderr, extra.stdout, extra.stderr, readFileSync(json, "utf8"), readFileSync(driftJson, "utf8"), readFileSync(extraJson, "utf8")]) {
    t.false(text.includes(sim.password), "no ONTAP password in any output");
    t.false(text.includes(PASSPHRASE), "no passphrase in any output");
  }
});
