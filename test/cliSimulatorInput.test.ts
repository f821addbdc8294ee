// The simulator command's command line and `--config` file, by tables, in process: what is read as
// asked, and what is refused (exit 2, before anything starts) with the option or path, the value and what
// is allowed; a careless or hostile file included (keys that reach into Object.prototype, misspelt keys
// at any depth, numbers the simulator cannot act on). The command run as a pipeline runs it:
// test/e2e/cliSimulator.test.ts.

import test from "ava";
import { isLeft, isRight } from "fp-ts/Either";

import { SUBCOMMANDS, usage } from "../cli/main";
import { MAX_CLUSTERS, SimulatorCommand, parseSimulatorArgs } from "../cli/simulator";
import { MAX_DURATION_MS, SCENARIO_CHOICES, ScenarioOverrides, decodeSimulatorConfig } from "../cli/simulatorConfig";
import { UsageError } from "../cli/usageError";
import { asFound, ontapEnvironment } from "../simulator";
import { defaultScenario } from "../simulator/scenario";

const noFiles = (file: string): string => {
  throw new Error(`no file ${file} in this test`);
};

// ---------------------------------------------------------------------------------------------------------
// The command line

const accepted: { args: string[]; expected: SimulatorCommand }[] = [
  { args: [], expected: { clusters: [{}] } },
  { args: ["--clusters", "3"], expected: { clusters: [{}, {}, {}] } },
  { args: ["--version", "9.8.0"], expected: { clusters: [{ version: "9.8.0" }] } },
  { args: ["--clusters=2", "--version=9.10.1"], expected: { clusters: [{ version: "9.10.1" }, { version: "9.10.1" }] } },
  { args: ["--version", "9.8.0,9.16.1"], expected: { clusters: [{ version: "9.8.0" }, { version: "9.16.1" }] } },
  { args: ["--version", "9.8.0", "--version", "9.11.1"], expected: { clusters: [{ version: "9.8.0" }, { version: "9.11.1" }] } },
  { args: ["--as-found"], expected: { clusters: [{ security: asFound() }] } },
  {
    args: ["--port", "40000", "--write-env", "sim.env", "--request-log", "requests.json"],
    expected: { clusters: [{}], port: 40000, envFile: "sim.env", requestLog: "requests.json" },
  },
];

for (const { args, expected } of accepted) {
  test(`simulator ${args.join(" ") || "(no options)"} is read as asked`, (t) => {
    t.deepEqual(parseSimulatorArgs(args, noFiles), expected);
  });
}

const refused: { args: string[]; option: string; message: RegExp }[] = [
  { args: ["--clusters", "0"], option: "--clusters", message: /--clusters must be an integer from 1 to 1000, got "0"/ },
  { args: ["--clusters", "2.5"], option: "--clusters", message: /got "2.5"/ },
  { args: ["--clusters", String(MAX_CLUSTERS + 1)], option: "--clusters", message: /from 1 to 1000/ },
  { args: ["--port", "70000"], option: "--port", message: /--port must be an integer from 1 to 65535, got "70000"/ },
  { args: ["--port", "65535", "--clusters", "2"], option: "--port", message: /no room for 2 clusters/ },
  { args: ["--version", "8.3.0"], option: "--version", message: /--version: version "8.3.0" has no REST API/ },
  { args: ["--version", "latest"], option: "--version", message: /"latest" is not of the form 9.16.1; known versions: 9.6.0/ },
  { args: ["--clusters", "3", "--version", "9.8.0,9.10.1"], option: "--clusters", message: /--clusters 3 but 2 releases/ },
  { args: ["--as-found", "--version", "9.8.0"], option: "--as-found", message: /fields that ONTAP 9.8.0 lacks; use --version 9.10.1 or later/ },
  { args: ["--config", "c.json", "--clusters", "2"], option: "--clusters", message: /cannot be combined with --config/ },
  { args: ["--env-file", "x"], option: "", message: /Unknown option '--env-file'/ },
  { args: ["extra"], option: "", message: /Unexpected argument 'extra'/ },
];

