/**
 * The Node.js language host that scripts/pulumi-cli.sh builds (scripts/pulumi-language-nodejs), driven
 * over gRPC the way the CLI drives it to start a plugin (`RunPlugin`): a policy pack behind the proxy
 * that hands it the stack's configuration, and any other Node.js plugin with its arguments, working
 * directory, environment, output and exit code.
 */
import test, { ExecutionContext } from "ava";
import { ChildProcess, spawn } from "child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import type * as GrpcModule from "@grpc/grpc-js";
import type * as AnalyzerGrpcModule from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as AnalyzerPbModule from "@pulumi/pulumi/proto/analyzer_pb";
import type * as LanguageGrpcModule from "@pulumi/pulumi/proto/language_grpc_pb";
import type * as LanguagePbModule from "@pulumi/pulumi/proto/language_pb";
import type * as EmptyPbModule from "google-protobuf/google/protobuf/empty_pb";
import type * as StructPbModule from "google-protobuf/google/protobuf/struct_pb";

import { killGroup } from "../../harness/fleetProject";
import { commandOf, descendantsOf } from "../../harness/processTree";
import { REPO_ROOT, findPulumiCli } from "../../harness/pulumiCli";
import { fromPulumi } from "../../harness/pulumiModules";
import { CLUSTER_SECURITY_TYPE } from "../../provider/resourceType";

const grpc = fromPulumi<typeof GrpcModule>("@grpc/grpc-js");
const languageGrpc = fromPulumi<typeof LanguageGrpcModule>("@pulumi/pulumi/proto/language_grpc_pb");
const languagePb = fromPulumi<typeof LanguagePbModule>("@pulumi/pulumi/proto/language_pb");
const analyzerGrpc = fromPulumi<typeof AnalyzerGrpcModule>("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerPb = fromPulumi<typeof AnalyzerPbModule>("@pulumi/pulumi/proto/analyzer_pb");
const structPb = fromPulumi<typeof StructPbModule>("google-protobuf/google/protobuf/struct_pb");
const emptyPb = fromPulumi<typeof EmptyPbModule>("google-protobuf/google/protobuf/empty_pb");

const cli = findPulumiCli();
const inCi = process.env.CI === "true";

/** A temporary folder whose node_modules is this repository's (so @pulumi/pulumi and @pulumi/policy resolve). */
function pluginDir(t: ExecutionContext, files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ontap-langhost-plugin-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/**
 * Starts the language host and connects to it. Both are closed when the test ends, the host with every
 * process under it: a plugin it started would otherwise outlive it.
 */
async function languageHost(t: ExecutionContext, cliDir: string): Promise<{ client: LanguageGrpcModule.LanguageRuntimeClient; pid: number }> {
  const child: ChildProcess = spawn(path.join(cliDir, "pulumi-language-nodejs"), ["127.0.0.1:1"], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  t.teardown(() => killGroup(child));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk;
      const line = out.split("\n")[0];
      if (out.includes("\n") && line !== undefined) resolve(Number(line.trim()));
    });
    child.on("exit", (code) => reject(new Error(`the language host exited ${code} before printing its port`)));
  });
  const client = new languageGrpc.LanguageRuntimeClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  t.teardown(() => client.close());
  return { client, pid: child.pid as number };
}

