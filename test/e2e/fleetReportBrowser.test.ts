/**
 * The fleet report of a real fleet run against the simulator, opened in the system's Chromium: what a
 * person sees (the totals, the charts drawn, one row per cluster, a filter and a sort that work, no
 * console error). Screenshots are kept as artifacts of the test run (PULUMI_ONTAP_ARTIFACTS, else
 * build/artifacts/fleet-report/).
 */
import test, { ExecutionContext } from "ava";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { pathToFileURL } from "url";
import { SimCluster, asFound, startSimulator } from "../../simulator";
import { FleetProject, StackPlan } from "../../harness/fleetProject";
import { artifactsDir, findChromium, launchChromium } from "../../harness/browser";
import { findPulumiCli } from "../../harness/pulumiCli";
import type { FleetSummary } from "../../cli/fleetReport";
import { REPORT_FILES } from "../../cli/reportCommand";
import { buildReport } from "../../cli/reportModel";

function prerequisites(t: ExecutionContext): { cliDir: string; chromium: string } {
  const cli = findPulumiCli();
  if (!cli.ok) throw new Error(`no Pulumi CLI: ${cli.reason}`);
  const chromium = findChromium();
  if (!chromium.ok) throw new Error(`no Chromium: ${chromium.reason}`);
  t.timeout(15 * 60_000);
  return { cliDir: cli.dir, chromium: chromium.path };
}

