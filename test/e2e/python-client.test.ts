// NetApp's own Python client (`netapp-ontap`, unmodified) is the judge of the ONTAP simulator: if the
// vendor's client cannot read, patch and poll the simulator like a real cluster, the simulator is wrong.
//
// scripts/python-client.sh makes (once) a virtualenv outside the repository and prints its python; then,
// per ONTAP version profile, a simulator is started and test/python/check_simulator.py runs against it.
// Without python3 / venv / PyPI these tests FAIL with the reason; they never skip.

import test, { ExecutionContext } from "ava";
import { mkdtemp, readFile, rm, writeFile } from "fs/promises";
import { tmpdir } from "os";
import { join, resolve } from "path";

import { runProgram } from "../../harness/run";
import { ClusterOptions, SimCluster, startSimulator } from "../../simulator";

/** Compiled to build/test/e2e/, run from there: the repository is three levels up. */
const REPO = resolve(__dirname, "..", "..", "..");
const SETUP_SCRIPT = join(REPO, "scripts", "python-client.sh");
const CHECK_SCRIPT = join(REPO, "test", "python", "check_simulator.py");

/** The venv's python, or the reason there is none. Made once per test run; the first run installs from PyPI. */
let pythonPromise: Promise<{ python?: string; why?: string }> | undefined;
function netappPython(): Promise<{ python?: string; why?: string }> {
  pythonPromise ??= runProgram("bash", [SETUP_SCRIPT], { timeoutMs: 10 * 60_000 }).then(({ code, output }) => {
    const lines = output.trim().split("\n");
    const python = lines.at(-1)?.trim();
    if (code === 0 && python) return { python };
    const where = process.env.CI === "true" ? "CI must provide python3 with venv and pip access to PyPI (install them in .ci/run)" : "install python3 and python3-venv, and allow access to PyPI";
    return { why: `scripts/python-client.sh failed (exit ${code}); ${where}.\n${output}` };
  });
  return pythonPromise;
}

interface Profile {
  version: string;
  /** The simulator's failedJobAnswer, which the script must be told. */
  failedJobAnswer: "job" | "error";
  steps: string;
  /** More scenario switches and initial settings, for the steps that need them. */
  scenario?: ClusterOptions["scenario"];
  security?: ClusterOptions["security"];
  /** Authenticate with a client certificate mapped to an admin account instead of a password. */
  certificate?: true;
}

const profiles: Profile[] = [
  { version: "9.7.0", failedJobAnswer: "job", steps: "all" },
  { version: "9.8.0", failedJobAnswer: "job", steps: "all" },
  { version: "9.10.1", failedJobAnswer: "job", steps: "all" },
  { version: "9.11.1", failedJobAnswer: "job", steps: "all" },
  { version: "9.16.1", failedJobAnswer: "job", steps: "all" },
  { version: "9.17.1", failedJobAnswer: "job", steps: "all" },
  { version: "9.19.1", failedJobAnswer: "job", steps: "all" },
  { version: "9.16.1", failedJobAnswer: "error", steps: "failure" },
  { version: "9.16.1", failedJobAnswer: "job", steps: "all", certificate: true },
  // The other forms the reference documents; check_simulator.py's `forms` step expects exactly these.
  {
    version: "9.16.1",
    failedJobAnswer: "job",
    steps: "forms",
    scenario: {
      okmCodeForm: "string",
      okmSupportedPresent: false,
      jobLinkForm: "uuid",
      errorArguments: true,
      preconditionErrors: "patch",
      fipsCertificateStrengthTooLow: true,
      errorCodeForm: "integer",
    },
    security: { onboard_key_manager_configurable_status: { code: 65537300, message: "No platform support for volume encryption in following nodes - node1, node2." } },
  },
];

const SIMULATED_PATHS = /^\/api\/(cluster|security|cluster\/jobs\/[0-9a-f-]+)$/;

