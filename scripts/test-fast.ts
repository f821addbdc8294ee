/**
 * The test files `npm run test:fast` runs, one per line: every built test file outside test/e2e/. That
 * folder holds the tests that start real programs around the provider (the Pulumi CLI, Pulumi's provider
 * host, PostgreSQL, NetApp's Python client, `npm pack`, the package's own command, `openssl s_server`),
 * which take minutes; `npm test` runs both.
 *
 * The folder is the rule, and `startsPrograms` keeps it honest: test/testFast.test.ts fails when a test
 * file outside test/e2e/ reaches a module of harness/ (where the tests start programs), or a module under
 * test/ that requires `child_process`, itself or through other modules of this repository.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "fs";
import * as path from "path";

/** The built repository (`build/`): this file is build/scripts/test-fast.js. */
const BUILD = path.resolve(__dirname, "..");

/** The built tests (`build/test/`). */
export const TESTS = path.join(BUILD, "test");

/** The folder, under the tests, of those that start programs. */
export const E2E = "e2e";

/** Whether `file` lies inside `dir` (or is `dir`). */
const within = (dir: string, file: string): boolean => {
  const relative = path.relative(dir, file);
  return relative === "" || (relative.split(path.sep)[0] !== ".." && !path.isAbsolute(relative));
};

/** Whether a test file, below `testsDir`, lies in its e2e/ folder. */
export const isEndToEnd = (file: string, testsDir: string = TESTS): boolean => within(path.join(testsDir, E2E), file);

/** The test files `npm run test:fast` runs: those outside the e2e/ folder. */
export const fastTests = (tests: readonly string[], testsDir: string = TESTS): string[] => tests.filter((file) => !isEndToEnd(file, testsDir));

/**
 * The tests that reach a module for which `starts` holds, following `importsOf` (a module's imports
 * within the repository) from each test file; cycles are followed once.
 */
export function testsThatStartPrograms(tests: readonly string[], importsOf: (file: string) => readonly string[], starts: (file: string) => boolean): string[] {
  return tests.filter((test) => {
    const seen = new Set<string>();
    const pending = [test];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (starts(file)) return true;
      if (seen.has(file)) continue;
      seen.add(file);
      pending.push(...importsOf(file));
    }
    return false;
  });
}

/** The built modules of this repository a built module requires by a relative path (packages are not followed). */
export function relativeRequires(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of source.matchAll(/\brequire\("(\.{1,2}\/[^"]*)"\)/g)) {
    const target = path.resolve(path.dirname(file), match[1] ?? "");
    const built = [`${target}.js`, path.join(target, "index.js"), target].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
    if (built !== undefined) found.push(built);
  }
  return found;
}

/** Whether a built module requires `child_process` (type-only imports leave no `require`). */
export const requiresChildProcess = (file: string): boolean => /\brequire\("(node:)?child_process"\)/.test(readFileSync(file, "utf8"));

/**
 * Every `*.test.js` below `dir`, as ava's `files` pattern finds them, less those whose source is gone:
 * tsc never deletes a compiled file, so a test moved or removed since the last build would still be
 * found here (CI starts from an empty build/).
 */
export function testFiles(dir: string): string[] {
  const source = (file: string): string => path.join(BUILD, "..", path.relative(BUILD, file)).replace(/\.js$/, ".ts");
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".test.js"))
    .map((name) => path.join(dir, name))
    .filter((file) => existsSync(source(file)))
    .sort();
}

/** Whether a built module is part of harness/. */
export const inHarness = (file: string): boolean => within(path.join(BUILD, "harness"), file);

/**
 * Whether a built module starts programs: any module of harness/, and any module under test/ that
 * requires `child_process`. The shipped code's own use of programs (the simulator makes its certificate
 * with `openssl` once per process) is part of what the tests test, not a program a test starts.
 */
export const startsPrograms = (file: string): boolean => inHarness(file) || (within(TESTS, file) && requiresChildProcess(file));

if (require.main === module) {
  console.log(fastTests(testFiles(TESTS)).map((file) => path.relative(process.cwd(), file)).join("\n"));
}
