/**
 * `npm run demo`: the package end to end in one command. Starts a simulated ONTAP 9.16.1 cluster on
 * loopback, runs `pulumi preview` and `pulumi up` of examples/ against it with a throwaway backend,
 * shows the outputs and the cluster's settings, and stops everything.
 */
import { asFound, startSimulator } from "../simulator";
import { PulumiProject, findPulumiCli } from "../harness/pulumiCli";

function banner(text: string): void {
  console.log(`\n=== ${text}\n`);
}

async function main(): Promise<number> {
  const cli = findPulumiCli();
  if (!cli.ok) {
    console.error(`demo: no Pulumi CLI: ${cli.reason}`);
    return 1;
  }
  const sim = await startSimulator({
    clusters: [
      {
        name: "cluster1",
        version: "9.16.1",
        // A cluster as many are found: FIPS off, TLS 1.0 still on, telnet and rsh on, not encrypted.
        security: asFound(),
        scenario: { jobDurationMs: 1500 },
      },
    ],
  });
  const cluster = sim.clusters[0];
  // The CA travels by environment (ONTAP_CA_CERTIFICATE), the rest by stack config, the password as a secret.
  const project = new PulumiProject(cli.dir, { env: { ONTAP_CA_CERTIFICATE: sim.caCertificate } });
  try {
    banner(`simulated cluster ${cluster.name} (ONTAP ${cluster.version}) at ${cluster.url}`);
    console.log(JSON.stringify(cluster.security, null, 2));
    await project.init({ "ontap:host": cluster.host, "ontap:username": sim.username }, { "ontap:password": sim.password });
    banner("pulumi preview");
    await project.ok(["preview", "--diff"], { echo: true });
    banner("pulumi up");
    await project.ok(["up", "--yes", "--skip-preview"], { echo: true });
    banner("stack outputs");
    console.log(JSON.stringify(await project.outputs(), null, 2));
    banner(`the cluster now (${cluster.patches().length} PATCH, ${cluster.requests.length} requests in all)`);
    console.log(JSON.stringify(cluster.security, null, 2));
    banner("pulumi preview again: nothing to change");
    await project.ok(["preview"], { echo: true });
    return 0;
  } catch (error) {
    console.error(`demo failed: ${(error as Error).message}`);
    return 1;
  } finally {
    project.close();
    await sim.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
