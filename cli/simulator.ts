/**
 * `pulumi-ontap-security simulator`: simulated ONTAP clusters on 127.0.0.1 for a pipeline's own
 * `pulumi preview`/`up`. Once every cluster listens it prints `export ONTAP_*='…'` lines on stdout (and
 * writes them to `--write-env`, atomically, for a pipeline to wait for and `source`; not `--env-file`,
 * which Node.js itself takes from any command line it runs), then serves until SIGINT, SIGTERM or
 * SIGHUP, when it closes the clusters, writes `--request-log` and removes the env file. Both files are
 * claimed before any cluster starts (see simulatorFiles.ts).
 */
import { readFileSync } from "fs";
import { parseArgs } from "util";
import { isLeft } from "fp-ts/Either";

import { ClusterOptions, KNOWN_VERSIONS, Simulator, asFound, ontapEnvironment, shellExports, startSimulator } from "../simulator";
import { DEFAULT_VERSION, atLeast, parseVersion } from "../simulator/ontapVersion";
import { AS_FOUND_SINCE } from "../simulator/presets";
import { parseJsonText } from "./jsonText";
import { decodeSimulatorConfig } from "./simulatorConfig";
import { RequestLogFile, WrittenFile, claimEnvFile, openRequestLog, removeWritten, writeExclusively } from "./simulatorFiles";
import { UsageError, integerOption } from "./usageError";

/** The most clusters one command starts (each is a listener and a few timers; more is a benchmark's job). */
export const MAX_CLUSTERS = 1000;

/** What one `simulator` command line asks for. */
export interface SimulatorCommand {
  /** One entry per cluster, in order. */
  readonly clusters: ClusterOptions[];
  /** Port of the first cluster, the others following; absent: free ports. */
  readonly port?: number;
  /** Where to write the `export ONTAP_*` lines once listening. */
  readonly envFile?: string;
  /** Where to write every cluster's request log as JSON on shutdown. */
  readonly requestLog?: string;
}

export const SIMULATOR_USAGE = `usage: pulumi-ontap-security simulator [options]

Starts simulated ONTAP clusters on 127.0.0.1, prints their ONTAP_* variables as shell lines
(export ONTAP_HOST=…, ONTAP_HOSTS, ONTAP_USERNAME, ONTAP_PASSWORD, ONTAP_CA_CERTIFICATE,
ONTAP_SIMULATOR_PID), and serves until SIGINT, SIGTERM or SIGHUP.

  --clusters N         how many clusters (default 1, or one per --version)
  --version V[,V…]     ONTAP release of every cluster, or one per cluster (default ${DEFAULT_VERSION};
                       modelled: ${KNOWN_VERSIONS.join(", ")})
  --as-found           start from FIPS off, TLS 1.0 on, rsh and telnet on (${AS_FOUND_SINCE} and later)
  --config FILE        JSON {"clusters":[{"version","name","uuid","security","scenario"}]}:
                       each cluster's release, settings (ONTAP's fields) and faults
  --port P             port of the first cluster; the others take the next ones (default: free ports)
  --write-env FILE     also write the export lines to FILE (mode 0600) once listening; removed on exit;
                       FILE must not exist
  --request-log FILE   on exit, write the requests each cluster received to FILE as JSON
  -h, --help           this text`;


function checkVersion(value: string): string {
  try {
    parseVersion(value);
  } catch (error) {
    throw new UsageError("--version", value, (error as Error).message.replace(/^ONTAP simulator: /, "--version: "));
  }
  return value.trim();
}

/**
 * Reads a `simulator` command line. `readConfig` reads the `--config` file (given so that tests need no
 * files). Returns "help" for `--help`; throws {@link UsageError} naming the option, the value and what is
 * allowed.
 */
export function parseSimulatorArgs(argv: readonly string[], readConfig: (path: string) => string): SimulatorCommand | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        clusters: { type: "string" },
        version: { type: "string", multiple: true },
        "as-found": { type: "boolean" },
        config: { type: "string" },
        port: { type: "string" },
        "write-env": { type: "string" },
        "request-log": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError("", undefined, `${(error as Error).message}\n${SIMULATOR_USAGE}`);
  }
  if (values.help) return "help";

  const versions = (values.version ?? []).flatMap((v) => v.split(",")).filter((v) => v.trim() !== "").map(checkVersion);
  const count = values.clusters === undefined ? undefined : integerOption("--clusters", values.clusters, 1, MAX_CLUSTERS);
  const port = values.port === undefined ? undefined : integerOption("--port", values.port, 1, 65535);

  let clusters: ClusterOptions[];
  if (values.config !== undefined) {
    for (const [option, given] of [["--clusters", values.clusters], ["--version", values.version], ["--as-found", values["as-found"]]] as const) {
      if (given !== undefined) throw new UsageError(option, String(given), `${option} cannot be combined with --config: the file gives every cluster`);
    }
    clusters = readClusters(values.config, readConfig);
  } else {
    if (versions.length > 1 && count !== undefined && count !== versions.length) {
      throw new UsageError("--clusters", String(count), `--clusters ${count} but ${versions.length} releases given with --version: give one release, or one per cluster`);
    }
    const n = count ?? Math.max(1, versions.length);
    clusters = Array.from({ length: n }, (_, i) => ({
      ...(versions.length > 0 ? { version: versions.length === 1 ? versions[0] : versions[i] } : {}),
      ...(values["as-found"] ? { security: asFound() } : {}),
    }));
    if (values["as-found"]) {
      const tooOld = versions.find((v) => !atLeast(parseVersion(v), AS_FOUND_SINCE));
      if (tooOld !== undefined) {
        throw new UsageError("--as-found", tooOld, `--as-found sets TLS and rsh/telnet fields that ONTAP ${tooOld} lacks; use --version ${AS_FOUND_SINCE} or later`);
      }
    }
  }
  if (clusters.length > MAX_CLUSTERS) throw new UsageError("--config", values.config, `--config asks for ${clusters.length} clusters; at most ${MAX_CLUSTERS}`);
  if (port !== undefined && port + clusters.length - 1 > 65535) {
    throw new UsageError("--port", String(port), `--port ${port} leaves no room for ${clusters.length} clusters below 65536`);
  }
  return {
    clusters,
    ...(port === undefined ? {} : { port }),
    ...(values["write-env"] === undefined ? {} : { envFile: values["write-env"] }),
    ...(values["request-log"] === undefined ? {} : { requestLog: values["request-log"] }),
  };
}

