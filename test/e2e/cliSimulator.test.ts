// The package's command, `pulumi-ontap-security simulator`, run as a pipeline runs it: a child process,
// its variables sourced by bash, stopped by a signal; a command line it refuses, starting nothing. Its
// command line and --config by tables, in process: test/cliSimulatorInput.test.ts.

import test, { ExecutionContext } from "ava";
import { ChildProcess, spawn, spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "fs";
import { createServer } from "net";
import { request as httpsRequest } from "https";
import { tmpdir } from "os";
import * as path from "path";

import { ontapEnvironment, shellExports } from "../../simulator";

const MAIN = path.resolve(__dirname, "..", "..", "cli", "main.js");

// ---------------------------------------------------------------------------------------------------------
// The command line, as a pipeline meets it

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

for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
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

// ---------------------------------------------------------------------------------------------------------
// Files the command must not touch, and a start that fails

/** Runs the command to its end (it must end by itself: a refusal or a failed start). */
function runToEnd(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, "simulator", ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function scratch(t: ExecutionContext): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ontap-sim-files-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("--write-env naming an existing file exits 2 before any cluster starts, and the file is kept as it was", (t) => {
  const dir = scratch(t);
  const envFile = path.join(dir, "ci.env");
  writeFileSync(envFile, "export DEPLOY_KEY=keep\n");
  const result = runToEnd(["--write-env", envFile, "--request-log", path.join(dir, "requests.json")]);
  t.is(result.status, 2, result.stderr);
  t.regex(result.stderr, /--write-env .*ci\.env already exists; name a file that does not/);
  t.is(result.stdout, "", "no variables printed: nothing started");
  t.is(readFileSync(envFile, "utf8"), "export DEPLOY_KEY=keep\n");
  t.deepEqual(readdirSync(dir), ["ci.env"], "no request log, no temporary file");
});

test("an unwritable --request-log exits 2 before any cluster starts and before the password is written anywhere", (t) => {
  const dir = scratch(t);
  const envFile = path.join(dir, "sim.env");
  const result = runToEnd(["--write-env", envFile, "--request-log", path.join(dir, "missing", "requests.json")]);
  t.is(result.status, 2, result.stderr);
  t.regex(result.stderr, /--request-log .*requests\.json cannot be written: ENOENT/);
  t.is(result.stdout, "");
  t.deepEqual(readdirSync(dir), [], "no env file");
});

test("a start that fails (the port is taken) leaves no env file and no request log behind, and exits 1", async (t) => {
  const dir = scratch(t);
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  t.teardown(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const result = runToEnd(["--port", String(port), "--write-env", path.join(dir, "sim.env"), "--request-log", path.join(dir, "requests.json")]);
  t.is(result.status, 1, result.stderr);
  t.regex(result.stderr, /EADDRINUSE/);
  t.is(result.stdout, "");
  t.deepEqual(readdirSync(dir), []);
});
