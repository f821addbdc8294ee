/**
 * The provider against every wire form the ONTAP reference documents, through Pulumi's own
 * dynamic-provider host, as the engine drives it. Each row is one cluster speaking one set of forms
 * (simulator scenario switches) and meeting one outcome: success, or a precondition the reference lists
 * for `PATCH /api/security` failing either in the PATCH itself (400, no job) or in its job.
 *
 * For every row: the outcome, ONTAP's code in the error, no PATCH sent twice, and the state the engine
 * would record (create's outputs, or a partial failure's properties) equal to what a `read` of the
 * cluster gives; then the next `up`, with the precondition met, sends only what is missing.
 *
 * One simulator (a cluster per row) and one provider host serve the whole file; the connection travels
 * in each resource's inputs, so rows run side by side.
 */
import test from "ava";
import { Scenario, SimCluster, Simulator, asFound, startSimulator } from "../../simulator";
import { ProviderHost, ProviderHostError, Props, serializedProviderText, startProviderHost } from "../../harness/providerHost";

/** The forms a cluster may speak; every one but the first differs from the reference's worked examples. */
const FORMS: { name: string; scenario: Partial<Scenario> }[] = [
  { name: "the reference's worked examples", scenario: {} },
  { name: "job links with the uuid alone", scenario: { jobLinkForm: "uuid" } },
  { name: "a string key manager code and no supported", scenario: { okmCodeForm: "string", okmSupportedPresent: false } },
  { name: "errors with arguments", scenario: { errorArguments: true } },
  { name: "a job failed in time answered with 400", scenario: { failedJobAnswer: "error" } },
  { name: "error codes as integers", scenario: { errorCodeForm: "integer", failedJobAnswer: "error" } },
  {
    name: "every other form at once",
    scenario: {
      jobLinkForm: "uuid",
      okmCodeForm: "string",
      okmSupportedPresent: false,
      errorArguments: true,
      failedJobAnswer: "error",
      errorCodeForm: "integer",
    },
  },
];

/** The group a precondition belongs to: it decides what the cluster keeps when the precondition fails. */
type Stage = "fips" | "conversion";

/** The preconditions the reference lists as errors of the PATCH (a missing key manager: 196608070, documented from 9.16.1, the simulator's default release). */
const PRECONDITIONS: { code: string; stage: Stage; unmet: Partial<Scenario>; met: Partial<Scenario> }[] = [
  { code: "52428830", stage: "fips", unmet: { fipsCertificateStrengthTooLow: true }, met: { fipsCertificateStrengthTooLow: false } },
  { code: "52559974", stage: "fips", unmet: { fipsNonCompliantCertificate: true }, met: { fipsNonCompliantCertificate: false } },
  { code: "196608070", stage: "conversion", unmet: { keyManagerConfigured: false }, met: { keyManagerConfigured: true } },
  { code: "196608081", stage: "conversion", unmet: { dataVolumesPresent: true }, met: { dataVolumesPresent: false } },
  { code: "196608082", stage: "conversion", unmet: { metroclusterSwitchover: true }, met: { metroclusterSwitchover: false } },
];

interface Row {
  title: string;
  scenario: Partial<Scenario>;
  failure?: { code: string; stage: Stage; met: Partial<Scenario> };
}

const ROWS: Row[] = FORMS.flatMap((form) => [
  { title: `${form.name}: success`, scenario: form.scenario },
  ...PRECONDITIONS.flatMap((precondition) =>
    (["patch", "job"] as const).map((where) => ({
      title: `${form.name}: ${precondition.code} refused by the ${where === "patch" ? "PATCH itself" : "job"}`,
      scenario: { ...form.scenario, ...precondition.unmet, preconditionErrors: where },
      failure: { code: precondition.code, stage: precondition.stage, met: precondition.met },
    })),
  ),
]);

/** The program: FIPS on, telnet off, converted. The plan sends it as two PATCHes, conversion alone and last. */
const DESIRED = { fips: { enabled: true }, managementProtocols: { telnetEnabled: false }, softwareDataEncryption: { conversionEnabled: true } };
const FIRST_PATCH = { fips: { enabled: true }, management_protocols: { telnet_enabled: false } };
const CONVERSION_PATCH = { software_data_encryption: { conversion_enabled: true } };

let sim: Simulator;
let host: ProviderHost;
let provider: string;

test.before(async () => {
  provider = await serializedProviderText();
  sim = await startSimulator({ clusters: ROWS.map((row) => ({ security: asFound(), scenario: { jobDurationMs: 10, ...row.scenario } })) });
  host = await startProviderHost();
  await host.configure({});
});

test.after.always(async () => {
  await host?.close();
  await sim?.close();
});

/** The settings the row leaves on the cluster: a failing FIPS precondition keeps everything, a failing conversion only itself. */
function expectedAfter(stage: Stage | undefined): { fips: boolean; telnet: boolean; converted: boolean } {
  if (stage === "fips") return { fips: false, telnet: true, converted: false };
  if (stage === "conversion") return { fips: true, telnet: false, converted: false };
  return { fips: true, telnet: false, converted: true };
}

