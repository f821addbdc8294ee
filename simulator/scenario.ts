// The switches a test flips to make a simulated cluster misbehave the ways real clusters do.

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
  /** Enabling `software_data_encryption.conversion_enabled` fails in the job with `196608081` (data volumes present). */
  dataVolumesPresent: boolean;
  /** Enabling conversion fails in the job with `196608082` (MetroCluster in switchover). */
  metroclusterSwitchover: boolean;
  /**
   * Whether an Onboard or external key manager is configured. Default true; false makes enabling conversion
   * fail in the job with `196608080` (simulator choice: the code ONTAP uses is unconfirmed).
   */
  keyManagerConfigured: boolean;
  /** Enabling FIPS fails in the job with `52559974` (a non-compliant certificate is in use). */
  fipsNonCompliantCertificate: boolean;
  /** Every PATCH is refused synchronously with 400 `5636142` (not supported in a mixed-release cluster). */
  mixedRelease: boolean;
  /** The next `count` jobs fail with this code and message, applying nothing. Default: none. */
  failNextJobs?: FailNextJobs;
  /**
   * What a PATCH with `return_timeout` answers when its job fails in time: `"job"` (default) the 202 job link
   * alone, `"error"` a 400 with ONTAP's error body and still the `job` link. ONTAP's choice is unconfirmed.
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
  /** Every answer is delayed this long (the work, such as starting a job, happens at once). Default 0. */
  latencyMs: number;
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
    mixedRelease: false,
    failNextJobs: undefined,
    failedJobAnswer: "job",
    configLocked: 0,
    dropConnections: 0,
    serverErrors: 0,
    latencyMs: 0,
    ...overrides,
    ...(overrides.failNextJobs ? { failNextJobs: { ...overrides.failNextJobs } } : {}),
  };
}
