/**
 * The fleet command's decisions, by table: the inventory (credentials in hosts, one manager per
 * cluster, stacks by their fully qualified name), the command line and its outputs, the redactor,
 * locks and their recovery command, the abort checked before every step, exit codes.
 */
import test from "ava";
import { FleetInventoryError, InventoryContext, decodeInventory, loadInventory } from "../cli/fleetInventory";
import { readSummary } from "../cli/reportCommand";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { backoffDelay, cancelCommand, judgeLock, parseLockHolders, processState, shellQuote } from "../cli/fleetLocks";
import { EXIT, exitCode } from "../cli/fleetReport";
import { SignalHistory, parseFleetArgs, signalAction } from "../cli/fleet";
import { jsonTargetProblem, pulumiOnPathProblem, pulumiRootProblem } from "../cli/fleetPreconditions";
import { ClusterClaims, sameClusterProblems } from "../cli/fleetIdentity";
import { Redactor, redactUrls, urlSecrets } from "../cli/fleetRedact";
import { FleetWorkspace, StackResult, StackStatus, errorLines, runFleet } from "../cli/fleetRunner";
import { UsageError } from "../cli/usageError";
import { ClusterCollector, isClusterUrn } from "../cli/fleetClusters";
import { CLUSTER_SECURITY_TYPE } from "../provider/resourceType";
import { PROVIDER_TOKEN, RESOURCE_TOKEN } from "../provider/plugin/token";
import type { OpType } from "@pulumi/pulumi/automation";
import { reportTargetProblem } from "../cli/reportCommand";

const FILE = "/srv/fleet/fleet.yaml";
/** The project folder holds a Pulumi.yaml naming ontap-fleet; the backend is a DIY one. */
const CONTEXT: InventoryContext = { projectName: () => ({ name: "ontap-fleet" }), envBackend: "postgres://pulumi@db/state" };

test("an inventory resolves its project against its own folder and names clusters from hosts", (t) => {
  const inventory = decodeInventory(
    { project: "../program", backend: "postgres://pulumi@db:5432/state", stacks: [{ name: "paris", clusters: ["paris-a.example.com", { name: "b", host: "https://paris-b.example.com:8443" }] }, { name: "lyon" }] },
    FILE,
    CONTEXT,
  );
  t.is(inventory.project, "/srv/program");
  t.is(inventory.projectName, "ontap-fleet");
  t.is(inventory.backend, "postgres://pulumi@db:5432/state");
  t.deepEqual(inventory.stacks, [
    { name: "paris", qualified: "organization/ontap-fleet/paris", clusters: [{ name: "paris-a.example.com", host: "paris-a.example.com" }, { name: "b", host: "https://paris-b.example.com:8443" }] },
    { name: "lyon", qualified: "organization/ontap-fleet/lyon" },
  ]);
  t.is(decodeInventory({ stacks: [{ name: "x", clusters: ["https://h:443"] }] }, FILE, CONTEXT).stacks[0]?.clusters?.[0]?.name, "h-443");
});

