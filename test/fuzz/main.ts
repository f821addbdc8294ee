/**
 * `npm run fuzz`: every property of ./properties.ts with many cases (FUZZ_RUNS, default 100,000 each)
 * and a random seed (FUZZ_SEED to replay one), printing cases, failures and time per property.
 * Exits non-zero on the first counterexample, printing it with the seed and path to replay it.
 */
import fc from "fast-check";
import { PROPERTIES } from "./properties";

async function main(): Promise<void> {
  const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
  const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() ^ (Math.random() * 0x7fffffff);
  console.log(`fuzz: ${PROPERTIES.length} properties, ${runs} cases each, seed ${seed} (node ${process.version})`);
  let total = 0;
  let failed = 0;
  const started = process.hrtime.bigint();
  for (const { name, make } of PROPERTIES) {
    const t0 = process.hrtime.bigint();
    const details = await fc.check(make(), { seed, numRuns: runs });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    total += details.numRuns;
    const verdict = details.failed ? "FAILED" : "ok";
    console.log(`${verdict.padEnd(6)} ${String(details.numRuns).padStart(8)} cases ${ms.toFixed(0).padStart(7)} ms  ${name}`);
    if (details.failed) {
      failed++;
      console.log(fc.defaultReportMessage(details));
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`fuzz: ${total} cases in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} cases/s), ${failed} properties failed`);
  if (failed > 0) process.exitCode = 1;
}

void main();
