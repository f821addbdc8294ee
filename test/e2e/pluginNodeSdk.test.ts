/**
 * The Node.js SDK generated from the plugin's schema type-checks against @pulumi/pulumi, and its
 * types are the tables': a program with a setting of the right type compiles, one of the wrong type
 * does not. (TypeScript users keep `ClusterSecurity`; this SDK is for those who want the plugin.)
 */
import test from "ava";
import { rmSync, symlinkSync, writeFileSync } from "fs";
import * as path from "path";
import { MANAGED_ROWS } from "../../provider/lifecycle/settings";
import { fieldRow } from "../../provider/ontap/securityFields";
import { REPO_ROOT } from "../../harness/pulumiCli";
import { findSdkGenerator, generateSdk } from "../../harness/pluginSdks";
import { runProgram } from "../../harness/run";

const generator = findSdkGenerator();
const TSC = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");

if (!generator.ok) {
  test(`the SDK generator is available (${generator.reason})`, (t) => {
    t.fail(generator.reason);
  });
} else {
  test("the generated Node.js SDK type-checks, and a program giving a setting the wrong type does not", async (t) => {
    const sdk = generateSdk(generator.dir, "nodejs");
    t.teardown(() => rmSync(path.dirname(sdk), { recursive: true, force: true }));
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(sdk, "node_modules"), "dir");
    const row = MANAGED_ROWS.find((r) => fieldRow(r.wire).codec.name === "boolean");
    if (row === undefined) return t.fail("the tables have a boolean setting");
    const program = (value: string) =>
      [
        'import * as ontap from "./index";',
        `new ontap.ClusterSecurity("c1", { ${row.group}: { ${row.key}: ${value} } });`,
        'new ontap.Provider("site-a", { host: "cluster1.example.com", username: "admin", password: "x" });',
        "",
      ].join("\n");
    const check = async (value: string) => {
      writeFileSync(path.join(sdk, "program.ts"), program(value));
      writeFileSync(path.join(sdk, "tsconfig.program.json"), JSON.stringify({ extends: "./tsconfig.json", files: ["program.ts"] }));
      return runProgram(process.execPath, [TSC, "-p", path.join(sdk, "tsconfig.program.json"), "--noEmit"], { cwd: sdk, timeoutMs: 5 * 60_000 });
    };
    const sdkOnly = await runProgram(process.execPath, [TSC, "-p", path.join(sdk, "tsconfig.json"), "--noEmit"], { cwd: sdk, timeoutMs: 5 * 60_000 });
    t.is(sdkOnly.code, 0, sdkOnly.output);
    const right = await check("true");
    t.is(right.code, 0, right.output);
    const wrong = await check('"yes"');
    t.not(wrong.code, 0, "a string where the table says boolean does not compile");
    t.regex(wrong.output, /TS2322/);
  });
}
