// The package's command, `pulumi-ontap-security`: the subcommand table, `simulator`'s command line by
// tables, and the command itself run as a pipeline runs it (a child process, its variables sourced by
// bash, stopped by a signal).

import test, { ExecutionContext } from "ava";
import { ChildProcess, spawn, spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { request as httpsRequest } from "https";
import { tmpdir } from "os";
import * as path from "path";
import { isLeft, isRight } from "fp-ts/Either";

import { SUBCOMMANDS, usage } from "../../cli/main";
import { MAX_CLUSTERS, SimulatorCommand, parseSimulatorArgs } from "../../cli/simulator";
import { SCENARIO_CHOICES, ScenarioOverrides, decodeSimulatorConfig } from "../../cli/simulatorConfig";
import { UsageError } from "../../cli/usageError";
import { asFound, ontapEnvironment, shellExports } from "../../simulator";
import { defaultScenario } from "../../simulator/scenario";

const MAIN = path.resolve(__dirname, "..", "..", "cli", "main.js");

const noFiles = (file: string): string => {
  throw new Error(`no file ${file} in this test`);
};

// ---------------------------------------------------------------------------------------------------------
// The command line

const accepted: { args: string[]; expected: SimulatorCommand }[] = [
  { args: [], expected: { clusters: [{}] } },
  { args: ["--clusters", "3"], expected: { clusters: [{}, {}, {}] } },
  { args: ["--version", "9.8.0"], expected: { clusters: [{ version: "9.8.0" }] } },
  { args: ["--clusters=2", "--version=9.10.1"], expected: { clusters: [{ version: "9.10.1" }, { version: "9.10.1" }] } },
  { args: ["--version", "9.8.0,9.16.1"], expected: { clusters: [{ version: "9.8.0" }, { version: "9.16.1" }] } },
  { args: ["--version", "9.8.0", "--version", "9.11.1"], expected: { clusters: [{ version: "9.8.0" }, { version: "9.11.1" }] } },
  { args: ["--as-found"], expected: { clusters: [{ security: asFound() }] } },
  {
    args: ["--port", "40000", "--write-env", "sim.env", "--request-log", "requests.json"],
    expected: { clusters: [{}], port: 40000, envFile: "sim.env", requestLog: "requests.json" },
  },
];

for (const { args, expected } of accepted) {
  test(`simulator ${args.join(" ") || "(no options)"} is read as asked`, (t) => {
    t.deepEqual(parseSimulatorArgs(args, noFiles), expected);
  });
}

const refused: { args: string[]; option: string; message: RegExp }[] = [
  { args: ["--clusters", "0"], option: "--clusters", message: /--clusters must be an integer from 1 to 1000, got "0"/ },
  { args: ["--clusters", "2.5"], option: "--clusters", message: /got "2.5"/ },
  { args: ["--clusters", String(MAX_CLUSTERS + 1)], option: "--clusters", message: /from 1 to 1000/ },
  { args: ["--port", "70000"], option: "--port", message: /--port must be an integer from 1 to 65535, got "70000"/ },
  { args: ["--port", "65535", "--clusters", "2"], option: "--port", message: /no room for 2 clusters/ },
  { args: ["--version", "8.3.0"], option: "--version", message: /--version: version "8.3.0" has no REST API/ },
  { args: ["--version", "latest"], option: "--version", message: /"latest" is not of the form 9.16.1; known versions: 9.6.0/ },
  { args: ["--clusters", "3", "--version", "9.8.0,9.10.1"], option: "--clusters", message: /--clusters 3 but 2 releases/ },
  { args: ["--as-found", "--version", "9.8.0"], option: "--as-found", message: /fields that ONTAP 9.8.0 lacks; use --version 9.10.1 or later/ },
  { args: ["--config", "c.json", "--clusters", "2"], option: "--clusters", message: /cannot be combined with --config/ },
  { args: ["--env-file", "x"], option: "", message: /Unknown option '--env-file'/ },
  { args: ["extra"], option: "", message: /Unexpected argument 'extra'/ },
];

for (const { args, option, message } of refused) {
  test(`simulator ${args.join(" ")} is refused, naming ${option || "the line"}`, (t) => {
    const error = t.throws(() => parseSimulatorArgs(args, noFiles), { instanceOf: UsageError, message });
    t.is(error?.option, option);
  });
}

test("--help is answered without starting anything", (t) => {
  t.is(parseSimulatorArgs(["--help"], noFiles), "help");
  t.is(parseSimulatorArgs(["-h", "--clusters", "2"], noFiles), "help");
});

test("--config gives each cluster its release, settings and faults", (t) => {
  const config = {
    clusters: [
      { version: "9.8.0", name: "old", security: { fips: { enabled: true } }, scenario: { failNextJobs: { count: 1, code: 5, message: "no" } } },
      { uuid: "0f0e0d0c-0000-4000-8000-000000000001", security: { management_protocols: { telnet_enabled: true } }, scenario: { jobDurationMs: 2000 } },
    ],
  };
  t.deepEqual(parseSimulatorArgs(["--config", "sim.json"], (file) => (file === "sim.json" ? JSON.stringify(config) : noFiles(file))), {
    clusters: config.clusters,
  });
});

const badConfigs: { json: unknown; problems: string[] }[] = [
  { json: {}, problems: ["clusters: got undefined, expected Array<Cluster>"] },
  { json: { clusters: [] }, problems: ["clusters: got [], expected at least one cluster"] },
  { json: { clusters: [{ version: 9.8 }] }, problems: ["clusters.0.version: got 9.8, expected string"] },
  { json: { clusters: [{ security: { fips: { enabled: "yes" } } }] }, problems: ['clusters.0.security.fips.enabled: got "yes", expected boolean'] },
  {
    json: { clusters: [{ security: { tls: { protocol_versions: "TLSv1.2" } } }] },
    problems: ['clusters.0.security.tls.protocol_versions: got "TLSv1.2", expected Array<string>'],
  },
  { json: { clusters: [{ scenario: { jobDurationMs: -1 } }] }, problems: ["clusters.0.scenario.jobDurationMs: got -1, expected NonNegativeInteger"] },
  { json: { clusters: [{ scenario: { failedJobAnswer: "eror" } }] }, problems: ['clusters.0.scenario.failedJobAnswer: got "eror", expected "error" | "job"'] },
  { json: { clusters: [{ colour: "red" }] }, problems: ["clusters.0.colour: unknown key; allowed: version, name, uuid, security, scenario"] },
  {
    json: { clusters: [{ security: { management_protocols: { rlogin_enabled: false } } }] },
    problems: ["clusters.0.security.management_protocols.rlogin_enabled: unknown key; allowed: rsh_enabled, telnet_enabled"],
  },
  { json: { clusters: [{ scenario: { slow: true } }] }, problems: [/^clusters\.0\.scenario\.slow: unknown key; allowed: jobDurationMs, /.source] },
];

for (const { json, problems } of badConfigs) {
  test(`a --config of ${JSON.stringify(json)} is refused with the path, the value and what is allowed`, (t) => {
    const decoded = decodeSimulatorConfig(json);
    if (!isLeft(decoded)) return t.fail("accepted");
    t.is(decoded.left.length, problems.length, decoded.left.join("\n"));
    problems.forEach((expected, i) => (expected.startsWith("^") ? t.regex(decoded.left[i] as string, new RegExp(expected)) : t.is(decoded.left[i], expected)));
  });
}

test("a --config file that is not JSON names the file", (t) => {
  t.throws(() => parseSimulatorArgs(["--config", "sim.json"], () => "{ clusters: "), { instanceOf: UsageError, message: /^--config sim\.json: .*JSON/ });
});

test("--config knows every scenario switch the simulator has, and the values of those that take a string", (t) => {
  const defaults = defaultScenario();
  t.deepEqual(Object.keys(ScenarioOverrides.type.props).sort(), [...new Set([...Object.keys(defaults), "failNextJobs"])].sort());
  for (const [name, value] of Object.entries(defaults)) {
    if (typeof value === "string") t.true(SCENARIO_CHOICES[name]?.includes(value), `SCENARIO_CHOICES lists ${name} and its default "${value}"`);
  }
  t.true(isRight(decodeSimulatorConfig({ clusters: [{ scenario: defaultScenario({ failNextJobs: { count: 2, code: 1, message: "m" } }) }] })));
});

test("the command's table lists simulator, and its usage names every subcommand", (t) => {
  t.true("simulator" in SUBCOMMANDS);
  for (const name of Object.keys(SUBCOMMANDS)) t.regex(usage(), new RegExp(`^  ${name} `, "m"));
});

test("an unknown subcommand exits 2 with the allowed ones, starting nothing", (t) => {
  const result = spawnSync(process.execPath, [MAIN, "simulate"], { encoding: "utf8", timeout: 60_000 });
  t.is(result.status, 2);
  t.regex(result.stderr, /unknown subcommand "simulate"; allowed: simulator/);
});

test("a bad option exits 2 naming it, starting nothing", (t) => {
  const result = spawnSync(process.execPath, [MAIN, "simulator", "--clusters", "none"], { encoding: "utf8", timeout: 60_000 });
  t.is(result.status, 2);
  t.regex(result.stderr, /--clusters must be an integer from 1 to 1000, got "none"/);
  t.is(result.stdout, "");
});

// ---------------------------------------------------------------------------------------------------------
// The variables

test("the export lines survive bash's source unchanged, PEM newlines and quotes included", (t) => {
  const variables = {
    ...ontapEnvironment({
      clusters: [{ host: "127.0.0.1:1" }, { host: "127.0.0.1:2" }],
      caCertificate: "-----BEGIN CERTIFICATE-----\nMIIB'x\"$HOME`id`\n-----END CERTIFICATE-----\n",
      username: "admin",
      password: "it's $ecret",
    }),
  };
  const script = `${shellExports(variables)}\nnode -e 'process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("ONTAP_")))))'`;
  const result = spawnSync("bash", ["-c", script], { encoding: "utf8", env: { PATH: process.env.PATH }, timeout: 60_000 });
  t.is(result.status, 0, result.stderr);
  t.deepEqual(JSON.parse(result.stdout), variables);
  t.is(variables.ONTAP_HOST, "127.0.0.1:1");
  t.is(variables.ONTAP_HOSTS, "127.0.0.1:1 127.0.0.1:2");
});

test("ontapEnvironment points at the cluster asked for, and refuses one that is not there", (t) => {
  const sim = { clusters: [{ host: "127.0.0.1:1" }, { host: "127.0.0.1:2" }], caCertificate: "pem", username: "u", password: "p" };
  t.is(ontapEnvironment(sim, 1).ONTAP_HOST, "127.0.0.1:2");
  t.throws(() => ontapEnvironment(sim, 2), { instanceOf: RangeError, message: /no cluster at index 2; it has 2 \(0 to 1\)/ });
});

// ---------------------------------------------------------------------------------------------------------
// The command, as a pipeline runs it

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** GET `path` from `host`, trusting only `ca`, with basic auth. */
function get(host: string, path: string, ca: string, user: string, password: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const auth = Buffer.from(`${user}:${password}`).toString("base64");
    const req = httpsRequest(`https://${host}${path}`, { ca, agent: false, headers: { Authorization: `Basic ${auth}` } }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function waitForFile(t: ExecutionContext, file: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!existsSync(file)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      t.fail(`no ${file}; the command said:\n${stderr()}`);
      throw new Error(`no ${file}`);
    }
    await sleep(50);
  }
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`simulator serves what --config asks, writes its variables for bash, and cleans up on ${signal}`, async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), "ontap-sim-command-"));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const config = path.join(dir, "sim.json");
    const envFile = path.join(dir, "sim.env");
    const requestLog = path.join(dir, "requests.json");
    writeFileSync(
      config,
      JSON.stringify({
        clusters: [
          { version: "9.10.1", name: "edge", security: { management_protocols: { telnet_enabled: true } } },
          { version: "9.8.0", name: "old", scenario: { serverErrors: 1 } },
        ],
      }),
    );
    const child = spawn(process.execPath, [MAIN, "simulator", "--config", config, "--write-env", envFile, "--request-log", requestLog], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    t.teardown(() => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    await waitForFile(t, envFile, child, () => stderr);

    // What a pipeline does: source the file, then use the variables.
    const sourced = spawnSync("bash", ["-c", `source '${envFile}' && node -e 'console.log(JSON.stringify(process.env))'`], { encoding: "utf8", timeout: 60_000 });
    t.is(sourced.status, 0, sourced.stderr);
    const env = JSON.parse(sourced.stdout) as Record<string, string>;
    t.is(env.ONTAP_SIMULATOR_PID, String(child.pid));
    t.is(env.ONTAP_HOSTS?.split(" ").length, 2);
    t.is(env.ONTAP_HOSTS?.split(" ")[0], env.ONTAP_HOST);
    t.regex(env.ONTAP_CA_CERTIFICATE ?? "", /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n?$/);
    t.is(statSync(envFile).mode & 0o777, 0o600);
    const deadline = Date.now() + 10_000;
    while (!stdout.includes("ONTAP_SIMULATOR_PID") && Date.now() < deadline) await sleep(20);
    t.is(stdout, readFileSync(envFile, "utf8"), "stdout carries the same lines");

    const [edge, old] = (env.ONTAP_HOSTS ?? "").split(" ") as [string, string];
    const ca = env.ONTAP_CA_CERTIFICATE as string;
    const user = env.ONTAP_USERNAME as string;
    const password = env.ONTAP_PASSWORD as string;
    t.like((await get(edge, "/api/cluster?fields=name,version", ca, user, password)).body, { name: "edge", version: { major: 10, minor: 1 } });
    t.like((await get(edge, "/api/security?fields=management_protocols", ca, user, password)).body, { management_protocols: { telnet_enabled: true } });
    t.is((await get(old, "/api/security", ca, user, password)).status, 500, "the fault asked for");
    t.is((await get(old, "/api/security", ca, user, password)).status, 200);

    child.kill(signal);
    t.is(await exited(child), 0, stderr);
    t.regex(stderr, new RegExp(`${signal}: closing`));
    t.false(existsSync(envFile), "the env file is removed on exit");
    const log = JSON.parse(readFileSync(requestLog, "utf8")) as { clusters: { name: string; requests: { method: string; path: string; status: number }[] }[] };
    t.deepEqual(
      log.clusters.map((c) => [c.name, c.requests.map((r) => `${r.method} ${r.path} ${r.status}`)]),
      [
        ["edge", ["GET /api/cluster 200", "GET /api/security 200"]],
        ["old", ["GET /api/security 500", "GET /api/security 200"]],
      ],
    );
    t.false(readFileSync(requestLog, "utf8").includes(password), "no password in the request log");
  });
}
