/**
 * `npm run bench`: what a user pays for, measured against the ONTAP simulator: time in the pipeline
 * (job-completion latency, a fleet through the real Pulumi CLI) and load on the clusters (API calls per
 * operation), plus the provider's own cost. Tables go to stdout (Markdown, ready for
 * docs/benchmarks.md); progress goes to stderr. Nothing here asserts a time: timings depend on the machine and its load.
 *
 *   npm run bench                                  # everything (minutes; the fleet section takes most)
 *   npm run bench -- --quick                       # fewer repetitions, fleet of 10 and 100 only
 *   npm run bench -- --only latency,calls          # some sections: latency, calls, provider, fleet
 *   npm run bench -- --only fleet --sizes 10,500   # fleet sizes of your choice
 *   npm run bench -- --only shards                 # 1,000 clusters as 1×1000, 10×100, 20×50; 1/2/4 at once; file and PostgreSQL
 *   npm run bench -- --only shards --layouts 5x100,50x100 --concurrency 2 --backends postgres   # a part of it
 */
import { runApiCalls } from "./apiCalls";
import { runFleet } from "./fleet";
import { BACKENDS, Backend, ShardRun, parseLayouts, runShards } from "./fleetShards";
import { runLatency } from "./latency";
import { describeMachine, readMachine } from "./machine";
import { runProviderCost } from "./providerCost";
import { formatMs, heading } from "./table";

const SECTIONS = ["latency", "calls", "provider", "fleet", "shards"] as const;
type Section = (typeof SECTIONS)[number];

interface Options {
  readonly quick: boolean;
  readonly sections: readonly Section[];
  readonly fleetSizes: readonly number[];
  /** The shards matrix: every layout × concurrency × backend. */
  readonly shardRuns: readonly ShardRun[];
}

const USAGE = `usage: npm run bench -- [--quick] [--only ${SECTIONS.join(",")}] [--sizes 10,100,500] [--layouts 1x1000,10x100,20x50] [--concurrency 1,2,4] [--backends ${BACKENDS.join(",")}] [--skip-checkpoints]`;

/** Reads the flags; a bad one is an error that names it and lists what is allowed. */
export function parseOptions(argv: readonly string[]): Options {
  let quick = false;
  let sections: Section[] = [...SECTIONS];
  let sizes: number[] | undefined;
  let layouts = parseLayouts("1x1000,10x100,20x50");
  let concurrency = [1, 2, 4];
  let backends: Backend[] = [...BACKENDS];
  let skipCheckpoints = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const [name, inline] = flag.includes("=") ? [flag.slice(0, flag.indexOf("=")), flag.slice(flag.indexOf("=") + 1)] : [flag, undefined];
    const value = (): string => {
      const given = inline ?? argv[++i];
      if (given === undefined || given === "") throw new Error(`${name} needs a value; ${USAGE}`);
      return given;
    };
    if (name === "--quick") quick = true;
    else if (name === "--only") {
      const names = value().split(",").map((s) => s.trim()).filter((s) => s !== "");
      const unknown = names.filter((s) => !(SECTIONS as readonly string[]).includes(s));
      if (unknown.length > 0) throw new Error(`--only has ${unknown.map((s) => JSON.stringify(s)).join(", ")}; allowed: ${SECTIONS.join(", ")}`);
      sections = names as Section[];
    } else if (name === "--sizes") {
      sizes = value().split(",").map((s) => Number(s.trim()));
      const bad = sizes.filter((n) => !Number.isInteger(n) || n < 1);
      if (bad.length > 0) throw new Error(`--sizes has ${bad.join(", ")}; allowed: positive integers such as 10,100,500`);
    } else if (name === "--layouts") {
      layouts = parseLayouts(value());
    } else if (name === "--concurrency") {
      concurrency = value().split(",").map((s) => Number(s.trim()));
      const bad = concurrency.filter((n) => !Number.isInteger(n) || n < 1);
      if (bad.length > 0) throw new Error(`--concurrency has ${bad.join(", ")}; allowed: positive integers such as 1,2,4`);
    } else if (name === "--backends") {
      const names = value().split(",").map((s) => s.trim());
      const unknown = names.filter((s) => !(BACKENDS as readonly string[]).includes(s));
      if (unknown.length > 0) throw new Error(`--backends has ${unknown.map((s) => JSON.stringify(s)).join(", ")}; allowed: ${BACKENDS.join(", ")}`);
      backends = names as Backend[];
    } else if (name === "--skip-checkpoints") {
      skipCheckpoints = true;
    } else if (name === "--help" || name === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown flag ${JSON.stringify(flag)}; ${USAGE}`);
  }
  const shardRuns = layouts.flatMap((layout) =>
    backends.flatMap((backend) =>
      concurrency.map((c): ShardRun => ({ ...layout, backend, concurrency: c, ...(skipCheckpoints ? { env: { PULUMI_SKIP_CHECKPOINTS: "true" } } : {}) })),
    ),
  );
  // The shards matrix is long (close to an hour on 2 cores): only when asked for by name.
  if (!argv.some((a) => a === "--only" || a.startsWith("--only="))) sections = sections.filter((s) => s !== "shards");
  return { quick, sections, fleetSizes: sizes ?? (quick ? [10, 100] : [10, 100, 500]), shardRuns };
}

function progress(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const print = (lines: readonly string[]): void => console.log(lines.join("\n"));
  print([
    "# pulumi-ontap-security benchmarks",
    "",
    `Run: \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\` on ${new Date().toISOString()}`,
    "",
    ...describeMachine(readMachine()),
  ]);
  for (const section of options.sections) {
    const sectionStarted = Date.now();
    progress(`section ${section}`);
    if (section === "latency") {
      const reps = options.quick
        ? new Map([[300, 2], [3_000, 2], [30_000, 1]])
        : new Map([[300, 5], [3_000, 5], [30_000, 3]]);
      print(await runLatency({ reps, concurrentFromMs: 30_000, progress }));
    } else if (section === "calls") {
      print(await runApiCalls({ progress }));
    } else if (section === "provider") {
      print(await runProviderCost({ runs: options.quick ? 3 : 5, progress }));
    } else if (section === "fleet") {
      print(await runFleet({ sizes: options.fleetSizes, progress }));
    } else {
      print(await runShards({ runs: options.shardRuns, progress }));
    }
    progress(`section ${section} took ${formatMs(Date.now() - sectionStarted)}`);
  }
  print([heading(2, "Wall time"), `The whole run took ${formatMs(Date.now() - started)}.`]);
}

main().then(
  // The simulator's keep-alive sockets and the Pulumi SDK's mocks may keep the loop alive: leave explicitly.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
