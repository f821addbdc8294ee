/**
 * Memory of processes as Linux reports it in /proc: one process's resident set (VmRSS) and high-water
 * mark (VmHWM), and a sampler that follows a whole process tree. `/usr/bin/time -v` would give only the
 * largest single process of a tree; the Pulumi CLI runs four (CLI, language host, program, provider
 * host), and what a CI runner must have is their sum. The benchmarks measure with it; the kill tests
 * and the fleet harness use it to find (and end) what a killed CLI left running.
 */
import { readFileSync, readdirSync } from "fs";

/** VmRSS and VmHWM of a process, in bytes; undefined once it has exited. */
export function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (key: string): number | undefined => {
      const value = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1];
      return value === undefined ? undefined : Number(value) * 1024;
    };
    const rss = kib("VmRSS");
    const hwm = kib("VmHWM");
    // A zombie (exited, not yet reaped) has no memory lines: it holds no memory any more.
    return rss === undefined || hwm === undefined ? undefined : { rss, hwm };
  } catch {
    return undefined;
  }
}

/** The command line of a process, arguments joined by spaces; "" once it has exited. */
export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** Kernel clock ticks per second for /proc/<pid>/stat times: 100 on every Linux port Node.js runs on. */
const CLOCK_TICKS = 100;

/** CPU time (user + system) a process has used so far, in milliseconds; undefined once it is gone. */
export function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command name: state is field 3, utime field 14, stime field 15 (1-based in proc(5)).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Every live descendant of `root` (children, their children, …). */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // The command name is in parentheses and may itself hold spaces or parentheses: parse after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** What a sampled tree used at its peak. */
export interface TreePeak {
  /** The largest sum of VmRSS over the tree at one sample. */
  readonly peakSumBytes: number;
  /** Each role's largest VmHWM (exact per process, not sampled). */
  readonly peakByRole: ReadonlyMap<string, number>;
  /** CPU time each role used (user + system, summed over its processes, as last sampled). */
  readonly cpuMsByRole: ReadonlyMap<string, number>;
  readonly samples: number;
}

/**
 * Samples the descendants of this process every `intervalMs` until stopped. `role` names a process
 * from its command line; processes of the same role are combined by their largest high-water mark.
 */
export class TreeSampler {
  readonly #timer: NodeJS.Timeout;
  readonly #role: (command: string) => string;
  readonly #roles = new Map<number, string>();
  readonly #hwm = new Map<number, number>();
  readonly #cpu = new Map<number, number>();
  #peakSum = 0;
  #samples = 0;

  constructor(role: (command: string) => string, intervalMs = 200) {
    this.#role = role;
    this.#timer = setInterval(() => this.#sample(), intervalMs);
    this.#sample();
  }

  #sample(): void {
    let sum = 0;
    for (const pid of descendantsOf(process.pid)) {
      const memory = memoryOf(pid);
      if (memory === undefined) continue;
      if (!this.#roles.has(pid)) this.#roles.set(pid, this.#role(commandOf(pid)));
      sum += memory.rss;
      this.#hwm.set(pid, Math.max(this.#hwm.get(pid) ?? 0, memory.hwm));
      const cpu = cpuMsOf(pid);
      if (cpu !== undefined) this.#cpu.set(pid, cpu);
    }
    this.#peakSum = Math.max(this.#peakSum, sum);
    this.#samples++;
  }

  stop(): TreePeak {
    clearInterval(this.#timer);
    this.#sample();
    const peakByRole = new Map<string, number>();
    for (const [pid, hwm] of this.#hwm) {
      const role = this.#roles.get(pid) ?? "other";
      peakByRole.set(role, Math.max(peakByRole.get(role) ?? 0, hwm));
    }
    const cpuMsByRole = new Map<string, number>();
    for (const [pid, cpu] of this.#cpu) {
      const role = this.#roles.get(pid) ?? "other";
      cpuMsByRole.set(role, (cpuMsByRole.get(role) ?? 0) + cpu);
    }
    return { peakSumBytes: this.#peakSum, peakByRole, cpuMsByRole, samples: this.#samples };
  }
}

/** The role of a process of a `pulumi` run, from its command line. */
export function pulumiRole(command: string): string {
  if (command.includes("dynamic-provider")) return "provider host";
  if (command.includes("cmd/run")) return "program";
  if (/pulumi-language-nodejs/.test(command)) return "language host";
  if (/(^|\/)pulumi-resource-pulumi-nodejs/.test(command)) return "provider shim";
  if (/(^|\/)pulumi(\s|$)/.test(command)) return "pulumi CLI";
  return "other";
}
