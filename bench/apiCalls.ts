/**
 * Section 2: API calls per operation, from the simulator's request log, with the provider driven as the
 * engine drives it: Pulumi's dynamic-provider host over gRPC, the provider text a real
 * `new ClusterSecurity(...)` serializes, one engine call after another.
 */
import { RequestLogEntry, SimCluster, Simulator, asFound, startSimulator } from "../simulator";
import { ProviderHost, Props, serializedProviderText, startProviderHost } from "../harness/providerHost";
import { heading, renderTable } from "./table";

/** The requests one engine call caused. */
interface Call {
  readonly call: string;
  readonly requests: readonly RequestLogEntry[];
}

/** One operation as a user names it, and the engine calls it takes. */
interface Operation {
  readonly name: string;
  readonly calls: readonly Call[];
}


/** A cluster already as the baseline wants it. */
const HARDENED = {
  fips: { enabled: true },
  tls: { protocol_versions: ["TLSv1.3", "TLSv1.2"] },
  management_protocols: { rsh_enabled: false, telnet_enabled: false },
};

const BASELINE: Props = {
  fips: { enabled: true },
  tls: { protocolVersions: ["TLSv1.2"] },
  managementProtocols: { rshEnabled: false, telnetEnabled: false },
};

/** Every managed setting, each different from asFound(). */
const EVERY_FIELD: Props = {
  fips: { enabled: true },
  tls: {
    protocolVersions: ["TLSv1.2"],
    cipherSuites: [
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    ],
  },
  managementProtocols: { rshEnabled: false, telnetEnabled: false },
  softwareDataEncryption: { disabledByDefault: true, conversionEnabled: true },
};

export interface ApiCallsOptions {
  readonly progress: (line: string) => void;
}

export async function runApiCalls(options: ApiCallsOptions): Promise<string[]> {
  options.progress("calls: serializing the provider and starting the provider host");
  const provider = await serializedProviderText();
  const sim = await startSimulator({
    clusters: [
      { name: "hardened", security: HARDENED, scenario: { jobDurationMs: 50 } },
      { name: "legacy", security: asFound(), scenario: { jobDurationMs: 50 } },
    ],
  });
  let host: ProviderHost | undefined;
  try {
    host = await startProviderHost();
    const operations = await measure(sim, host, provider);
    return report(operations);
  } finally {
    await host?.close();
    await sim.close();
  }
}

