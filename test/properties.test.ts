/**
 * The fuzz properties (test/fuzz/properties.ts) on every `npm test`: a fixed seed, so a failure is
 * reproducible, and a case count that keeps the file to seconds. `npm run fuzz` runs the same ones long.
 */
import test from "ava";
import fc from "fast-check";
import { PROPERTIES } from "./fuzz/properties";

/** Fixed, so that every run checks the same cases and a failure reproduces. */
const SEED = 20261130;
const RUNS = 300;

for (const { name, make } of PROPERTIES) {
  test(name, async (t) => {
    const details = await fc.check(make(), { seed: SEED, numRuns: RUNS });
    t.false(details.failed, fc.defaultReportMessage(details) ?? "failed");
    t.is(details.numRuns, RUNS);
  });
}