for (const { args, option, message } of refused) {
  test(`simulator ${args.join(" ")} is refused, naming ${option || "the line"}`, (t) => {
    const error = t.throws(() => parseSimulatorArgs(args, noFiles), { instanceOf: UsageError, message });
    t.is(error?.option, option);
  });
}

test("--help is answered without starting anything", (t) => {
  t.is(parseSimulatorArgs(["--help"], noFiles), "help");
  t.is(parseSimulatorArgs(["-h", "--clusters", "2"], noFiles), "help");
});

test("--config gives each cluster its release, settings and faults", (t) => {
  const config = {
    clusters: [
      { version: "9.8.0", name: "old", security: { fips: { enabled: true } }, scenario: { failNextJobs: { count: 1, code: 5, message: "no" } } },
      { uuid: "0f0e0d0c-0000-4000-8000-000000000001", security: { management_protocols: { telnet_enabled: true } }, scenario: { jobDurationMs: 2000 } },
    ],
  };
  t.deepEqual(parseSimulatorArgs(["--config", "sim.json"], (file) => (file === "sim.json" ? JSON.stringify(config) : noFiles(file))), {
    clusters: config.clusters,
  });
});

const badConfigs: { json: unknown; problems: string[] }[] = [
  { json: {}, problems: ["clusters: got undefined, expected Array<Cluster>"] },
  { json: { clusters: [] }, problems: ["clusters: got [], expected at least one cluster"] },
  { json: { clusters: [{ version: 9.8 }] }, problems: ["clusters[0].version: got 9.8, expected string"] },
  { json: { clusters: [{ security: { fips: { enabled: "yes" } } }] }, problems: ['clusters[0].security.fips.enabled: got "yes", expected boolean'] },
  {
    json: { clusters: [{ security: { tls: { protocol_versions: "TLSv1.2" } } }] },
    problems: ['clusters[0].security.tls.protocol_versions: got "TLSv1.2", expected Array<string>'],
  },
  { json: { clusters: [{ scenario: { jobDurationMs: -1 } }] }, problems: [`clusters[0].scenario.jobDurationMs: got -1, expected DurationMs (a whole number of milliseconds, 0 to ${MAX_DURATION_MS})`] },
  { json: { clusters: [{ scenario: { failedJobAnswer: "eror" } }] }, problems: ['clusters[0].scenario.failedJobAnswer: got "eror", expected "error" | "job"'] },
  { json: { clusters: [{ colour: "red" }] }, problems: ["clusters[0].colour: unknown key; allowed: version, name, uuid, security, scenario"] },
  {
    json: { clusters: [{ security: { management_protocols: { rlogin_enabled: false } } }] },
    problems: ["clusters[0].security.management_protocols.rlogin_enabled: unknown key; allowed: rsh_enabled, telnet_enabled"],
  },
  { json: { clusters: [{ scenario: { slow: true } }] }, problems: [/^clusters\[0\]\.scenario\.slow: unknown key; allowed: jobDurationMs, /.source] },
];

for (const { json, problems } of badConfigs) {
  test(`a --config of ${JSON.stringify(json)} is refused with the path, the value and what is allowed`, (t) => {
    const decoded = decodeSimulatorConfig(json);
    if (!isLeft(decoded)) return t.fail("accepted");
    t.is(decoded.left.length, problems.length, decoded.left.join("\n"));
    problems.forEach((expected, i) => (expected.startsWith("^") ? t.regex(decoded.left[i] as string, new RegExp(expected)) : t.is(decoded.left[i], expected)));
  });
}

test("a --config file that is not JSON names the file", (t) => {
  t.throws(() => parseSimulatorArgs(["--config", "sim.json"], () => "{ clusters: "), { instanceOf: UsageError, message: /^--config sim\.json: .*JSON/ });
});

