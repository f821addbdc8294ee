/**
 * With the real Pulumi CLI: a `host` argument with a credential written into it fails the preview,
 * and the credential appears nowhere in what the CLI prints. The engine prints a failed property's
 * value beside the reason, so check must not let the engine quote such a host.
 */
import test from "ava";
import * as path from "path";
import { PulumiProject, REPO_ROOT, findPulumiCli } from "../../harness/pulumiCli";

const cli = findPulumiCli();
const SECRET = "Hunter2-k9Qz";

/** Hosts that carry the secret in their userinfo, each wrong in some other way too. */
const HOSTS = [
  `https://admin:${SECRET}@cluster1.example.invalid`,
  `http://admin:${SECRET}@cluster1.example.invalid`,
  `admin:${SECRET}@cluster1.example.invalid:99999`,
  `ftp://admin:${SECRET}#x@cluster1.example.invalid`,
];

if (!cli.ok) {
  const waived = process.env.CI !== "true" && process.env.PULUMI_ONTAP_SKIP_CLI === "1";
  (waived ? test.skip : test)(`the Pulumi CLI is available (${cli.reason})`, (t) => {
    t.fail(`No Pulumi CLI: ${cli.reason}. Set PULUMI_ONTAP_SKIP_CLI=1 to waive outside CI.`);
  });
} else {
  const cliDir = cli.dir;
  for (const host of HOSTS) {
    test(`a host with a credential in it fails the preview without printing it: ${host.replace(SECRET, "<secret>")}`, async (t) => {
      const project = new PulumiProject(cliDir, {
        programDir: path.join(REPO_ROOT, "examples", "explicit-connection"),
        env: { LAB_CLUSTER_PASSWORD: "unused-password" },
      });
      t.teardown(() => project.close());
      await project.init({ labHost: host, labUsername: "admin" });
      const preview = await project.run(["preview"]);
      t.not(preview.code, 0, preview.output);
      t.regex(preview.output, /host/, "the failure names the argument");
      t.false(preview.output.includes(SECRET), `the credential is printed:\n${preview.output}`);
    });
  }
}