function readClusters(file: string, readConfig: (path: string) => string): ClusterOptions[] {
  let text: string;
  try {
    text = readConfig(file);
  } catch (error) {
    throw new UsageError("--config", file, `--config ${file}: ${(error as Error).message}`);
  }
  const parsed = parseJsonText(text);
  if ("problem" in parsed) throw new UsageError("--config", file, `--config ${file}: ${parsed.problem}`);
  const decoded = decodeSimulatorConfig(parsed.value);
  if (isLeft(decoded)) throw new UsageError("--config", file, `--config ${file} is not a simulator configuration:\n  ${decoded.left.join("\n  ")}`);
  return decoded.right;
}

/**
 * The `--request-log` document: each cluster with the requests it received, oldest first (the latest
 * `requestLogLimit`, with a count of those let go; bodies only of requests that authenticated, and cut
 * to a bound: see `RequestLogEntry`).
 */
export function requestLogDocument(simulator: Pick<Simulator, "clusters">): unknown {
  return {
    clusters: simulator.clusters.map((cluster) => ({
      name: cluster.name,
      uuid: cluster.uuid,
      version: cluster.version,
      host: cluster.host,
      droppedRequests: cluster.droppedRequests,
      requests: cluster.requests,
    })),
  };
}

/** The signals that stop the command: Ctrl-C, `kill`, and a closed terminal or session. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      // Still listening, so a second signal during clean-up does not kill the process halfway.
      for (const name of STOP_SIGNALS) process.on(name, () => undefined);
      for (const name of STOP_SIGNALS) process.off(name, stop);
      resolve(signal);
    };
    for (const name of STOP_SIGNALS) process.on(name, stop);
  });
}

/** Runs `pulumi-ontap-security simulator`; resolves to 0 once stopped by a signal and cleaned up. */
export async function runSimulatorCommand(argv: readonly string[]): Promise<number> {
  const command = parseSimulatorArgs(argv, (file) => readFileSync(file, "utf8"));
  if (command === "help") {
    console.log(SIMULATOR_USAGE);
    return 0;
  }
  // Listen for signals before anything starts, so a pipeline that stops it early still gets a clean exit.
  const signalled = untilSignal();
  // Both files are claimed before any cluster starts: a name that cannot be used is refused (exit 2)
  // with nothing started and nothing written.
  if (command.envFile !== undefined) await claimEnvFile(command.envFile);
  const requestLog: RequestLogFile | undefined = command.requestLog === undefined ? undefined : await openRequestLog(command.requestLog);
  let simulator: Simulator;
  try {
    simulator = await startSimulator({ clusters: command.clusters, ...(command.port === undefined ? {} : { port: command.port }) });
  } catch (error) {
    await requestLog?.discard();
    throw error;
  }
  let envFile: WrittenFile | undefined;
  try {
    const exportLines = shellExports({ ...ontapEnvironment(simulator), ONTAP_SIMULATOR_PID: String(process.pid) });
    process.stdout.write(exportLines);
    // Last: a pipeline waiting for this file may go ahead as soon as it appears.
    if (command.envFile !== undefined) envFile = await writeExclusively(command.envFile, exportLines);
    console.error(
      [
        `ONTAP simulator: ${simulator.clusters.length} cluster(s) on 127.0.0.1`,
        ...simulator.clusters.map((c) => `  ${c.name}  ONTAP ${c.version}  ${c.url}  uuid ${c.uuid}`),
        ...(command.envFile === undefined ? [] : [`variables written to ${command.envFile}`]),
        `serving until ${STOP_SIGNALS.join(", ")}`,
      ].join("\n"),
    );
    const signal = await signalled;
    // After SIGHUP the terminal may be gone: a failed write to it must not stop the clean-up.
    for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
    console.error(`ONTAP simulator: ${signal}: closing`);
  } finally {
    // The env file holds the password: it goes first, whatever happens after.
    if (envFile !== undefined) await removeWritten(envFile);
    await simulator.close();
    await requestLog?.write(`${JSON.stringify(requestLogDocument(simulator), null, 2)}\n`);
  }
  return 0;
}
