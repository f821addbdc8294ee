/**
 * The provider plugin on Pulumi's provider protocol (gRPC `pulumirpc.ResourceProvider`), served with
 * the gRPC and protobuf modules `@pulumi/pulumi` itself uses.
 *
 * Not through `@pulumi/pulumi/provider`'s `main(provider, args)`: its server answers `Configure`
 * without handing the config to the provider (so an explicit provider's credentials would be lost),
 * has no `CheckConfig`/`DiffConfig` (a changed credential would then replace the provider and every
 * resource it manages), drops detailed diffs, and cannot log against a resource (pulumi#10915).
 */
import * as path from "path";
import type * as GrpcModule from "@grpc/grpc-js";
import type * as EngineGrpcModule from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as EnginePbModule from "@pulumi/pulumi/proto/engine_pb";
import type * as EmptyPbModule from "google-protobuf/google/protobuf/empty_pb";
import type * as AnyPbModule from "google-protobuf/google/protobuf/any_pb";
import type * as StructPbModule from "google-protobuf/google/protobuf/struct_pb";
import type * as PluginPbModule from "@pulumi/pulumi/proto/plugin_pb";
import type * as ProviderGrpcModule from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderPbModule from "@pulumi/pulumi/proto/provider_pb";
import type * as StatusPbModule from "@pulumi/pulumi/proto/status_pb";
import { escapeControlCharacters } from "../ontap/redact";
import { PluginDiff, PluginPartialFailure, PluginProvider } from "./pluginProvider";
import { Props } from "./secrets";
import { packageSchema, packageVersion } from "./schema";

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
/** A module as `@pulumi/pulumi` loads it: its generated stubs work only with their own gRPC and protobuf. */
const fromPulumi = <T>(request: string): T => require(require.resolve(request, { paths: [pulumiDir] })) as T;

const grpc = fromPulumi<typeof GrpcModule>("@grpc/grpc-js");
const providerGrpc = fromPulumi<typeof ProviderGrpcModule>("@pulumi/pulumi/proto/provider_grpc_pb");
const providerPb = fromPulumi<typeof ProviderPbModule>("@pulumi/pulumi/proto/provider_pb");
const pluginPb = fromPulumi<typeof PluginPbModule>("@pulumi/pulumi/proto/plugin_pb");
const engineGrpc = fromPulumi<typeof EngineGrpcModule>("@pulumi/pulumi/proto/engine_grpc_pb");
const enginePb = fromPulumi<typeof EnginePbModule>("@pulumi/pulumi/proto/engine_pb");
const statusPb = fromPulumi<typeof StatusPbModule>("@pulumi/pulumi/proto/status_pb");
const emptyPb = fromPulumi<typeof EmptyPbModule>("google-protobuf/google/protobuf/empty_pb");
const anyPb = fromPulumi<typeof AnyPbModule>("google-protobuf/google/protobuf/any_pb");
const structPb = fromPulumi<typeof StructPbModule>("google-protobuf/google/protobuf/struct_pb");

type Callback<T> = (error: GrpcModule.ServiceError | Partial<GrpcModule.StatusObject> | null, value?: T | null, metadata?: GrpcModule.Metadata) => void;
type Call<Req> = { request: Req };

const toProps = (struct: StructPbModule.Struct | undefined): Props => (struct === undefined ? {} : (struct.toJavaScript() as Props));
const toStruct = (props: Props): StructPbModule.Struct => structPb.Struct.fromJavaScript(props as Record<string, StructPbModule.JavaScriptValue>);