for (const [title, raw, expected] of [
  ["no stacks", { stacks: [] }, ["stacks: got [], expected at least one stack"]],
  ["stacks not a list", { stacks: "paris" }, ['stacks: got "paris", expected Array<{name, clusters?}>']],
  ["a stack without a name", { stacks: [{ clusters: ["h"] }] }, ["stacks[0].name: got undefined, expected string"]],
  ["a bad stack name", { stacks: [{ name: "paris a" }] }, ['stacks[0].name: "paris a" has a stack name with characters Pulumi refuses; allowed: letters, digits, "_", "." and "-"']],
  ["a stack twice", { stacks: [{ name: "a" }, { name: "a" }] }, ['stacks[1].name: "a" is the stack of stacks[0] ("a"), organization/ontap-fleet/a; list each stack once']],
  ["a cluster twice", { stacks: [{ name: "a", clusters: ["h", { name: "h", host: "g" }] }] }, ['stacks[0].clusters[1].name: "h" appears twice in stack "a"; give each cluster its own name']],
  ["an empty host", { stacks: [{ name: "a", clusters: [" "] }] }, ['stacks[0].clusters[0].host: got "", expected a management host name or address']],
  ["an empty cluster list", { stacks: [{ name: "a", clusters: [] }] }, ["stacks[0].clusters: got [], expected at least one cluster (or leave it out to use the stack's own config)"]],
  ["an unknown backend, its password hidden", { backend: "ftp://u:secret@h/x", stacks: [{ name: "a" }] }, ['backend: got "ftp://u:***@h/x", expected a URL starting with file://, postgres://, postgresql://, s3://, azblob://, gs://, https://, http://']],
  // Credentials in a host: refused naming the entry, before any resource name is derived from the host.
  ["a host with user and password", { stacks: [{ name: "a", clusters: ["https://admin:secret@c1.example.com"] }] }, [HOST_CREDENTIALS("stacks[0].clusters[0]")]],
  ["a host with a password holding @ and /", { stacks: [{ name: "a", clusters: [{ name: "c", host: "admin:se@c/ret@c1" }] }] }, [HOST_CREDENTIALS("stacks[0].clusters[0]")]],
  ["a host with a token alone", { stacks: [{ name: "a", clusters: ["secret@c1"] }] }, [HOST_CREDENTIALS("stacks[0].clusters[0]")]],
  ["a host that is not https", { stacks: [{ name: "a", clusters: ["http://c1"] }] }, ['stacks[0].clusters[0].host: host "http://c1" uses http; ONTAP\'s REST API is served over https only']],
  // One manager per cluster: one cluster written two ways, in one stack or two.
  ["one cluster as c1 and https://c1", { stacks: [{ name: "a", clusters: ["c1", "https://c1"] }] }, [SAME("stacks[0].clusters[1]", "https://c1", "stacks[0].clusters[0]", "c1", "https://c1")]],
  ["one cluster as c1 and c1:443 in two stacks", { stacks: [{ name: "a", clusters: ["c1"] }, { name: "b", clusters: [{ name: "other", host: "c1:443" }] }] }, [SAME("stacks[1].clusters[0]", "c1:443", "stacks[0].clusters[0]", "c1", "https://c1")]],
  ["one cluster in two cases", { stacks: [{ name: "a", clusters: ["C1.example.com"] }, { name: "b", clusters: ["c1.EXAMPLE.com."] }] }, [SAME("stacks[1].clusters[0]", "c1.EXAMPLE.com.", "stacks[0].clusters[0]", "C1.example.com", "https://c1.example.com")]],
  ["one cluster on its own port twice", { stacks: [{ name: "a", clusters: ["c1:8443", "https://c1:8443/"] }] }, [SAME("stacks[0].clusters[1]", "https://c1:8443/", "stacks[0].clusters[0]", "c1:8443", "https://c1:8443")]],
  // Stacks by their fully qualified name, and what Pulumi refuses.
  ["one stack written two ways", { stacks: [{ name: "siteX" }, { name: "organization/ontap-fleet/siteX" }] }, ['stacks[1].name: "organization/ontap-fleet/siteX" is the stack of stacks[0] ("siteX"), organization/ontap-fleet/siteX; list each stack once']],
  ["one stack as org/stack and bare", { stacks: [{ name: "organization/siteX" }, { name: "siteX" }] }, ['stacks[1].name: "siteX" is the stack of stacks[0] ("organization/siteX"), organization/ontap-fleet/siteX; list each stack once']],
  ["a stack name going up a folder", { stacks: [{ name: "../siteX" }] }, ['stacks[0].name: "../siteX" names organization ".."; a DIY backend has only "organization"']],
  ["a stack name of 101 characters", { stacks: [{ name: "s".repeat(101) }] }, [`stacks[0].name: "${"s".repeat(101)}" has a stack name of 101 characters; Pulumi allows at most 100`]],
  ["a stack of another project", { stacks: [{ name: "organization/other/siteX" }] }, ['stacks[0].name: "organization/other/siteX" names project "other", but the inventory\'s project is "ontap-fleet"']],
  ["a stack of four parts", { stacks: [{ name: "a/b/c/d" }] }, ['stacks[0].name: "a/b/c/d" has 4 parts; Pulumi allows <stack>, <org>/<stack> or <org>/<project>/<stack>']],
  ["an empty stack name part", { stacks: [{ name: "organization//x" }] }, ['stacks[0].name: "organization//x" has an empty project']],
  ["a project folder without Pulumi.yaml", { project: "nowhere", stacks: [{ name: "a" }] }, ['project: "nowhere" (/srv/fleet/nowhere) has no Pulumi.yaml: give project: the folder of the Pulumi program (default: the inventory\'s folder)']],
] as const) {
  test(`an inventory is refused, naming the field: ${title}`, (t) => {
    const context: InventoryContext = { ...CONTEXT, projectName: (dir) => (dir.endsWith("nowhere") ? { problem: "has no Pulumi.yaml: give project: the folder of the Pulumi program (default: the inventory's folder)" } : { name: "ontap-fleet" }) };
    const error = t.throws(() => decodeInventory(raw, FILE, context), { instanceOf: FleetInventoryError });
    t.deepEqual(error?.problems, expected);
    t.true(error?.message.includes("nothing was run"));
    for (const secret of ["secret", "se@c/ret", "admin-secret"]) t.false(error?.message.includes(secret), `${secret} in ${error?.message}`);
  });
}

