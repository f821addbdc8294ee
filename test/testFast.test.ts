/**
 * Which test files `npm run test:fast` runs: those that reach no module of harness/, followed through
 * the built files' requires.
 */
import test from "ava";
import * as path from "path";
import { fastTests, inHarness, relativeRequires, testFiles } from "../scripts/test-fast";

const graphs: readonly { name: string; imports: Record<string, string[]>; fast: string[] }[] = [
  { name: "no imports", imports: { "a.test": [] }, fast: ["a.test"] },
  { name: "a harness module imported directly", imports: { "a.test": ["harness/cli"] }, fast: [] },
  { name: "a harness module imported through another module", imports: { "a.test": ["lib"], lib: ["harness/cli"] }, fast: [] },
  { name: "a cycle that never reaches harness/", imports: { "a.test": ["lib"], lib: ["other"], other: ["lib", "a.test"] }, fast: ["a.test"] },
  { name: "a cycle with harness/ behind it", imports: { "a.test": ["lib"], lib: ["other"], other: ["lib", "harness/db"] }, fast: [] },
  { name: "two tests, one of each", imports: { "a.test": ["lib"], "b.test": ["lib", "harness/db"], lib: [] }, fast: ["a.test"] },
];

for (const graph of graphs) {
  test(`fastTests: ${graph.name}`, (t) => {
    const tests = Object.keys(graph.imports).filter((name) => name.endsWith(".test"));
    t.deepEqual(
      fastTests(tests, (module) => graph.imports[module] ?? [], (module) => module.startsWith("harness/")),
      graph.fast,
    );
  });
}

test("on this build: tests that start the Pulumi CLI, PostgreSQL, Python or npm pack are left out; pure ones stay", (t) => {
  const dir = path.resolve(__dirname);
  const fast = fastTests(testFiles(dir), relativeRequires, inHarness).map((file) => path.relative(dir, file));
  for (const slow of ["cli.test.js", "fleetPostgres.test.js", "python-client.test.js", "userProject.test.js", "providerHost.test.js"]) {
    t.false(fast.includes(slow), `${slow} is in test:fast`);
  }
  for (const quick of ["check.test.js", "plan.test.js", "testFast.test.js"]) t.true(fast.includes(quick), `${quick} is not in test:fast`);
});
