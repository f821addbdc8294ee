/**
 * The fleet command's decisions, by table: the inventory, the command line, locks, exit codes.
 */
import test from "ava";
import { FleetInventoryError, decodeInventory, redactUrl } from "../cli/fleetInventory";
import { backoffDelay, judgeLock, parseLockHolders, processState } from "../cli/fleetLocks";
import { EXIT, exitCode } from "../cli/fleetReport";
import { parseFleetArgs } from "../cli/fleet";
import type { StackResult, StackStatus } from "../cli/fleetRunner";
import { UsageError } from "../cli/usageError";

const FILE = "/srv/fleet/fleet.yaml";

test("an inventory resolves its project against its own folder and names clusters from hosts", (t) => {
  const inventory = decodeInventory(
    { project: "../program", backend: "postgres://pulumi@db:5432/state", stacks: [{ name: "paris", clusters: ["paris-a.example.com", { name: "b", host: "https://paris-b.example.com:8443" }] }, { name: "lyon" }] },
    FILE,
  );
  t.is(inventory.project, "/srv/program");
  t.is(inventory.backend, "postgres://pulumi@db:5432/state");
  t.deepEqual(inventory.stacks, [
    { name: "paris", clusters: [{ name: "paris-a.example.com", host: "paris-a.example.com" }, { name: "b", host: "https://paris-b.example.com:8443" }] },
    { name: "lyon" },
  ]);
  t.is(decodeInventory({ stacks: [{ name: "x", clusters: ["https://h:443"] }] }, FILE).stacks[0]?.clusters?.[0]?.name, "h-443");
});

for (const [title, raw, expected] of [
  ["no stacks", { stacks: [] }, ["stacks: got [], expected at least one stack"]],
  ["stacks not a list", { stacks: "paris" }, ['stacks: got "paris", expected Array<{name, clusters?}>']],
  ["a stack without a name", { stacks: [{ clusters: ["h"] }] }, ["stacks[0].name: got undefined, expected string"]],
  ["a bad stack name", { stacks: [{ name: "paris a" }] }, ['stacks[0].name: got "paris a", expected letters, digits, "_", "." or "-" (optionally "org/project/" before)']],
  ["a stack twice", { stacks: [{ name: "a" }, { name: "a" }] }, ['stacks[1].name: "a" is listed twice; each stack once']],
  ["a cluster twice", { stacks: [{ name: "a", clusters: ["h", { name: "h", host: "g" }] }] }, ['stacks[0].clusters[1].name: "h" appears twice in stack "a"; give each cluster its own name']],
  ["an empty host", { stacks: [{ name: "a", clusters: [" "] }] }, ['stacks[0].clusters[0].host: got "", expected a management host name or address']],
  ["an empty cluster list", { stacks: [{ name: "a", clusters: [] }] }, ["stacks[0].clusters: got [], expected at least one cluster (or leave it out to use the stack's own config)"]],
  ["an unknown backend, its password hidden", { backend: "ftp://u:secret@h/x", stacks: [{ name: "a" }] }, ['backend: got "ftp://u:***@h/x", expected a URL starting with file://, postgres://, postgresql://, s3://, azblob://, gs://, https://, http://']],
] as const) {
  test(`an inventory is refused, naming the field: ${title}`, (t) => {
    const error = t.throws(() => decodeInventory(raw, FILE), { instanceOf: FleetInventoryError });
    t.deepEqual(error?.problems, expected);
    t.true(error?.message.includes("nothing was run"));
    t.false(error?.message.includes("secret"));
  });
}

test("a backend URL loses its password before it is printed", (t) => {
  t.is(redactUrl("postgres://pulumi:hunter2@db:5432/state?sslmode=require"), "postgres://pulumi:***@db:5432/state?sslmode=require");
  t.is(redactUrl("postgres://pulumi@db/state"), "postgres://pulumi@db/state");
  t.is(redactUrl("file:///srv/state"), "file:///srv/state");
});

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