test("the command line: defaults, and each bad value named with what is allowed", (t) => {
  t.like(parseFleetArgs(["up", "--inventory", "f.yaml"]), { command: "up", inventory: "f.yaml", concurrency: 2, driftCheck: false, backoff: { retries: 5, initialMs: 5000, maxMs: 60_000 } });
  t.like(parseFleetArgs(["refresh", "--inventory", "f.yaml", "--drift-check", "--concurrency", "4", "--json", "s.json"]), { command: "refresh", driftCheck: true, concurrency: 4, json: "s.json" });
  t.is(parseFleetArgs(["--help"]), undefined);
  for (const [args, message] of [
    [["destroy", "--inventory", "f"], 'fleet needs a command, one of preview, up, refresh; got "destroy"'],
    [["up"], "--inventory FILE is required"],
    [["up", "--inventory", "f", "--concurrency", "0"], '--concurrency must be an integer from 1 to 64, got "0"'],
    [["up", "--inventory", "f", "--drift-check"], "--drift-check goes with preview or refresh, not up"],
    [["up", "--inventory", "f", "--bogus"], "Unknown option '--bogus'"],
    [["up", "--inventory", "f", "--clear-pending-creates"], "--clear-pending-creates goes with refresh only"],
  ] as const) {
    const error = t.throws(() => parseFleetArgs(args), { instanceOf: UsageError });
    t.true(error?.message.includes(message), `${args.join(" ")}: ${error?.message}`);
  }
});

function HOST_CREDENTIALS(at: string): string {
  return `${at}.host: holds credentials (text before an "@"); the inventory names hosts only: give the account in ONTAP_USERNAME and ONTAP_PASSWORD or the stack's config`;
}

function SAME(at: string, host: string, otherAt: string, otherHost: string, address: string): string {
  return `${at}.host: ${JSON.stringify(host)} is the cluster of ${otherAt} (${JSON.stringify(otherHost)}), ${address}: one manager per cluster, list it once`;
}

test("on Pulumi Cloud, a name without an organization is compared in the login's default organization", (t) => {
  const cloud: InventoryContext = { projectName: () => ({ name: "ontap-fleet" }), envBackend: "https://api.pulumi.com" };
  const inventory = decodeInventory({ stacks: [{ name: "acme/siteX" }, { name: "siteX" }, { name: "acme/ontap-fleet/siteY" }] }, FILE, cloud);
  t.deepEqual(inventory.stacks.map((s) => s.qualified), ["acme/ontap-fleet/siteX", "(default)/ontap-fleet/siteX", "acme/ontap-fleet/siteY"]);
  const error = t.throws(() => decodeInventory({ stacks: [{ name: "acme/siteX" }, { name: "acme/ontap-fleet/siteX" }] }, FILE, cloud), { instanceOf: FleetInventoryError });
  t.deepEqual(error?.problems, ['stacks[1].name: "acme/ontap-fleet/siteX" is the stack of stacks[0] ("acme/siteX"), acme/ontap-fleet/siteX; list each stack once']);
});

const LOCKED = [
  "error: the stack is currently locked by 2 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.",
  "  postgres://postgres@127.0.0.1:5432/postgres/.pulumi/locks/organization/ontap-fleet/paris/1b2c.json: created by root@ci-runner-7 (pid 4242) at 2026-11-30T02:10:00Z",
  "  postgres://postgres@127.0.0.1:5432/postgres/.pulumi/locks/organization/ontap-fleet/paris/9f8e.json: created by alice@laptop.local (pid 77) at 2026-11-30T02:11:00Z",
].join("\n");

test("a lock message gives each holder: lock object, user, host, pid, time", (t) => {
  t.deepEqual(parseLockHolders(LOCKED), [
    { lock: "postgres://postgres@127.0.0.1:5432/postgres/.pulumi/locks/organization/ontap-fleet/paris/1b2c.json", user: "root", host: "ci-runner-7", pid: 4242, since: "2026-11-30T02:10:00Z" },
    { lock: "postgres://postgres@127.0.0.1:5432/postgres/.pulumi/locks/organization/ontap-fleet/paris/9f8e.json", user: "alice", host: "laptop.local", pid: 77, since: "2026-11-30T02:11:00Z" },
  ]);
  t.deepEqual(parseLockHolders("error: the stack is currently locked by 1 lock(s)."), []);
  t.is(parseLockHolders(`${LOCKED}\nstderr:\n${LOCKED}`).length, 2, "a lock named twice (stdout and stderr) is one holder");
});

const holder = (host: string, pid: number) => ({ lock: "l", user: "u", host, pid, since: "s" });
for (const [title, holders, alive, verdict] of [
  ["this host, process gone: stale", [holder("me", 1)], [], "stale"],
  ["this host, process alive: held", [holder("me", 1)], [1], "held"],
  ["another host: presumed alive, held", [holder("other", 1)], [], "held"],
  ["one gone and one on another host: held", [holder("me", 1), holder("other", 2)], [], "held"],
  ["no details: held", [], [], "held"],
] as const) {
  test(`a lock is judged: ${title}`, (t) => {
    t.is(judgeLock(holders, "me", (pid) => (alive as readonly number[]).includes(pid)).kind, verdict);
  });
}