async function judge(t: ExecutionContext, profile: Profile): Promise<void> {
  t.timeout(11 * 60_000, "first run installs netapp-ontap from PyPI");
  const { python, why } = await netappPython();
  if (python === undefined) {
    t.fail(why);
    return;
  }
  // The failing step turns on software-data-encryption conversion, which dataVolumesPresent makes fail.
  const options: ClusterOptions = {
    version: profile.version,
    scenario: { dataVolumesPresent: true, jobDurationMs: 300, failedJobAnswer: profile.failedJobAnswer, ...profile.scenario },
    ...(profile.security ? { security: profile.security } : {}),
  };
  const sim = await startSimulator({ clusters: [options] });
  const dir = await mkdtemp(join(tmpdir(), "ontap-python-judge-"));
  t.teardown(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });
  const caPath = join(dir, "ca.pem");
  await writeFile(caPath, sim.caCertificate);
  const cluster = sim.clusters[0] as SimCluster;
  const args = [CHECK_SCRIPT, "--host", cluster.host, "--ca", caPath, "--version", profile.version, "--steps", profile.steps, "--failure-answer", profile.failedJobAnswer];
  // The password goes by environment, not argv, so it never shows in a process list.
  const base: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: "1", PYTHONUNBUFFERED: "1" };
  delete base.ONTAP_USERNAME;
  delete base.ONTAP_PASSWORD;
  let env: NodeJS.ProcessEnv = { ...base, ONTAP_USERNAME: sim.username, ONTAP_PASSWORD: sim.password };
  if (profile.certificate) {
    // The same kind of certificate the provider presents: issued by the client CA, mapped by its CN.
    sim.createCertificateLogin("pulumi-automation", "admin");
    const client = await sim.issueClientCertificate({ commonName: "pulumi-automation" });
    await writeFile(join(dir, "client.pem"), client.certificate);
    await writeFile(join(dir, "client.key"), client.privateKey, { mode: 0o600 });
    env = { ...base, ONTAP_CLIENT_CERT_PATH: join(dir, "client.pem"), ONTAP_CLIENT_KEY_PATH: join(dir, "client.key") };
  }
  const started = Date.now();
  const result = await runProgram(python, args, { env, timeoutMs: 3 * 60_000 });
  const log = cluster.requests.map((entry) => `${entry.method} ${entry.path} ${JSON.stringify(entry.query)} ${entry.body === undefined ? "" : JSON.stringify(entry.body)} -> ${entry.status}`);
  if (result.code !== 0) {
    t.log(result.output);
    t.log(`simulator request log:\n${log.join("\n")}`);
  }
  t.is(result.code, 0, `check_simulator.py failed for ${profile.version}; its output is logged above`);
  t.regex(result.output, new RegExp(`# all checks passed for ${profile.version.replace(/\./g, "\\.")}`));
  const stray = cluster.requests.filter((entry) => !SIMULATED_PATHS.test(entry.path));
  t.deepEqual(stray, [], "the client only used simulated endpoints");
  if (profile.steps === "all" && profile.version !== "9.7.0") {
    t.true(cluster.patches().length > 0, "the client sent PATCHes");
    t.true(cluster.requests.some((entry) => entry.path.startsWith("/api/cluster/jobs/") && entry.query.fields === "message,state"), "the client polled a job itself (netapp-ontap 9.19.1.0 asks fields=message,state)");
  }
  if (profile.certificate) {
    t.true(
      cluster.requests.every((entry) => entry.authentication === "certificate" && entry.user === "pulumi-automation" && entry.authorizationScheme === undefined),
      "every request of the client authenticated by its certificate alone",
    );
  }
  if (profile.steps === "forms") {
    t.true(cluster.patches().some((entry) => entry.query.return_records === "true" && entry.status === 200), "the client's return_records was accepted");
    t.true(cluster.patches().some((entry) => entry.status === 400 && (entry.body as { fips?: unknown }).fips !== undefined), "a precondition refused the PATCH itself");
  }
  t.log(`${profile.version} (${profile.steps}, failedJobAnswer=${profile.failedJobAnswer}): ${cluster.requests.length} requests in ${Date.now() - started} ms`);
}

for (const profile of profiles) {
  test(`NetApp's Python client works against a simulated ONTAP ${profile.version} (${profile.steps === "all" ? "every step" : `${profile.steps} step`}, failedJobAnswer ${profile.failedJobAnswer}${profile.certificate ? ", by client certificate" : ""})`, (t) =>
    judge(t, profile));
}

test("the judge is exactly the netapp-ontap release the setup script pins", async (t) => {
  const pinned = /^NETAPP_ONTAP_VERSION="([^"]+)"$/m.exec(await readFile(SETUP_SCRIPT, "utf8"))?.[1];
  if (pinned === undefined) {
    t.fail("scripts/python-client.sh names no NETAPP_ONTAP_VERSION");
    return;
  }
  t.timeout(11 * 60_000, "first run installs netapp-ontap from PyPI");
  const { python, why } = await netappPython();
  if (python === undefined) {
    t.fail(why ?? "no python");
    return;
  }
  const installed = await runProgram(python, ["-c", "import importlib.metadata as m; print(m.version('netapp-ontap'))"], { timeoutMs: 60_000 });
  t.is(installed.code, 0, installed.output);
  t.is(installed.output.trim(), pinned);
});
