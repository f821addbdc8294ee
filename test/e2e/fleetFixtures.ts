/**
 * What the fleet command's end-to-end tests set up alike: the CLI and a PostgreSQL server found (or a
 * failure saying which is missing: CI installs both, so never a silent skip), and simulated clusters
 * torn down with the test.
 */
import type { ExecutionContext } from "ava";
import { Simulator, SimulatorClock, asFound, startSimulator } from "../../simulator";
import { Postgres, findPostgres } from "../../harness/postgres";
import { findPulumiCli } from "../../harness/pulumiCli";

/** The CLI's folder and the file's PostgreSQL server, or an error naming what is missing. */
export function fleetPrerequisites(t: ExecutionContext, postgres: Postgres | undefined, timeoutMs: number): { cliDir: string; pg: Postgres } {
  const cli = findPulumiCli();
  if (!cli.ok) throw new Error(`no Pulumi CLI: ${cli.reason}`);
  if (postgres === undefined) throw new Error(`no PostgreSQL: ${(findPostgres() as { reason: string }).reason}`);
  t.timeout(timeoutMs);
  return { cliDir: cli.dir, pg: postgres };
}

/**
 * `count` clusters named `<prefix>-1`…, as found in the field, whose jobs take `jobDurationMs` on `clock`
 * (default: the wall clock; a `ManualClock` holds every job until the test moves it).
 */
export async function fleetSimulator(t: ExecutionContext, prefix: string, count: number, jobDurationMs: number, clock?: SimulatorClock): Promise<Simulator> {
  const sim = await startSimulator({
    clusters: Array.from({ length: count }, (_, i) => ({ name: `${prefix}-${i + 1}`, security: asFound(), scenario: { jobDurationMs } })),
    ...(clock === undefined ? {} : { clock }),
  });
  t.teardown(() => sim.close());
  return sim;
}
