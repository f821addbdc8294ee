/**
 * What the runner makes of a stack lock. Pulumi's DIY backends lock a stack with a lock object and
 * refuse a second update at once ("the stack is currently locked by N lock(s)"), naming each lock's
 * holder. The runner never removes a lock: a live holder is waited for (retries with backoff), and a
 * lock whose process is provably gone (same host, no such pid) is reported as stale with Pulumi's
 * documented recovery, `pulumi cancel`.
 */
import { readFileSync } from "fs";
import { redactUrls } from "./fleetRedact";

/** One lock as the CLI describes it: `<lock object>: created by user@host (pid N) at <time>`. */
export interface LockHolder {
  /** The lock object's path in the backend. */
  readonly lock: string;
  readonly user: string;
  readonly host: string;
  readonly pid: number;
  /** As the CLI printed it (RFC 3339). */
  readonly since: string;
}

/** The text the CLI (and so the Automation API's `ConcurrentUpdateError`) uses for a locked DIY stack. */
export const LOCKED_TEXT = "the stack is currently locked by";

const HOLDER = /^\s*(?:error:\s*)?(\S.*?): created by (.+?)@(\S+) \(pid (\d+)\) at (\S+)\s*$/;

/** Whether a CLI message says the stack is locked. */
export function isLockedMessage(message: string): boolean {
  return message.includes(LOCKED_TEXT);
}

/** The holders a lock message names (none when the CLI printed no details). */
export function parseLockHolders(message: string): LockHolder[] {
  const holders: LockHolder[] = [];
  for (const line of message.split("\n")) {
    const match = HOLDER.exec(line);
    if (match === null) continue;
    const [, lock, user, host, pid, since] = match as unknown as [string, string, string, string, string, string];
    // The Automation API's message holds the CLI's stdout and stderr, which may both name the lock.
    if (!holders.some((holder) => holder.lock === lock)) holders.push({ lock, user, host, pid: Number(pid), since });
  }
  return holders;
}

/** What to do about a lock. */
export type LockVerdict =
  /** Someone may be working on the stack: wait and try again. */
  | { readonly kind: "held"; readonly holders: readonly LockHolder[] }
  /** Every holder is a process of this host that no longer exists: a killed run. Only `pulumi cancel` clears it. */
  | { readonly kind: "stale"; readonly holders: readonly LockHolder[] };

/**
 * Judges a lock. Stale only when it is provable: every holder ran on this host and its pid is gone.
 * A holder on another host (another pipeline runner) is always presumed alive.
 */
export function judgeLock(holders: readonly LockHolder[], thisHost: string, isAlive: (pid: number) => boolean): LockVerdict {
  const stale = holders.length > 0 && holders.every((holder) => holder.host === thisHost && !isAlive(holder.pid));
  return { kind: stale ? "stale" : "held", holders };
}

/**
 * Whether a process of this host still runs (signal 0 checks without signalling). A killed process
 * that its parent has not reaped yet (a zombie) still answers signal 0, but it runs no more and will
 * never release its lock: it counts as gone.
 */
export function processExists(pid: number, readStat: (pid: number) => string | undefined = procStat): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const state = processState(readStat(pid));
  return state !== "Z" && state !== "X";
}

/** `/proc/<pid>/stat` where there is one (Linux); undefined elsewhere, or once the process is gone. */
function procStat(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
}

/** The state letter of a `/proc/<pid>/stat` line: the field after the command, which is in parentheses and may hold any character. */
export function processState(stat: string | undefined): string | undefined {
  if (stat === undefined) return undefined;
  const end = stat.lastIndexOf(")");
  return end < 0 ? undefined : stat.slice(end + 1).trim()[0];
}

/** Waits between attempts on a held lock. */
export interface Backoff {
  /** The first wait. */
  readonly initialMs: number;
  /** No wait is longer. */
  readonly maxMs: number;
  /** Attempts after the first; 0: fail at once. */
  readonly retries: number;
}

/**
 * The wait before retry `attempt` (1-based): doubling from `initialMs`, capped at `maxMs`, with up to
 * 20 % subtracted at random (`random` in [0, 1)) so that pipelines that collided do not collide again.
 */
export function backoffDelay(backoff: Backoff, attempt: number, random: number): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - 0.2 * random));
}

/** A word for a POSIX shell: as it is when it holds nothing the shell reads, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that clears a stale lock, for one stack (and backend, when the inventory names one),
 * every word shell-quoted: pasted, it runs `pulumi cancel` and nothing else. A backend's password is
 * shown as `***`, for the person to fill in.
 */
export function cancelCommand(stack: string, backend: string | undefined, project: string): string {
  const prefix = backend === undefined ? "" : `PULUMI_BACKEND_URL=${shellQuote(redactUrls(backend))} `;
  return `${prefix}pulumi cancel --stack ${shellQuote(stack)} --yes --cwd ${shellQuote(project)}`;
}

/** One line describing the holders, for reports: `lock … by root@ci-7 (pid 4242) since 2026-…`. */
export function describeHolders(holders: readonly LockHolder[]): string {
  if (holders.length === 0) return "a lock with no details";
  return holders.map((h) => `${h.lock} by ${h.user}@${h.host} (pid ${h.pid}) since ${h.since}`).join("; ");
}