/** Runs `work` with at most `size` others at once, in arrival order. */
function limiter(size: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async (work) => {
    if (active < size) active += 1;
    else await new Promise<void>((resolve) => queue.push(resolve));
    try {
      return await work();
    } finally {
      // A freed slot passes straight to the next row waiting, so `active` never exceeds `size`.
      const next = queue.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/** Rows run a few at a time: all of them at once swamp one provider host on a shared two-core machine. */
const slot = limiter(8);

/** What each PATCH body was, in order; a body sent twice shows up twice. */
const patchBodies = (cluster: SimCluster): unknown[] => cluster.patches().map((entry) => entry.body);

for (const [index, row] of ROWS.entries()) {
  test(row.title, (t) => slot(async () => {
    const cluster = sim.clusters[index] as SimCluster;
    const inputs: Props = {
      __provider: provider,
      host: cluster.host,
      username: sim.username,
      password: sim.password,
      caCertificate: sim.caCertificate,
      ...DESIRED,
    };
    t.deepEqual((await host.check({}, inputs)).failures, []);
    t.deepEqual(patchBodies(cluster), [], "check sends no PATCH");

    // create adopts the cluster and changes what differs: what the engine records is the outputs, or the
    // partial failure's properties, or nothing at all when the first PATCH was refused and nothing changed.
    let state: Props | undefined;
    try {
      const created = await host.create(inputs);
      if (row.failure) return t.fail(`create succeeded although ${row.failure.code} was due`);
      t.is(created.id, cluster.uuid);
      state = created.properties;
    } catch (error) {
      if (!(error instanceof ProviderHostError) || row.failure === undefined) throw error;
      t.true(error.message.includes(row.failure.code), `ONTAP's code ${row.failure.code} is in the error: ${error.message}`);
      const recorded = error.initFailure;
      const refusedBeforeAnyChange = row.failure.stage === "fips" && row.scenario.preconditionErrors === "patch";
      if (refusedBeforeAnyChange) {
        t.is(recorded, undefined, "refused before anything changed: not a partial update");
        t.regex(error.message, /Nothing was changed on the cluster\./);
      } else if (recorded === undefined) {
        return t.fail(`no partial-failure details, so the engine records nothing: ${error.message}`);
      }
      if (recorded !== undefined) {
        t.is(recorded.id, cluster.uuid);
        t.true(recorded.reasons.some((reason) => reason.includes(row.failure?.code ?? "")), recorded.reasons.join("\n"));
        state = recorded.properties;
      }
    }

    const stage = row.failure?.stage;
    t.deepEqual(patchBodies(cluster), stage === "fips" ? [FIRST_PATCH] : [FIRST_PATCH, CONVERSION_PATCH], "each PATCH sent once, none after a refusal");
    const after = expectedAfter(stage);
    t.is(cluster.security.fips?.enabled, after.fips);
    t.is(cluster.security.management_protocols?.telnet_enabled, after.telnet);
    t.is(cluster.security.software_data_encryption?.conversion_enabled, after.converted);
    if (row.scenario.preconditionErrors === "patch") t.is(cluster.jobs.size, stage === "fips" ? 0 : 1, "a refused PATCH starts no job");

    // State tells the cluster's story: a read (refresh) of the cluster gives the very same properties.
    if (state !== undefined) {
      const read = await host.read(cluster.uuid, state);
      t.deepEqual(read.properties, state);
      const okm = cluster.security.onboard_key_manager_configurable_status;
      t.deepEqual(state.onboardKeyManagerConfigurableStatus, {
        ...(row.scenario.okmSupportedPresent === false ? {} : { supported: okm.supported }),
        message: okm.message,
        code: okm.code,
      });
    }

    // The next `up`, the precondition now met, sends only what the cluster still lacks.
    Object.assign(cluster.scenario, row.failure?.met ?? {});
    cluster.clearLog();
    let updated: { properties: Props };
    if (state === undefined) {
      // Nothing was recorded: the next `up` creates (adopts) again.
      updated = await host.create(inputs);
    } else {
      t.is((await host.diff(cluster.uuid, state, inputs, inputs)).changes, row.failure ? "DIFF_SOME" : "DIFF_NONE");
      updated = await host.update(cluster.uuid, state, inputs, inputs);
    }
    t.deepEqual(patchBodies(cluster), stage === "fips" ? [FIRST_PATCH, CONVERSION_PATCH] : stage === "conversion" ? [CONVERSION_PATCH] : []);
    t.deepEqual(expectedAfter(undefined), {
      fips: cluster.security.fips?.enabled,
      telnet: cluster.security.management_protocols?.telnet_enabled,
      converted: cluster.security.software_data_encryption?.conversion_enabled,
    });
    t.deepEqual((await host.read(cluster.uuid, updated.properties)).properties, updated.properties);
  }));
}
