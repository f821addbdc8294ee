// A conversion goes on after its job ended (ONTAP 9.16.1 and later), and whether conversion_enabled reads
// true meanwhile is not documented: the provider must be right under either reading. The simulator's
// `conversionEnabledWhileEncrypting` picks the reading; the conversion must be sent once, the update must
// succeed, and neither diff nor a second update may send it again while it runs.
import test from "ava";

import { diffResource } from "../provider/lifecycle/diff";
import { LifecycleEnv, createResource, updateResource } from "../provider/lifecycle/operations";
import { ClusterSecurityInputs } from "../provider/lifecycle/model";
import { SimCluster, startSimulator } from "../simulator";

for (const reads of [false, true]) {
  test(`a conversion still encrypting after its job is sent once and never again (conversion_enabled reads ${reads} meanwhile)`, async (t) => {
    const sim = await startSimulator({
      clusters: [{ version: "9.16.1", scenario: { jobDurationMs: 30, conversionAfterJobMs: 600_000, conversionEnabledWhileEncrypting: reads } }],
    });
    t.teardown(() => sim.close());
    const cluster = sim.clusters[0] as SimCluster;
    const logs: string[] = [];
    const env: LifecycleEnv = {
      config: { get: () => undefined },
      env: {},
      clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))) },
      log: (message) => logs.push(message),
      transport: { retryDelayMs: 1 },
    };
    const inputs: ClusterSecurityInputs = {
      host: cluster.host,
      username: sim.username,
      password: sim.password,
      caCertificate: sim.caCertificate,
      softwareDataEncryption: { conversionEnabled: true },
    };
    const { id, outs } = await createResource(inputs, env);
    t.is(outs.softwareDataEncryption?.encryptionState, "encrypting", "outputs say the conversion goes on");
    t.is(outs.softwareDataEncryption?.conversionEnabled, reads);
    t.is(cluster.conversionJobs().length, 1);
    t.false(diffResource(outs, inputs).changes, "diff settles while it runs");
    const again = await updateResource(id, inputs, env);
    t.is(again.softwareDataEncryption?.encryptionState, "encrypting");
    t.is(cluster.conversionJobs().length, 1, "never sent again");
    t.is(cluster.patches().length, 1);
  });
}
