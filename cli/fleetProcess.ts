/**
 * How the fleet command starts `pulumi`: as the Automation API does, but each CLI process in a process
 * group of its own.
 *
 * Why: Ctrl-C in a terminal sends SIGINT to the whole foreground process group. The Automation API
 * starts `pulumi` in the runner's group, so the CLI got the terminal's SIGINT and then, a moment later,
 * the one the runner forwards on abort: Pulumi reads a second signal as "terminate immediately"
 * (`backend/cancellation_scope.go`), and the steps in flight were cut off, their operations left
 * pending in state. In a group of its own, the CLI hears exactly one signal, the runner's: the first,
 * which lets the steps in flight finish and releases the stack's lock. The runner alone decides when
 * to forward a second one (on a second signal to it), as Pulumi's own Ctrl-C twice does.
 */
import { spawn } from "child_process";
import * as os from "os";
import * as path from "path";
import type { PulumiCommand } from "@pulumi/pulumi/automation";

/** `PulumiCommand.run` as the SDK has it (3.248 to 3.276 at least): internal, so its shape is checked before use. */
type Run = (
  args: string[],
  cwd: string,
  additionalEnv: Record<string, string>,
  onOutput?: (data: string) => void,
  onError?: (data: string) => void,
  signal?: AbortSignal,
) => Promise<unknown>;

/** The CLI processes running now, for a second, forceful interrupt. */
const running = new Set<number>();

/** How often a stop is said again to a CLI that has not ended. */
const RESEND_MS = 1_000;

/**
 * Sends SIGINT to every `pulumi` the runner has running (a second one makes Pulumi stop at once), and
 * again each second to those still running. Pulumi keeps one signal waiting: a second that comes
 * before it has taken the first is dropped, and the CLI would go on waiting for the steps in flight,
 * as if never told to stop. Only the CLIs running at the stop are told again; what the runner starts
 * after it (reading a stack's state to say what was left) is not.
 */
export function interruptAll(): void {
  const told = new Set(running);
  const tell = (): void => {
    for (const pid of told) {
      if (!running.has(pid)) {
        told.delete(pid);
        continue;
      }
      try {
        process.kill(pid, "SIGINT");
      } catch {
        // it has just ended
        told.delete(pid);
      }
    }
    if (told.size === 0) clearInterval(again);
  };
  const again = setInterval(tell, RESEND_MS);
  again.unref();
  tell();
}

/**
 * `command`, with its `run` replaced by one that starts `pulumi` in a new process group and forwards
 * an abort to it as one SIGINT. If the SDK's internals are not as expected, `command` is returned as
 * it is (the CLI then shares the runner's process group, as the SDK starts it).
 */
export function detachedPulumi(command: PulumiCommand): PulumiCommand {
  const target = command as unknown as { run?: Run; command?: unknown };
  let createCommandError: ((result: unknown) => Error) | undefined;
  let CommandResult: (new (stdout: string, stderr: string, code: number, err?: Error) => unknown) | undefined;
  try {
    createCommandError = (require("@pulumi/pulumi/automation/errors") as { createCommandError?: (result: unknown) => Error }).createCommandError;
    CommandResult = (require("@pulumi/pulumi/automation/cmd") as { CommandResult?: new (stdout: string, stderr: string, code: number, err?: Error) => unknown }).CommandResult;
  } catch {
    createCommandError = undefined;
  }
  if (typeof target.run !== "function" || target.run.length !== 6 || typeof target.command !== "string" || createCommandError === undefined || CommandResult === undefined) {
    return command;
  }
  const binary = target.command;
  const toError = createCommandError;
  const Result = CommandResult;
  const run: Run = (args, cwd, additionalEnv, onOutput, onError, signal) => {
    // What the SDK's run does before it starts the CLI.
    if (!args.includes("--non-interactive")) args.push("--non-interactive");
    const env: Record<string, string | undefined> = { ...process.env, ...additionalEnv };
    if (path.isAbsolute(binary)) env.PATH = `${path.dirname(binary)}${os.platform() === "win32" ? ";" : ":"}${additionalEnv.PATH ?? process.env.PATH ?? ""}`;
    env.PULUMI_AUTOMATION_API = "true";
    return new Promise((resolve, reject) => {
      const child = spawn(binary, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => {
        const text = chunk.toString();
        stdout += text;
        onOutput?.(text);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        const text = chunk.toString();
        stderr += text;
        onError?.(text);
      });
      const interrupt = (): void => {
        if (child.pid !== undefined && child.exitCode === null) child.kill("SIGINT");
      };
      if (signal?.aborted) interrupt();
      else signal?.addEventListener("abort", interrupt, { once: true });
      if (child.pid !== undefined) running.add(child.pid);
      child.on("error", (error) => {
        if (child.pid !== undefined) running.delete(child.pid);
        signal?.removeEventListener("abort", interrupt);
        reject(toError(new Result("", error.message, -2, error)));
      });
      child.on("close", (code, killedBy) => {
        if (child.pid !== undefined) running.delete(child.pid);
        signal?.removeEventListener("abort", interrupt);
        const exitCode = code ?? -2;
        const result = new Result(stdout, killedBy === null ? stderr : `${stderr}\n(pulumi ended by ${killedBy})`, exitCode);
        if (exitCode === 0) resolve(result);
        else reject(toError(result));
      });
    });
  };
  target.run = run;
  return command;
}
