#!/usr/bin/env node
/**
 * `pulumi-resource-ontap-security`: the provider plugin's entry point, as the Pulumi engine starts it
 * (`pulumi-resource-ontap-security [flags] <engine address>`). It prints the port it serves on as its
 * first line of output, as the engine expects, and serves until the engine ends it.
 */
import { serve } from "./server";

async function main(args: readonly string[]): Promise<void> {
  // The engine may pass logging and tracing flags first; its address is the one argument without a dash.
  const engineAddress = args.find((arg) => !arg.startsWith("-"));
  const { port } = await serve(engineAddress);
  process.stdout.write(`${port}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`pulumi-resource-ontap-security: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