test("the report of a drift check opens in Chromium with its totals, charts, a row per cluster, and a filter and a sort that work", async (t) => {
  const { cliDir, chromium } = prerequisites(t);
  const versions = ["9.16.1", "9.14.1", "9.16.1", "9.10.1", "9.8.0"];
  const sim = await startSimulator({ clusters: versions.map((version, i) => ({ name: `edge-${i + 1}`, version, ...(version === "9.8.0" ? {} : { security: asFound() }), scenario: { jobDurationMs: 50 } })) });
  t.teardown(() => sim.close());
  const project = new FleetProject(cliDir, sim);
  t.teardown(() => project.close());
  const host = (i: number) => ({ name: (sim.clusters[i] as SimCluster).name, host: (sim.clusters[i] as SimCluster).host });
  const stacks: StackPlan[] = [
    { name: "site-01", clusters: [host(0), host(1)] },
    { name: "site-02", clusters: [host(2), host(3)] },
    // ONTAP 9.8 has no TLS or management-protocol settings: the program's baseline cannot be applied there.
    { name: "site-03", clusters: [host(4)] },
  ];
  const up = await project.fleet(["up", "--inventory", project.writeInventory(stacks), "--concurrency", "2"]);
  t.is(up.code, 1, up.stderr);
  // Behind the program's back: telnet on again on one cluster.
  (sim.clusters[0] as SimCluster).security.management_protocols = { rsh_enabled: false, telnet_enabled: true };
  const withUnreachable = project.writeInventory([...stacks, { name: "site-04", clusters: [{ name: "gone", host: "https://127.0.0.1:1" }] }], "fleet-all.yaml");
  const reportDir = mkdtempSync(path.join(tmpdir(), "fleet-report-"));
  t.teardown(() => rmSync(reportDir, { recursive: true, force: true }));
  const drift = await project.fleet(["refresh", "--drift-check", "--inventory", withUnreachable, "--concurrency", "2", "--report", reportDir]);
  t.is(drift.code, 1, `${drift.stdout}\n${drift.stderr}`);
  for (const name of Object.values(REPORT_FILES)) t.true(existsSync(path.join(reportDir, name)), name);
  const summary = JSON.parse(readFileSync(path.join(reportDir, "fleet-summary.json"), "utf8")) as FleetSummary;
  const model = buildReport([summary]);

  // What the run found, cluster by cluster.
  const outcome = (name: string) => model.clusters.find((c) => c.cluster === name)?.outcome;
  t.is(outcome("edge-1"), "drifted");
  t.is(outcome("edge-2"), "as-declared");
  t.is(outcome("edge-3"), "as-declared");
  t.is(outcome("edge-4"), "as-declared");
  t.is(outcome("edge-5"), "failed");
  t.is(outcome("gone"), "unreachable");
  const edge1 = model.clusters.find((c) => c.cluster === "edge-1");
  t.is(edge1?.release, "9.16.1");
  t.true(edge1?.belowBaseline);
  t.deepEqual(edge1?.settings.filter((s) => s.differs).map((s) => s.setting), ["managementProtocols.telnetEnabled"]);
  t.regex(edge1?.lastChange ?? "", /^\d{4}-\d\d-\d\dT/);
  t.is(model.clusters.find((c) => c.cluster === "edge-2")?.release, "9.14.1");
  t.regex(model.clusters.find((c) => c.cluster === "gone")?.error ?? "", /ECONNREFUSED/);
  t.regex(readFileSync(path.join(reportDir, REPORT_FILES.junit), "utf8"), /<testsuites name="ONTAP fleet security" tests="6"/);
  t.regex(readFileSync(path.join(reportDir, REPORT_FILES.markdown), "utf8"), /\| 🔴 failed \| site-03 \| edge-5 \|/);

  const browser = await launchChromium(chromium);
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) problems.push(`request to ${request.url()}`);
  });
  await page.goto(pathToFileURL(path.join(reportDir, REPORT_FILES.html)).href);
  await page.waitForSelector("body[data-ready='1']");
  const shots = artifactsDir("fleet-report");
  await page.screenshot({ path: path.join(shots, "drift-check.png"), fullPage: true });

  const total = (key: string) => page.locator(`[data-total="${key}"] b`).textContent();
  t.is(await total("clusters"), "6");
  t.is(await total("drifted"), "1");
  t.is(await total("failed"), "1");
  t.is(await total("unreachable"), "1");
  t.is(await total("as-declared"), "3");
  t.is(await total("below-baseline"), String(model.totals.belowBaseline));
  t.is(await page.locator("#exit-code").textContent(), "1");

  // The charts are drawn: a bar per rule, the telnet rule's bar visible, a bar per release.
  t.is(await page.locator("#chart-rules rect").count(), model.rules.length);
  const telnetBar = page.locator("#chart-rules g.bar", { hasText: "ontap-telnet-disabled" }).locator("rect");
  t.true(((await telnetBar.boundingBox())?.width ?? 0) > 1, "the telnet rule's bar has a width");
  t.is(await page.locator("#chart-releases rect").count(), Object.keys(model.releases).length);
  t.is(await page.locator("#chart-encryption rect").count(), Object.keys(model.encryptionStates).length);

  // One row per cluster, worst first.
  const rows = page.locator("#rows tr");
  t.is(await rows.count(), 6);
  t.is(await rows.first().getAttribute("data-outcome"), "failed");
  t.regex((await page.locator("#count").textContent()) ?? "", /^1–6 of 6 clusters$/);

  // A filter: the text box, then an outcome.
  await page.fill("#q", "site-02");
  t.is(await rows.count(), 2);
  t.regex((await page.locator("#count").textContent()) ?? "", /of 2 clusters \(filtered from 6\)/);
  await page.fill("#q", "");
  await page.selectOption("#outcome", { label: "drifted" });
  t.is(await rows.count(), 1);
  t.regex((await rows.first().textContent()) ?? "", /edge-1/);
  await page.screenshot({ path: path.join(shots, "filtered-drifted.png"), fullPage: true });
  await page.selectOption("#outcome", { label: "all" });

  // A sort: by release, then the other way.
  const releases = async () => rows.evaluateAll((trs) => trs.map((tr) => (tr as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells[3]?.textContent ?? ""));
  await page.click("th[data-col='3']");
  t.is(await page.getAttribute("th[data-col='3']", "aria-sort"), "ascending");
  const ascending = await releases();
  t.deepEqual(ascending.filter((r) => r !== ""), ["9.10.1", "9.14.1", "9.16.1", "9.16.1"]);
  await page.click("th[data-col='3']");
  t.is(await page.getAttribute("th[data-col='3']", "aria-sort"), "descending");
  t.deepEqual((await releases()).filter((r) => r !== ""), ["9.16.1", "9.16.1", "9.14.1", "9.10.1"]);
  await page.screenshot({ path: path.join(shots, "sorted-by-release.png"), fullPage: true });

  t.deepEqual(problems, []);
});
