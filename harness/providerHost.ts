/**
 * Drives Pulumi's own dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) over gRPC, the way
 * the engine does: one host process per test, started in the example program's folder (so that the
 * serialized shim's `require("pulumi-ontap-security/provider")` resolves through
 * `examples/node_modules`), `Configure` with stack config, then Check/Diff/Create/Read/Update/Delete
 * with protobuf messages built here and answers turned back into plain JS. The provider-host tests
 * and the benchmarks of API calls and provider cost drive the provider through it.
 */
import { ChildProcessByStdio, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Readable } from "stream";
import { isMainThread } from "worker_threads";
import type * as GrpcModule from "@grpc/grpc-js";
import type * as ProviderGrpcModule from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderPbModule from "@pulumi/pulumi/proto/provider_pb";
import type * as StatusPbModule from "@pulumi/pulumi/proto/status_pb";
import type * as StructPbModule from "google-protobuf/google/protobuf/struct_pb";
import { fromPulumi } from "./pulumiModules";
import { CLUSTER_SECURITY_TYPE } from "../provider/resourceType";
import { REPO_ROOT } from "./pulumiCli";

const grpc = fromPulumi<typeof GrpcModule>("@grpc/grpc-js");
const providerGrpc = fromPulumi<typeof ProviderGrpcModule>("@pulumi/pulumi/proto/provider_grpc_pb");
const providerPb = fromPulumi<typeof ProviderPbModule>("@pulumi/pulumi/proto/provider_pb");
const statusPb = fromPulumi<typeof StatusPbModule>("@pulumi/pulumi/proto/status_pb");
const structPb = fromPulumi<typeof StructPbModule>("google-protobuf/google/protobuf/struct_pb");

/** The urn format the engine uses for the resource. */
export const urnOf = (name: string, project = "example", stack = "dev"): string =>
  `urn:pulumi:${stack}::${project}::${CLUSTER_SECURITY_TYPE}::${name}`;

/** How Pulumi marks a secret value on the wire (`specialSigKey` → `specialSecretSig`). */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const secretOf = (value: unknown): Record<string, unknown> => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });

export type Props = Record<string, unknown>;
export type ConfigValue = string | { secret: string };

export interface CheckFailure {
  property: string;
  reason: string;
}
export interface CheckResult {
  inputs: Props;
  failures: CheckFailure[];
}
export interface DiffResult {
  /** The engine's view: `DIFF_SOME`, `DIFF_NONE` or `DIFF_UNKNOWN` (the provider left it to the engine). */
  changes: "DIFF_SOME" | "DIFF_NONE" | "DIFF_UNKNOWN";
  replaces: string[];
  stables: string[];
  deleteBeforeReplace: boolean;
  diffs: string[];
}
export interface CreateResult {
  id: string;
  properties: Props;
}
export interface ReadResult {
  id: string;
  properties: Props;
  /** Present only when the provider returned inputs. */
  inputs: Props | undefined;
}
export interface UpdateResult {
  properties: Props;
}

/** What the engine gets from a partial failure (`ErrorResourceInitFailed` in `grpc-status-details-bin`). */
export interface ResourceInitFailure {
  id: string;
  properties: Props;
  reasons: string[];
}

/** A failed call: the gRPC message as the engine shows it, and the partial-failure details when sent. */
export class ProviderHostError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    /** The gRPC status message: what the provider threw, as the engine prints it. */
    readonly details: string,
    readonly initFailure: ResourceInitFailure | undefined,
  ) {
    super(details);
    this.name = "ProviderHostError";
  }
}

export interface ProviderHostOptions {
  /** The Pulumi project (`PULUMI_NODEJS_PROJECT`); default `example`. */
  project?: string;
  /** The stack (`PULUMI_NODEJS_STACK`); default `dev`. */
  stack?: string;
  /** Extra environment for the host; `undefined` removes a variable. `ONTAP_*` are removed unless given here. */
  env?: Record<string, string | undefined>;
  /** Deadline of each gRPC call. Default 60 s. */
  callTimeoutMs?: number;
}

