/**
 * The test files `npm run test:fast` runs, one per line: every built test file except those that start
 * the real programs around the provider (the Pulumi CLI, Pulumi's provider host, PostgreSQL, NetApp's
 * Python client, npm), which take minutes. Tests start those programs only through harness/, so a test
 * file is left out when it imports a module of harness/, itself or through other modules of this
 * repository. The list is read from the built files' `require`s each time: a new test file is placed by
 * what it imports, with no list to keep up to date.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "fs";
import * as path from "path";

/** The built repository (`build/`): this file is build/scripts/test-fast.js. */
const BUILD = path.resolve(__dirname, "..");

/**
 * The test files that reach no module for which `isHarness` holds, following `importsOf` (a module's
 * imports within the repository) from each test file; cycles are followed once.
 */
export function fastTests(tests: readonly string[], importsOf: (file: string) => readonly string[], isHarness: (file: string) => boolean): string[] {
  return tests.filter((test) => {
    const seen = new Set<string>();
    const pending = [test];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (isHarness(file)) return false;
      if (seen.has(file)) continue;
      seen.add(file);
      pending.push(...importsOf(file));
    }
    return true;
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

/** Every `*.test.js` below `dir`, as ava's `files` pattern finds them. */
export function testFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".test.js"))
    .map((name) => path.join(dir, name))
    .sort();
}

/** Whether a built module is part of harness/. */
export const inHarness = (file: string): boolean => path.relative(path.join(BUILD, "harness"), file).split(path.sep)[0] !== "..";

if (require.main === module) {
  const tests = fastTests(testFiles(path.join(BUILD, "test")), relativeRequires, inHarness);
  console.log(tests.map((file) => path.relative(process.cwd(), file)).join("\n"));
}