/** The processes under `pid` whose command line includes `text`, once none is left (or after `ms`, those left). */
async function remaining(pid: number, text: string, ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = descendantsOf(pid).filter((child) => commandOf(child).includes(text));
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface PluginRun {
  stdout: string;
  stderr: string;
  /** The stream's end: undefined when it ended cleanly, else the gRPC error's details. */
  error?: string;
}

/** Calls RunPlugin and collects the streamed output; `onStdout` may act on it (and cancel the call). */
function runPlugin(
  client: LanguageGrpcModule.LanguageRuntimeClient,
  request: LanguagePbModule.RunPluginRequest,
  onStdout: (stdout: string, call: GrpcModule.ClientReadableStream<LanguagePbModule.RunPluginResponse>) => void = () => undefined,
): Promise<PluginRun> {
  return new Promise((resolve) => {
    const result: PluginRun = { stdout: "", stderr: "" };
    const call = client.runPlugin(request);
    call.on("data", (response: LanguagePbModule.RunPluginResponse) => {
      if (response.hasStdout()) {
        result.stdout += Buffer.from(response.getStdout_asU8()).toString("utf8");
        onStdout(result.stdout, call);
      }
      if (response.hasStderr()) result.stderr += Buffer.from(response.getStderr_asU8()).toString("utf8");
    });
    call.on("error", (error: GrpcModule.ServiceError) => {
      result.error = error.details;
      resolve(result);
    });
    call.on("end", () => resolve(result));
  });
}

function request(kind: string, dir: string, args: string[], pwd: string, env: string[]): LanguagePbModule.RunPluginRequest {
  const info = new languagePb.ProgramInfo();
  info.setRootDirectory(dir);
  info.setProgramDirectory(dir);
  info.setEntryPoint(".");
  info.setOptions(structPb.Struct.fromJavaScript({}));
  const req = new languagePb.RunPluginRequest();
  req.setInfo(info);
  req.setKind(kind);
  req.setName("test-plugin");
  req.setArgsList(args);
  req.setPwd(pwd);
  req.setEnvList(env);
  return req;
}

const environment = (extra: Record<string, string>): string[] =>
  [...Object.entries(process.env), ...Object.entries(extra)].filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);

