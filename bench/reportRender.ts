/**
 * The fleet report at fleet sizes: how long the model and the HTML take to build, how big the HTML,
 * JUnit and Markdown are, and how long Chromium takes to show the page (first contentful paint, and
 * the table drawn), each size against the smallest measured in the same run. The clusters are made
 * up (a mix of releases, drift, errors and shortfalls as a real fleet has them); nothing is asserted.
 *
 *   node build/bench/reportRender.js [--sizes 500,5000] [--repeat 3]
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { pathToFileURL } from "url";
import type { ClusterRecord } from "../cli/fleetClusters";
import type { FleetSummary } from "../cli/fleetReport";
import type { StackResult } from "../cli/fleetRunner";
import { renderHtml } from "../cli/reportHtml";
import { renderJunit } from "../cli/reportJunit";
import { renderMarkdown } from "../cli/reportMarkdown";
import { buildReport } from "../cli/reportModel";
import { findChromium, launchChromium } from "../harness/browser";

const RELEASES = ["9.10.1", "9.12.1", "9.13.1", "9.14.1", "9.15.1", "9.16.1", "9.17.1", "9.18.1"];
const SUITES = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"];

/** A made-up fleet of `size` clusters in stacks of 100, with the problems real fleets have. */
export function syntheticSummary(size: number): FleetSummary {
  const stacks: StackResult[] = [];
  for (let s = 0; s * 100 < size; s++) {
    const details: ClusterRecord[] = [];
    for (let i = s * 100; i < Math.min(size, (s + 1) * 100); i++) {
      const release = RELEASES[i % RELEASES.length] as string;
      const drift = i % 37 === 0;
      const failed = i % 211 === 0;
      const found = {
        fips: { enabled: i % 53 !== 0 },
        tls: { protocolVersions: i % 41 === 0 ? ["TLSv1.3", "TLSv1.2", "TLSv1.1"] : ["TLSv1.3", "TLSv1.2"], cipherSuites: i % 29 === 0 ? [...SUITES, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"] : SUITES },
        managementProtocols: { rshEnabled: false, telnetEnabled: drift },
        softwareDataEncryption: { conversionEnabled: i % 3 === 0, disabledByDefault: false, ...(release >= "9.16.1" ? { encryptionState: i % 3 === 0 ? "encrypted" : "unencrypted" } : {}) },
        cluster: { name: `cl-${i}`, uuid: `u-${i}`, version: release },
      };
      details.push({
        name: `cluster-${String(i).padStart(5, "0")}`,
        host: `cluster-${i}.mgmt.example.com`,
        clusterName: `cl-${i}`,
        release,
        desired: { fips: { enabled: true }, tls: { protocolVersions: ["TLSv1.2"] }, managementProtocols: { rshEnabled: false, telnetEnabled: false } },
        ...(failed ? {} : { found, foundNow: true }),
        op: drift ? "update" : "same",
        changed: drift,
        failed,
        ...(failed ? { errors: [`cluster-${i}: GET https://cluster-${i}.mgmt.example.com/api/security failed: connect ETIMEDOUT. Once the cluster answers again, run 'pulumi up'.`] } : {}),
        lastChange: new Date(Date.UTC(2026, 10, 1 + (i % 30))).toISOString(),
      });
    }
    stacks.push({ stack: `site-${String(s + 1).padStart(3, "0")}`, status: details.some((d) => d.failed) ? "failed" : details.some((d) => d.changed) ? "drift" : "succeeded", clusters: details.length, changed: 0, failed: 0, operations: {}, attempts: 1, durationMs: 1, details });
  }
  return { command: "refresh", driftCheck: true, startedAt: new Date().toISOString(), durationMs: 1, exitCode: 1, totals: { stacks: stacks.length, byStatus: {}, clusters: size, changed: 0, failedClusters: 0 }, stacks };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
  };
  const sizes = option("--sizes", "500,5000").split(",").map(Number);
  const repeat = Number(option("--repeat", "3"));
  const chromium = findChromium();
  if (!chromium.ok) throw new Error(chromium.reason);
  const browser = await launchChromium(chromium.path);
  const dir = mkdtempSync(path.join(tmpdir(), "report-bench-"));
  const rows: string[] = [];
  let base: { build: number; paint: number; ready: number } | undefined;
  try {
    for (const size of sizes) {
      const summary = syntheticSummary(size);
      const builds: number[] = [];
      let html = "";
      let junit = "";
      let markdown = "";
      for (let r = 0; r < repeat; r++) {
        const t0 = performance.now();
        const model = buildReport([summary]);
        html = renderHtml(model);
        junit = renderJunit(model);
        markdown = renderMarkdown(model);
        builds.push(performance.now() - t0);
      }
      const file = path.join(dir, `report-${size}.html`);
      writeFileSync(file, html);
      const paints: number[] = [];
      const readies: number[] = [];
      for (let r = 0; r < repeat; r++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.goto(pathToFileURL(file).href);
        await page.waitForSelector("body[data-ready='1']");
        const timing = await page.evaluate(() => {
          const perf = (globalThis as unknown as { performance: { getEntriesByName(n: string): { startTime: number }[]; now(): number } }).performance;
          return { paint: perf.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN, ready: perf.now() };
        });
        // "ready": the table drawn; measured when the page says so, so an upper bound.
        paints.push(timing.paint);
        readies.push(timing.ready);
        await page.close();
      }
      const m = { build: median(builds), paint: median(paints), ready: median(readies) };
      base ??= m;
      const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
      rows.push(
        `| ${size.toLocaleString("en-US")} | ${m.build.toFixed(0)} ms (${ratio(m.build, base.build)}) | ${kib(Buffer.byteLength(html))} | ${m.paint.toFixed(0)} ms (${ratio(m.paint, base.paint)}) | ${m.ready.toFixed(0)} ms (${ratio(m.ready, base.ready)}) | ${kib(Buffer.byteLength(junit))} | ${markdown.length.toLocaleString("en-US")} chars |`,
      );
      process.stderr.write(`report bench: ${size} clusters done\n`);
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`Fleet report, median of ${repeat}; ratios against ${sizes[0]} clusters in the same run:\n`);
  console.log("| clusters | model + HTML + JUnit + Markdown | HTML size | first contentful paint | table drawn | JUnit size | Markdown |");
  console.log("|---:|---:|---:|---:|---:|---:|---:|");
  for (const row of rows) console.log(row);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
