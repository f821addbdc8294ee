/**
 * The provider plugin from Python, as a Python team would use it: the SDK generated from the plugin's
 * schema, installed next to PyPI's `pulumi`, in an Automation API inline program (test/python/
 * plugin_automation.py) driving the real CLI against the simulator: up, a changed program's preview
 * whose engine events carry the detailed diff, refresh, and no credential in plaintext in the state.
 */
import test from "ava";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { asFound, startSimulator } from "../../simulator";
import { REPO_ROOT, findPulumiCli, offlineCliEnv } from "../../harness/pulumiCli";
import { findPythonPulumi, findSdkGenerator, generateSdk } from "../../harness/pluginSdks";
import { PLUGIN_BIN } from "../../harness/yamlHost";
import { runProgram } from "../../harness/run";
import { checkInlineRun } from "./pluginInline";

const cli = findPulumiCli();
const generator = findSdkGenerator();
const python = findPythonPulumi();
const missing = [cli, generator, python].find((lookup) => !lookup.ok);


if (missing !== undefined && !missing.ok) {
  test(`the Pulumi CLI, the SDK generator and Python's Pulumi SDK are available (${missing.reason})`, (t) => {
    t.fail(`Missing: ${missing.reason}`);
  });
} else if (cli.ok && generator.ok && python.ok) {
  test("a Python inline program applies, previews a change with its detailed diff, refreshes, and keeps the password secret", async (t) => {
    const sim = await startSimulator({ clusters: [{ name: "paris-a", security: asFound() }] });
    const work = mkdtempSync(path.join(tmpdir(), "ontap-python-"));
    t.teardown(async () => {
      await sim.close();
      rmSync(work, { recursive: true, force: true });
    });
    const sdk = generateSdk(generator.dir, "python");
    t.teardown(() => rmSync(path.dirname(sdk), { recursive: true, force: true }));
    const site = path.join(work, "site");
    const install = await runProgram(python.dir, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", "--no-deps", "--no-build-isolation", "--target", site, sdk], {
      timeoutMs: 5 * 60_000,
    });
    t.is(install.code, 0, install.output);

    const cluster = sim.clusters[0];
    const env = {
      ...offlineCliEnv(path.join(work, "home")),
      PATH: [cli.dir, PLUGIN_BIN, process.env.PATH ?? ""].join(path.delimiter),
      PULUMI_BACKEND_URL: `file://${path.join(work, "backend")}`,
    };
    const run = await runProgram(python.dir, [path.join(REPO_ROOT, "test", "python", "plugin_automation.py"), work], {
      env: {
        ...env,
        PYTHONPATH: site,
        ONTAP_HOST: cluster.host,
        ONTAP_USERNAME: sim.username,
        ONTAP_PASSWORD: sim.password,
        ONTAP_CA_CERTIFICATE: sim.caCertificate,
      },
      timeoutMs: 10 * 60_000,
    });
    await checkInlineRun(t, run, cluster, sim.password, work, env);
  });
}
