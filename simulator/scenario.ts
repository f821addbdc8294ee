// The switches a test flips to make a simulated cluster misbehave the ways real clusters do, and to pick
// which of the wire forms the ONTAP reference documents the cluster speaks.

/** The next jobs to fail, and how. */
export interface FailNextJobs {
  /** How many of the next jobs fail; counts down as jobs start. */
  count: number;
  /** ONTAP's numeric error code for the job (`code` on the job, `error.code` as a string). */
  code: number;
  /** The job's `message` and `error.message`. */
  message: string;
}

/**
 * A fault of the network or of what stands in front of the cluster (a proxy, a load balancer, a WAN
 * link), hitting the next `count` requests that match `method` and `path`. ONTAP itself never does
 * these; real deployments do.
 * - `redirect`: answers `status` (default 302) with `Location` (default: the simulator's decoy listener,
 *   same path and query), doing no work.
 * - `retryAfter`: answers `status` (default 503) with `Retry-After: retryAfter` (default "1"), doing no work.
 * - `hang`: never answers (until the simulator closes); with `afterWork` the request's work is done first
 *   (a PATCH starts its job).
 * - `truncate`: the work is done and the answer's headers declare its whole length, but the connection
 *   closes after half the body.
 * - `drip`: the work is done and the body is sent one byte every `intervalMs` (default 1000).
 * - `huge`: instead of the answer, a 200 whose JSON body is `bytes` long (default 64 MiB), streamed, with
 *   a Content-Length unless `declareLength` is false.
 */
export interface TransportFault {
  kind: "redirect" | "retryAfter" | "hang" | "truncate" | "drip" | "huge";
  /** Only requests of this method. Default: any. */
  method?: string;
  /** Only requests whose path starts with this. Default: any. */
  path?: string;
  /** How many matching requests it hits; counts down, and the fault is spent at 0. Default 1. */
  count?: number;
  status?: number;
  location?: string;
  retryAfter?: string;
  afterWork?: boolean;
  intervalMs?: number;
  bytes?: number;
  declareLength?: boolean;
}

/**
 * How one simulated cluster behaves. Every switch may be changed at any time, between or during requests.
 * Job timings (`jobDurationMs`, `jobPauseMs`, `jobExpiryMs`, `lostJobs`) and job outcomes are read when a
 * job starts; `stuckJobs` is re-read while a job runs, so turning it off lets stuck jobs finish.
 */
export interface Scenario {
  /** How long a PATCH job runs in total (briefly `queued`, then `running`), not counting a pause. Default 200. */
  jobDurationMs: number;
  /** The job sits in state `paused` (not terminal) this long halfway through its run. Default 0: no pause. */
  jobPauseMs: number;
  /** Jobs never finish: they stay `running` while this is true. Default false. */
  stuckJobs: boolean;
  /**
   * `GET /api/cluster/jobs/{uuid}` answers 404 code `4` "entry doesn't exist" from the start; the job still
   * runs and its effect still applies, as when ONTAP loses a job. Default false.
   */
  lostJobs: boolean;
  /** A finished job is deleted this long after it ends; its GET then answers 404 code `4`. Default 300000 (ONTAP's 300 s). */
  jobExpiryMs: number;
  /** Enabling `software_data_encryption.conversion_enabled` fails with `196608081` (data volumes present); where, `preconditionErrors` says. */
  dataVolumesPresent: boolean;
  /** Enabling conversion fails with `196608082` (MetroCluster in switchover); where, `preconditionErrors` says. */
  metroclusterSwitchover: boolean;
  /**
   * Whether an Onboard or external key manager is configured. Default true; false makes enabling conversion
   * fail with `196608080` (`no-key-manager` in docs/simulator.md); where, `preconditionErrors` says.
   */
  keyManagerConfigured: boolean;
  /** Enabling FIPS fails with `52559974` (a non-compliant certificate is in use); where, `preconditionErrors` says. */
  fipsNonCompliantCertificate: boolean;
  /**
   * Enabling FIPS fails with `52428830` (the configured minimum security strength for certificates is not
   * compatible with FIPS); checked before `fipsNonCompliantCertificate`. Where it fails, `preconditionErrors` says.
   */
  fipsCertificateStrengthTooLow: boolean;
  /** Every PATCH is refused synchronously with 400 `5636142` (not supported in a mixed-release cluster). */
  mixedRelease: boolean;
  /**
   * From 9.16.1: a PATCH that starts a conversion or a rekey is refused with this code, one of the codes the
   * reference lists for what the simulator does not model (volumes offline, SnapLock, key servers, platform…;
   * `ENCRYPTION_CODES` with cause `cluster`); where, `preconditionErrors` says. Default none.
   */
  encryptionRefusal?: number;
  /**
   * From 9.16.1: how long a conversion goes on after its job ended (`encryption_state` `encrypting`), in the
   * clock's ms. Default 0: it ends with its job.
   */
  conversionAfterJobMs: number;
  /**
   * What `conversion_enabled` reads while a conversion goes on after its job (`conversion-enabled-while-encrypting`
   * in docs/simulator.md). Default false: the reading that a client re-sending the conversion would trip on.
   */
  conversionEnabledWhileEncrypting: boolean;
  /**
   * Answers carry `us_federal_cybersecurity.alerts_enabled`, a field some editions of the reference show and no
   * client knows, so that clients can be checked to ignore it. Default false.
   */
  unknownAnswerFields: boolean;
  /** The next `count` jobs fail with this code and message, applying nothing. Default: none. */
  failNextJobs?: FailNextJobs;
  /**
   * What a PATCH with `return_timeout` answers when its job fails in time: `"job"` (default) the 202 job link
   * alone, `"error"` a 400 with ONTAP's error body and still the `job` link (`failed-job-answer` in
   * docs/simulator.md). ONTAP's answer is unconfirmed.
   */
  failedJobAnswer: "error" | "job";
  /**
   * The next n authenticated requests (any method, any path) answer 409 code `2621573` "temporarily locked"
   * (retryable). Requests that fail authentication answer 401 and do not count.
   */
  configLocked: number;
  /** The next n requests, authenticated or not, have their connection destroyed without an answer (logged with status 0). */
  dropConnections: number;
  /** The next n authenticated requests answer 500 with an ONTAP error body (checked before `configLocked`). */
  serverErrors: number;
  /**
   * The next n PATCHes that start a job lose their answer: the connection is destroyed right after the job
   * is created, as when a load balancer or a flaky link drops it. The job runs on and applies.
   */
  patchAnswersLost: number;
  /** The next n jobs that would succeed end in `success` without applying anything. */
  jobsWithoutEffect: number;
  /** Every answer is delayed this long (the work, such as starting a job, happens at once). Default 0. */
  latencyMs: number;
  /** Faults of the network in front of the cluster, tried in order; the first that matches a request hits it. Default none. */
  transportFaults: TransportFault[];

