// The files the simulator command writes (the env file with the password, the request log), by tables:
// each name it may be given, what it does with it, and that nothing it did not create is changed.

import test, { ExecutionContext } from "ava";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

import { claimEnvFile, openRequestLog, removeWritten, temporaryPathFor, writeExclusively } from "../cli/simulatorFiles";
import { UsageError } from "../cli/usageError";

const SECRET = "export ONTAP_PASSWORD='s3cret'\n";

/** A fresh folder holding `victim` (someone else's file, whose content must never change), removed after the test. */
function folder(t: ExecutionContext): { dir: string; victim: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "ontap-sim-files-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const victim = path.join(dir, "victim.txt");
  writeFileSync(victim, "someone else's\n");
  return { dir, victim };
}

/** Every name in `dir`, sorted: what is left behind. */
const listing = (dir: string): string[] => readdirSync(dir).sort();

// ---------------------------------------------------------------------------------------------------------
// --write-env

const occupiedNames: { what: string; plant: (target: string, victim: string) => void }[] = [
  { what: "an existing file", plant: (target) => writeFileSync(target, "keep me\n") },
  { what: "a symlink to someone else's file", plant: (target, victim) => symlinkSync(victim, target) },
  { what: "a dangling symlink", plant: (target, victim) => symlinkSync(`${victim}.missing`, target) },
  { what: "a directory", plant: (target) => mkdirSync(target) },
];

for (const { what, plant } of occupiedNames) {
  test(`--write-env naming ${what} is refused before anything starts, and it is left as it was`, async (t) => {
    const { dir, victim } = folder(t);
    const target = path.join(dir, "sim.env");
    plant(target, victim);
    const before = listing(dir);
    const describe = (): string => {
      const stat = lstatSync(target);
      return stat.isSymbolicLink() ? `-> ${readlinkSync(target)}` : stat.isDirectory() ? "dir" : readFileSync(target, "utf8");
    };
    const was = describe();
    const error = await t.throwsAsync(claimEnvFile(target), { instanceOf: UsageError, message: /^--write-env .*sim\.env already exists; name a file that does not/ });
    t.is(error?.option, "--write-env");
    t.is(describe(), was);
    t.deepEqual(listing(dir), before);
    t.is(readFileSync(victim, "utf8"), "someone else's\n");
  });
}

test("--write-env naming a new file: written whole with mode 0600, no temporary file left, removed on exit", async (t) => {
  const { dir } = folder(t);
  const target = path.join(dir, "sim.env");
  await claimEnvFile(target);
  const written = await writeExclusively(target, SECRET);
  t.is(readFileSync(target, "utf8"), SECRET);
  t.is(statSync(target).mode & 0o777, 0o600);
  t.deepEqual(listing(dir), ["sim.env", "victim.txt"]);
  t.true(await removeWritten(written));
  t.deepEqual(listing(dir), ["victim.txt"]);
});

test("a symlink planted at the temporary file's name is refused, not followed: the password never reaches its target", async (t) => {
  const { dir, victim } = folder(t);
  const target = path.join(dir, "sim.env");
  const temporary = temporaryPathFor(target);
  t.is(path.dirname(temporary), dir, "the temporary file is made beside the target");
  symlinkSync(victim, temporary);
  await t.throwsAsync(writeExclusively(target, SECRET, temporary), { message: /cannot write .*sim\.env: its temporary file .*: EEXIST/ });
  t.is(readFileSync(victim, "utf8"), "someone else's\n");
  t.false(existsSync(target));
  t.is(readlinkSync(temporary), victim, "the planted link itself is not ours to remove");
});

test("a file that takes the env file's name after it was claimed is neither replaced nor followed", async (t) => {
  const { dir, victim } = folder(t);
  const target = path.join(dir, "sim.env");
  await claimEnvFile(target);
  symlinkSync(victim, target);
  await t.throwsAsync(writeExclusively(target, SECRET), { message: /cannot write .*sim\.env: something else has created it meanwhile; it is left alone/ });
  t.is(readFileSync(victim, "utf8"), "someone else's\n");
  t.is(readlinkSync(target), victim);
  t.deepEqual(listing(dir), ["sim.env", "victim.txt"], "no temporary file left behind");
});

test("on exit the env file is removed only if it is still the file the command wrote", async (t) => {
  const { dir } = folder(t);
  const target = path.join(dir, "sim.env");
  const written = await writeExclusively(target, SECRET);
  rmSync(target);
  writeFileSync(target, "a new file under the same name\n");
  t.false(await removeWritten(written));
  t.is(readFileSync(target, "utf8"), "a new file under the same name\n");
  rmSync(target);
  t.false(await removeWritten(written), "gone already: nothing to do");
});

test("an env file in a folder that does not exist fails before any password is written", async (t) => {
  const { dir } = folder(t);
  const target = path.join(dir, "missing", "sim.env");
  await claimEnvFile(target);
  await t.throwsAsync(writeExclusively(target, SECRET), { message: /cannot write .*sim\.env: its temporary file .*: ENOENT/ });
  t.deepEqual(listing(dir), ["victim.txt"]);
});

// ---------------------------------------------------------------------------------------------------------
// --request-log

const unwritableLogs: { what: string; name: (dir: string, victim: string) => string; reason: RegExp }[] = [
  { what: "in a folder that does not exist", name: (dir) => path.join(dir, "missing", "requests.json"), reason: /ENOENT/ },
  { what: "that is a directory", name: (dir) => dir, reason: /EISDIR/ },
  { what: "under a file", name: (_dir, victim) => path.join(victim, "requests.json"), reason: /ENOTDIR/ },
];

for (const { what, name, reason } of unwritableLogs) {
  test(`--request-log ${what} is refused when the command starts, naming it and the reason, changing nothing`, async (t) => {
    const { dir, victim } = folder(t);
    const file = name(dir, victim);
    const error = await t.throwsAsync(openRequestLog(file), { instanceOf: UsageError });
    t.is(error?.option, "--request-log");
    t.true(error?.message.startsWith(`--request-log ${file} cannot be written: `), error?.message);
    t.regex(error?.message ?? "", reason);
    t.deepEqual(listing(dir), ["victim.txt"]);
    t.is(readFileSync(victim, "utf8"), "someone else's\n");
  });
}

test("a new request log is created at start, written on exit, and removed if the command never started", async (t) => {
  const { dir } = folder(t);
  const file = path.join(dir, "requests.json");
  const log = await openRequestLog(file);
  t.true(existsSync(file));
  await log.write('{"clusters":[]}\n');
  t.is(readFileSync(file, "utf8"), '{"clusters":[]}\n');
  const unused = await openRequestLog(path.join(dir, "unused.json"));
  await unused.discard();
  t.deepEqual(listing(dir), ["requests.json", "victim.txt"]);
});

test("an existing request log is kept until the command writes its own, and kept as it was if the command never started", async (t) => {
  const { dir } = folder(t);
  const file = path.join(dir, "requests.json");
  writeFileSync(file, "the previous run's log, longer than the next one\n");
  const log = await openRequestLog(file);
  t.is(readFileSync(file, "utf8"), "the previous run's log, longer than the next one\n", "not truncated at start");
  await log.write("{}\n");
  t.is(readFileSync(file, "utf8"), "{}\n", "replaced whole, no tail of the old content");
  writeFileSync(file, "again\n");
  await (await openRequestLog(file)).discard();
  t.is(readFileSync(file, "utf8"), "again\n");
});