/** The engine's answer for a failed call; a partial failure carries the state to record. */
function failure(error: unknown, inputs?: StructPbModule.Struct): Partial<GrpcModule.StatusObject> {
  const message = error instanceof Error ? error.message : String(error);
  const metadata = new grpc.Metadata();
  if (error instanceof PluginPartialFailure) {
    const detail = new providerPb.ErrorResourceInitFailed();
    detail.setId(error.id);
    detail.setProperties(toStruct(error.properties));
    detail.setReasonsList([...error.reasons]);
    if (inputs !== undefined) detail.setInputs(inputs);
    const packed = new anyPb.Any();
    packed.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusPb.Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(message);
    status.addDetails(packed);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}

/** Runs a handler, answering its value or its failure. */
function answer<T>(callback: Callback<T>, run: () => Promise<T> | T, inputs?: StructPbModule.Struct): void {
  Promise.resolve()
    .then(run)
    .then(
      (value) => callback(null, value),
      (error: unknown) => {
        const status = failure(error, inputs);
        callback(status, null, status.metadata);
      },
    );
}

function diffResponse(diff: PluginDiff): ProviderPbModule.DiffResponse {
  const response = new providerPb.DiffResponse();
  response.setChanges(diff.changes ? providerPb.DiffResponse.DiffChanges.DIFF_SOME : providerPb.DiffResponse.DiffChanges.DIFF_NONE);
  const keys = Object.keys(diff.detailedDiff);
  if (keys.length > 0) {
    response.setDiffsList([...new Set(keys.map((key) => key.split(".")[0]))]);
    response.setHasdetaileddiff(true);
    const map = response.getDetaileddiffMap();
    for (const [key, kind] of Object.entries(diff.detailedDiff)) {
      const property = new providerPb.PropertyDiff();
      property.setKind({ add: providerPb.PropertyDiff.Kind.ADD, update: providerPb.PropertyDiff.Kind.UPDATE, delete: providerPb.PropertyDiff.Kind.DELETE }[kind]);
      property.setInputdiff(false);
      map.set(key, property);
    }
  }
  return response;
}

/** Messages to the engine, in order, each against its resource; to stderr while no engine is known. */
class EngineLog {
  #client: EngineGrpcModule.EngineClient | undefined;
  #pending: Promise<void> = Promise.resolve();

  attach(address: string | undefined): void {
    this.#client?.close();
    this.#client = address === undefined ? undefined : new engineGrpc.EngineClient(address, grpc.credentials.createInsecure());
  }

  log(urn: string | undefined, message: string): void {
    const text = escapeControlCharacters(message);
    const client = this.#client;
    if (client === undefined) {
      process.stderr.write(`${text}\n`);
      return;
    }
    const request = new enginePb.LogRequest();
    request.setSeverity(enginePb.LogSeverity.INFO);
    request.setMessage(text);
    if (urn !== undefined) request.setUrn(urn);
    this.#pending = this.#pending.then(
      () => new Promise<void>((resolve) => client.log(request, (error) => {
        if (error) process.stderr.write(`${text}\n`);
        resolve();
      })),
    );
  }

  /** Resolves once every message sent so far has reached the engine. */
  flushed(): Promise<void> {
    return this.#pending;
  }

  close(): void {
    this.#client?.close();
  }
}

