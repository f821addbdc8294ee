/**
 * Certificate-based access end to end through the real Pulumi CLI: a pipeline that holds a client
 * certificate and its key, and no password, previews, applies and refreshes; a certificate the
 * cluster will not take fails the preview naming the argument; a read-only mapped account fails the
 * up with nothing changed; a key given as an argument is kept in state only encrypted; a key given in
 * the certificate's place (swapped, twice, or in one PEM with the certificate) is refused and printed nowhere.
 */
import test, { ExecutionContext } from "ava";
import * as path from "path";
import { ClientCertificate, ClusterOptions, Simulator, asFound, startSimulator } from "../../simulator";
import { PulumiProject, REPO_ROOT, findPulumiCli } from "../../harness/pulumiCli";

const cli = findPulumiCli();

const legacy: ClusterOptions = { version: "9.16.1", security: asFound(), scenario: { jobDurationMs: 300 } };

/** The lines of a PEM key's body: none may appear in output or state. */
const keyLines = (pem: string): string[] => pem.split("\n").filter((line) => line.length > 20 && !line.startsWith("-----"));
const leaks = (text: string, client: ClientCertificate): boolean => keyLines(client.privateKey).some((line) => text.includes(line));

const SECRET_IN_STATE = (name: string): RegExp =>
  new RegExp(`"${name}": \\{\\s*"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",\\s*"ciphertext"`);

async function simulator(t: ExecutionContext, cluster: ClusterOptions = legacy): Promise<Simulator> {
  const sim = await startSimulator({ clusters: [cluster] });
  t.teardown(() => sim.close());
  return sim;
}

/** A project of `examples/` whose stack config holds the certificate, the key as a secret, and no username or password. */
async function certificateProject(t: ExecutionContext, sim: Simulator, client: ClientCertificate): Promise<PulumiProject> {
  if (!cli.ok) throw new Error(cli.reason);
  const project = new PulumiProject(cli.dir, { env: { ONTAP_CA_CERTIFICATE: sim.caCertificate } });
  t.teardown(() => project.close());
  await project.init({ "ontap:host": sim.clusters[0]?.host ?? "", "ontap:clientCertificate": client.certificate }, { "ontap:clientKey": client.privateKey });
  return project;
}

async function setClientCertificate(project: PulumiProject, client: ClientCertificate): Promise<void> {
  await project.setConfig("ontap:clientCertificate", client.certificate);
  await project.ok(["config", "set", "--secret", "ontap:clientKey"], { input: client.privateKey });
}

