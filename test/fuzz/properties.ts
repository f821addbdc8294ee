/**
 * The properties that hold for ANY input, checked with fast-check: `npm test` runs each with a fixed
 * seed and a few hundred cases (test/properties.test.ts); `npm run fuzz` runs each with 100,000 or more
 * (test/fuzz/main.ts) and prints the figures.
 */
import fc from "fast-check";
import { validateInputs } from "../../provider/lifecycle/check";
import { caCertificateProblem, resolveConnection } from "../../provider/lifecycle/connection";
import { diffResource } from "../../provider/lifecycle/diff";
import { createProvider } from "../../provider/provider";
import { ClusterWire, JobWire, SecurityWire } from "../../provider/ontap/codecs";
import { decodeResponse } from "../../provider/ontap/decode";
import { baseUrlOf } from "../../provider/ontap/host";
import { OntapTransport } from "../../provider/ontap/transport";
import { redactHost } from "../../provider/ontap/redact";

/** One named property; `make` builds it fresh for each run. */
export interface NamedProperty {
  readonly name: string;
  readonly make: () => Parameters<typeof fc.check>[0];
}

/**
 * A secret as a password could be: any printable text, including the characters that break URL
 * parsing (`#`, `%`, `/`, `?`, `@`, `:`), framed by a marker so that it cannot occur by chance in the
 * rest of a message.
 */
const secretArb = fc
  .string({ unit: fc.constantFrom(..."abcXYZ019#%/?@:;!$&'()*+,=~[]{}\\\"<> éß\u00a0".split("")), minLength: 1, maxLength: 24 })
  .map((middle) => `Qx7${middle}7xQ`);

const nameArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}(\.[a-z0-9-]{1,10}){0,2}$/);
const portArb = fc.oneof(
  fc.constant(""),
  fc.integer({ min: 1, max: 65535 }).map((p) => `:${p}`),
  fc.constantFrom(":0", ":65536", ":99999", ":-1", ":abc", ":", ":443x"),
);
const userArb = fc.oneof(fc.constant(""), fc.stringMatching(/^[a-z][a-z0-9._-]{0,10}$/));
const schemeArb = fc.constantFrom("https://", "http://", "ftp://", "HTTPS://", "ssh://", "", "//", "https:/", "file://");
const tailArb = fc.constantFrom("", "/", "/api", "?x=1", "#frag", "/%zz", " ");

/** A host value with a secret written into it, in every shape users have been seen to write. */
export const hostWithSecretArb = fc
  .record({ scheme: schemeArb, user: userArb, secret: secretArb, name: nameArb, port: portArb, tail: tailArb, shape: fc.nat(2) })
  .map(({ scheme, user, secret, name, port, tail, shape }) => {
    const userinfo = shape === 0 ? `${user}:${secret}` : shape === 1 ? secret : `${secret}:${user}`;
    return { secret, host: `${scheme}${userinfo}@${name}${port}${tail}` };
  });

/** Every spelling of the secret a leak could take: raw, JSON-escaped, URL-encoded. */
export function spellingsOf(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), encodeURI(secret)])];
}

function leaks(text: string, secret: string): boolean {
  return spellingsOf(secret).some((spelling) => text.includes(spelling));
}

/** Any value, BigInts included: a program under mocks or a direct call can pass one. */
const anythingArb = fc.anything({ withBigInt: true });
const record = fc.dictionary(fc.string(), anythingArb);

/** Where a secret can be put by mistake: every argument, a misspelt one, and places inside settings. */
const PLACES = [
  "host", "username", "insecure", "caCertificate", "clientCertificate", "clientKey", "jobTimeoutSeconds", "clientkey", "pasword",
  "fips", "fips.enabled", "tls.protocolVersions.0", "tls.cipherSuites.0", "managementProtocols.rshEnabled", "softwareDataEncryption",
];
const KEY_BEGIN = "-----BEGIN EC PRIVATE KEY-----";
const KEY_END = "-----END EC PRIVATE KEY-----";

/** Sets `a.b.0` in an object, making the objects and lists on the way. */
function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split(".");
  let here: Record<string, unknown> = target;
  keys.slice(0, -1).forEach((key, i) => {
    const next = here[key];
    if (next === null || typeof next !== "object") here[key] = /^\d+$/.test(keys[i + 1] ?? "") ? [] : {};
    here = here[key] as Record<string, unknown>;
  });
  here[keys[keys.length - 1] as string] = value;
}

/** The provider's check with no config and an empty environment: check's failures come before any request. */
const quietProvider = createProvider((config) => ({ config, env: {}, clock: { now: () => 0, sleep: async () => undefined }, log: () => undefined }));