for (const [stat, state] of [
  ["4242 (pulumi) S 1 4242 4242 0 -1", "S"],
  ["4242 (pulumi) Z 1 4242 4242 0 -1", "Z"],
  ["4242 (a) Z (b)) R 1 4242", "R"],
  ["garbage", undefined],
  [undefined, undefined],
] as const) {
  test(`the state of a process is read from its stat line: ${JSON.stringify(stat)}`, (t) => {
    t.is(processState(stat), state);
  });
}

test("lock waits double up to the cap, less up to a fifth at random", (t) => {
  const backoff = { initialMs: 1000, maxMs: 5000, retries: 5 };
  t.deepEqual([1, 2, 3, 4].map((n) => backoffDelay(backoff, n, 0)), [1000, 2000, 4000, 5000]);
  t.is(backoffDelay(backoff, 2, 0.999), 1600);
});

const result = (status: StackStatus): StackResult => ({ stack: status, status, clusters: 1, changed: 0, failed: 0, operations: {}, attempts: 1, durationMs: 1 });
for (const [statuses, code] of [
  [["succeeded", "succeeded"], EXIT.ok],
  [["succeeded", "drift"], EXIT.drift],
  [["drift", "failed"], EXIT.failed],
  [["succeeded", "locked"], EXIT.failed],
  [["stale-lock"], EXIT.failed],
  [["cancelled"], EXIT.failed],
] as const) {
  test(`exit code ${code} for ${statuses.join(", ")}`, (t) => {
    t.is(exitCode(statuses.map(result)), code);
  });
}

// The one redactor: every URL form Pulumi accepts, and every secret in play, by value.
const PASSWORDS = ["hunter2", "p@ss:w/rd#1", "pa%40ss", "'quote\"d'", "trailing@"];
for (const [title, url, redacted] of [
  ["a password", "postgres://pulumi:hunter2@db:5432/state?sslmode=require", "postgres://pulumi:***@db:5432/state?sslmode=require"],
  ["no password", "postgres://pulumi@db/state", "postgres://pulumi@db/state"],
  ["a file URL", "file:///srv/state", "file:///srv/state"],
  ["a password with an unencoded @", "postgres://pulumi:p@ss@db:5432/state", "postgres://pulumi:***@db:5432/state"],
  ["a percent-encoded @", "postgres://pulumi:p%40ss@db/state", "postgres://pulumi:***@db/state"],
  ["?password=", "postgres://pulumi@db/state?sslmode=disable&password=hunter2", "postgres://pulumi@db/state?sslmode=disable&password=***"],
  ["S3 keys in the query", "s3://bucket?endpoint=http://minio:9000&access_key_id=AKIA1&secret_access_key=s3cr3t", "s3://bucket?endpoint=http://minio:9000&access_key_id=***&secret_access_key=***"],
  ["an Azure SAS signature", "azblob://c?sv=2020&sig=abc%2Fdef", "azblob://c?sv=2020&sig=***"],
  ["a token as user", "https://user:tok@api.example.com", "https://user:***@api.example.com"],
] as const) {
  test(`the redactor hides a URL's credentials: ${title}`, (t) => {
    t.is(redactUrls(url), redacted);
    const redactor = Redactor.forFleet([url], {});
    const message = `error: unable to open bucket ${url}: dial tcp 127.0.0.1:1: connect: connection refused`;
    t.is(redactor.text(message), `error: unable to open bucket ${redacted}: dial tcp 127.0.0.1:1: connect: connection refused`);
  });
}