const unary = <Req, Res>(call: (req: Req, cb: (error: GrpcModule.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> =>
  new Promise((resolve, reject) => call(req, (error, res) => (error ? reject(error) : resolve(res))));

if (!cli.ok) {
  const waived = !inCi && process.env.PULUMI_ONTAP_SKIP_CLI === "1";
  (waived ? test.skip : test)(`the Pulumi CLI's language host is available (${cli.reason})`, (t) => {
    t.fail(`No Pulumi CLI: ${cli.reason}. Run scripts/pulumi-cli.sh to see why; set PULUMI_ONTAP_SKIP_CLI=1 to waive outside CI.`);
  });
} else {
  const cliDir = cli.dir;

  test("RunPlugin starts a policy pack in its folder behind a proxy that hands it the stack's configuration", async (t) => {
    // A pack whose one policy reports what the pack was started with.
    const dir = pluginDir(t, {
      "package.json": JSON.stringify({ name: "probe-pack", version: "1.2.3", main: "index.js" }),
      "PulumiPolicy.yaml": "runtime: nodejs\n",
      "index.js": `const { PolicyPack } = require("@pulumi/policy");
new PolicyPack("probe", { policies: [{
  name: "started-with", description: "reports how the pack was started", enforcementLevel: "advisory",
  validateResource: (args, report) => report(JSON.stringify({
    cwd: process.cwd(), config: process.env.PULUMI_CONFIG, stack: process.env.PULUMI_NODEJS_STACK,
    project: process.env.PULUMI_NODEJS_PROJECT, organization: process.env.PULUMI_NODEJS_ORGANIZATION,
    dryRun: process.env.PULUMI_NODEJS_DRY_RUN, marker: process.env.ENGINE_MARKER })),
}] });
`,
    });
    const { client, pid } = await languageHost(t, cliDir);
    const seen: { info?: AnalyzerPbModule.AnalyzerInfo; diagnostics?: AnalyzerPbModule.AnalyzeDiagnostic[]; failure?: unknown } = {};
    let acting = false;
    const run = await runPlugin(client, request("analyzer", dir, ["127.0.0.1:1"], REPO_ROOT, environment({ ENGINE_MARKER: "from the engine" })), (stdout, call) => {
      // The first line is the proxy's port, as the engine reads it from any plugin.
      const port = Number(stdout.split("\n")[0]);
      if (acting || !stdout.includes("\n") || !Number.isInteger(port)) return;
      acting = true;
      const analyzer = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      void (async () => {
        try {
          const configure = new analyzerPb.AnalyzerStackConfigureRequest();
          configure.setStack("dev");
          configure.setProject("infra");
          configure.setOrganization("acme");
          configure.setDryRun(true);
          configure.getConfigMap().set("infra:region", "north");
          await unary<AnalyzerPbModule.AnalyzerStackConfigureRequest, unknown>(analyzer.configureStack.bind(analyzer), configure);
          seen.info = await unary<EmptyPbModule.Empty, AnalyzerPbModule.AnalyzerInfo>(analyzer.getAnalyzerInfo.bind(analyzer), new emptyPb.Empty());
          const analyze = new analyzerPb.AnalyzeRequest();
          analyze.setType(CLUSTER_SECURITY_TYPE);
          analyze.setUrn(`urn:pulumi:dev::infra::${CLUSTER_SECURITY_TYPE}::c1`);
          analyze.setName("c1");
          analyze.setProperties(structPb.Struct.fromJavaScript({}));
          analyze.setOptions(new analyzerPb.AnalyzerResourceOptions());
          seen.diagnostics = (await unary<AnalyzerPbModule.AnalyzeRequest, AnalyzerPbModule.AnalyzeResponse>(analyzer.analyze.bind(analyzer), analyze)).getDiagnosticsList();
        } catch (error) {
          seen.failure = error;
        } finally {
          analyzer.close();
          call.cancel(); // as the engine does when it is done with a plugin
        }
      })();
    });
    t.is(seen.failure, undefined, `${String(seen.failure)}\nstderr: ${run.stderr}`);
    t.is(seen.info?.getName(), "probe");
    t.is(seen.info?.getVersion(), "1.2.3");
    t.deepEqual(seen.info?.getPoliciesList().map((p) => p.getName()), ["started-with"]);
    // CrossGuard puts the policy's description first, then the violation's own message.
    const reported = JSON.parse(seen.diagnostics?.[0]?.getMessage().split("\n").pop() ?? "{}") as Record<string, string>;
    t.deepEqual(reported, {
      cwd: dir,
      config: JSON.stringify({ "infra:region": "north" }),
      stack: "dev",
      project: "infra",
      organization: "acme",
      dryRun: "true",
      marker: "from the engine",
    });
    // The engine cancels the call when it is done with the pack: the host stops the pack.
    t.deepEqual(await remaining(pid, "run-policy-pack", 15_000), [], "the policy pack outlived the engine's cancel");
  });

  test("RunPlugin runs any other Node.js plugin in the engine's folder with its arguments, streaming its output and its exit code", async (t) => {
    const dir = pluginDir(t, {
      "package.json": JSON.stringify({ name: "probe-plugin", version: "0.0.1", main: "index.js" }),
      "index.js": `console.log(JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), marker: process.env.ENGINE_MARKER }));
console.error("to stderr");
process.exitCode = 3;
`,
    });
    const pwd = mkdtempSync(path.join(tmpdir(), "ontap-langhost-pwd-"));
    t.teardown(() => rmSync(pwd, { recursive: true, force: true }));
    mkdirSync(path.join(pwd, "sub"));
    const { client } = await languageHost(t, cliDir);
    // Positional arguments, as the engine passes its address (run-plugin reads --options itself).
    const run = await runPlugin(client, request("resource", dir, ["127.0.0.1:4567", "extra"], pwd, environment({ ENGINE_MARKER: "m" })));
    t.deepEqual(JSON.parse(run.stdout.trim().split("\n")[0] ?? "{}"), { argv: ["127.0.0.1:4567", "extra"], cwd: pwd, marker: "m" });
    t.regex(run.stderr, /to stderr/);
    t.is(run.error, "Program exited with non-zero exit code: 3");
  });

  test("RunPlugin says what is missing when the plugin's folder has no Pulumi SDK", async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), "ontap-langhost-empty-"));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    const { client } = await languageHost(t, cliDir);
    const run = await runPlugin(client, request("analyzer", dir, ["127.0.0.1:1"], dir, environment({})));
    t.regex(run.error ?? "", new RegExp(`the Pulumi SDK has not been installed\\. Have you run npm install in ${dir.replace(/[.]/g, "\\.")}\\?`));
  });
}
