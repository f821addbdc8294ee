/**
 * What a user does, with nothing from this repository's tree: `npm pack` the package, install the
 * tarball into a fresh Pulumi project in a temporary folder, start the shipped simulator with the
 * shipped command, source its variables, and run `pulumi preview`/`up` of the user's own program with
 * the real CLI, checked against the shipped security baseline (`--policy-pack`).
 */
import test, { ExecutionContext } from "ava";
import { ChildProcess, spawn } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "fs";
import { request as httpsRequest } from "https";
import { tmpdir } from "os";
import * as path from "path";

import { REPO_ROOT, findPulumiCli } from "../../harness/pulumiCli";
import { ProgramRun, runProgram } from "../../harness/run";

const cli = findPulumiCli();
const inCi = process.env.CI === "true";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The user's project: its folder, the shipped simulator it started, and the CLI's environment. */
interface UserProject {
  dir: string;
  simulator: ChildProcess;
  /** The variables the simulator wrote, as bash reads them. */
  ontap: Record<string, string>;
  pulumi(args: readonly string[]): Promise<ProgramRun>;
  /** Writes the program (index.ts). */
  program(source: string): void;
}

const POLICY_PACK = "node_modules/pulumi-ontap-security/policy";

let project: UserProject | undefined;

function the(): UserProject {
  if (project === undefined) throw new Error("the user's project was not set up (see the first test's failure)");
  return project;
}

/** A user's program: the imports, the simulated clusters' hosts, then `resources`. */
function clusterProgram(resources: string): string {
  return [
    'import { ClusterSecurity } from "pulumi-ontap-security";',
    "",
    "// Connection from the environment the simulator's variables set (ONTAP_HOST, ONTAP_USERNAME, …).",
    'const hosts = (process.env.ONTAP_HOSTS ?? "").split(" ");',
    resources,
    "",
  ].join("\n");
}

const compliant = (telnet: boolean): string =>
  clusterProgram(`const one = new ClusterSecurity("cluster1", {
  fips: { enabled: true },
  tls: { protocolVersions: ["TLSv1.2"] },
  managementProtocols: { rshEnabled: false, telnetEnabled: ${telnet} },
  softwareDataEncryption: { conversionEnabled: true },
});
export const fips = one.fips;
export const managementProtocols = one.managementProtocols;
export const softwareDataEncryption = one.softwareDataEncryption;
export const clusterName = one.cluster.apply((c) => c?.name);`);

function skipOrFailWithoutCli(): boolean {
  if (cli.ok) return false;
  const waived = !inCi && process.env.PULUMI_ONTAP_SKIP_CLI === "1";
  (waived ? test.skip : test)(`the Pulumi CLI is available for the user's project (${cli.reason})`, (t) => {
    t.fail(`No Pulumi CLI: ${cli.reason}. Run scripts/pulumi-cli.sh to see why; set PULUMI_ONTAP_SKIP_CLI=1 to waive outside CI.`);
  });
  return true;
}

