/**
 * The fleet command's lock judgement against a real zombie process: started with sh and sleep, so it
 * lives here among the tests that start programs.
 */
import test from "ava";
import { spawn } from "child_process";
import { processExists } from "../../cli/fleetLocks";

test("a killed process its parent has not reaped (a zombie) holds no lock: it counts as gone", async (t) => {
  // sh starts a short sleep in the background and becomes a long one that never waits for it: once the
  // short one ends, it stays a zombie until the long one ends.
  const parent = spawn("sh", ["-c", "sleep 0.1 & echo $!; exec sleep 30"], { stdio: ["ignore", "pipe", "ignore"] });
  t.teardown(() => parent.kill("SIGKILL"));
  const pid = await new Promise<number>((resolve) => parent.stdout.once("data", (chunk: Buffer) => resolve(Number(String(chunk).trim()))));
  await new Promise((resolve) => setTimeout(resolve, 600));
  t.notThrows(() => process.kill(pid, 0), "a zombie still answers signal 0");
  t.false(processExists(pid));
  t.true(processExists(process.pid));
  t.true(processExists(parent.pid as number));
  parent.kill("SIGKILL");
  await new Promise((resolve) => parent.once("close", resolve));
  t.false(processExists(parent.pid as number));
});