  // Documented forms. Where the ONTAP reference allows more than one wire form, each switch below picks one
  // for the cluster, so that a client can be tested against every form. The defaults are the forms of the
  // reference's worked examples and of real traffic.

  /**
   * Where the preconditions the reference lists as errors of the PATCH itself fail (`52428830`, `52559974`,
   * `196608081`, `196608082`, and the simulator's `196608080`): `"job"` (default) the PATCH answers 202 and its
   * job fails, keeping the groups applied before the failing one; `"patch"` the PATCH answers 400 with ONTAP's
   * error body, links no job, starts none and applies nothing.
   */
  preconditionErrors: "job" | "patch";
  /**
   * The `job` object of a PATCH answer: `"uuid-and-links"` (default; the reference's worked examples) or `"uuid"`
   * alone (the reference's `job_link` schema), which leaves a client to build `/api/cluster/jobs/{uuid}` itself.
   */
  jobLinkForm: "uuid-and-links" | "uuid";
  /**
   * `onboard_key_manager_configurable_status.code` as a JSON integer (default; the newer references) or as a
   * string of digits (the 9.9.1 reference's example).
   */
  okmCodeForm: "integer" | "string";
  /** Whether `onboard_key_manager_configurable_status.supported` is sent. Default true; the 9.9.1 reference's example leaves it out. */
  okmSupportedPresent: boolean;
  /**
   * Error bodies, synchronous and in jobs, carry `arguments`: one `{code, message}` per value named in the
   * message (`error-arguments` in docs/simulator.md). Default false: synchronous
   * errors have no `arguments`, a job's error has `arguments: []`.
   */
  errorArguments: boolean;
  /**
   * The `code` of a synchronous error body: a string of digits (default; real traffic and the reference's
   * schema) or a JSON integer (some of the reference's examples). A job's `code` is always an integer and its
   * `error.code` always a string, as the job schema says.
   */
  errorCodeForm: "string" | "integer";
}

/** A scenario with every switch at its default, merged with `overrides`. */
export function defaultScenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    jobDurationMs: 200,
    jobPauseMs: 0,
    stuckJobs: false,
    lostJobs: false,
    jobExpiryMs: 300_000,
    dataVolumesPresent: false,
    metroclusterSwitchover: false,
    keyManagerConfigured: true,
    fipsNonCompliantCertificate: false,
    fipsCertificateStrengthTooLow: false,
    mixedRelease: false,
    encryptionRefusal: undefined,
    conversionAfterJobMs: 0,
    conversionEnabledWhileEncrypting: false,
    unknownAnswerFields: false,
    failNextJobs: undefined,
    failedJobAnswer: "job",
    configLocked: 0,
    dropConnections: 0,
    serverErrors: 0,
    latencyMs: 0,
    preconditionErrors: "job",
    jobLinkForm: "uuid-and-links",
    okmCodeForm: "integer",
    okmSupportedPresent: true,
    errorArguments: false,
    errorCodeForm: "string",
    patchAnswersLost: 0,
    jobsWithoutEffect: 0,
    transportFaults: [],
    ...overrides,
    ...(overrides.transportFaults ? { transportFaults: overrides.transportFaults.map((fault) => ({ ...fault })) } : {}),
    ...(overrides.failNextJobs ? { failNextJobs: { ...overrides.failNextJobs } } : {}),
  };
}
