/**
 * A report from the stacks' state, by tables: what a `pulumi stack export` records becomes the report's
 * clusters (declared and last-read settings, release, last change, drift as recorded, operations left
 * in flight), each stack's outcome and the exit code, the notice every view carries, and no secret of
 * the state in any file, even one `--show-secrets` decrypted.
 */
import test from "ava";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { recordsFromState } from "../cli/fleetClusters";
import type { FleetStack } from "../cli/fleetInventory";
import { REPORT_FILES, runReportCommand, writeReports } from "../cli/reportCommand";
import { buildReport } from "../cli/reportModel";
import { recordedStack } from "../cli/reportState";
import { UsageError } from "../cli/usageError";
import { CLUSTER_SECURITY_TYPE } from "../provider/resourceType";
import { PROVIDER_TOKEN, RESOURCE_TOKEN } from "../provider/plugin/token";
import { declared, good, record, stack as stackResult, summary, telnetOn } from "./reportFixtures";

const PASSWORD = "s3cret-Passw0rd";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
/** A secret as `pulumi stack export --show-secrets` writes it. */
const secret = (value: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(value) });
const urn = (type: string, name: string) => `urn:pulumi:paris::ontap-fleet::${type}::${name}`;
const cluster = (name: string) => ({ name, uuid: `uuid-${name}`, version: "9.16.1" });

/** A stack's export: a dynamic resource as declared, one drifted (telnet on), a plugin resource, a create in flight. */
function deployment(over: { pending?: boolean } = {}): unknown {
  const provider = urn(PROVIDER_TOKEN, "edge");
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-12-03T09:30:00.123456789Z", magic: "x", version: "v3.248.0" },
      resources: [
        { urn: urn("pulumi:pulumi:Stack", "ontap-fleet-paris"), type: "pulumi:pulumi:Stack", outputs: { password: PASSWORD } },
        {
          urn: urn(CLUSTER_SECURITY_TYPE, "paris-a"),
          type: CLUSTER_SECURITY_TYPE,
          inputs: { ...declared, host: "paris-a.example.com", username: "admin", password: secret(PASSWORD), clientKey: KEY, __provider: "exports.handler = …" },
          outputs: { ...good, cluster: cluster("paris-a"), host: "paris-a.example.com", password: secret(PASSWORD), clientKey: secret(KEY) },
          created: "2026-12-01T08:00:00Z",
          modified: "2026-12-02T08:00:00Z",
        },
        {
          urn: urn(CLUSTER_SECURITY_TYPE, "paris-b"),
          type: CLUSTER_SECURITY_TYPE,
          inputs: { ...declared, host: "paris-b.example.com", password: PASSWORD },
          outputs: { ...telnetOn, cluster: cluster("paris-b") },
          created: "2026-12-01T08:00:00Z",
        },
        { urn: provider, type: PROVIDER_TOKEN, id: "p1", inputs: { host: "edge.example.com", password: secret(PASSWORD), clientKey: KEY } },
        {
          urn: urn(RESOURCE_TOKEN, "edge"),
          type: RESOURCE_TOKEN,
          provider: `${provider}::p1`,
          inputs: declared,
          outputs: { ...good, cluster: cluster("edge") },
          modified: "2026-12-03T09:00:00Z",
        },
      ],
      ...(over.pending ? { pending_operations: [{ resource: { urn: urn(CLUSTER_SECURITY_TYPE, "paris-c"), type: CLUSTER_SECURITY_TYPE, inputs: { password: PASSWORD } }, type: "creating" }] } : {}),
    },
  };
}

const inventoryStack = (clusters: { name: string; host: string }[], name = "paris"): FleetStack => ({ name, qualified: `organization/ontap-fleet/${name}`, clusters });
const commands = { cancel: "pulumi cancel --stack paris --yes", fleet: (command: string) => `pulumi-ontap-security fleet ${command} --inventory fleet.yaml` };
const PARIS = [
  { name: "paris-a", host: "paris-a.example.com" },
  { name: "paris-b", host: "paris-b.example.com" },
  { name: "edge", host: "edge.example.com" },
];