async function measure(sim: Simulator, host: ProviderHost, provider: string): Promise<Operation[]> {
  const [hardened, legacy] = sim.clusters as [SimCluster, SimCluster];
  const operations: Operation[] = [];
  /** Runs one engine call against one cluster's provider and keeps the requests it caused. */
  const on = async <T>(cluster: SimCluster, call: string, run: () => Promise<T>, calls: Call[]): Promise<T> => {
    cluster.clearLog();
    const result = await run();
    calls.push({ call, requests: [...cluster.requests] });
    return result;
  };
  // One provider for the whole stack, configured once, as the engine does: the host is reached per
  // resource through `host` (an argument here, as a fleet program gives it).
  await host.configure({ "ontap:username": sim.username, "ontap:password": { secret: sim.password }, "ontap:caCertificate": sim.caCertificate });
  const inputsFor = (cluster: SimCluster, settings: Props): Props => ({ __provider: provider, host: cluster.host, ...settings });

  // Hardened cluster: adopt, preview, refresh, and the one preview that needs a second GET.
  const baseline = inputsFor(hardened, BASELINE);
  const adoptPreview: Call[] = [];
  await on(hardened, "check", () => host.check({}, baseline), adoptPreview);
  operations.push({ name: "preview of a new resource (adopt: found → desired)", calls: adoptPreview });

  const adopt: Call[] = [];
  await on(hardened, "check", () => host.check({}, baseline), adopt);
  const created = await on(hardened, "create", () => host.create(baseline), adopt);
  operations.push({ name: "create, cluster already as desired (adopt)", calls: adopt });

  const preview: Call[] = [];
  await on(hardened, "check", () => host.check(baseline, baseline), preview);
  await on(hardened, "diff", () => host.diff(created.id, created.properties, baseline, baseline), preview);
  operations.push({ name: "preview, nothing to change", calls: preview });

  const changed = inputsFor(hardened, { ...BASELINE, managementProtocols: { rshEnabled: false, telnetEnabled: true } });
  const changedPreview: Call[] = [];
  await on(hardened, "check", () => host.check(baseline, changed), changedPreview);
  await on(hardened, "diff", () => host.diff(created.id, created.properties, changed, baseline), changedPreview);
  operations.push({ name: "preview, one setting changed in the program", calls: changedPreview });

  const refresh: Call[] = [];
  await on(hardened, "read", () => host.read(created.id, created.properties, baseline), refresh);
  operations.push({ name: "refresh", calls: refresh });

  const guarded = inputsFor(hardened, { ...BASELINE, softwareDataEncryption: { conversionEnabled: false } });
  const guardedPreview: Call[] = [];
  await on(hardened, "check", () => host.check(baseline, guarded), guardedPreview);
  await on(hardened, "diff", () => host.diff(created.id, created.properties, guarded, baseline), guardedPreview);
  operations.push({ name: "preview, program says conversionEnabled: false", calls: guardedPreview });

  const destroy: Call[] = [];
  await on(hardened, "delete", () => host.delete(created.id, created.properties, baseline), destroy);
  operations.push({ name: "destroy (let go)", calls: destroy });

  // Legacy cluster: a resource that manages nothing yet, then every field, then one.
  const nothing = inputsFor(legacy, {});
  const adopted = await host.create((await host.check({}, nothing)).inputs);
  const every = inputsFor(legacy, EVERY_FIELD);
  const everyCalls: Call[] = [];
  await on(legacy, "check", () => host.check(nothing, every), everyCalls);
  await on(legacy, "diff", () => host.diff(adopted.id, adopted.properties, every, nothing), everyCalls);
  const afterEvery = await on(legacy, "update", () => host.update(adopted.id, adopted.properties, every, nothing), everyCalls);
  operations.push({ name: "update of every field (7 settings)", calls: everyCalls });

  const tls13 = inputsFor(legacy, { ...EVERY_FIELD, tls: { ...(EVERY_FIELD.tls as object), protocolVersions: ["TLSv1.3"] } });
  const oneCalls: Call[] = [];
  await on(legacy, "check", () => host.check(every, tls13), oneCalls);
  await on(legacy, "diff", () => host.diff(adopted.id, afterEvery.properties, tls13, every), oneCalls);
  const afterOne = await on(legacy, "update", () => host.update(adopted.id, afterEvery.properties, tls13, every), oneCalls);
  operations.push({ name: "update of one field (tls.protocolVersions)", calls: oneCalls });

  // An admin's security job still running when the update starts: found by the one job query that
  // every create and update makes, and waited for before planning. (The admin changes a setting FIPS
  // mode allows; the plan, made after the job, then restores it beside the program's own change.)
  const busyCalls: Call[] = [];
  await on(legacy, "check", () => host.check(tls13, every), busyCalls);
  legacy.startSecurityJob({ software_data_encryption: { disabled_by_default: false } }, { durationMs: 300 });
  await on(legacy, "update", () => host.update(adopted.id, afterOne.properties, every, tls13), busyCalls);
  operations.push({ name: "update while an admin's security job runs (waited for)", calls: busyCalls });
  return operations;
}

function describe(request: RequestLogEntry): string {
  const query = Object.entries(request.query)
    .map(([key, value]) => (key === "fields" && value.split(",").length > 3 ? `fields=<${value.split(",").length} fields>` : `${key}=${value}`))
    .join("&");
  const body = request.body !== undefined ? ` ${JSON.stringify(request.body)}` : "";
  return `${request.method} ${request.path}${query === "" ? "" : `?${query}`}${body} → ${request.status}`;
}

function report(operations: readonly Operation[]): string[] {
  const rows = operations.map((operation) => {
    const requests = operation.calls.flatMap((call) => call.requests);
    return [
      operation.name,
      operation.calls.map((call) => `${call.call} ${call.requests.length}`).join(", "),
      String(requests.filter((request) => request.method === "GET").length),
      String(requests.filter((request) => request.method === "PATCH").length),
      String(requests.length),
    ];
  });
  const lines = [
    heading(2, "2. API calls per operation (measured)"),
    "Engine calls to Pulumi's dynamic-provider host over gRPC, as `pulumi preview`/`up`/`refresh`/`destroy` make them for one resource; requests from the simulator's log. Jobs take 50 ms here, so every PATCH is answered 200 within its return_timeout. Every create and update first asks `GET /api/cluster/jobs` for a security job still running (one request; none in preview) and waits for any it finds.",
    "",
    renderTable(["operation", "engine calls (requests each)", "GET", "PATCH", "requests"], rows),
    "",
    "Each request, in order:",
  ];
  for (const operation of operations) {
    lines.push("", `${operation.name}:`);
    for (const call of operation.calls) {
      if (call.requests.length === 0) lines.push(`- ${call.call}: no request`);
      for (const request of call.requests) lines.push(`- ${call.call}: \`${describe(request)}\``);
    }
  }
  return lines;
}
