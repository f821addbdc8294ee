/**
 * What an Automation API inline program of the provider plugin must show, in any language: the last
 * line it prints is what it saw (the up, a changed program's preview with its detailed diff, the
 * refresh), the cluster is as declared, and the password is printed nowhere and kept only encrypted in
 * the state.
 */
import type { ExecutionContext } from "ava";
import type { SimCluster } from "../../simulator";
import { runProgram } from "../../harness/run";

interface Seen {
  up: { result: string; fips: { enabled: boolean }; cluster: string };
  preview: { changes: Record<string, number>; detailedDiff: Record<string, { kind: string; inputDiff: boolean }> };
  refresh: { result: string };
}

/** Checks an inline program's run (`output`, `code`) and the state it left in `work`'s stack `dev`. */
export async function checkInlineRun(
  t: ExecutionContext,
  run: { code: number | null; output: string },
  cluster: SimCluster,
  password: string,
  work: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  t.is(run.code, 0, run.output);
  const lines = run.output.trim().split("\n");
  const seen = JSON.parse(lines[lines.length - 1] ?? "{}") as Seen;
  t.deepEqual(seen.up, { result: "succeeded", fips: { enabled: true }, cluster: "paris-a" });
  t.true(cluster.security.fips?.enabled);
  t.deepEqual(seen.preview.detailedDiff, { "managementProtocols.telnetEnabled": { kind: "update", inputDiff: false } });
  t.is(seen.preview.changes.update, 1);
  t.is(seen.refresh.result, "succeeded");
  t.false(run.output.includes(password), "the password was not printed");
  const exported = await runProgram("pulumi", ["stack", "export", "--stack", "dev", "--non-interactive"], { cwd: work, env });
  t.is(exported.code, 0, exported.output);
  t.false(exported.output.includes(password), "the password is not in the state in plaintext");
  const state = JSON.parse(exported.output) as { deployment: { resources: { type: string; inputs?: { password?: { ciphertext?: string } } }[] } };
  const provider = state.deployment.resources.find((r) => r.type === "pulumi:providers:ontap-security");
  t.is(typeof provider?.inputs?.password?.ciphertext, "string", "the provider's password is in the state encrypted");
}