test("state: each cluster's declared and last-read settings, identity, last change; the plugin resource's host from its provider", (t) => {
  const { records, recordedAt, pending } = recordsFromState(deployment(), PARIS);
  t.is(recordedAt, "2026-12-03T09:30:00.123456789Z");
  t.deepEqual(pending, []);
  t.deepEqual(
    records.map((r) => [r.name, r.host, r.clusterName, r.release, r.changed, r.failed, r.lastChange]),
    [
      ["paris-a", "paris-a.example.com", "paris-a", "9.16.1", false, false, "2026-12-02T08:00:00Z"],
      ["paris-b", "paris-b.example.com", "paris-b", "9.16.1", true, false, "2026-12-01T08:00:00Z"],
      ["edge", "edge.example.com", "edge", "9.16.1", false, false, "2026-12-03T09:00:00Z"],
    ],
  );
  t.deepEqual(records[0]?.desired, declared);
  t.deepEqual(records[1]?.found, telnetOn);
  // A setting the program made secret is a secret too: left out, never shown.
  const secretTls = recordsFromState({ deployment: { resources: [{ urn: urn(CLUSTER_SECURITY_TYPE, "x"), type: CLUSTER_SECURITY_TYPE, inputs: { ...declared, tls: secret("TLSv1.2") }, outputs: { ...good, tls: secret("TLSv1.3") } }] } });
  t.is(secretTls.records[0]?.desired?.tls, undefined);
  t.is(secretTls.records[0]?.found?.tls, undefined);
  t.deepEqual(secretTls.records[0]?.found?.fips, good.fips);
  const text = JSON.stringify(records);
  for (const leak of [PASSWORD, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "admin", "__provider", "1b47061264138c4ac30d75fd1eb44270"]) t.false(text.includes(leak), leak);
});