export interface ProviderHost {
  /** The host's gRPC port. */
  readonly port: number;
  /** Everything the host wrote to stdout (after the port line). */
  stdout(): string;
  stderr(): string;
  /** stdout and stderr together. */
  output(): string;
  configure(config: Record<string, ConfigValue>): Promise<{ acceptSecrets: boolean }>;
  check(olds: Props, news: Props, name?: string): Promise<CheckResult>;
  diff(id: string, olds: Props, news: Props, oldInputs?: Props, name?: string): Promise<DiffResult>;
  create(props: Props, name?: string): Promise<CreateResult>;
  read(id: string, props: Props, inputs?: Props, name?: string): Promise<ReadResult>;
  update(id: string, olds: Props, news: Props, oldInputs?: Props, name?: string): Promise<UpdateResult>;
  delete(id: string, props: Props, oldInputs?: Props, name?: string): Promise<void>;
  /** Kills the host process at once with SIGKILL, as a lost CI runner or node would; `close()` still tidies up. */
  kill(): void;
  /** Resolves once the host process has exited. */
  exited(): Promise<void>;
  /** Closes the client and kills the host; safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_NAME = "security";
const STARTUP_TIMEOUT_MS = 60_000;

/** Starts the provider host in `examples/` and connects to it. */
export async function startProviderHost(options: ProviderHostOptions = {}): Promise<ProviderHost> {
  const project = options.project ?? "example";
  const stack = options.stack ?? "dev";
  const cwd = path.join(REPO_ROOT, "examples");
  const linked = path.join(cwd, "node_modules", "pulumi-ontap-security", "package.json");
  if (!fs.existsSync(linked)) {
    throw new Error(`${linked} is missing: run 'node scripts/link-examples.js' so the host can require the package by name`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("ONTAP_")) delete env[key];
  Object.assign(env, { PULUMI_NODEJS_PROJECT: project, PULUMI_NODEJS_STACK: stack });
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  const child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/dynamic-provider"), "127.0.0.1:0"], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  let port: number;
  try {
    port = await readPort(child, exited, () => stderr, (rest) => (stdout += rest));
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }

  const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const callTimeoutMs = options.callTimeoutMs ?? 60_000;

  type Callback<Res> = (error: GrpcModule.ServiceError | null, response: Res) => void;
  /** One unary call, promise-shaped, with errors decoded. */
  function call<Res>(
    method: string,
    start: (metadata: GrpcModule.Metadata, options: Partial<GrpcModule.CallOptions>, callback: Callback<Res>) => void,
  ): Promise<Res> {
    return new Promise((resolve, reject) => {
      start(new grpc.Metadata(), { deadline: Date.now() + callTimeoutMs }, (error, response) => {
        if (error) reject(decodeError(method, error));
        else resolve(response);
      });
    });
  }

  /** Every resource request names the resource the same way the engine does. */
  function address(request: { setUrn(urn: string): unknown; setName(name: string): unknown; setType(type: string): unknown }, name: string): void {
    request.setUrn(urnOf(name, project, stack));
    request.setName(name);
    request.setType(CLUSTER_SECURITY_TYPE);
  }

  let closed: Promise<void> | undefined;
  const host: ProviderHost = {
    port,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => `${stdout}${stderr}`,

    async configure(config) {
      const args: Props = {};
      for (const [key, value] of Object.entries(config)) args[key] = typeof value === "string" ? value : secretOf(value.secret);
      const request = new providerPb.ConfigureRequest();
      request.setArgs(toStruct(args));
      request.setAcceptsecrets(true);
      request.setAcceptresources(true);
      const variables = request.getVariablesMap();
      for (const [key, value] of Object.entries(config)) variables.set(key, typeof value === "string" ? value : value.secret);
      const response = await call<ProviderPbModule.ConfigureResponse>("configure", (md, o, cb) => client.configure(request, md, o, cb));
      return { acceptSecrets: response.getAcceptsecrets() };
    },

    async check(olds, news, name = DEFAULT_NAME) {
      const request = new providerPb.CheckRequest();
      address(request, name);
      request.setOlds(toStruct(olds));
      request.setNews(toStruct(news));
      const response = await call<ProviderPbModule.CheckResponse>("check", (md, o, cb) => client.check(request, md, o, cb));
      return {
        inputs: fromStruct(response.getInputs()),
        failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },

    async diff(id, olds, news, oldInputs, name = DEFAULT_NAME) {
      const request = new providerPb.DiffRequest();
      request.setId(id);
      address(request, name);
      request.setOlds(toStruct(olds));
      request.setNews(toStruct(news));
      if (oldInputs !== undefined) request.setOldInputs(toStruct(oldInputs));
      const response = await call<ProviderPbModule.DiffResponse>("diff", (md, o, cb) => client.diff(request, md, o, cb));
      const kinds = providerPb.DiffResponse.DiffChanges;
      const changes = response.getChanges();
      return {
        changes: changes === kinds.DIFF_SOME ? "DIFF_SOME" : changes === kinds.DIFF_NONE ? "DIFF_NONE" : "DIFF_UNKNOWN",
        replaces: response.getReplacesList(),
        stables: response.getStablesList(),
        deleteBeforeReplace: response.getDeletebeforereplace(),
        diffs: response.getDiffsList(),
      };
    },

    async create(props, name = DEFAULT_NAME) {
      const request = new providerPb.CreateRequest();
      address(request, name);
      request.setProperties(toStruct(props));
      const response = await call<ProviderPbModule.CreateResponse>("create", (md, o, cb) => client.create(request, md, o, cb));
      return { id: response.getId(), properties: fromStruct(response.getProperties()) };
    },

    async read(id, props, inputs, name = DEFAULT_NAME) {
      const request = new providerPb.ReadRequest();
      request.setId(id);
      address(request, name);
      request.setProperties(toStruct(props));
      if (inputs !== undefined) request.setInputs(toStruct(inputs));
      const response = await call<ProviderPbModule.ReadResponse>("read", (md, o, cb) => client.read(request, md, o, cb));
      return {
        id: response.getId(),
        properties: fromStruct(response.getProperties()),
        inputs: response.hasInputs() ? fromStruct(response.getInputs()) : undefined,
      };
    },

    async update(id, olds, news, oldInputs, name = DEFAULT_NAME) {
      const request = new providerPb.UpdateRequest();
      request.setId(id);
      address(request, name);
      request.setOlds(toStruct(olds));
      request.setNews(toStruct(news));
      if (oldInputs !== undefined) request.setOldInputs(toStruct(oldInputs));
      const response = await call<ProviderPbModule.UpdateResponse>("update", (md, o, cb) => client.update(request, md, o, cb));
      return { properties: fromStruct(response.getProperties()) };
    },

    async delete(id, props, oldInputs, name = DEFAULT_NAME) {
      const request = new providerPb.DeleteRequest();
      request.setId(id);
      address(request, name);
      request.setProperties(toStruct(props));
      if (oldInputs !== undefined) request.setOldInputs(toStruct(oldInputs));
      await call("delete", (md, o, cb) => client.delete(request, md, o, cb));
    },

    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },

    exited: () => exited,

    close() {
      closed ??= (async () => {
        client.close();
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
          await exited;
          clearTimeout(killer);
        }
      })();
      return closed;
    },
  };
  return host;
}

/** Waits for the host's first stdout line (its port); later output goes to `rest`. */
function readPort(child: ChildProcessByStdio<null, Readable, Readable>, exited: Promise<void>, stderr: () => string, rest: (text: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    let port: number | undefined;
    const timer = setTimeout(() => reject(new Error(`provider host printed no port within ${STARTUP_TIMEOUT_MS} ms; stderr: ${stderr()}`)), STARTUP_TIMEOUT_MS);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      if (port !== undefined) {
        rest(chunk);
        return;
      }
      buffer += chunk;
      const newline = buffer.indexOf("\n");
      if (newline < 0) return;
      const line = buffer.slice(0, newline).trim();
      rest(buffer.slice(newline + 1));
      clearTimeout(timer);
      port = Number(line);
      if (!Number.isInteger(port) || port <= 0) reject(new Error(`provider host's first line is not a port: ${JSON.stringify(line)}; stderr: ${stderr()}`));
      else resolve(port);
    });
    void exited.then(() => {
      clearTimeout(timer);
      if (port === undefined) reject(new Error(`provider host exited (code ${child.exitCode}) before printing its port; stderr: ${stderr()}`));
    });
  });
}

