#!/usr/bin/env node
/**
 * The package's command, `pulumi-ontap-security <subcommand> [options]`: a table of subcommands, each
 * loaded only when it runs (so one subcommand's dependencies never slow another down).
 */
import { UsageError } from "./usageError";

/** One subcommand of the package's command. */
export interface Subcommand {
  /** One line for the command's own usage. */
  readonly summary: string;
  /** Runs it with the arguments after its name; resolves to the process's exit code. */
  readonly run: (args: string[]) => Promise<number>;
}

/** Every subcommand, by name. */
export const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  simulator: {
    summary: "start simulated ONTAP clusters on loopback and print their ONTAP_* variables",
    run: async (args) => (await import("./simulator")).runSimulatorCommand(args),
  },
  fleet: {
    summary: "run pulumi preview, up or refresh on every stack of a fleet inventory, a few stacks at once",
    run: async (args) => (await import("./fleet")).runFleetCommand(args),
  },
};

/** The command's usage, listing the subcommands. */
export function usage(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((name) => name.length));
  return [
    "usage: pulumi-ontap-security <subcommand> [options]",
    "",
    ...Object.entries(SUBCOMMANDS).map(([name, sub]) => `  ${name.padEnd(width)}  ${sub.summary}`),
    "",
    "pulumi-ontap-security <subcommand> --help shows a subcommand's options.",
  ].join("\n");
}

/** Runs the subcommand `argv[0]` with the rest; resolves to an exit code (2 for a bad command line). */
export async function dispatch(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? console.error : console.log)(usage());
    return name === undefined ? 2 : 0;
  }
  const subcommand = Object.prototype.hasOwnProperty.call(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  try {
    if (subcommand === undefined) {
      throw new UsageError(name, undefined, `unknown subcommand "${name}"; allowed: ${Object.keys(SUBCOMMANDS).join(", ")}`);
    }
    return await subcommand.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`pulumi-ontap-security: ${error.message}`);
      if (subcommand === undefined) console.error(usage());
      return 2;
    }
    console.error(`pulumi-ontap-security ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  void dispatch(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
