// NetApp's Ansible modules (the `netapp.ontap` collection bundled in PyPI's `ansible`, unmodified) are a
// second real client of the ONTAP simulator, beside NetApp's Python client: na_ontap_security_config,
// na_ontap_rest_info and na_ontap_restit must work against every simulated release as against a cluster.
//
// scripts/ansible-client.sh makes (once) a virtualenv outside the repository; then one simulator serves
// four clusters per release and ONE ansible-playbook run (test/ansible/security.yml, one inventory host per
// release, run in parallel) plays every case. Without Python 3.12+ / PyPI this FAILS with the reason; it
// never skips.

import test from "ava";
import { mkdtemp, rm, writeFile } from "fs/promises";
import { tmpdir } from "os";
import { join, resolve } from "path";

import { runProgram } from "../../harness/run";
import { ClusterOptions, SimCluster, acceleratedClock, startSimulator } from "../../simulator";

/** Compiled to build/test/e2e/, run from there: the repository is three levels up. */
const REPO = resolve(__dirname, "..", "..", "..");
const SETUP_SCRIPT = join(REPO, "scripts", "ansible-client.sh");
const PLAYBOOK = join(REPO, "test", "ansible", "security.yml");

/** Every release the simulator models. */
const RELEASES = ["9.6.0", "9.7.0", "9.8.0", "9.10.1", "9.11.1", "9.16.1", "9.17.1", "9.19.1"] as const;

/** How much faster than the wall clock the simulator runs: the 30 s hold lasts 1.5 s, the 45 s job 2.25 s. */
const CLOCK_FACTOR = 20;

/** The clusters each release gets, by the inventory variable that names them (see security.yml). */
const ROLES = {
  main_host: {},
  refusing_host: { fipsNonCompliantCertificate: true },
  refusing_patch_host: { fipsCertificateStrengthTooLow: true, preconditionErrors: "patch" },
  // The module holds the PATCH for 30 s (return_timeout=30); this job runs 45 s. Both are the simulator's
  // own seconds, on a clock CLOCK_FACTOR times faster than the wall clock, so the test does not wait 45 s.
  slow_host: { jobDurationMs: 45_000 },
} as const satisfies Record<string, ClusterOptions["scenario"]>;

test("NetApp's Ansible modules work against every simulated ONTAP release", async (t) => {
  t.timeout(15 * 60_000, "the first run installs ansible from PyPI");
  const setup = await runProgram("bash", [SETUP_SCRIPT], { timeoutMs: 12 * 60_000 });
  const bin = setup.output.trim().split("\n").at(-1)?.trim();
  if (setup.code !== 0 || bin === undefined) {
    t.fail(`scripts/ansible-client.sh failed (exit ${setup.code}); it needs Python 3.12 or later with venv, and PyPI.\n${setup.output}`);
    return;
  }

  const options: ClusterOptions[] = [];
  for (const version of RELEASES) {
    for (const [role, scenario] of Object.entries(ROLES)) {
      options.push({ version, name: `${role.replace(/_host$/, "")}-${version}`, scenario: { jobDurationMs: 2_000, ...scenario } });
    }
  }
  const sim = await startSimulator({ clusters: options, clock: acceleratedClock(CLOCK_FACTOR) });
  const dir = await mkdtemp(join(tmpdir(), "ontap-ansible-"));
  t.teardown(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });
  const roles = Object.keys(ROLES);
  const clusterOf = (version: string, role: string): SimCluster => sim.clusters[RELEASES.indexOf(version as never) * roles.length + roles.indexOf(role)] as SimCluster;

  const caPath = join(dir, "ca.pem");
  await writeFile(caPath, sim.caCertificate);
  const inventory = [
    "[releases]",
    ...RELEASES.map((version) => {
      const hosts = roles.map((role) => `${role}=${clusterOf(version, role).host}`).join(" ");
      return `r${version.replace(/\./g, "_")} ontap_version=${version} ${hosts} ansible_connection=local ansible_python_interpreter=${join(bin, "python")}`;
    }),
  ].join("\n");
  await writeFile(join(dir, "inventory.ini"), `${inventory}\n`);

  // The password goes by environment, never argv or the inventory, so it shows in no process list or file.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ONTAP_USERNAME: sim.username,
    ONTAP_PASSWORD: sim.password,
    REQUESTS_CA_BUNDLE: caPath,
    ANSIBLE_FORKS: "4",
    ANSIBLE_NOCOLOR: "1",
    ANSIBLE_HOST_KEY_CHECKING: "False",
    ANSIBLE_LOCAL_TEMP: join(dir, "tmp"),
    ANSIBLE_HOME: join(dir, "home"),
    ANSIBLE_RETRY_FILES_ENABLED: "False",
    PYTHONDONTWRITEBYTECODE: "1",
  };
  const started = Date.now();
  const run = await runProgram(join(bin, "ansible-playbook"), ["-i", join(dir, "inventory.ini"), PLAYBOOK], { env, cwd: dir, timeoutMs: 10 * 60_000 });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (run.code !== 0) t.log(run.output);
  t.is(run.code, 0, "ansible-playbook failed; its output is logged above");
  for (const version of RELEASES) {
    t.regex(run.output, new RegExp(`r${version.replace(/\./g, "_")}\\s*: ok=\\d+\\s+changed=\\d+\\s+unreachable=0\\s+failed=0`), `every case passed on ${version}`);
  }

  // What the modules sent, as the simulator saw it.
  for (const version of RELEASES) {
    const main = clusterOf(version, "main_host");
    const refused = main.requests.filter((entry) => entry.status === 400 && entry.method === "GET");
    t.deepEqual(refused, [], `${version}: no GET of the modules was refused (max_records, fields=, return_timeout… accepted)`);
    if (version === "9.6.0" || version === "9.7.0") continue;
    // na_ontap_security_config asks /api//security, as real clusters serve it.
    t.true(main.requests.some((entry) => entry.path === "/api//security" && entry.method === "GET" && entry.status === 200), `${version}: GET /api//security answered`);
    t.true(main.patches().length + main.requests.filter((entry) => entry.path === "/api//security" && entry.method === "PATCH").length > 0, `${version}: PATCHes were sent`);
    // Check mode sent nothing: the first PATCH with fips.enabled is the real one, and FIPS went on once and off once.
    const fipsPatches = main.requests.filter((entry) => entry.method === "PATCH" && (entry.body as Record<string, unknown> | undefined)?.["fips.enabled"] !== undefined);
    t.deepEqual(fipsPatches.map((entry) => (entry.body as Record<string, unknown>)["fips.enabled"]), [true, false], `${version}: FIPS patched on once and off once`);
    const slow = clusterOf(version, "slow_host");
    const slowPatch = slow.requests.find((entry) => entry.method === "PATCH");
    t.is(slowPatch?.query.return_timeout, "30", `${version}: the module asked for a 30 s hold`);
    t.is(slowPatch?.status, 202, `${version}: the hold ended before the job`);
    t.true(slow.startedJobs.every((job) => job.state === "success"), `${version}: the slow job succeeded`);
    t.true(slow.requests.some((entry) => entry.path.startsWith("/api/cluster/jobs/")), `${version}: the module polled the job`);
  }
  t.log(`${RELEASES.length} releases, ${sim.clusters.reduce((n, c) => n + c.requests.length, 0)} requests, one playbook run of ${seconds} s`);
});