/** Plain JS to a Struct: what the engine sends (no `undefined`: the engine omits absent properties). */
function toStruct(value: Props): StructPbModule.Struct {
  return structPb.Struct.fromJavaScript(JSON.parse(JSON.stringify(value)) as Record<string, StructPbModule.JavaScriptValue>);
}

function fromStruct(struct: StructPbModule.Struct | undefined): Props {
  return struct === undefined ? {} : (struct.toJavaScript() as Props);
}

/** The gRPC error as the engine sees it, with `ErrorResourceInitFailed` unpacked from `grpc-status-details-bin`. */
function decodeError(method: string, error: GrpcModule.ServiceError): ProviderHostError {
  let initFailure: ResourceInitFailure | undefined;
  for (const raw of error.metadata?.get("grpc-status-details-bin") ?? []) {
    const status = statusPb.Status.deserializeBinary(typeof raw === "string" ? Buffer.from(raw, "base64") : new Uint8Array(raw));
    for (const any of status.getDetailsList()) {
      if (!any.getTypeUrl().endsWith("/pulumirpc.ErrorResourceInitFailed")) continue;
      const detail = providerPb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
      initFailure = { id: detail.getId(), properties: fromStruct(detail.getProperties()), reasons: detail.getReasonsList() };
    }
  }
  return new ProviderHostError(method, error.code, error.details, initFailure);
}

