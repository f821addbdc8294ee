/**
 * Which test files `npm run test:fast` runs: those outside test/e2e/. And the rule that keeps the folder
 * honest: a test file outside it that starts programs (it reaches harness/, or a module under test/ that
 * requires child_process) is named, and so is a file inside it that starts none.
 */
import test from "ava";
import * as path from "path";
import { E2E, TESTS, fastTests, relativeRequires, startsPrograms, testFiles, testsThatStartPrograms } from "../scripts/test-fast";

const graphs: readonly { name: string; imports: Record<string, string[]>; starting: string[] }[] = [
  { name: "no imports", imports: { "a.test": [] }, starting: [] },
  { name: "a harness module imported directly", imports: { "a.test": ["harness/cli"] }, starting: ["a.test"] },
  { name: "a harness module imported through another module", imports: { "a.test": ["lib"], lib: ["harness/cli"] }, starting: ["a.test"] },
  { name: "child_process required by the test itself", imports: { "spawns.test": [] }, starting: ["spawns.test"] },
  { name: "child_process required by a helper under test/", imports: { "a.test": ["spawns"], spawns: [] }, starting: ["a.test"] },
  { name: "a cycle that never reaches harness/", imports: { "a.test": ["lib"], lib: ["other"], other: ["lib", "a.test"] }, starting: [] },
  { name: "a cycle with harness/ behind it", imports: { "a.test": ["lib"], lib: ["other"], other: ["lib", "harness/db"] }, starting: ["a.test"] },
  { name: "two tests, one of each", imports: { "a.test": ["lib"], "b.test": ["lib", "harness/db"], lib: [] }, starting: ["b.test"] },
];

for (const graph of graphs) {
  test(`testsThatStartPrograms: ${graph.name}`, (t) => {
    const tests = Object.keys(graph.imports).filter((name) => name.endsWith(".test"));
    const starts = (module: string): boolean => module.startsWith("harness/") || module.startsWith("spawns");
    t.deepEqual(testsThatStartPrograms(tests, (module) => graph.imports[module] ?? [], starts), graph.starting);
  });
}

test("fastTests leaves out exactly the files under e2e/, at any depth", (t) => {
  const dir = "/repo/build/test";
  const files = ["a.test.js", "e2e/b.test.js", "e2e/deep/c.test.js", "e2e2/d.test.js", "sub/e.test.js"].map((name) => path.join(dir, name));
  t.deepEqual(fastTests(files, dir).map((file) => path.relative(dir, file)), ["a.test.js", "e2e2/d.test.js", "sub/e.test.js"]);
});

const here = (file: string): string => path.relative(TESTS, file);
const all = testFiles(TESTS);

test("on this build: test:fast runs every test file outside e2e/, and none of those starts a program", (t) => {
  t.is(path.resolve(__dirname), TESTS);
  const fast = fastTests(all);
  t.true(fast.length > 20, `only ${fast.length} fast test files found under ${TESTS}`);
  t.deepEqual(fast.map(here), all.map(here).filter((file) => file.split(path.sep)[0] !== E2E));
  t.deepEqual(testsThatStartPrograms(fast, relativeRequires, startsPrograms).map(here), [], "these start programs: move them to test/e2e/");
  for (const quick of ["check.test.js", "plan.test.js", "testFast.test.js", "fleetDecisions.test.js"]) t.true(fast.map(here).includes(quick), `${quick} is not in test:fast`);
});

test("on this build: every test file in e2e/ starts a program, the CLI, PostgreSQL, Python and npm pack among them", (t) => {
  const e2e = all.filter((file) => !fastTests([file]).length);
  const names = e2e.map(here);
  for (const slow of ["cli.test.js", "fleetPostgres.test.js", "python-client.test.js", "userProject.test.js", "providerHost.test.js", "clientCertificate.test.js"]) {
    t.true(names.includes(path.join(E2E, slow)), `${slow} is not in test/e2e/`);
  }
  t.deepEqual(e2e.filter((file) => testsThatStartPrograms([file], relativeRequires, startsPrograms).length === 0).map(here), [], "these start no program: they belong beside the fast tests");
});
