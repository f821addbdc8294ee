/**
 * The provider plugin from Go, as a Go team would use it: the SDK generated from the plugin's schema,
 * compiled against github.com/pulumi/pulumi/sdk/v3, in an Automation API inline program
 * (test/go/plugin_automation.go) driving the real CLI against the simulator: up, a changed program's
 * preview whose engine events carry the detailed diff, refresh, and no credential in plaintext in the
 * state.
 */
import test from "ava";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { asFound, startSimulator } from "../../simulator";
import { findPulumiCli, offlineCliEnv } from "../../harness/pulumiCli";
import { buildGoProgram, findSdkGenerator, generateSdk } from "../../harness/pluginSdks";
import { PLUGIN_BIN } from "../../harness/yamlHost";
import { runProgram } from "../../harness/run";
import { checkInlineRun } from "./pluginInline";

const cli = findPulumiCli();
const generator = findSdkGenerator();
const missing = [cli, generator].find((lookup) => !lookup.ok);


if (missing !== undefined && !missing.ok) {
  test(`the Pulumi CLI and the SDK generator are available (${missing.reason})`, (t) => {
    t.fail(`Missing: ${missing.reason}`);
  });
} else if (cli.ok && generator.ok) {
  test("a Go inline program compiles against sdk/v3, applies, previews a change with its detailed diff, refreshes, and keeps the password secret", async (t) => {
    const sdk = generateSdk(generator.dir, "go");
    t.teardown(() => rmSync(path.dirname(sdk), { recursive: true, force: true }));
    const binary = buildGoProgram(sdk);
    t.teardown(() => rmSync(path.dirname(binary), { recursive: true, force: true }));

    const sim = await startSimulator({ clusters: [{ name: "paris-a", security: asFound() }] });
    const work = mkdtempSync(path.join(tmpdir(), "ontap-go-"));
    t.teardown(async () => {
      await sim.close();
      rmSync(work, { recursive: true, force: true });
    });
    const cluster = sim.clusters[0];
    const env = {
      ...offlineCliEnv(path.join(work, "home")),
      PATH: [cli.dir, PLUGIN_BIN, process.env.PATH ?? ""].join(path.delimiter),
      PULUMI_BACKEND_URL: `file://${path.join(work, "backend")}`,
    };
    const run = await runProgram(binary, [work], {
      env: { ...env, ONTAP_HOST: cluster.host, ONTAP_USERNAME: sim.username, ONTAP_PASSWORD: sim.password, ONTAP_CA_CERTIFICATE: sim.caCertificate },
      timeoutMs: 10 * 60_000,
    });
    await checkInlineRun(t, run, cluster, sim.password, work, env);
  });
}