test("--config knows every scenario switch the simulator has, and the values of those that take a string", (t) => {
  const defaults = defaultScenario();
  t.deepEqual(Object.keys(ScenarioOverrides.type.props).sort(), [...new Set([...Object.keys(defaults), "failNextJobs"])].sort());
  for (const [name, value] of Object.entries(defaults)) {
    if (typeof value === "string") t.true(SCENARIO_CHOICES[name]?.includes(value), `SCENARIO_CHOICES lists ${name} and its default "${value}"`);
  }
  t.true(isRight(decodeSimulatorConfig({ clusters: [{ scenario: defaultScenario({ failNextJobs: { count: 2, code: 1, message: "m" } }) }] })));
});

test("the command's table lists simulator, and its usage names every subcommand", (t) => {
  t.true("simulator" in SUBCOMMANDS);
  for (const name of Object.keys(SUBCOMMANDS)) t.regex(usage(), new RegExp(`^  ${name} `, "m"));
});

test("ontapEnvironment points at the cluster asked for, and refuses one that is not there", (t) => {
  const sim = { clusters: [{ host: "127.0.0.1:1" }, { host: "127.0.0.1:2" }], caCertificate: "pem", username: "u", password: "p" };
  t.is(ontapEnvironment(sim, 1).ONTAP_HOST, "127.0.0.1:2");
  t.throws(() => ontapEnvironment(sim, 2), { instanceOf: RangeError, message: /no cluster at index 2; it has 2 \(0 to 1\)/ });
});

// ---------------------------------------------------------------------------------------------------------
// What a careless or hostile --config holds

const hostile: { what: string; json: string; problems: string[] }[] = [
  {
    what: "a __proto__ key",
    json: '{"clusters":[{"__proto__":{"version":"9.8.0"}}]}',
    problems: ['clusters[0].__proto__: unknown key; allowed: version, name, uuid, security, scenario'],
  },
  {
    what: "a constructor key",
    json: '{"clusters":[{"scenario":{"constructor":{"name":"x"}}}]}',
    problems: [/^clusters\[0\]\.scenario\.constructor: unknown key; allowed: jobDurationMs, /.source],
  },
  {
    what: "a prototype key in a settings group",
    json: '{"clusters":[{"security":{"fips":{"prototype":true}}}]}',
    problems: ["clusters[0].security.fips.prototype: unknown key; allowed: enabled"],
  },
  {
    what: "a __proto__ key at the top",
    json: '{"clusters":[{}],"__proto__":{"clusters":[]}}',
    problems: ['__proto__: unknown key; allowed: clusters'],
  },
  {
    what: "a misspelt key inside a transport fault",
    json: '{"clusters":[{"scenario":{"transportFaults":[{"kind":"hang","cuont":1}]}}]}',
    problems: [
      "clusters[0].scenario.transportFaults[0].cuont: unknown key; allowed: kind, method, path, count, status, location, retryAfter, afterWork, intervalMs, bytes, declareLength",
    ],
  },
  {
    what: "a misspelt key inside failNextJobs",
    json: '{"clusters":[{"scenario":{"failNextJobs":{"count":1,"code":5,"message":"m","mesage":"m"}}}]}',
    problems: ['clusters[0].scenario.failNextJobs.mesage: unknown key; allowed: count, code, message'],
  },
  {
    what: "a duration of 1e300 ms",
    json: '{"clusters":[{"scenario":{"jobDurationMs":1e300}}]}',
    problems: [`clusters[0].scenario.jobDurationMs: got 1e+300, expected DurationMs (a whole number of milliseconds, 0 to ${MAX_DURATION_MS})`],
  },
  {
    what: "a duration one past what setTimeout takes",
    json: `{"clusters":[{"scenario":{"latencyMs":${MAX_DURATION_MS + 1}}}]}`,
    problems: [`clusters[0].scenario.latencyMs: got ${MAX_DURATION_MS + 1}, expected DurationMs (a whole number of milliseconds, 0 to ${MAX_DURATION_MS})`],
  },
  {
    what: "a transport fault's interval too long to time",
    json: '{"clusters":[{"scenario":{"transportFaults":[{"kind":"drip","intervalMs":1e12}]}}]}',
    problems: [`clusters[0].scenario.transportFaults[0].intervalMs: got 1000000000000, expected DurationMs (a whole number of milliseconds, 0 to ${MAX_DURATION_MS})`],
  },
  {
    what: "a fractional duration",
    json: '{"clusters":[{"scenario":{"jobExpiryMs":0.5}}]}',
    problems: [`clusters[0].scenario.jobExpiryMs: got 0.5, expected DurationMs (a whole number of milliseconds, 0 to ${MAX_DURATION_MS})`],
  },
  {
    what: "a count past what arithmetic keeps exact",
    json: '{"clusters":[{"scenario":{"serverErrors":1e300}}]}',
    problems: [`clusters[0].scenario.serverErrors: got 1e+300, expected NonNegativeInteger (0 to ${Number.MAX_SAFE_INTEGER})`],
  },
  {
    what: "a status no HTTP server can send",
    json: '{"clusters":[{"scenario":{"transportFaults":[{"kind":"redirect","status":1000}]}}]}',
    problems: ["clusters[0].scenario.transportFaults[0].status: got 1000, expected HttpStatus (100 to 599)"],
  },
  {
    what: "a bad value and a misspelt key at once",
    json: '{"clusters":[{"scenario":{"latencyMs":-1,"latencyMS":5}}]}',
    problems: [
      `clusters[0].scenario.latencyMs: got -1, expected DurationMs (a whole number of milliseconds, 0 to ${MAX_DURATION_MS})`,
      /^clusters\[0\]\.scenario\.latencyMS: unknown key; allowed: /.source,
    ],
  },
];