/**
 * The `__provider` text a real `new ClusterSecurity(name, args)` serializes, as the engine would get it:
 * the package is loaded by its own name and the mock monitor of `pulumi.runtime.setMocks` captures the
 * registered inputs. Pulumi's closure serializer `require`s every Node built-in, and `trace_events`
 * throws in a worker thread (ava's default), so off the main thread this runs in a child process.
 */
export async function serializedProviderText(args: Props = {}): Promise<string> {
  if (isMainThread) return serializeInThisProcess(args);
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [__filename, SERIALIZE_COMMAND, JSON.stringify(args)],
      { cwd: REPO_ROOT, timeout: STARTUP_TIMEOUT_MS, maxBuffer: 1 << 20 },
      (error, out, err) => (error ? reject(new Error(`serializing the provider failed: ${error.message}\n${err}`)) : resolve(out)),
    );
  });
  const line = stdout.split("\n").find((l) => l.startsWith(SERIALIZED_PREFIX));
  if (line === undefined) throw new Error(`the serializing process printed no provider text: ${stdout}`);
  return JSON.parse(line.slice(SERIALIZED_PREFIX.length)) as string;
}

const SERIALIZE_COMMAND = "serialize-provider";
const SERIALIZED_PREFIX = "__provider=";

async function serializeInThisProcess(args: Props): Promise<string> {
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  let capture: (inputs: Props) => void = () => undefined;
  const registered = new Promise<Props>((resolve) => (capture = resolve));
  await pulumi.runtime.setMocks(
    {
      newResource(resource) {
        if (resource.type === CLUSTER_SECURITY_TYPE) capture(resource.inputs as Props);
        return { id: `${resource.name}-id`, state: resource.inputs };
      },
      call: (request) => request.inputs,
    },
    "example",
    "dev",
    false,
  );
  const pkg = require("pulumi-ontap-security") as typeof import("../provider");
  new pkg.ClusterSecurity("probe", args as import("../provider").ClusterSecurityArgs);
  const inputs = await registered;
  if (typeof inputs.__provider !== "string") throw new Error(`__provider is not text: ${JSON.stringify(inputs.__provider)}`);
  return inputs.__provider;
}

if (require.main === module && process.argv[2] === SERIALIZE_COMMAND) {
  serializeInThisProcess(JSON.parse(process.argv[3] ?? "{}") as Props).then(
    (text) => console.log(`${SERIALIZED_PREFIX}${JSON.stringify(text)}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
