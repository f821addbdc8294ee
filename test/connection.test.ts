import test from "ava";
import { resolveConnection } from "../provider/lifecycle/connection";
import { validateInputs } from "../provider/lifecycle/check";
import { simulatorCertificate } from "../simulator/certificate";
import { ConnectionConfigError } from "../provider/lifecycle/errors";
import { preflight } from "../provider/lifecycle/preflight";

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

test("an argument wins over stack config, and stack config over the environment", (t) => {
  const env = { ONTAP_HOST: "env-host", ONTAP_USERNAME: "env-user", ONTAP_PASSWORD: "env-pw", ONTAP_INSECURE: "true" };
  const stack = config({ "ontap:host": "config-host", "ontap:username": "config-user" });
  t.deepEqual(resolveConnection({ host: "arg-host" }, stack, env), {
    host: "arg-host",
    username: "config-user",
    password: "env-pw",
    insecure: true,
  });
});

test("empty config values fall through to the environment", (t) => {
  const resolved = resolveConnection({}, config({ "ontap:host": "" }), { ONTAP_HOST: "h", ONTAP_USERNAME: "u", ONTAP_PASSWORD: "p" });
  t.is(resolved.host, "h");
});

test("an empty argument is refused, as check refuses it, rather than silently replaced by config", (t) => {
  const error = t.throws(() => resolveConnection({ host: "" }, config({ "ontap:host": "other-cluster" }), { ONTAP_USERNAME: "u", ONTAP_PASSWORD: "p" }), {
    instanceOf: ConnectionConfigError,
  });
  t.deepEqual(error?.failures.map((f) => f.property), ["host"]);
  t.regex(error?.message ?? "", /^host is an empty string/);
});

test("a username with a colon from config is refused, naming username", (t) => {
  const error = t.throws(() => resolveConnection({}, config({ "ontap:host": "h", "ontap:username": "a:b", "ontap:password": "p" }), {}), {
    instanceOf: ConnectionConfigError,
  });
  t.deepEqual(error?.failures.map((f) => f.property), ["username"]);
});

test("a CA certificate is accepted as PEM and in its one-line form with literal \\n, and reaches the transport as PEM", async (t) => {
  const { caCertificate } = await simulatorCertificate();
  const oneLine = caCertificate.trim().split("\n").join("\\n");
  t.false(oneLine.includes("\n"));
  for (const text of [caCertificate, oneLine]) {
    t.deepEqual(validateInputs({}, { caCertificate: text }), []);
    const resolved = resolveConnection({}, config({ "ontap:host": "h", "ontap:username": "u", "ontap:password": "p", "ontap:caCertificate": text }), {});
    t.is(resolved.caCertificate?.trim(), caCertificate.trim());
  }
  const error = t.throws(() => resolveConnection({}, { get: () => undefined }, { ONTAP_HOST: "h", ONTAP_USERNAME: "u", ONTAP_PASSWORD: "p", ONTAP_CA_CERTIFICATE: "not pem" }), {
    instanceOf: ConnectionConfigError,
  });
  t.deepEqual(error?.failures.map((f) => f.property), ["caCertificate"]);
});

const insecure: [string, boolean][] = [["true", true], ["1", true], ["yes", true], ["false", false], ["0", false], ["NO", false]];
for (const [text, value] of insecure) {
  test(`insecure ${JSON.stringify(text)} from config means ${value}`, (t) => {
    t.is(resolveConnection({}, config({ "ontap:host": "h", "ontap:username": "u", "ontap:password": "p", "ontap:insecure": text }), {}).insecure, value);
  });
}

test("a bad insecure value names the keys and what is allowed", (t) => {
  t.throws(() => resolveConnection({}, undefined, { ONTAP_HOST: "h", ONTAP_USERNAME: "u", ONTAP_PASSWORD: "p", ONTAP_INSECURE: "maybe" }), {
    instanceOf: ConnectionConfigError,
    message: 'insecure is "maybe" (from ontap:insecure or ONTAP_INSECURE); allowed: true or false',
  });
});

test("a missing password is named with every place it may come from, and nothing else is shown", (t) => {
  const error = t.throws(() => resolveConnection({ host: "h", username: "u" }, undefined, {}), { instanceOf: ConnectionConfigError });
  t.deepEqual(error?.missing, ["password"]);
  t.is(
    error?.message,
    "no password (argument, config ontap:password or ONTAP_PASSWORD): the provider cannot reach the cluster without it (or, instead of a password, a clientCertificate and its clientKey)",
  );
});

test("a preview against a cluster that does not answer fails on host, saying why", async (t) => {
  const failures = await preflight(
    { fips: { enabled: true } },
    {
      // Port 9 (discard) on loopback: nothing listens there, so the connection is refused at once.
      config: config({ "ontap:host": "127.0.0.1:9", "ontap:username": "u", "ontap:password": "secret-pw" }),
      env: {},
      clock: { now: Date.now, sleep: async () => undefined },
      log: () => undefined,
      transport: { retryDelayMs: 1 },
    },
  );
  t.is(failures.length, 1);
  t.is(failures[0].property, "host");
  t.regex(failures[0].reason, /^cannot check the cluster: GET https:\/\/127\.0\.0\.1:9\/api\/cluster\?fields=version%2Cname%2Cuuid failed: .*ECONNREFUSED/);
  t.notRegex(failures[0].reason, /secret-pw/);
});