/** Starts the plugin's gRPC server on loopback; resolves with the port. */
export async function serve(engineAddress: string | undefined): Promise<{ port: number; server: GrpcModule.Server }> {
  const engine = new EngineLog();
  engine.attach(engineAddress);
  const plugin = new PluginProvider({ log: (urn, message) => engine.log(urn, message) });
  /** Runs an operation and waits for its messages to reach the engine before answering. */
  const logged = async <T>(run: () => Promise<T> | T): Promise<T> => {
    try {
      return await run();
    } finally {
      await engine.flushed();
    }
  };

  const service: Partial<ProviderGrpcModule.IResourceProviderServer> = {
    getPluginInfo(_call: Call<EmptyPbModule.Empty>, callback: Callback<PluginPbModule.PluginInfo>) {
      answer(callback, () => new pluginPb.PluginInfo().setVersion(packageVersion()));
    },
    getSchema(call: Call<ProviderPbModule.GetSchemaRequest>, callback: Callback<ProviderPbModule.GetSchemaResponse>) {
      answer(callback, () => {
        if (call.request.getVersion() !== 0) throw new Error(`unsupported schema version ${call.request.getVersion()}`);
        return new providerPb.GetSchemaResponse().setSchema(JSON.stringify(packageSchema()));
      });
    },
    attach(call: Call<PluginPbModule.PluginAttach>, callback: Callback<EmptyPbModule.Empty>) {
      answer(callback, () => {
        engine.attach(call.request.getAddress());
        return new emptyPb.Empty();
      });
    },
    cancel(_call: Call<EmptyPbModule.Empty>, callback: Callback<EmptyPbModule.Empty>) {
      answer(callback, () => new emptyPb.Empty());
    },
    checkConfig(call: Call<ProviderPbModule.CheckRequest>, callback: Callback<ProviderPbModule.CheckResponse>) {
      answer(callback, () => {
        const result = plugin.checkConfig(toProps(call.request.getNews()));
        const response = new providerPb.CheckResponse().setInputs(toStruct(result.inputs));
        response.setFailuresList(result.failures.map((f) => new providerPb.CheckFailure().setProperty(f.property).setReason(f.reason)));
        return response;
      });
    },
    diffConfig(call: Call<ProviderPbModule.DiffRequest>, callback: Callback<ProviderPbModule.DiffResponse>) {
      answer(callback, () => diffResponse(plugin.diffConfig(toProps(call.request.getOlds()), toProps(call.request.getNews()))));
    },
    configure(call: Call<ProviderPbModule.ConfigureRequest>, callback: Callback<ProviderPbModule.ConfigureResponse>) {
      answer(callback, () => {
        const variables = Object.fromEntries(call.request.getVariablesMap().getEntryList());
        plugin.configure(call.request.hasArgs() ? toProps(call.request.getArgs()) : undefined, variables);
        return new providerPb.ConfigureResponse().setAcceptsecrets(true).setAcceptresources(false).setAcceptoutputs(false).setSupportspreview(false);
      });
    },
    check(call: Call<ProviderPbModule.CheckRequest>, callback: Callback<ProviderPbModule.CheckResponse>) {
      answer(callback, () =>
        logged(async () => {
          const result = await plugin.check(call.request.getUrn(), toProps(call.request.getOlds()), toProps(call.request.getNews()));
          const response = new providerPb.CheckResponse().setInputs(toStruct(result.inputs));
          response.setFailuresList(result.failures.map((f) => new providerPb.CheckFailure().setProperty(f.property).setReason(f.reason)));
          return response;
        }),
      );
    },
    diff(call: Call<ProviderPbModule.DiffRequest>, callback: Callback<ProviderPbModule.DiffResponse>) {
      answer(callback, () => logged(() => diffResponse(plugin.diff(call.request.getUrn(), toProps(call.request.getOlds()), toProps(call.request.getNews())))));
    },
    create(call: Call<ProviderPbModule.CreateRequest>, callback: Callback<ProviderPbModule.CreateResponse>) {
      answer(
        callback,
        () =>
          logged(async () => {
            const result = await plugin.create(call.request.getUrn(), toProps(call.request.getProperties()));
            return new providerPb.CreateResponse().setId(result.id).setProperties(toStruct(result.outs));
          }),
        call.request.getProperties(),
      );
    },
    read(call: Call<ProviderPbModule.ReadRequest>, callback: Callback<ProviderPbModule.ReadResponse>) {
      answer(callback, () =>
        logged(async () => {
          const result = await plugin.read(call.request.getUrn(), call.request.getId(), toProps(call.request.getProperties()));
          const response = new providerPb.ReadResponse().setId(result.id).setProperties(toStruct(result.props));
          // The program's inputs stay as declared: a refresh records what the cluster has, not a new program.
          const inputs = call.request.getInputs();
          if (result.importedInputs !== undefined) response.setInputs(toStruct(result.importedInputs));
          else if (inputs !== undefined) response.setInputs(inputs);
          return response;
        }),
      );
    },
    update(call: Call<ProviderPbModule.UpdateRequest>, callback: Callback<ProviderPbModule.UpdateResponse>) {
      answer(
        callback,
        () =>
          logged(async () => {
            const outs = await plugin.update(call.request.getUrn(), call.request.getId(), toProps(call.request.getOlds()), toProps(call.request.getNews()));
            return new providerPb.UpdateResponse().setProperties(toStruct(outs));
          }),
        call.request.getNews(),
      );
    },
    delete(call: Call<ProviderPbModule.DeleteRequest>, callback: Callback<EmptyPbModule.Empty>) {
      answer(callback, () =>
        logged(async () => {
          await plugin.delete(call.request.getUrn(), call.request.getId(), toProps(call.request.getProperties()));
          return new emptyPb.Empty();
        }),
      );
    },
  };

  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(providerGrpc.ResourceProviderService, service as ProviderGrpcModule.IResourceProviderServer);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { port, server };
}