test("state: a stack's outcome and its exit code as a run's would be", (t) => {
  const drift = recordedStack(inventoryStack(PARIS), deployment(), commands);
  t.is(drift.result.status, "drift");
  t.is(drift.recordedAt, "2026-12-03T09:30:00.123456789Z");
  const clean = recordedStack(inventoryStack(PARIS.slice(0, 1)), { deployment: { resources: [(deployment() as { deployment: { resources: unknown[] } }).deployment.resources[1]] } }, commands);
  t.is(clean.result.status, "succeeded");
  t.is(buildReport([], { recorded: [clean] }).exitCode, 0);
  t.is(buildReport([], { recorded: [clean, drift] }).exitCode, 3);

  const pending = recordedStack(inventoryStack([...PARIS, { name: "paris-c", host: "paris-c.example.com" }]), deployment({ pending: true }), commands);
  t.is(pending.result.status, "failed");
  t.is(pending.recovery, commands.cancel);
  t.regex(pending.result.error ?? "", /1 operation in flight \(creating paris-c\).*`pulumi cancel --stack paris --yes`.*`pulumi-ontap-security fleet refresh --clear-pending-creates --inventory fleet\.yaml`/);
  t.regex(pending.result.details?.find((r) => r.name === "paris-c")?.errors?.[0] ?? "", /^creating when the state was last written/);

  const missing = recordedStack(inventoryStack(PARIS, "lyon"), undefined, commands);
  t.is(missing.result.status, "cancelled");
  const unmanaged = recordedStack(inventoryStack([...PARIS, { name: "paris-d", host: "paris-d.example.com" }]), deployment(), commands);
  t.is(unmanaged.result.status, "failed");
  t.regex(unmanaged.result.error ?? "", /paris-d \(paris-d\.example\.com\): listed in the inventory, managed by no resource in the stack's state/);

  const model = buildReport([], { recorded: [recordedStack(inventoryStack(PARIS, "nice"), deployment(), commands), pending, missing] });
  t.is(model.exitCode, 1);
  t.deepEqual(
    model.stacks.map((s) => [s.stack, s.status, s.recordedAt, s.recovery]),
    [
      ["nice", "drift", "2026-12-03T09:30:00.123456789Z", undefined],
      ["paris", "failed", "2026-12-03T09:30:00.123456789Z", commands.cancel],
      ["lyon", "not-run", undefined, "`pulumi-ontap-security fleet up --inventory fleet.yaml` creates it"],
    ],
  );
  const outcome = (name: string) => model.clusters.find((c) => c.cluster === name && c.stack === "paris");
  t.is(outcome("paris-b")?.outcome, "drifted");
  t.is(outcome("paris-c")?.outcome, "failed");
  t.is(model.clusters.find((c) => c.stack === "lyon")?.outcome, "not-run");
  t.regex(model.clusters.find((c) => c.stack === "lyon")?.advice ?? "", /fleet up --inventory fleet\.yaml` creates it/);
  t.deepEqual(model.recorded, [
    { stack: "nice", at: "2026-12-03T09:30:00.123456789Z" },
    { stack: "paris", at: "2026-12-03T09:30:00.123456789Z" },
    { stack: "lyon" },
  ]);
});

test("state fills only the stacks no summary has: a run's word wins", (t) => {
  const run = summary([stackResult("paris", "succeeded", [record("paris-a")])]);
  const model = buildReport([run], { recorded: [recordedStack(inventoryStack(PARIS), deployment(), commands), recordedStack(inventoryStack(PARIS, "lyon"), undefined, commands)] });
  t.deepEqual(
    model.stacks.map((s) => [s.stack, s.status, s.recordedAt]),
    [
      ["paris", "succeeded", undefined],
      ["lyon", "not-run", undefined],
    ],
  );
  t.deepEqual(model.recorded, [{ stack: "lyon" }]);
  t.is(model.exitCode, 1);
});

test("every view says the report is the state as last recorded, with each stack's time, and holds no secret of the state", (t) => {
  const stacks = [recordedStack(inventoryStack(PARIS), deployment({ pending: true }), commands), recordedStack(inventoryStack(PARIS, "lyon"), undefined, commands)];
  const dir = mkdtempSync(path.join(tmpdir(), "report-state-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeReports(dir, buildReport([], { recorded: stacks }));
  for (const file of Object.values(REPORT_FILES)) {
    const text = readFileSync(path.join(dir, file), "utf8");
    t.true(text.includes("State as last recorded, not a live read") || text.includes("state as last recorded at 2026-12-03T09:30:00.123456789Z, not a live read"), `${file} says it is state`);
    t.true(text.includes("2026-12-03T09:30:00.123456789Z"), `${file} gives the stack's time`);
    t.true(text.includes("lyon"), file);
    for (const leak of [PASSWORD, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "PRIVATE KEY", "1b47061264138c4ac30d75fd1eb44270"]) t.false(text.includes(leak), `${file} holds ${leak}`);
  }
  const markdown = readFileSync(path.join(dir, REPORT_FILES.markdown), "utf8");
  t.regex(markdown, /^> ⚠️ \*\*State as last recorded, not a live read: 2 stacks .* last written at 2026-12-03T09:30:00\.123456789Z\. No cluster was asked/m);
  t.regex(markdown, /^> - paris: state as last recorded at 2026-12-03T09:30:00\.123456789Z$/m);
  t.regex(markdown, /^> - lyon: no state in the backend$/m);
  const junit = readFileSync(path.join(dir, REPORT_FILES.junit), "utf8");
  t.regex(junit, /<testsuite name="paris"[^>]* timestamp="2026-12-03T09:30:00">/);
  t.regex(junit, /<property name="source" value="state as last recorded at 2026-12-03T09:30:00\.123456789Z, not a live read"\/>/);
  t.regex(junit, /<system-out>state as last recorded at 2026-12-03T09:30:00\.123456789Z, not a live read: no cluster was asked\n/);
  t.regex(readFileSync(path.join(dir, REPORT_FILES.html), "utf8"), /<section class="recorded" id="recorded"><p><b>State as last recorded, not a live read: 2 stacks/);
});

test("with no summary, fleet report needs the inventory whose stacks it reads, and says so before anything runs", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "report-usage-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const error = await t.throwsAsync(runReportCommand(["--out", path.join(dir, "out")]), { instanceOf: UsageError });
  t.is(error?.option, "SUMMARY");
  t.regex(error?.message ?? "", /needs JSON summaries \(or folders of them\), or --inventory FILE to read the stacks' state/);
  t.false(existsSync(path.join(dir, "out")), "nothing written");
});