export const PROPERTIES: readonly NamedProperty[] = [
  {
    name: "redactHost leaves no secret written before an @",
    make: () => fc.property(hostWithSecretArb, ({ secret, host }) => !leaks(redactHost(host), secret)),
  },
  {
    name: "host parsing refuses a host with a secret and never quotes it",
    make: () =>
      fc.property(hostWithSecretArb, ({ secret, host }) => {
        try {
          baseUrlOf(host);
          return false;
        } catch (error) {
          return !leaks(`${(error as Error).message} ${JSON.stringify(error)}`, secret);
        }
      }),
  },
  {
    name: "check refuses a host with a secret, naming host, and quotes no secret in any failure",
    make: () =>
      fc.property(hostWithSecretArb, ({ secret, host }) => {
        const failures = validateInputs({}, { host, username: "admin" });
        return failures.some((f) => f.property === "host") && !leaks(JSON.stringify(failures), secret);
      }),
  },
  {
    name: "the provider's check returns no secret in failures, inputs or log lines",
    make: () =>
      fc.asyncProperty(hostWithSecretArb, async ({ secret, host }) => {
        const lines: string[] = [];
        const provider = createProvider((config) => ({
          config,
          env: {},
          clock: { now: () => 0, sleep: async () => undefined },
          log: (line) => lines.push(line),
        }));
        const result = await provider.check({}, { host, username: "admin" });
        return (result.failures ?? []).length > 0 && !leaks(JSON.stringify(result) + lines.join("\n"), secret);
      }),
  },
  {
    name: "a host with a secret from stack config or the environment is refused without quoting it",
    make: () =>
      fc.property(hostWithSecretArb, fc.boolean(), ({ secret, host }, fromEnv) => {
        const env = fromEnv ? { ONTAP_HOST: host, ONTAP_USERNAME: "u", ONTAP_PASSWORD: "p" } : { ONTAP_USERNAME: "u", ONTAP_PASSWORD: "p" };
        const config = { get: (key: string) => (key === "ontap:host" && !fromEnv ? host : undefined) };
        try {
          new OntapTransport(resolveConnection({}, config, env)).close();
          return false;
        } catch (error) {
          return !leaks(`${(error as Error).message} ${JSON.stringify(error)}`, secret);
        }
      }),
  },
  {
    name: "check never throws and always answers a list of failures naming a property",
    make: () =>
      fc.property(fc.oneof(anythingArb, record), fc.oneof(anythingArb, record), (olds, news) => {
        const failures = validateInputs(olds, news);
        return Array.isArray(failures) && failures.every((f) => typeof f.property === "string" && typeof f.reason === "string");
      }),
  },
  {
    name: "a password or a private key put in any argument, or beside one, is never printed with a check failure",
    make: () =>
      fc.asyncProperty(
        secretArb,
        fc.dictionary(fc.constantFrom(...PLACES), fc.constantFrom("password", "key", "key on one line", "key with a certificate", "other"), { minKeys: 1 }),
        async (secret, placed) => {
          const values: Record<string, string> = {
            password: secret,
            key: `${KEY_BEGIN}\n${secret}\n${KEY_END}\n`,
            "key on one line": `${KEY_BEGIN}\\n${secret}\\n${KEY_END}`,
            "key with a certificate": `-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n${KEY_BEGIN}\n${secret}\n${KEY_END}\n`,
            other: "cluster1",
          };
          const news: Record<string, unknown> = { password: secret };
          for (const [place, what] of Object.entries(placed)) setPath(news, place, values[what]);
          const { failures = [] } = await quietProvider.check({}, news);
          // As the engine prints a failure (pulumi pkg/resource/deploy/step_generator.go, issueCheckFailures).
          const printed = failures.map((f) => (f.property === "" ? f.reason : `property ${f.property} value ${JSON.stringify(news[f.property])}: ${f.reason}`));
          return !leaks(printed.join("\n"), secret);
        },
      ),
  },
  {
    name: "check never shows a password's value",
    make: () =>
      fc.property(secretArb, fc.anything(), (secret, other) => {
        const failures = validateInputs({}, { password: secret, host: other, username: other, caCertificate: other });
        return !leaks(JSON.stringify(failures), secret);
      }),
  },
  {
    name: "a caCertificate that is not PEM is a problem, never a throw",
    make: () => fc.property(fc.string({ maxLength: 400 }), (text) => typeof caCertificateProblem(text) === "string"),
  },
  {
    name: "diff never throws, and never replaces",
    make: () =>
      fc.property(fc.oneof(fc.anything(), record), fc.oneof(fc.anything(), record), (olds, news) => {
        const outcome = diffResource(olds as never, news as never);
        return typeof outcome.changes === "boolean" && Array.isArray(outcome.lines);
      }),
  },
  {
    name: "diff of a program against its own outputs shows no change",
    make: () =>
      fc.property(
        fc.record(
          {
            fips: fc.record({ enabled: fc.boolean() }),
            managementProtocols: fc.record({ rshEnabled: fc.boolean(), telnetEnabled: fc.boolean() }),
            softwareDataEncryption: fc.record({ conversionEnabled: fc.boolean(), disabledByDefault: fc.boolean() }),
          },
          { requiredKeys: [] },
        ),
        (settings) => !diffResource({ ...settings, cluster: { uuid: "u", name: "n", version: "9.16.1" } }, settings).changes,
      ),
  },
  {
    name: "decoding any JSON answer yields a value or an error that names what was wrong",
    make: () =>
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), fc.constantFrom(SecurityWire, JobWire, ClusterWire), (body, codec) => {
        const decoded = decodeResponse(codec as never, { method: "GET", url: "https://c/api/x" }, body);
        return decoded._tag === "Right" || decoded.left.problems.length > 0;
      }),
  },
];