test("the redactor hides every secret in play wherever it appears: raw, percent-encoded, JSON-escaped, in keys and values", (t) => {
  const key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";
  const env = { PULUMI_CONFIG_PASSPHRASE: "correct horse", ONTAP_PASSWORD: "0ntap!pw", ONTAP_CLIENT_KEY: key, HOME: "/root" };
  for (const password of PASSWORDS) {
    const backend = `postgres://pulumi:${encodeURIComponent(password)}@db/state`;
    const redactor = Redactor.forFleet([backend, `postgres://pulumi@db/state?password=${encodeURIComponent(password)}`], env);
    const texts = [
      `failed to connect: password authentication failed for ${password} at ${backend}`,
      `the raw one: ${password} and ${JSON.stringify(password)} and ${encodeURIComponent(password)}`,
      "passphrase correct horse; ontap 0ntap!pw; key MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
    ];
    for (const text of texts) {
      const out = redactor.text(text);
      for (const secret of [password, encodeURIComponent(password), "correct horse", "0ntap!pw", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"]) {
        t.false(out.includes(secret), `${secret} in ${out}`);
      }
    }
    const value = redactor.value({ [password]: [password, { error: `x ${password} y` }], n: 3, ok: true, none: null });
    t.false(JSON.stringify(value).includes(JSON.stringify(password).slice(1, -1)), JSON.stringify(value));
    t.deepEqual(value, { "***": ["***", { error: "x *** y" }], n: 3, ok: true, none: null });
  }
  t.is(Redactor.forFleet([], { HOME: "/root" }).text("/root is no secret"), "/root is no secret");
});

test("a backend URL's secrets are its password and secret query values, as written", (t) => {
  t.deepEqual(urlSecrets("postgres://u:p@ss@db/x?sslmode=disable&password=q"), ["p@ss", "q"]);
  t.deepEqual(urlSecrets("postgres://u@db/x"), []);
  t.deepEqual(urlSecrets("s3://b?secret_access_key=k&region=x"), ["k"]);
});

for (const [title, stack, backend, project, expected] of [
  ["plain words stay as they are", "paris", undefined, "/srv/fleet", "pulumi cancel --stack paris --yes --cwd /srv/fleet"],
  ["a folder with a space and a quote", "paris", undefined, "/srv/o'neil fleet", `pulumi cancel --stack paris --yes --cwd '/srv/o'\\''neil fleet'`],
  ["a folder with shell syntax", "paris", undefined, "/srv/$(rm -rf ~);x", "pulumi cancel --stack paris --yes --cwd '/srv/$(rm -rf ~);x'"],
  ["a backend with a password and a query", "organization/ontap-fleet/paris", "postgres://u:s3cret@db/x?sslmode=disable&password=q", "/srv", "PULUMI_BACKEND_URL='postgres://u:***@db/x?sslmode=disable&password=***' pulumi cancel --stack organization/ontap-fleet/paris --yes --cwd /srv"],
] as const) {
  test(`the recovery command is shell-quoted: ${title}`, (t) => {
    const command = cancelCommand(stack, backend, project);
    t.is(command, expected);
    t.false(command.includes("s3cret"));
    t.is(shellQuote("a b"), "'a b'");
  });
}

test("--json is checked before anything runs: a missing folder, a directory, the inventory itself", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "fleet-json-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const inventory = path.join(dir, "fleet.yaml");
  writeFileSync(inventory, "stacks: []\n");
  symlinkSync(inventory, path.join(dir, "link.yaml"));
  for (const [json, problem] of [
    [path.join(dir, "summary.json"), undefined],
    [inventory.replace("fleet.yaml", "missing/summary.json"), `its folder "${path.join(dir, "missing")}" does not exist`],
    [dir, "is a directory; give a file name"],
    [inventory, "is the inventory; give another file for the summary"],
    [path.join(dir, "link.yaml"), "is the inventory; give another file for the summary"],
    [path.join(inventory, "x.json"), `"${inventory}" is not a folder`],
  ] as const) {
    const found = jsonTargetProblem(json, inventory);
    if (problem === undefined) t.is(found, undefined, json);
    else t.true(found?.includes(problem) === true, `${json}: ${found}`);
  }
  t.is(readFileSync(inventory, "utf8"), "stacks: []\n", "the inventory is untouched");
  t.regex(pulumiRootProblem(dir) ?? "", /has no executable bin\/pulumi/);
  t.regex(pulumiOnPathProblem(dir) ?? "", /no pulumi on PATH/);
});

test("two inventory entries that reach one cluster uuid are refused, naming both", (t) => {
  const found = [
    { at: "stacks[0].clusters[0]", host: "c1.example.com", uuid: "u-1", name: "c1" },
    { at: "stacks[0].clusters[1]", host: "c2.example.com", uuid: "u-2", name: "c2" },
    { at: "stacks[1].clusters[0]", host: "10.0.0.1", uuid: "u-1", name: "c1" },
  ];
  t.deepEqual(sameClusterProblems(found), [
    'stacks[1].clusters[0].host: "10.0.0.1" reaches the cluster "c1" (uuid u-1) that stacks[0].clusters[0] ("c1.example.com") reaches: one manager per cluster, list it once',
  ]);
  t.deepEqual(sameClusterProblems(found.slice(0, 2)), []);
  const claims = new ClusterClaims();
  t.is(claims.claim("u-1", "a", "urn:a::c1"), undefined);
  t.is(claims.claim("u-1", "a", "urn:a::c1"), undefined, "the same resource again");
  t.deepEqual(claims.claim("u-1", "b", "urn:b::other"), { stack: "a", urn: "urn:a::c1" });
  t.is(claims.claim("", "b", "urn:b::x"), undefined, "no id yet");
});

/**
 * A workspace whose steps are recorded; `during` runs inside one step (a signal arriving then). Its
 * commands report one dynamic resource per cluster of the stack, as examples/fleet declares them.
 */
