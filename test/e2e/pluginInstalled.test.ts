/**
 * The provider plugin as a YAML team installs it, from the packed package only: `npm install` links
 * `node_modules/.bin/pulumi-resource-ontap-security`, that folder goes on PATH, and a YAML program
 * previews and applies through it against the simulator, with no network and nothing of this
 * repository's build on PATH.
 */
import test from "ava";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { asFound, startSimulator } from "../../simulator";
import { REPO_ROOT, findPulumiCli, offlineCliEnv } from "../../harness/pulumiCli";
import { findYamlHost } from "../../harness/yamlHost";
import { runProgram } from "../../harness/run";

const cli = findPulumiCli();
const yaml = cli.ok ? findYamlHost() : cli;

if (!cli.ok || !yaml.ok) {
  test(`the Pulumi CLI and the YAML language host are available (${cli.ok ? (yaml.ok ? "" : yaml.reason) : cli.reason})`, (t) => {
    t.fail("No Pulumi CLI or YAML host: run scripts/pulumi-cli.sh and scripts/pulumi-language-yaml.sh to see why.");
  });
} else {
  test("npm installs the plugin's launcher from the packed package, and a YAML program applies through it", async (t) => {
    const root = mkdtempSync(path.join(tmpdir(), "ontap-installed-plugin-"));
    t.teardown(() => rmSync(root, { recursive: true, force: true }));
    const pack = await runProgram("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", root], { cwd: REPO_ROOT, timeoutMs: 5 * 60_000 });
    t.is(pack.code, 0, pack.output);
    const packed = JSON.parse(pack.output.slice(pack.output.indexOf("["))) as { filename: string; files: { path: string }[] }[];
    const shipped = (packed[0]?.files ?? []).map((file) => file.path);
    for (const file of ["bin/pulumi-resource-ontap-security", "build/provider/plugin/main.js", "build/provider/ClusterSecurity.d.ts"]) {
      t.true(shipped.includes(file), `the package ships ${file}`);
    }
    const sdk = (require(require.resolve("@pulumi/pulumi/package.json", { paths: [REPO_ROOT] })) as { version: string }).version;
    const app = path.join(root, "ontap-yaml");
    mkdirSync(app);
    writeFileSync(
      path.join(app, "package.json"),
      JSON.stringify({ name: "ontap-yaml", private: true, dependencies: { "@pulumi/pulumi": sdk, "pulumi-ontap-security": `file:${path.join(root, packed[0]?.filename ?? "")}` } }, null, 2),
    );
    const install = await runProgram("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: app, timeoutMs: 8 * 60_000 });
    t.is(install.code, 0, install.output);
    const bin = path.join(app, "node_modules", ".bin");
    t.true(existsSync(path.join(bin, "pulumi-resource-ontap-security")), "npm linked the plugin's launcher");
    t.true(realpathSync(path.join(bin, "pulumi-resource-ontap-security")).startsWith(realpathSync(app)), "the launcher is the installed package's");

    const sim = await startSimulator({ clusters: [{ name: "oslo-d", security: asFound() }] });
    t.teardown(() => sim.close());
    writeFileSync(
      path.join(app, "Pulumi.yaml"),
      [
        "name: ontap-yaml",
        "runtime: yaml",
        "resources:",
        "  oslo:",
        "    type: ontap-security:index:ClusterSecurity",
        "    properties:",
        "      fips: { enabled: true }",
        "",
      ].join("\n"),
    );
    mkdirSync(path.join(app, "backend"));
    const env = {
      ...offlineCliEnv(path.join(root, "home")),
      PATH: [cli.dir, yaml.dir, bin, process.env.PATH ?? ""].join(path.delimiter),
      PULUMI_BACKEND_URL: `file://${path.join(app, "backend")}`,
      ONTAP_HOST: sim.clusters[0].host,
      ONTAP_USERNAME: sim.username,
      ONTAP_PASSWORD: sim.password,
      ONTAP_CA_CERTIFICATE: sim.caCertificate,
    };
    const pulumi = (args: string[]) => runProgram("pulumi", [...args, "--non-interactive", "--color", "never"], { cwd: app, env, timeoutMs: 5 * 60_000 });
    const init = await pulumi(["stack", "init", "dev"]);
    t.is(init.code, 0, init.output);
    const up = await pulumi(["up", "--yes"]);
    t.is(up.code, 0, up.output);
    t.regex(up.output, new RegExp(`using pulumi-resource-ontap-security from \\$PATH at ${bin.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    t.true(sim.clusters[0].security.fips?.enabled);
    t.false(up.output.includes(sim.password));
  });
}
