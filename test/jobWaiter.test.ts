import test from "ava";
import { Clock } from "../provider/ontap/clock";
import { JobTransport, nextPollDelay, waitForJob } from "../provider/ontap/jobWaiter";
import { OntapApiError } from "../provider/ontap/httpErrors";
import { OntapNetworkError } from "../provider/ontap/networkErrors";
import { OntapJobFailedError, OntapJobTimeoutError, OntapJobUnreachableError } from "../provider/ontap/jobErrors";
import { OntapRequest, OntapResponse } from "../provider/ontap/transport";

/** Virtual time: sleeping advances it at once, and every pause is recorded. */
class FakeClock implements Clock {
  time = 1_000_000;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

const ref = { uuid: "j1", href: "/api/cluster/jobs/j1" };
const context = { method: "GET", url: "https://c/api/cluster/jobs/j1" };

/** A transport that answers each poll from a function of virtual time. */
function transport(clock: FakeClock, answer: (elapsedMs: number, poll: number) => unknown): JobTransport & { polls: number } {
  const start = clock.time;
  const fake = {
    polls: 0,
    urlOf: (path: string) => `https://c${path}`,
    async request(_request: OntapRequest): Promise<OntapResponse> {
      fake.polls++;
      const body = answer(clock.time - start, fake.polls);
      if (body instanceof Error) throw body;
      return { status: 200, body, request: context };
    },
  };
  return fake;
}

const job = (state: string, extra: Record<string, unknown> = {}) => ({ uuid: "j1", state, description: "PATCH /api/security", ...extra });

test("a job that succeeds is noticed within 5% of its duration", async (t) => {
  for (const durationMs of [3_000, 30_000, 300_000]) {
    const clock = new FakeClock();
    const fake = transport(clock, (elapsed) => job(elapsed >= durationMs ? "success" : "running"));
    const outcome = await waitForJob(fake, ref, { deadline: clock.time + 3_600_000, startedAt: clock.time, clock });
    t.is(outcome.kind, "success");
    const lateness = clock.time - 1_000_000 - durationMs;
    t.true(lateness <= Math.max(250, durationMs * 0.05), `noticed ${lateness} ms late for a ${durationMs} ms job`);
  }
});

test("polling starts short and backs off to the cap", (t) => {
  const options = { deadline: 0, startedAt: 0 };
  t.is(nextPollDelay(0, 60_000, options), 250);
  t.is(nextPollDelay(20_000, 60_000, options), 1_000);
  t.is(nextPollDelay(600_000, 60_000, options), 5_000);
  t.is(nextPollDelay(600_000, 1_200, options), 1_200, "never sleeps past the deadline");
});

test("paused is not done: the waiter keeps waiting", async (t) => {
  const clock = new FakeClock();
  const fake = transport(clock, (elapsed) => job(elapsed < 1_000 ? "running" : elapsed < 5_000 ? "paused" : "success"));
  const outcome = await waitForJob(fake, ref, { deadline: clock.time + 60_000, startedAt: clock.time, clock });
  t.is(outcome.kind, "success");
  t.true(clock.time - 1_000_000 >= 5_000);
});

test("a failed job becomes an error with ONTAP's code, message and the job uuid", async (t) => {
  const clock = new FakeClock();
  const fake = transport(clock, () =>
    job("failure", { code: 196608081, message: "Cannot convert: data volumes exist.", error: { code: "196608081", message: "Cannot convert: data volumes exist." } }),
  );
  const error = await t.throwsAsync(waitForJob(fake, ref, { deadline: clock.time + 60_000, startedAt: clock.time, clock }), {
    instanceOf: OntapJobFailedError,
  });
  t.is(error?.code, "196608081");
  t.is(error?.jobUuid, "j1");
  t.regex(error?.message ?? "", /PATCH \/api\/security failed in job j1: Cannot convert: data volumes exist\. \(ONTAP error code 196608081\)/);
});

test("a failed job with code 0 is still a failure (NetApp's Terraform provider loops forever on it)", async (t) => {
  const clock = new FakeClock();
  const fake = transport(clock, () => job("failure", { code: 0, message: "failed" }));
  await t.throwsAsync(waitForJob(fake, ref, { deadline: clock.time + 60_000, startedAt: clock.time, clock }), { instanceOf: OntapJobFailedError });
  t.is(fake.polls, 1);
});

test("at the deadline the error says the job is still running on the cluster, with its uuid", async (t) => {
  const clock = new FakeClock();
  const fake = transport(clock, () => job("running"));
  const error = await t.throwsAsync(waitForJob(fake, ref, { deadline: clock.time + 120_000, startedAt: clock.time, clock }), {
    instanceOf: OntapJobTimeoutError,
  });
  t.regex(error?.message ?? "", /job j1 is still running on the cluster after 120 s: it was not cancelled/);
  t.is(clock.time - 1_000_000, 120_000, "waited exactly to the deadline");
});

test("a vanished job (404) is reported as lost, not as success", async (t) => {
  const clock = new FakeClock();
  const fake = transport(clock, (_e, poll) =>
    poll < 3 ? job("running") : new OntapApiError(context, { status: 404, code: "4", ontapMessage: "entry doesn't exist", target: "uuid" }),
  );
  t.deepEqual(await waitForJob(fake, ref, { deadline: clock.time + 60_000, startedAt: clock.time, clock }), { kind: "lost", uuid: "j1" });
});

test("a cluster that stops answering gives an error saying the job may still be running", async (t) => {
  const clock = new FakeClock();
  const fake = transport(clock, (_e, poll) => (poll < 2 ? job("running") : new OntapNetworkError(context, new Error("socket hang up"))));
  const error = await t.throwsAsync(waitForJob(fake, ref, { deadline: clock.time + 60_000, startedAt: clock.time, clock }), {
    instanceOf: OntapJobUnreachableError,
  });
  t.regex(error?.message ?? "", /job j1: .*socket hang up\. The job may still be running/);
});

test("an unexpected job body names the bad field", async (t) => {
  const clock = new FakeClock();
  const fake = transport(clock, () => ({ uuid: "j1", state: "done" }));
  await t.throwsAsync(waitForJob(fake, ref, { deadline: clock.time + 60_000, startedAt: clock.time, clock }), {
    message: /unexpected JobWire from ONTAP: state: got "done", expected "queued" \| "running" \| "paused" \| "success" \| "failure"/,
  });
});