for (const { what, json, problems } of hostile) {
  test(`a --config with ${what} is refused with the path, the value and what is allowed`, (t) => {
    const decoded = decodeSimulatorConfig(JSON.parse(json));
    if (!isLeft(decoded)) return t.fail("accepted");
    t.is(decoded.left.length, problems.length, decoded.left.join("\n"));
    problems.forEach((expected, i) => (expected.startsWith("^") ? t.regex(decoded.left[i] as string, new RegExp(expected)) : t.is(decoded.left[i], expected)));
    t.is(({} as Record<string, unknown>).version, undefined, "nothing reached Object.prototype");
    const error = t.throws(() => parseSimulatorArgs(["--config", "sim.json"], () => json), { instanceOf: UsageError });
    t.is(error?.option, "--config", "the command exits 2 naming --config");
    t.true(error?.message.includes(decoded.left[0] as string));
  });
}

test("the longest duration Node can time, and zero, are accepted", (t) => {
  const scenario = { jobDurationMs: MAX_DURATION_MS, latencyMs: 0, transportFaults: [{ kind: "drip", intervalMs: MAX_DURATION_MS, status: 599 }] };
  t.true(isRight(decodeSimulatorConfig({ clusters: [{ scenario }] })));
});

test("a credentials file given as --config is refused without a word of its secrets", (t) => {
  const secret = "hunter2-Secret-9f3";
  for (const text of [`ONTAP_PASSWORD=${secret}\n`, `{"password": ${secret}}`, `{"password": "${secret}"}`, `{"clusters": [{"password": "${secret}"}]}`, `"${secret}"`]) {
    const error = t.throws(() => parseSimulatorArgs(["--config", "creds"], () => text), { instanceOf: UsageError });
    for (const part of [secret, secret.slice(0, 6), secret.slice(-6)]) t.false(error?.message.includes(part), `${text}: ${error?.message}`);
  }
});
