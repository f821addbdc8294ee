// Runs the ONTAP simulator by hand, for trying the provider or a Pulumi program against it:
//
//   node build/simulator/main.js [--clusters N] [--version 9.16.1] [--port P]
//
// Prints each cluster's URL, the credentials, the path of a CA PEM file and shell lines to export, then
// serves until Ctrl-C or SIGTERM.

import { mkdtemp, rm, writeFile } from "fs/promises";
import { tmpdir } from "os";
import { join } from "path";

import { KNOWN_VERSIONS, startSimulator } from "./index";

interface CliOptions {
  clusters: number;
  version: string;
  port?: number;
}

const USAGE = `usage: node build/simulator/main.js [--clusters N] [--version ${KNOWN_VERSIONS.join("|")}] [--port P]`;

function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = { clusters: 1, version: "9.16.1" };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i] as string;
    const [name, inline] = flag.includes("=") ? (flag.split("=", 2) as [string, string]) : [flag, undefined];
    if (name === "--help" || name === "-h") {
      console.log(USAGE);
      process.exit(0);
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value\n${USAGE}`);
    switch (name) {
      case "--clusters":
        options.clusters = positiveInteger(name, value);
        break;
      case "--version":
        options.version = value;
        break;
      case "--port":
        options.port = positiveInteger(name, value);
        break;
      default:
        throw new Error(`unknown option ${name}\n${USAGE}`);
    }
  }
  return options;
}

function positiveInteger(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return number;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const simulator = await startSimulator({
    clusters: Array.from({ length: options.clusters }, () => ({ version: options.version })),
    port: options.port,
  });
  const dir = await mkdtemp(join(tmpdir(), "ontap-simulator-"));
  const caPath = join(dir, "ca.pem");
  await writeFile(caPath, simulator.caCertificate);

  const lines = [`ONTAP simulator: ${simulator.clusters.length} cluster(s), ONTAP ${options.version}`];
  for (const cluster of simulator.clusters) lines.push(`  ${cluster.name}  ${cluster.url}  uuid ${cluster.uuid}`);
  const first = simulator.clusters[0];
  lines.push(
    `username: ${simulator.username}  password: ${simulator.password}`,
    `read-only username: ${simulator.readOnlyUsername}  password: ${simulator.readOnlyPassword}`,
    `CA certificate (PEM): ${caPath}`,
    "",
    "To use the first cluster from bash:",
    `export ONTAP_HOST=${first?.host ?? ""}`,
    `export ONTAP_USERNAME=${simulator.username}`,
    `export ONTAP_PASSWORD='${simulator.password}'`,
    `export ONTAP_CA_CERTIFICATE="$(cat ${caPath})"`,
    "",
    "Serving until Ctrl-C.",
  );
  console.log(lines.join("\n"));

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: closing the simulator`);
    void simulator
      .close()
      .then(() => rm(dir, { recursive: true, force: true }))
      .then(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