if (!skipOrFailWithoutCli() && cli.ok) {
  const cliDir = cli.dir;
  const root = mkdtempSync(path.join(tmpdir(), "ontap-user-project-"));
  test.after.always(async () => {
    const sim = project?.simulator;
    if (sim !== undefined && sim.exitCode === null) {
      sim.kill("SIGTERM");
      await new Promise((resolve) => sim.once("exit", resolve));
    }
    rmSync(root, { recursive: true, force: true });
  });

  test.serial("the packed package installs into a fresh project, with its command, its simulator and its policy pack", async (t) => {
    // 1. The tarball, exactly as `npm publish` would upload it (the build is already there: npm test built it).
    const pack = await runProgram("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", root], { cwd: REPO_ROOT, timeoutMs: 5 * 60_000 });
    t.is(pack.code, 0, pack.output);
    const packed = JSON.parse(pack.output.slice(pack.output.indexOf("["))) as { filename: string; files: { path: string }[] }[];
    const tarball = path.join(root, (packed[0] as { filename: string }).filename);
    const shipped = (packed[0]?.files ?? []).map((file) => file.path);
    for (const file of ["build/cli/main.js", "build/simulator/index.js", "build/policy/pack.js", "policy/PulumiPolicy.yaml", "policy/package.json", "build/provider/index.js"]) {
      t.true(shipped.includes(file), `the package ships ${file}`);
    }
    t.false(
      shipped.some((file) => /^(build\/)?(test|bench|scripts|examples)\//.test(file)),
      "no tests, benchmarks, scripts or examples in the package",
    );

    // 2. A fresh project outside the repository, with the SDK this run uses (from the registry or npm's cache).
    const sdk = (require(require.resolve("@pulumi/pulumi/package.json", { paths: [REPO_ROOT] })) as { version: string }).version;
    const typescript = (require(require.resolve("typescript/package.json", { paths: [REPO_ROOT] })) as { version: string }).version;
    // The policy pack's optional peer dependency, installed as a policy-pack user is told to.
    const policy = (require(require.resolve("@pulumi/policy/package.json", { paths: [REPO_ROOT] })) as { version: string }).version;
    const dir = path.join(root, "my-ontap-infra");
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify(
        { name: "my-ontap-infra", private: true, main: "index.ts", dependencies: { "@pulumi/pulumi": sdk, "@pulumi/policy": policy, "pulumi-ontap-security": `file:${tarball}`, typescript } },
        null,
        2,
      ),
    );
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: my-ontap-infra\nruntime: nodejs\ndescription: ONTAP security as code\n");
    const install = await runProgram("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: dir, timeoutMs: 8 * 60_000 });
    t.is(install.code, 0, install.output);
    for (const name of ["pulumi-ontap-security", "@pulumi/pulumi", "@pulumi/policy"]) {
      const installed = realpathSync(path.join(dir, "node_modules", name));
      t.true(installed.startsWith(realpathSync(dir)), `${name} is installed in the project, not linked to the repository (${installed})`);
    }
    const bin = path.join(dir, "node_modules", ".bin", "pulumi-ontap-security");
    t.true(existsSync(bin), "npm installed the package's command");

    // 3. The shipped simulator, started with the shipped command: two clusters as many are found.
    const envFile = path.join(dir, "sim.env");
    const simulator = spawn(bin, ["simulator", "--clusters", "2", "--as-found", "--write-env", envFile, "--request-log", path.join(dir, "requests.json")], {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let simulatorSaid = "";
    simulator.stderr.on("data", (chunk: Buffer) => (simulatorSaid += chunk));
    const deadline = Date.now() + 60_000;
    while (!existsSync(envFile) && simulator.exitCode === null && Date.now() < deadline) await sleep(100);
    if (!existsSync(envFile)) {
      simulator.kill("SIGKILL");
      t.fail(`the simulator wrote no ${envFile}: ${simulatorSaid}`);
      return;
    }
    const sourced = await runProgram("bash", ["-c", `source '${envFile}' && node -e 'console.log(JSON.stringify(process.env))'`], { cwd: dir });
    t.is(sourced.code, 0, sourced.output);
    const ontap = Object.fromEntries(Object.entries(JSON.parse(sourced.output) as Record<string, string>).filter(([key]) => key.startsWith("ONTAP_")));
    t.is(ontap.ONTAP_HOSTS?.split(" ").length, 2);

    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("ONTAP_") && !key.startsWith("PULUMI_")));
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      PATH: `${cliDir}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_BACKEND_URL: `file://${path.join(root, "backend")}`,
      PULUMI_HOME: path.join(root, "pulumi-home"),
      PULUMI_CONFIG_PASSPHRASE: "a user's passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      NO_COLOR: "1",
    };
    mkdirSync(path.join(root, "backend"));
    project = {
      dir,
      simulator,
      ontap,
      // As a pipeline step would: source the simulator's variables, then run pulumi.
      pulumi: (args) =>
        runProgram("bash", ["-c", `set -a && source '${envFile}' && exec pulumi "$@" --non-interactive --color never`, "pulumi", ...args], { cwd: dir, env }),
      program: (source) => writeFileSync(path.join(dir, "index.ts"), source),
    };
    const init = await project.pulumi(["stack", "init", "dev"]);
    t.is(init.code, 0, init.output);
  });

  test.serial("a compliant program passes the baseline in preview, and up applies it to the shipped simulator", async (t) => {
    const p = the();
    p.program(compliant(false));
    const preview = await p.pulumi(["preview", "--policy-pack", POLICY_PACK]);
    t.is(preview.code, 0, preview.output);
    t.regex(preview.output, /ontap-security-baseline@v0\.1\.0/);
    t.notRegex(preview.output, /\[(mandatory|advisory)\]/, "no violation");
    t.regex(preview.output, /\+\s+pulumi-nodejs:dynamic\/ontap:ClusterSecurity\s+cluster1\s+create/);

    const up = await p.pulumi(["up", "--yes", "--skip-preview", "--policy-pack", POLICY_PACK]);
    t.is(up.code, 0, up.output);
    t.notRegex(up.output, /\[(mandatory|advisory)\]/, "the cluster's reported settings meet the baseline after up");
    const outputs = await p.pulumi(["stack", "output", "--json"]);
    t.is(outputs.code, 0, outputs.output);
    t.like(JSON.parse(outputs.output), {
      fips: { enabled: true },
      managementProtocols: { rshEnabled: false, telnetEnabled: false },
      softwareDataEncryption: { conversionEnabled: true },
      clusterName: "sim-cluster-1",
    });
  });

  test.serial("a program that turns telnet on fails the preview (mandatory), naming the cluster, the setting, the value and the fix", async (t) => {
    const p = the();
    p.program(compliant(true));
    const preview = await p.pulumi(["preview", "--policy-pack", POLICY_PACK]);
    t.not(preview.code, 0, preview.output);
    t.regex(preview.output, /\[mandatory\]\s+ontap-telnet-disabled/);
    t.regex(
      preview.output,
      /ClusterSecurity "cluster1": the program sets managementProtocols\.telnetEnabled = true; the baseline allows SSH only for command-line access: set managementProtocols: \{ telnetEnabled: false \}\./,
    );
    t.notRegex(preview.output, /ontap-fips-enabled|ontap-rsh-disabled/, "only the rule that is broken");
  });

  test.serial("an advisory rule warns and the preview still passes", async (t) => {
    const p = the();
    p.program(
      `${compliant(false)}
// A second cluster, given its host explicitly, not converted yet.
new ClusterSecurity("cluster2", {
  host: hosts[1],
  fips: { enabled: true },
  tls: { protocolVersions: ["TLSv1.2"] },
  managementProtocols: { rshEnabled: false, telnetEnabled: false },
  softwareDataEncryption: { conversionEnabled: false },
});
`,
    );
    const preview = await p.pulumi(["preview", "--policy-pack", POLICY_PACK]);
    t.is(preview.code, 0, preview.output);
    t.regex(preview.output, /\[advisory\]\s+ontap-software-encryption-converted/);
    t.regex(
      preview.output,
      new RegExp(
        `ClusterSecurity "cluster2", host ${p.ontap.ONTAP_HOSTS?.split(" ")[1]?.replace(/\./g, "\\.")}: the program sets softwareDataEncryption\\.conversionEnabled = false; the baseline needs data at rest encrypted`,
      ),
    );
    t.notRegex(preview.output, /\[mandatory\]/);
  });

  test.serial("the policy config sets a rule's level and its own settings", async (t) => {
    const p = the();
    p.program(compliant(true));
    writeFileSync(
      path.join(p.dir, "baseline.json"),
      JSON.stringify({ "ontap-telnet-disabled": "advisory", "ontap-tls-minimum-version": { minimumVersion: "TLSv1.3" } }),
    );
    const preview = await p.pulumi(["preview", "--policy-pack", POLICY_PACK, "--policy-pack-config", "baseline.json"]);
    t.not(preview.code, 0, preview.output);
    t.regex(preview.output, /\[advisory\]\s+ontap-telnet-disabled/);
    t.regex(preview.output, /\[mandatory\]\s+ontap-tls-minimum-version/);
    t.regex(preview.output, /the program sets tls\.protocolVersions = \["TLSv1\.2"\]; "TLSv1\.2" is below the baseline; the baseline allows TLSv1\.3 and newer only/);
  });

  test.serial("a refresh that finds a cluster drifted below the baseline fails the preview, naming the cluster", async (t) => {
    const p = the();
    // The team leaves FIPS, rsh and telnet out of the program; later someone turns FIPS off and telnet
    // on by hand (ONTAP refuses telnet while FIPS is on).
    p.program(
      clusterProgram(`new ClusterSecurity("cluster1", {
  tls: { protocolVersions: ["TLSv1.2"] },
  softwareDataEncryption: { conversionEnabled: true },
});`),
    );
    const quiet = await p.pulumi(["preview", "--policy-pack", POLICY_PACK]);
    t.is(quiet.code, 0, quiet.output);
    t.notRegex(quiet.output, /\[(mandatory|advisory)\]/);

    const patched = await patchSecurity(t, p.ontap, { fips: { enabled: false }, management_protocols: { telnet_enabled: true } });
    t.is(patched, 200, "the PATCH was held until its job succeeded");

    const preview = await p.pulumi(["preview", "--refresh", "--policy-pack", POLICY_PACK]);
    t.not(preview.code, 0, preview.output);
    t.regex(preview.output, /\[mandatory\]\s+ontap-telnet-disabled/);
    t.regex(preview.output, /\[mandatory\]\s+ontap-fips-enabled/);
    t.regex(
      preview.output,
      /cluster "sim-cluster-1" \(ClusterSecurity "cluster1"\): the cluster reports managementProtocols\.telnetEnabled = true; the baseline allows SSH only/,
    );
    t.regex(preview.output, /cluster "sim-cluster-1" \(ClusterSecurity "cluster1"\): the cluster reports fips\.enabled = false; the baseline needs FIPS 140 mode/);
  });

  test.serial("the shipped simulator stops on SIGTERM and leaves its request log: previews sent no PATCH", async (t) => {
    const p = the();
    p.simulator.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => (p.simulator.exitCode !== null ? resolve(p.simulator.exitCode) : p.simulator.once("exit", resolve)));
    t.is(code, 0);
    t.false(existsSync(path.join(p.dir, "sim.env")));
    const log = JSON.parse(readFileSync(path.join(p.dir, "requests.json"), "utf8")) as {
      clusters: { requests: { method: string; path: string; body?: unknown }[] }[];
    };
    const [first, second] = log.clusters.map((c) => c.requests.filter((r) => r.method === "PATCH"));
    t.is(second?.length, 0, "cluster 2 only ever saw previews: no PATCH");
    t.true((first?.length ?? 0) >= 2, "cluster 1: the up's PATCHes, then the hand-made drift");
    t.deepEqual(first?.[first.length - 1]?.body, { fips: { enabled: false }, management_protocols: { telnet_enabled: true } }, "the last is the drift");
  });
}

/**
 * A PATCH of /api/security on the first cluster, as an operator would send it, held by the cluster until
 * its job ends (`return_timeout`), so no test waits a guessed time for the job; resolves to the status.
 */
function patchSecurity(t: ExecutionContext, ontap: Record<string, string>, body: unknown): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `https://${ontap.ONTAP_HOST}/api/security?return_timeout=30`,
      {
        method: "PATCH",
        ca: ontap.ONTAP_CA_CERTIFICATE,
        agent: false,
        headers: {
          Authorization: `Basic ${Buffer.from(`${ontap.ONTAP_USERNAME}:${ontap.ONTAP_PASSWORD}`).toString("base64")}`,
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", (error) => {
      t.log(`PATCH failed: ${error.message}`);
      reject(error);
    });
    req.end(payload);
  });
}