if (!cli.ok) {
  test(`the Pulumi CLI is available for the certificate tests (${cli.reason})`, (t) => {
    t.fail(`No Pulumi CLI: ${cli.reason}. test/e2e/cli.test.ts says how to obtain it or waive it.`);
  });
} else {
  test.serial("with a client certificate and no password, preview, up and refresh work; the key is in no output and only encrypted in state", async (t) => {
    const sim = await simulator(t);
    const cluster = sim.clusters[0];
    if (cluster === undefined) throw new Error("no cluster");
    sim.createCertificateLogin("pulumi-automation", "admin");
    const client = await sim.issueClientCertificate({ commonName: "pulumi-automation" });
    const project = await certificateProject(t, sim, client);
    const run = async (args: string[]) => {
      const result = await project.run(args);
      t.is(result.code, 0, `pulumi ${args.join(" ")}:\n${result.output}`);
      return result;
    };

    const preview = await run(["preview"]);
    t.regex(preview.output, /\+\s+pulumi-nodejs:dynamic\/ontap:ClusterSecurity\s+cluster-security\s+create/);
    t.deepEqual(cluster.patches(), []);
    await run(["up", "--yes", "--skip-preview"]);
    t.deepEqual(cluster.security.fips, { enabled: true });
    t.is(cluster.security.software_data_encryption?.conversion_enabled, true);
    cluster.security.management_protocols = { rsh_enabled: false, telnet_enabled: true };
    await run(["refresh", "--yes"]);
    const exported = (await project.ok(["stack", "export"])).stdout;
    t.regex(exported, /"telnetEnabled": true/, "refresh read the drift by certificate");
    await run(["up", "--yes", "--skip-preview"]);
    t.deepEqual(cluster.security.management_protocols, { rsh_enabled: false, telnet_enabled: false });
    await run(["preview", "--expect-no-changes"]);

    t.true(cluster.requests.length > 0);
    t.true(
      cluster.requests.every((request) => request.authentication === "certificate" && request.user === "pulumi-automation" && request.authorizationScheme === undefined),
      "every request authenticated by the certificate, none carried an Authorization header",
    );
    t.false(leaks(exported, client), "the key appears in the exported state");
    t.false(/"clientKey":/.test(exported), "a key from stack config is not copied into state");
    t.false(leaks(project.transcript(), client), "the key appears in the CLI's output");
  });

  test.serial("a certificate the cluster will not take fails preview naming clientCertificate; a read-only mapped account fails up with nothing changed", async (t) => {
    const sim = await simulator(t);
    const cluster = sim.clusters[0];
    if (cluster === undefined) throw new Error("no cluster");
    sim.createCertificateLogin("pulumi-automation", "admin");
    sim.createCertificateLogin("auditor", "readonly");
    const expired = await sim.issueClientCertificate({ commonName: "pulumi-automation", expired: true });
    const stranger = await sim.issueClientCertificate({ commonName: "pulumi-automation", signer: "unknown-ca" });
    const auditor = await sim.issueClientCertificate({ commonName: "auditor" });
    const project = await certificateProject(t, sim, expired);
    const before = structuredClone(cluster.security);

    const old = await project.run(["preview"]);
    t.not(old.code, 0);
    t.regex(old.output, /property clientCertificate value .* has a problem: clientCertificate \(CN=pulumi-automation\) \(from config ontap:clientCertificate\) expired on /s);
    t.deepEqual(cluster.requests, [], "an expired certificate is refused before the cluster is asked");

    await setClientCertificate(project, stranger);
    const unknown = await project.run(["preview"]);
    t.not(unknown.code, 0);
    t.regex(unknown.output, /property clientCertificate .*has a problem: cannot check the cluster: GET https:\/\/127\.0\.0\.1:\d+\/api\/cluster\S* failed with HTTP 401: User is not authorized\./s);

    await setClientCertificate(project, auditor);
    t.is((await project.run(["preview"])).code, 0, "the read-only account may read, so the preview passes");
    const up = await project.run(["up", "--yes", "--skip-preview"]);
    t.not(up.code, 0);
    t.regex(up.output, /HTTP 403: not authorized for that command \(ONTAP error code 6\)\. The account the client certificate maps to \(by its common name\) lacks the role/);
    t.deepEqual(cluster.security, before, "nothing changed on the cluster");
    t.is(cluster.jobs.size, 0);
    t.true(cluster.patches().every((patch) => patch.status === 403 && patch.user === "auditor"));
    for (const client of [expired, stranger, auditor]) t.false(leaks(project.transcript(), client), "a key appears in the CLI's output");
  });

  test.serial("a client key given as a plain argument stays encrypted in state and out of a check failure's output", async (t) => {
    const sim = await simulator(t);
    const cluster = sim.clusters[0];
    if (cluster === undefined) throw new Error("no cluster");
    sim.createCertificateLogin("lab-automation", "admin");
    const client = await sim.issueClientCertificate({ commonName: "lab-automation" });
    const other = await sim.issueClientCertificate({ commonName: "someone-else" });
    const cliDir = cli.dir;
    const project = (env: Record<string, string>): PulumiProject => {
      const p = new PulumiProject(cliDir, { programDir: path.join(REPO_ROOT, "examples", "explicit-connection"), env: { ONTAP_CA_CERTIFICATE: sim.caCertificate, ...env } });
      t.teardown(() => p.close());
      return p;
    };

    const mismatched = project({ LAB_CLUSTER_CERTIFICATE: client.certificate, LAB_CLUSTER_KEY: other.privateKey });
    await mismatched.init({ labHost: cluster.host });
    const refused = await mismatched.run(["preview"]);
    t.not(refused.code, 0);
    t.regex(refused.output, /clientKey \(from argument\) is not the private key of clientCertificate \(CN=lab-automation\) \(from argument\)/);
    t.false(leaks(refused.output, other), `the key appears in the check failure's output:\n${refused.output}`);

    const good = project({ LAB_CLUSTER_CERTIFICATE: client.certificate, LAB_CLUSTER_KEY: client.privateKey });
    await good.init({ labHost: cluster.host });
    const up = await good.run(["up", "--yes", "--skip-preview"]);
    t.is(up.code, 0, up.output);
    t.is(cluster.security.software_data_encryption?.conversion_enabled, true);
    const refresh = await good.run(["refresh", "--yes"]);
    t.is(refresh.code, 0, refresh.output);
    const exported = (await good.ok(["stack", "export"])).stdout;
    t.regex(exported, SECRET_IN_STATE("clientKey"), "state holds the key encrypted");
    t.false(leaks(good.transcript(), client), "the key appears in clear in state (the export is in the transcript) or output");
  });

  test.serial("a key given in the certificate's place fails the preview with the argument named in words and the key printed nowhere", async (t) => {
    const sim = await simulator(t);
    const cluster = sim.clusters[0];
    if (cluster === undefined) throw new Error("no cluster");
    const client = await sim.issueClientCertificate({ commonName: "lab-automation" });
    const oneLine = (pem: string): string => pem.trimEnd().split("\n").join("\\n");
    const cases: [string, string, string, RegExp][] = [
      ["certificate and key swapped", client.privateKey, client.certificate, /clientCertificate \(from argument\) holds a private key and clientKey \(from argument\) a certificate: the two are swapped/],
      ["the key as clientCertificate too", client.privateKey, client.privateKey, /clientCertificate \(from argument\) holds a PEM private key, which would be kept in state in clear: give only the certificate there, and its key as clientKey/],
      ["certificate and key in one PEM", client.certificate + client.privateKey, client.privateKey, /clientCertificate \(from argument\) holds a PEM private key/],
      ["certificate and key in one PEM on one line", oneLine(client.certificate + client.privateKey), client.privateKey, /clientCertificate \(from argument\) holds a PEM private key/],
    ];
    for (const [what, certificate, key, reason] of cases) {
      const project = new PulumiProject(cli.dir, {
        programDir: path.join(REPO_ROOT, "examples", "explicit-connection"),
        env: { ONTAP_CA_CERTIFICATE: sim.caCertificate, LAB_CLUSTER_CERTIFICATE: certificate, LAB_CLUSTER_KEY: key },
      });
      t.teardown(() => project.close());
      await project.init({ labHost: cluster.host });
      const refused = await project.run(["preview"]);
      t.not(refused.code, 0, what);
      t.regex(refused.output, new RegExp(`resource 'lab-cluster' has a problem: ${reason.source}`), `${what}:\n${refused.output}`);
      t.notRegex(refused.output, /property (clientCertificate|clientKey) value/, `${what}: the engine was given a property whose value holds the key`);
      t.false(leaks(project.transcript(), client), `${what}: the key appears in the CLI's output:\n${refused.output}`);
    }
    t.deepEqual(cluster.requests, [], "refused before the cluster is asked");
  });
}
