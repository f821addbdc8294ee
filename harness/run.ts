/**
 * Runs a program to its end and keeps what it printed, for the tests that run npm (pack, install) and
 * NetApp's Python client. Only the test files in test/e2e/ may reach harness/, the folder `npm run
 * test:fast` leaves out (see scripts/test-fast.ts).
 */
import { spawn } from "child_process";

/** How a program ended: its exit code, and stdout and stderr together as they came. */
export interface ProgramRun {
  /** -1 when it could not start or was ended by a signal (the timeout's included). */
  readonly code: number;
  readonly output: string;
}

export interface ProgramOptions {
  /** Default: this process's working directory. */
  readonly cwd?: string;
  /** Default: this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long; default ten minutes. */
  readonly timeoutMs?: number;
}

/** Runs `command args` with no stdin. Never rejects: a program that cannot start ends with -1 and the reason. */
export function runProgram(command: string, args: readonly string[], options: ProgramOptions = {}): Promise<ProgramRun> {
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs} ms]`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: -1, output: `${output}\n${error.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}
