import test from "ava";
import { generateKeyPairSync } from "crypto";
import { UNKNOWN, validateInputs } from "../provider/lifecycle/check";
import { createProvider } from "../provider/provider";
import { systemClock } from "../provider/ontap/clock";

const provider = "exports.handler = …";

const rejected: [string, Record<string, unknown>, string, RegExp][] = [
  ["an unknown argument", { tsl: {} }, "tsl", /tsl is not an argument of ClusterSecurity; the arguments are host, username/],
  ["an unknown setting inside a group", { fips: { enable: true } }, "fips", /fips\.enable is not a setting; fips takes enabled/],
  ["a string where a boolean belongs", { fips: { enabled: "yes" } }, "fips", /^fips\.enabled is "yes"; expected boolean$/],
  ["a number in a protocol list", { tls: { protocolVersions: ["TLSv1.2", 12] } }, "tls", /^tls\.protocolVersions\.1 is 12; expected string$/],
  ["a group that is not an object", { managementProtocols: true }, "managementProtocols", /^managementProtocols is true; expected \{ rshEnabled\?: boolean, telnetEnabled\?: boolean \}$/],
  ["an http:// host", { host: "http://cluster1" }, "host", /uses http; ONTAP's REST API is served over https only/],
  ["a host with a path", { host: "https://cluster1/api" }, "host", /must not have a path/],
  ["a host with credentials", { host: "https://admin:pw@cluster1" }, "host", /contains credentials \(text before an @\); give username and password separately/],
  ["an empty username", { username: " " }, "username", /username is empty/],
  ["a CA that is not PEM", { caCertificate: "abc" }, "caCertificate", /caCertificate has no PEM certificate/],
  [
    "a CA whose PEM block is not a certificate",
    { caCertificate: "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n" },
    "caCertificate",
    /caCertificate has a PEM block that is not a certificate Node can parse \(its certificate: /,
  ],
  ["a username with a colon", { username: "corp:admin" }, "username", /^username contains ":", which HTTP Basic authentication cannot carry/],
  ["an empty host", { host: "" }, "host", /^host is an empty string; give a value, or leave host out to use config ontap:host or ONTAP_HOST$/],
  ["an empty password", { password: "" }, "password", /^password is an empty string/],
  ["an empty caCertificate", { caCertificate: "" }, "caCertificate", /^caCertificate is an empty string/],
  ["an ftp:// host with a password holding #", { host: "ftp://u:p#ss@cluster1:21" }, "host", /^host "ftp:\/\/\*\*\*@cluster1:21" contains credentials/],
  ["a host without scheme with credentials", { host: "u:pw%41@cluster1:1" }, "host", /^host "\*\*\*@cluster1:1" contains credentials/],
  ["a host with an invalid port", { host: "cluster1:99999" }, "host", /is not a host name, IP address or https:\/\/ URL \(with an optional port from 1 to 65535\)/],
  ["a fractional job timeout", { jobTimeoutSeconds: 1.5 }, "jobTimeoutSeconds", /jobTimeoutSeconds is 1.5; allowed: a whole number of seconds from 1 to 604800/],
  ["a zero job timeout", { jobTimeoutSeconds: 0 }, "jobTimeoutSeconds", /from 1 to/],
  ["an unknown protocol version", { tls: { protocolVersions: ["TLSv1.4"] } }, "tls", /tls\.protocolVersions has "TLSv1\.4"; allowed: SSLv3, TLSv1, TLSv1\.1, TLSv1\.2, TLSv1\.3/],
  ["an empty protocol list", { tls: { protocolVersions: [] } }, "tls", /tls\.protocolVersions is empty/],
  [
    "a protocol list with a gap",
    { tls: { protocolVersions: ["TLSv1", "TLSv1.2"] } },
    "tls",
    /leaves out TLSv1\.1, but ONTAP enables every version at or above the lowest one listed \(TLSv1\)/,
  ],
  ["TLSv1 with FIPS on", { fips: { enabled: true }, tls: { protocolVersions: ["TLSv1", "TLSv1.1", "TLSv1.2"] } }, "tls", /tls\.protocolVersions has TLSv1, which ONTAP does not allow while FIPS is on \(TLSv1: error 52428824\); fips\.enabled is true/],
  ["a cipher suite that is not an IANA name", { tls: { cipherSuites: ["aes256"] } }, "tls", /tls\.cipherSuites has "aes256"/],
  ["an empty cipher suite list", { tls: { cipherSuites: [] } }, "tls", /tls\.cipherSuites is empty/],
  ["a duplicated cipher suite", { tls: { cipherSuites: ["TLS_A", "TLS_A"] } }, "tls", /lists a suite twice/],
];

for (const [title, news, property, reason] of rejected) {
  test(`check rejects ${title}, naming the field`, (t) => {
    const failures = validateInputs({}, { __provider: provider, ...news });
    t.true(failures.length > 0, "expected a failure");
    t.is(failures[0].property, property);
    t.regex(failures[0].reason, reason);
  });
}

const accepted: [string, Record<string, unknown>][] = [
  ["no arguments at all", {}],
  ["a full realistic program", {
    host: "https://cluster1.example.com:8443",
    username: "admin",
    password: "secret",
    insecure: false,
    fips: { enabled: true },
    softwareDataEncryption: { conversionEnabled: true, disabledByDefault: false },
    tls: { protocolVersions: ["TLSv1.3", "TLSv1.2"], cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] },
    managementProtocols: { rshEnabled: false, telnetEnabled: false },
    jobTimeoutSeconds: 3600,
  }],
  ["an IPv6 host", { host: "fd20::10" }],
  ["a host with a port", { host: "10.0.0.5:443" }],
  ["values not known yet during preview", { host: UNKNOWN, fips: { enabled: UNKNOWN }, tls: { protocolVersions: [UNKNOWN] }, jobTimeoutSeconds: UNKNOWN }],
  ["a whole group not known yet", { tls: UNKNOWN }],
  ["a single protocol version (ONTAP adds the newer ones)", { tls: { protocolVersions: ["TLSv1.2"] } }],
];

for (const [title, news] of accepted) {
  test(`check accepts ${title}`, (t) => {
    t.deepEqual(validateInputs({}, { __provider: provider, ...news }), []);
  });
}

test("a username with a colon is refused without quoting it: it may be a password pasted by mistake", (t) => {
  const failures = validateInputs({}, { username: "admin:Hunter2-secret" });
  t.is(failures.length, 1);
  t.false(JSON.stringify(failures).includes("Hunter2"));
});

test("inputs the engine could never send are answered with a failure, never a throw", (t) => {
  for (const news of [null, undefined, 42, "host", [], true]) {
    const failures = validateInputs({}, news);
    t.is(failures.length, 1, JSON.stringify(news));
    t.is(failures[0]?.property, "inputs");
  }
  t.deepEqual(validateInputs(null, {}), []);
  t.deepEqual(
    validateInputs({}, { fips: null }).map((f) => f.property),
    ["fips"],
  );
});

test("check refuses to turn conversion from true to false, and says it cannot be undone", (t) => {
  const failures = validateInputs(
    { softwareDataEncryption: { conversionEnabled: true } },
    { softwareDataEncryption: { conversionEnabled: false } },
  );
  t.is(failures.length, 1);
  t.is(failures[0].property, "softwareDataEncryption");
  t.regex(failures[0].reason, /cannot be undone/);
});

test("check lets a program drop conversionEnabled: removing it changes nothing", (t) => {
  t.deepEqual(validateInputs({ softwareDataEncryption: { conversionEnabled: true } }, { softwareDataEncryption: {} }), []);
  t.deepEqual(validateInputs({ softwareDataEncryption: { conversionEnabled: true } }, {}), []);
});

test("check never shows the password's value", (t) => {
  const failures = validateInputs({}, { password: 123456789 });
  t.is(failures.length, 1);
  t.is(failures[0].property, "password");
  t.notRegex(failures[0].reason, /123456789/);
  t.regex(failures[0].reason, /\(hidden\)/);
});

test("check reports every failure at once", (t) => {
  const failures = validateInputs({}, { host: "http://x", jobTimeoutSeconds: -1, tls: { protocolVersions: ["TLSv9"] } });
  t.deepEqual(failures.map((f) => f.property).sort(), ["host", "jobTimeoutSeconds", "tls"]);
});

test("a wrong type inside a group is one failure that shows the leaf value, not the whole group", (t) => {
  t.deepEqual(validateInputs({}, { fips: { enabled: "yes" } }), [{ property: "fips", reason: 'fips.enabled is "yes"; expected boolean' }]);
});

// What the engine prints of a check failure: `property <p> value <v> has a problem: <reason>`, with `v`
// taken from the program's own inputs, or, for a failure without a property, only the reason. So no
// failure may name a property whose value holds a secret; its reason still names the argument in words.

const KEY = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const RSA_KEY = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
/** A certificate block by its shape: enough for what check judges from text alone. */
const CERTIFICATE = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
const oneLine = (pem: string): string => pem.trim().split("\n").join("\\n");
const PASSWORD = "Hunter2-correct-horse";

/** The provider's own check, with no stack config and an empty environment: nothing here reaches a network. */
const providerCheck = createProvider(() => ({ config: undefined, env: {}, clock: systemClock, log: () => undefined })).check;

/** What must never reach the engine's output: the key's body lines and the password. */
function secretsOf(news: Record<string, unknown>): string[] {
  const lines = [KEY, RSA_KEY].flatMap((pem) => pem.split("\n").filter((line) => line.length > 20 && !line.startsWith("-----")));
  return JSON.stringify(news).includes(PASSWORD) ? [...lines, PASSWORD] : lines;
}

/** The text the engine prints for a failure, as `issueCheckFailures` (pkg/resource/deploy/step_generator.go) forms it. */
const printed = (news: Record<string, unknown>, failure: { property: string; reason: string }): string =>
  failure.property === "" ? failure.reason : `property ${failure.property} value ${JSON.stringify(news[failure.property])} has a problem: ${failure.reason}`;

const secretBearing: [string, Record<string, unknown>, RegExp][] = [
  ["a key given as clientCertificate", { clientCertificate: KEY }, /clientCertificate \(from argument\) holds a PEM private key, .* its key as clientKey \(argument clientKey, config ontap:clientKey or ONTAP_CLIENT_KEY\)/],
  ["a key given as clientCertificate and as clientKey", { clientCertificate: KEY, clientKey: KEY }, /clientCertificate \(from argument\) holds a PEM private key/],
  ["certificate and key swapped", { clientCertificate: KEY, clientKey: CERTIFICATE }, /clientCertificate \(from argument\) holds a private key and clientKey \(from argument\) a certificate: the two are swapped/],
  ["a certificate and its key in one PEM as clientCertificate", { clientCertificate: CERTIFICATE + KEY, clientKey: KEY }, /clientCertificate \(from argument\) holds a PEM private key/],
  ["a certificate and an RSA key in one PEM on one line with literal \\n", { clientCertificate: oneLine(CERTIFICATE + RSA_KEY) }, /clientCertificate \(from argument\) holds a PEM private key/],
  ["a key given as caCertificate", { caCertificate: KEY }, /^caCertificate has no PEM certificate/],
  ["a certificate and a key given as caCertificate", { caCertificate: CERTIFICATE + KEY }, /^caCertificate has a PEM block that is not a certificate/],
  ["a key under a misspelt argument", { clientkey: KEY }, /^clientkey is not an argument of ClusterSecurity/],
  ["a password under a misspelt argument", { pasword: PASSWORD }, /^pasword is not an argument of ClusterSecurity/],
  ["a key where a settings group belongs", { fips: KEY }, /^fips is \(hidden\); expected \{ enabled\?: boolean \}$/],
  ["a key inside a settings group", { tls: { protocolVersions: [KEY] } }, /^tls\.protocolVersions has/],
  ["the password given as caCertificate too", { password: PASSWORD, caCertificate: PASSWORD }, /^caCertificate has no PEM certificate/],
  ["user and password joined in username", { username: `admin:${PASSWORD}` }, /^username contains ":"/],
  ["the password as a host", { password: PASSWORD, host: `${PASSWORD}/x` }, /^host .*must not have a path|^host .*is not a host name/],
  ["a key given as the password's type-wrong value", { password: { key: KEY } }, /^password is \(hidden\); expected string$/],
];

for (const [title, news, reason] of secretBearing) {
  test(`check refuses ${title} without the engine printing a secret, naming the argument in words`, async (t) => {
    const { failures = [] } = await providerCheck({}, news);
    t.true(failures.length > 0, "expected a failure");
    t.true(failures.some((failure) => reason.test(failure.reason)), failures.map((f) => f.reason).join("\n"));
    for (const failure of failures) {
      const output = printed(news, failure);
      for (const secret of secretsOf(news)) t.false(output.includes(secret), `a secret would be printed:\n${output}`);
    }
  });
}

const publicValues: [string, Record<string, unknown>, string][] = [
  ["a CA whose one PEM block does not parse", { caCertificate: CERTIFICATE }, "caCertificate"],
  ["a fractional job timeout beside a password", { password: PASSWORD, jobTimeoutSeconds: 1.5 }, "jobTimeoutSeconds"],
  ["an http:// host", { host: "http://cluster1" }, "host"],
  ["an unknown protocol version", { tls: { protocolVersions: ["TLSv1.4"] } }, "tls"],
];

for (const [title, news, property] of publicValues) {
  test(`check still names the property for ${title}: its value holds no secret`, async (t) => {
    const { failures = [] } = await providerCheck({}, news);
    t.deepEqual(failures.map((f) => f.property), [property]);
  });
}

test("a BigInt anywhere in the inputs is a failure that names the field, never a throw", async (t) => {
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ jobTimeoutSeconds: 10n }, "jobTimeoutSeconds", /^jobTimeoutSeconds is 10n \(a BigInt\); expected number$/],
    [{ fips: { enabled: 1n } }, "fips", /^fips\.enabled is 1n \(a BigInt\); expected boolean$/],
    [{ tls: { protocolVersions: ["TLSv1.2", 3n] } }, "tls", /^tls\.protocolVersions\.1 is 3n \(a BigInt\); expected string$/],
    [{ managementProtocols: { rshEnabled: { n: 2n } } }, "managementProtocols", /^managementProtocols\.rshEnabled is \{"n":"2n"\}; expected boolean$/],
    [{ host: 10n }, "host", /^host is 10n \(a BigInt\); expected string$/],
    [{ extra: 1n }, "", /^extra is not an argument of ClusterSecurity/],
  ];
  for (const [news, property, reason] of cases) {
    const { failures = [] } = await providerCheck({}, news);
    t.is(failures.length, 1, JSON.stringify(failures));
    t.is(failures[0]?.property, property);
    t.regex(failures[0]?.reason ?? "", reason);
  }
});
