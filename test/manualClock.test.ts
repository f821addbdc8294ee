/**
 * The simulator's manual clock: actions run in order of due time only when time is moved on, a cancelled
 * one never runs, and runWhile moves time only while the work waits on it.
 */
import test from "ava";
import { ManualClock } from "../simulator";

test("actions run in order of due time, ties in order of scheduling, only when time is moved past them", async (t) => {
  const clock = new ManualClock(1_000);
  const ran: string[] = [];
  clock.schedule(30, () => ran.push(`b@${clock.now()}`));
  clock.schedule(10, () => ran.push(`a@${clock.now()}`));
  clock.schedule(30, () => ran.push(`c@${clock.now()}`));
  await clock.advance(9);
  t.deepEqual(ran, []);
  t.is(clock.now(), 1_009);
  await clock.advance(21);
  t.deepEqual(ran, ["a@1010", "b@1030", "c@1030"]);
  t.is(clock.pending, 0);
});

test("an action scheduled by another runs in the same advance when it falls due within it", async (t) => {
  const clock = new ManualClock(0);
  const ran: number[] = [];
  clock.schedule(5, () => clock.schedule(5, () => ran.push(clock.now())));
  await clock.advance(10);
  t.deepEqual(ran, [10]);
});

test("a cancelled action never runs; sleep resolves once time is moved on", async (t) => {
  const clock = new ManualClock(0);
  let ran = false;
  const cancel = clock.schedule(5, () => (ran = true));
  cancel();
  cancel();
  let slept = false;
  const sleeping = clock.sleep(100).then(() => (slept = true));
  await clock.advance(99);
  t.false(slept);
  await clock.advance(1);
  await sleeping;
  t.true(slept);
  t.false(ran);
  await t.throwsAsync(clock.advance(-1), { instanceOf: RangeError, message: /ms must be 0 or more, got -1/ });
});

test("runWhile moves time to each due action while the work waits on the clock, and stays when nothing is due", async (t) => {
  const clock = new ManualClock(0);
  const work = (async () => {
    await clock.sleep(20_000);
    await clock.sleep(500);
    return clock.now();
  })();
  t.is(await clock.runWhile(work), 20_500);
  const real = new Promise<string>((resolve) => setTimeout(() => resolve("done"), 30));
  t.is(await clock.runWhile(real), "done");
  t.is(clock.now(), 20_500, "no action was due: time stayed");
});

test("runWhile gives up after limitMs of clock time", async (t) => {
  const clock = new ManualClock(0);
  await t.throwsAsync(clock.runWhile(clock.sleep(10_000), { limitMs: 2_000 }), { message: /still pending after 2000 ms of clock time/ });
});