function fakeWorkspace(during: Partial<Record<"select" | "setConfig" | "up", () => void>>): { workspace: FleetWorkspace; steps: string[] } {
  const steps: string[] = [];
  const step = async (name: "select" | "setConfig" | "up", stack: string) => {
    steps.push(`${name} ${stack}`);
    during[name]?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const workspace: FleetWorkspace = {
    async select(stack) {
      await step("select", stack.name);
      const command = async (options: { onEvent?: (event: never) => void }) => {
        await step("up", stack.name);
        for (const cluster of stack.clusters ?? []) {
          const urn = `urn:pulumi:${stack.name}::ontap-fleet::${CLUSTER_SECURITY_TYPE}::${cluster.name}`;
          options.onEvent?.({ resOutputsEvent: { metadata: { op: "same", urn, type: CLUSTER_SECURITY_TYPE, new: { inputs: { host: cluster.host } } } } } as never);
        }
      };
      return { setConfig: () => step("setConfig", stack.name), up: command, preview: command, refresh: command };
    },
  };
  return { workspace, steps };
}

const INVENTORY = decodeInventory({ stacks: [{ name: "a", clusters: ["c1"] }, { name: "b", clusters: ["c2"] }] }, FILE, CONTEXT);
for (const [title, at, steps, statuses] of [
  ["no signal: every step of every stack", undefined, ["select a", "setConfig a", "up a", "select b", "setConfig b", "up b"], ["succeeded", "succeeded"]],
  ["a signal while the first stack is selected: no up at all", "select", ["select a"], ["cancelled", "cancelled"]],
  ["a signal while its config is written: no up at all", "setConfig", ["select a", "setConfig a"], ["cancelled", "cancelled"]],
  ["a signal during the first up: no further stack starts", "up", ["select a", "setConfig a", "up a"], ["succeeded", "cancelled"]],
] as const) {
  test(`the abort is checked before every step: ${title}`, async (t) => {
    const abort = new AbortController();
    const { workspace, steps: seen } = fakeWorkspace(at === undefined ? {} : { [at]: () => abort.abort() });
    const results = await runFleet(INVENTORY, { command: "up", concurrency: 1, driftCheck: false, backoff: { retries: 0, initialMs: 1, maxMs: 1 }, signal: abort.signal, workspace });
    t.deepEqual(seen, steps);
    t.deepEqual(results.map((r) => r.status), statuses);
    t.is(exitCode(results), at === undefined ? EXIT.ok : EXIT.failed);
  });
}

test("while stacks run, a second resource reporting a cluster uuid another resource has stops its stack, naming both, whichever resource type each is", async (t) => {
  // Stack a is a TypeScript program (the dynamic resource), b and c YAML ones (the provider plugin's).
  const types: Record<string, string> = { a: CLUSTER_SECURITY_TYPE, b: RESOURCE_TOKEN, c: RESOURCE_TOKEN };
  const aborted: Record<string, boolean> = {};
  // Each stack's up reports one cluster resource created with the uuid its inventory maps it to.
  const uuids: Record<string, string> = { a: "u-1", b: "u-1", c: "u-2" };
  const workspace: FleetWorkspace = {
    async select(stack) {
      const emit = async (options: { onEvent?: (event: never) => void; signal?: AbortSignal }) => {
        const type = types[stack.name] as string;
        const urn = `urn:pulumi:${stack.name}::ontap-fleet::${type}::${stack.name}-cluster`;
        options.onEvent?.({ resOutputsEvent: { metadata: { op: "create", urn, type, new: { id: uuids[stack.name] } } } } as never);
        await new Promise((resolve) => setImmediate(resolve));
        aborted[stack.name] = options.signal?.aborted === true;
      };
      return { setConfig: async () => undefined, up: emit, preview: emit, refresh: emit } as never;
    },
  };
  const inventory = decodeInventory({ stacks: [{ name: "a" }, { name: "b" }, { name: "c" }] }, FILE, CONTEXT);
  const results = await runFleet(inventory, { command: "up", concurrency: 1, driftCheck: false, backoff: { retries: 0, initialMs: 1, maxMs: 1 }, workspace });
  t.deepEqual(results.map((r) => r.status), ["succeeded", "failed", "succeeded"]);
  t.is(results[1]?.error, `b-cluster manages cluster u-1, which a-cluster of stack a already manages: one manager per cluster; this stack was interrupted`);
  t.deepEqual(aborted, { a: false, b: true, c: false }, "only the second manager's run is interrupted");
  t.deepEqual(results.map((r) => [r.clusters, r.changed]), [[1, 1], [1, 1], [1, 1]], "each counted as a cluster");
  t.is(exitCode(results), EXIT.failed);
});

test("a cluster of the inventory that no resource of the program manages fails its stack, naming it, even when the command succeeded", async (t) => {
  // A YAML program declaring one plugin resource (host from clusters[0]); the stacks list one, two, none.
  const workspace: FleetWorkspace = {
    async select(stack) {
      const command = async (options: { onEvent?: (event: never) => void }) => {
        const first = stack.clusters?.[0];
        if (first === undefined) return;
        const providerUrn = `urn:pulumi:${stack.name}::ontap-fleet-yaml::${PROVIDER_TOKEN}::site1`;
        options.onEvent?.({ resOutputsEvent: { metadata: { op: "same", urn: providerUrn, type: PROVIDER_TOKEN, new: { inputs: { host: first.host } } } } } as never);
        const urn = `urn:pulumi:${stack.name}::ontap-fleet-yaml::${RESOURCE_TOKEN}::cluster1`;
        options.onEvent?.({ resOutputsEvent: { metadata: { op: "same", urn, type: RESOURCE_TOKEN, new: { id: `uuid-${stack.name}`, provider: `${providerUrn}::p1` } } } } as never);
      };
      return { setConfig: async () => undefined, up: command, preview: command, refresh: command };
    },
  };
  const inventory = decodeInventory({ stacks: [{ name: "one", clusters: ["c1"] }, { name: "two", clusters: ["c2", "c3"] }, { name: "own" }] }, FILE, CONTEXT);
  const results = await runFleet(inventory, { command: "up", concurrency: 1, driftCheck: false, backoff: { retries: 0, initialMs: 1, maxMs: 1 }, workspace });
  t.deepEqual(results.map((r) => r.status), ["succeeded", "failed", "succeeded"]);
  t.regex(results[1]?.error ?? "", /^c3 \(c3\): listed in the inventory, managed by no resource of the program/);
  t.deepEqual(results[1]?.details?.map((d) => [d.name, d.host, d.op]), [["cluster1", "c2", "same"], ["c3", "c3", undefined]]);
  t.is(exitCode(results), EXIT.failed);
});

test("a run's records: a plugin resource's host is its provider's, and an inventory cluster is reached by its name or its host", (t) => {
  const collector = new ClusterCollector();
  const stack = "urn:pulumi:s::ontap-fleet-yaml::";
  const providerUrn = `${stack}pulumi:providers:ontap-security::site1`;
  const clusterUrn = `${stack}${RESOURCE_TOKEN}::cluster1`;
  const dynamicUrn = `${stack}component$${CLUSTER_SECURITY_TYPE}::lyon`;
  collector.onEvent({ resourcePreEvent: { metadata: { op: "create", urn: providerUrn, type: PROVIDER_TOKEN, provider: "", new: { inputs: { host: "10.0.0.1", password: "[secret]" } } } } } as never);
  collector.onEvent({ resourcePreEvent: { metadata: { op: "create", urn: clusterUrn, type: RESOURCE_TOKEN, provider: `${providerUrn}::p-id`, new: { inputs: { fips: { enabled: true } }, provider: `${providerUrn}::p-id` } } } } as never);
  collector.onEvent({ resourcePreEvent: { metadata: { op: "same", urn: dynamicUrn, type: CLUSTER_SECURITY_TYPE, provider: "", new: { inputs: { host: "lyon.example.com" } } } } } as never);
  const ops = new Map<string, OpType>([
    [providerUrn, "create"],
    [clusterUrn, "create"],
    [dynamicUrn, "same"],
  ]);
  const records = collector.records(ops, new Set(), (op) => op !== "same", [
    { name: "10.0.0.1", host: "10.0.0.1" },
    { name: "lyon", host: "lyon.example.com" },
    { name: "never", host: "never.example.com" },
  ]);
  t.deepEqual(
    records.map((r) => [r.name, r.host, r.op, r.changed]),
    [
      ["cluster1", "10.0.0.1", "create", true],
      ["lyon", "lyon.example.com", "same", false],
      ["never", "never.example.com", undefined, false],
    ],
  );
  t.false(JSON.stringify(records).includes("[secret]"), "nothing of the provider but its host");
  t.deepEqual([clusterUrn, dynamicUrn, providerUrn].map(isClusterUrn), [true, true, false]);
});

test("a run's records follow the inventory, whatever order the engine's events came in; resources it does not name come last, by name", (t) => {
  const inventory = [
    { name: "a", host: "a.example.com" },
    { name: "b", host: "b.example.com" },
  ];
  const stack = "urn:pulumi:s::p::";
  for (const order of [["zeta", "b", "a"], ["a", "zeta", "b"], ["b", "a", "zeta"]]) {
    const collector = new ClusterCollector();
    const ops = new Map<string, OpType>();
    for (const name of order) {
      const urn = `${stack}${CLUSTER_SECURITY_TYPE}::${name}`;
      collector.onEvent({ resourcePreEvent: { metadata: { op: "create", urn, type: CLUSTER_SECURITY_TYPE, provider: "", new: { inputs: { host: `${name}.example.com` } } } } } as never);
      ops.set(urn, "create");
    }
    const records = collector.records(ops, new Set(), () => true, inventory);
    t.deepEqual(records.map((r) => r.name), ["a", "b", "zeta"], `events in the order ${order.join(", ")}`);
  }
});

test("a CLI failure is shown by its error lines, as the Automation API words it", (t) => {
  const message = [
    "code: 1",
    " stdout: ",
    " stderr: error: unable to open bucket postgres://postgres:***@127.0.0.1:1/postgres: failed to ping PostgreSQL: connection refused",
    "",
    " err?: ",
  ].join("\n");
  t.is(errorLines(message), "error: unable to open bucket postgres://postgres:***@127.0.0.1:1/postgres: failed to ping PostgreSQL: connection refused");
  t.is(errorLines("error: a\nerror: update failed\nerror: b"), "error: a\nerror: b");
  t.is(errorLines("1\n2\n3\n4\n5\n6"), "2\n3\n4\n5\n6", "no error line: the last five");
});

test("signals: the first of SIGINT, SIGTERM or SIGHUP interrupts; a second SIGINT or SIGTERM stops; a SIGHUP never stops", (t) => {
  const rows: [string, NodeJS.Signals[], string[]][] = [
    ["Ctrl-C", ["SIGINT"], ["interrupt"]],
    ["a cancelled CI job", ["SIGTERM"], ["interrupt"]],
    ["a closed terminal", ["SIGHUP"], ["interrupt"]],
    ["Ctrl-C twice", ["SIGINT", "SIGINT"], ["interrupt", "stop"]],
    ["SIGTERM, then SIGINT", ["SIGTERM", "SIGINT"], ["interrupt", "stop"]],
    ["a closed terminal: the shell's hang-up, then the kernel's", ["SIGHUP", "SIGHUP"], ["interrupt", "none"]],
    ["Ctrl-C, then the terminal closed", ["SIGINT", "SIGHUP", "SIGHUP"], ["interrupt", "none", "none"]],
    ["the terminal closed, then a SIGTERM", ["SIGHUP", "SIGTERM", "SIGINT"], ["interrupt", "stop", "none"]],
  ];
  for (const [title, signals, expected] of rows) {
    let history: SignalHistory = { interrupted: false, stopped: false };
    const actions = signals.map((signal) => {
      const { action, next } = signalAction(signal, history);
      history = next;
      return action;
    });
    t.deepEqual(actions, expected, title);
  }
});

test("--report and --out are checked before anything runs: a file in the way, an unwritable folder, a folder whose report would overwrite the inventory", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "fleet-report-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const inventory = path.join(dir, "fleet-summary.json");
  writeFileSync(inventory, "stacks: []\n");
  const files = ["fleet-summary.json", "fleet-report.html"];
  for (const [target, problem] of [
    [path.join(dir, "out"), undefined],
    [path.join(dir, "a", "b", "c"), undefined],
    [inventory, "is not a folder"],
    [path.join(inventory, "out"), "is not a folder"],
    [dir, "its fleet-summary.json would overwrite the inventory"],
  ] as const) {
    const found = reportTargetProblem("--report", target, inventory, files);
    if (problem === undefined) t.is(found, undefined, target);
    else t.true(found?.includes(problem) === true, `${target}: ${found}`);
  }
  t.is(reportTargetProblem("--out", dir, undefined, files), undefined, "no inventory, nothing to overwrite");
  t.is(readFileSync(inventory, "utf8"), "stacks: []\n", "the inventory is untouched");
  t.false(existsSync(path.join(dir, "a")), "nothing is made by the check");
});

test("a credentials file given as the inventory or a summary is refused without a word of its secrets", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "fleet-creds-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const secret = "hunter2-Secret-9f3";
  for (const [name, text] of [
    ["creds.env", `export ONTAP_PASSWORD=${secret}\n`],
    ["creds.json", `{"password": ${secret}}`],
  ] as const) {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    const messages = [
      t.throws(() => loadInventory(file), { instanceOf: FleetInventoryError })?.message ?? "",
      t.throws(() => readSummary(file), { instanceOf: UsageError })?.message ?? "",
    ];
    for (const message of messages) for (const part of [secret, secret.slice(0, 6), secret.slice(-6)]) t.false(message.includes(part), `${name}: ${message}`);
  }
  // A summary's stacks are written by the runner: one that is not an array is described by its kind.
  const odd = path.join(dir, "summary.json");
  writeFileSync(odd, JSON.stringify({ command: "up", startedAt: "2026-12-03T00:00:00Z", stacks: `ONTAP_PASSWORD=${secret}` }));
  const message = t.throws(() => readSummary(odd), { instanceOf: UsageError })?.message ?? "";
  t.regex(message, /stacks: got a string of 33 characters, expected the array a fleet run writes/);
  t.false(message.includes(secret.slice(0, 6)), message);
});
