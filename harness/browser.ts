/**
 * The system's Chromium (Debian's `chromium` package), driven by playwright-core for the report's
 * browser tests and benchmark. Packages that download a browser of their own cannot work offline;
 * playwright-core only drives the one given by `executablePath`.
 */
import { existsSync, mkdirSync } from "fs";
import * as path from "path";
import type { Browser } from "playwright-core";
import { REPO_ROOT } from "./pulumiCli";

/** Where a Chromium is looked for: CHROMIUM_PATH, then the usual system paths. */
const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

export type ChromiumLookup = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

export function findChromium(): ChromiumLookup {
  const given = process.env.CHROMIUM_PATH;
  if (given !== undefined && given !== "") return existsSync(given) ? { ok: true, path: given } : { ok: false, reason: `CHROMIUM_PATH=${given} does not exist` };
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  return found === undefined ? { ok: false, reason: `no Chromium at ${CANDIDATES.join(", ")} (apt-get install chromium, or set CHROMIUM_PATH)` } : { ok: true, path: found };
}

/** A headless Chromium; the caller closes it. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"] });
}

/**
 * The folder for screenshots and other artifacts of the test run: PULUMI_ONTAP_ARTIFACTS, else
 * build/artifacts in the repository (CI keeps it), with `sub` inside.
 */
export function artifactsDir(sub: string): string {
  const dir = path.join(process.env.PULUMI_ONTAP_ARTIFACTS ?? path.join(REPO_ROOT, "build", "artifacts"), sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}
