/**
 * The machine the figures were measured on, read when the bench runs: a figure without its machine
 * cannot be compared with anything.
 */
import { readFileSync } from "fs";
import * as os from "os";
import { formatBytes } from "./table";

export interface Machine {
  readonly cpuModel: string;
  /** Logical cores the OS reports. */
  readonly cores: number;
  readonly memoryBytes: number;
  readonly node: string;
  readonly os: string;
  /** 1-minute load average when the bench started: how busy the shared machine already was. */
  readonly loadAverage: number;
}

export function readMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? cpuModelFromProc() ?? "unknown",
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg()[0] ?? Number.NaN,
  };
}

/** Some virtual machines leave `os.cpus()` empty; /proc/cpuinfo still names the model. */
function cpuModelFromProc(): string | undefined {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/** The machine as lines for the report. */
export function describeMachine(machine: Machine): string[] {
  return [
    `- CPU: ${machine.cpuModel}, ${machine.cores} logical cores`,
    `- memory: ${formatBytes(machine.memoryBytes)}`,
    `- Node.js: ${machine.node}`,
    `- OS: ${machine.os}`,
    `- load average (1 min) at start: ${machine.loadAverage.toFixed(2)}`,
  ];
}
