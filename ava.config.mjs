// ava's configuration for `npm test` (and `npm run test:fast`, which names its files).
//
// ava runs one test file more at once than the machine has cores, in the order this file gives them.
// The end-to-end files differ a hundredfold in length: started in name order, a long one could start
// last and run alone while the other cores idle. So the slowest start first and the short ones fill in
// around them; CONTRIBUTING.md ("What the suites cost") has the figures behind this order.
import { existsSync, readdirSync } from "node:fs";
import { availableParallelism, homedir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));

/** Test files under test/ (without `.test.ts`), slowest first, as measured one at a time. */
const SLOWEST_FIRST = [
  "e2e/cli",
  "e2e/fleetPostgres",
  "e2e/cliKill",
  "e2e/userProject",
  "e2e/fleetGuarantees",
  "e2e/ansible",
  "e2e/pluginYaml",
  "e2e/cliCertificate",
  "e2e/faultMatrix",
  "e2e/previewCli",
  "e2e/fleetReportState",
  "e2e/fleetReportBrowser",
  "e2e/fleetShards",
  "e2e/kill",
  "e2e/providerHost",
  "e2e/wireForms",
  "e2e/pluginInstalled",
  "e2e/fleetYaml",
  "e2e/fleetInsist",
  "e2e/pluginPython",
  "e2e/python-client",
  "e2e/pluginGo",
  "e2e/pluginNodeSdk",
  "e2e/cliHostCredentials",
];

for (const name of SLOWEST_FIRST) {
  if (!existsSync(path.join(root, "test", `${name}.test.ts`))) throw new Error(`ava.config.mjs: SLOWEST_FIRST names test/${name}.test.ts, which does not exist`);
}

/** A file's place in SLOWEST_FIRST; every other file comes after them. */
function rank(file) {
  const relative = path.relative(path.join(root, "build", "test"), path.resolve(root, file)).split(path.sep).join("/");
  const index = SLOWEST_FIRST.findIndex((name) => relative === `${name}.test.js`);
  return index === -1 ? SLOWEST_FIRST.length : index;
}

/**
 * Compiled test files whose source is gone (a test renamed or removed since the last build): tsc
 * never deletes its old output, and ava would run it. CI builds from a clean clone; this keeps a
 * local `npm test` to the tests that exist.
 */
function staleBuiltTests(dir = path.join(root, "build", "test")) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const built = path.join(dir, entry.name);
    if (entry.isDirectory()) return staleBuiltTests(built);
    if (!entry.name.endsWith(".test.js")) return [];
    const source = path.join(root, "test", path.relative(path.join(root, "build", "test"), built)).replace(/\.js$/, ".ts");
    return existsSync(source) ? [] : [path.relative(root, built).split(path.sep).join("/")];
  });
}

/**
 * Node.js 22.1+ keeps the bytecode of the modules it compiles in this folder, beside the project's other
 * caches, and reuses it in every Node.js process the tests start: ava's workers, and each Pulumi
 * program and dynamic provider (a CLI command starts two, each loading @pulumi/pulumi). Older Node.js
 * ignores the variable. A caller's own setting wins.
 */
process.env.NODE_COMPILE_CACHE ??= path.join(process.env.PULUMI_ONTAP_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache"), "pulumi-ontap-security"), "node-compile-cache");

export default {
  // One file more than cores: some end-to-end files wait on the wall clock (deadlines the provider
  // keeps, jobs NetApp's client must see running), and a core would idle meanwhile.
  concurrency: availableParallelism() + 1,
  files: ["build/test/**/*.test.js", ...staleBuiltTests().map((file) => `!${file}`)],
  timeout: "10m",
  workerThreads: false,
  sortTestFiles: (a, b) => rank(a) - rank(b) || a.localeCompare(b),
};
