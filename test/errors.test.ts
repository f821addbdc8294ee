/**
 * The error family: one root to catch, only leaf classes exported as throwable, and the lifecycle's
 * Pulumi advice chosen by a table over the ONTAP layer's errors.
 */
import test from "ava";
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import * as api from "../provider";
import * as lifecycleErrors from "../provider/lifecycle/errors";
import { adviceFor, withAdvice } from "../provider/lifecycle/advice";
import { UsageError } from "../cli/usageError";
import { FleetInventoryError } from "../cli/fleetInventory";
import { OntapSecurityError } from "../provider/ontap/ontapError";
import { OntapApiError, OntapRedirectError, OntapResponseTooLargeError } from "../provider/ontap/httpErrors";
import {
  OntapCertificateError,
  OntapClientCertificateRefusedError,
  OntapDeadlineError,
  OntapNetworkError,
  networkErrorOf,
} from "../provider/ontap/networkErrors";
import { OntapDecodeError } from "../provider/ontap/decodeError";
import { OntapJobFailedError, OntapJobLostError, OntapJobTimeoutError, OntapJobUnreachableError } from "../provider/ontap/jobErrors";
import { OntapNotAppliedError, OntapPatchOutcomeUnknownError } from "../provider/ontap/patchOutcomeErrors";
import { PartialUpdateError } from "../provider/lifecycle/errors";

const request = { method: "GET", url: "https://c1/api/cluster" };

/**
 * Everything every module of the ONTAP layer exports: its errors live in several modules, each named
 * after what it exports, and a class added in any of them (or in a new one) must be found here.
 */
function ontapLayerExports(): Record<string, unknown> {
  // Listed from the sources (two folders up), not from build/, where a removed module's output lingers.
  const sources = readdirSync(path.join(__dirname, "..", "..", "provider", "ontap")).filter((name) => name.endsWith(".ts"));
  const built = path.join(__dirname, "..", "provider", "ontap");
  return Object.assign({}, ...sources.map((name) => require(path.join(built, name.replace(/\.ts$/, ""))) as Record<string, unknown>));
}

test("every error class the package exports belongs to the one family, and names itself", (t) => {
  const classes = Object.entries(api).filter(([name]) => name.endsWith("Error"));
  t.true(classes.length >= 15, `${classes.length} error classes exported`);
  for (const [name, value] of classes) {
    const ctor = value as unknown as { prototype: unknown; name: string };
    t.true(ctor === OntapSecurityError || ctor.prototype instanceof OntapSecurityError, `${name} extends OntapSecurityError`);
    t.is(ctor.name, name);
  }
  const error = new OntapNotAppliedError("https://c1/api/security", ["fips.enabled: asked true, cluster has false"]);
  t.is(error.name, "OntapNotAppliedError");
  t.true(error instanceof api.OntapError);
  t.false(error instanceof api.ClusterSecurityError);
});

test("every error class is exported by the package and has its row in the README's errors table", (t) => {
  const readme = readFileSync(path.resolve(__dirname, "..", "..", "README.md"), "utf8");
  const classes = Object.entries({ ...ontapLayerExports(), ...lifecycleErrors }).filter(
    ([name, value]) => typeof value === "function" && name.endsWith("Error"),
  );
  t.true(classes.length > 20, `found only ${classes.map(([name]) => name).join(", ")}`);
  for (const [name, value] of classes) {
    t.is((api as Record<string, unknown>)[name], value, `${name} is exported by the package`);
    const abstract = name === "OntapSecurityError" || name === "OntapError" || name === "ClusterSecurityError";
    if (!abstract) t.regex(readme, new RegExp(`^\\| \`${name}\` \\|`, "m"), `${name} has a row in the README's errors table`);
  }
});

test("a refused certificate is its own kind of network error; other failures stay network errors", (t) => {
  const certificate = Object.assign(new Error("self-signed certificate in certificate chain"), { code: "SELF_SIGNED_CERT_IN_CHAIN" });
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
  t.true(networkErrorOf(request, certificate) instanceof OntapCertificateError);
  t.true(networkErrorOf(request, certificate) instanceof OntapNetworkError, "retried and caught as a network error still");
  t.false(networkErrorOf(request, refused) instanceof OntapCertificateError);
  t.regex(networkErrorOf(request, certificate).message, /^GET https:\/\/c1\/api\/cluster failed: self-signed .*not trusted\.$/);
});

test("a TLS alert about the client certificate is the cluster refusing ours, not a certificate of its we refuse", (t) => {
  for (const code of ["ERR_SSL_TLSV1_ALERT_UNKNOWN_CA", "ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED", "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"]) {
    const alert = networkErrorOf(request, Object.assign(new Error(`alert ${code}`), { code }));
    t.true(alert instanceof OntapClientCertificateRefusedError, code);
    t.false(alert instanceof OntapCertificateError, code);
    t.false(alert.retryable, `${code}: the same certificate meets the same refusal`);
    t.regex(alert.message, /The cluster ended the TLS handshake: it does not accept the client certificate\.$/);
  }
  const handshake = Object.assign(new Error("other alert"), { code: "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION" });
  t.false(networkErrorOf(request, handshake) instanceof OntapCertificateError, "an alert about the protocol is no certificate problem");
  t.false(networkErrorOf(request, handshake) instanceof OntapClientCertificateRefusedError);
});

const job = { uuid: "j1", state: "running", waitedSeconds: 30, url: "https://c1/api/cluster/jobs/j1" };
const adviceTable: [string, unknown, RegExp | undefined][] = [
  ["401", new OntapApiError(request, { status: 401 }), /^Check the username and password \(argument username, config ontap:username or ONTAP_USERNAME; .*ONTAP_PASSWORD\)\.$/],
  ["403", new OntapApiError(request, { status: 403, code: "6" }), /^Give the account that role, or use another \(argument username, config ontap:username or ONTAP_USERNAME\)\.$/],
  ["400 naming a field", new OntapApiError(request, { status: 400, code: "262179", target: "fips.enabled" }), /^Fix fips\.enabled in the program: ONTAP refused its value\.$/],
  ["400 naming a field in ONTAP's spelling", new OntapApiError(request, { status: 400, code: "262179", target: "tls.protocol_versions" }), /^Fix tls\.protocolVersions in the program: ONTAP refused its value\.$/],
  ["400 naming a field the program cannot set", new OntapApiError(request, { status: 400, code: "262179", target: "tls.offload" }), /^Fix the program's value for ONTAP's field tls\.offload: ONTAP refused it\.$/],
  ["404", new OntapApiError(request, { status: 404, code: "3" }), undefined],
  ["500", new OntapApiError(request, { status: 500 }), /^Once the cluster answers again, run 'pulumi up': it waits for any security job still running/],
  ["configuration lock", new OntapApiError(request, { status: 409, code: "2621573" }), /^Once the cluster answers again, run 'pulumi up'/],
  [
    "401 to a client certificate",
    new OntapApiError({ ...request, authentication: "certificate" }, { status: 401 }),
    /^Check clientCertificate \(argument clientCertificate, config ontap:clientCertificate or ONTAP_CLIENT_CERTIFICATE\): .*-type client-ca.*-authentication-method cert'\.$/,
  ],
  [
    "a handshake ended over the client certificate",
    new OntapClientCertificateRefusedError(request, new Error("tlsv1 alert unknown ca"), "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA"),
    /^Check clientCertificate /,
  ],
  ["untrusted certificate", new OntapCertificateError(request, new Error("unable to verify")), /set caCertificate \(argument caCertificate, config ontap:caCertificate or ONTAP_CA_CERTIFICATE\).*insecure/],
  ["refused connection", new OntapNetworkError(request, new Error("ECONNREFUSED")), /^Once the cluster answers again, run 'pulumi up'/],
  ["job timeout", new OntapJobTimeoutError(job), /^Raise jobTimeoutSeconds for slow operations\. Run 'pulumi up' again: it waits for any security job still running/],
  ["job unreachable", new OntapJobUnreachableError("j1", new OntapNetworkError(request, "reset")), /^Once the cluster answers again, run 'pulumi up': it waits for any security job still running/],
  ["deadline", new OntapDeadlineError(request, "waiting", { jobUuid: "j1" }), /^jobTimeoutSeconds bounds the whole update.*Once the cluster answers, run 'pulumi up': it waits for any security job/],
  ["job lost", new OntapJobLostError("j1", ["fips.enabled: asked true, cluster has false"]), /^Run 'pulumi up' again/],
  ["not applied", new OntapNotAppliedError("https://c1/api/security", ["x"], { jobUuid: "j1" }), /^Find out why in the cluster's event log before running 'pulumi up' again\.$/],
  ["lost answer, conversion not sent again", new OntapPatchOutcomeUnknownError(request, new OntapNetworkError(request, "reset"), ["x"]), /^Look at the cluster's jobs and event log .*then run 'pulumi up'/],
  ["job failed", new OntapJobFailedError({ uuid: "j1", code: "1" }), /^Fix what ONTAP reports, then run 'pulumi up' again/],
  ["job failed with a documented code", new OntapJobFailedError({ uuid: "j1", code: "196608081" }), /move the data volumes off/],
  ["a conversion already running", new OntapJobFailedError({ uuid: "j1", code: "196608370" }), /already running .*encryptionState.*wait for it to end, then run 'pulumi up' again/],
  ["decode", new OntapDecodeError(request, "ClusterWire", ["uuid: got 1, expected string"]), undefined],
  ["redirect", new OntapRedirectError(request, 302, "https://***@elsewhere/"), /^Point host \(argument host, config ontap:host or ONTAP_HOST\) at the cluster management address itself/],
  ["too large", new OntapResponseTooLargeError(request, 4 * 1024 * 1024), /^Point host /],
  ["not ours", new Error("boom"), undefined],
];

for (const [condition, error, expected] of adviceTable) {
  test(`advice for ${condition}`, (t) => {
    const advice = adviceFor(error);
    if (expected === undefined) t.is(advice, undefined);
    else t.regex(advice ?? "(none)", expected);
  });
}

test("the ONTAP layer's messages say what happened, without Pulumi's words; the lifecycle adds them", (t) => {
  for (const [, error] of adviceTable) {
    if (error instanceof OntapSecurityError) t.notRegex(error.message, /[Pp]ulumi|ontap:|ONTAP_|jobTimeoutSeconds|caCertificate/, error.name);
  }
  const timeout = new OntapJobTimeoutError(job);
  const what = timeout.message;
  t.is(withAdvice(timeout), timeout, "the same error, class and fields kept");
  t.true(timeout.message.startsWith(`${what} Raise jobTimeoutSeconds`));
  t.is(timeout.advice.length, 1);
  t.true((timeout.stack ?? "").includes("Raise jobTimeoutSeconds"), "the stack's first line shows the advice too");
  t.is(timeout.jobUuid, "j1");
  const plain = new Error("boom");
  t.is(withAdvice(plain), plain);
  t.is(plain.message, "boom");
});

test("a partial update carries the advice that matches its cause", (t) => {
  const timeout = new OntapJobTimeoutError(job);
  const partial = new PartialUpdateError(timeout, "uuid-1", {}, adviceFor(timeout));
  t.regex(partial.message, /State now records the cluster's actual settings\. Raise jobTimeoutSeconds/);
  t.notRegex(partial.message, /refresh/, "the next up waits for the job itself");
  const failed = new PartialUpdateError(new OntapJobFailedError({ uuid: "j1" }), "uuid-1", {}, undefined);
  t.regex(failed.message, /State now records the cluster's actual settings\. Run 'pulumi up' again to finish\.$/);
});

test("the command's errors belong to the one family: a bad command line and an unusable inventory", (t) => {
  const usage = new UsageError("--clusters", "0", "--clusters must be an integer from 1 to 1000, got \"0\"");
  const inventory = new FleetInventoryError("fleet.yaml", ["stacks[0].name: got undefined, expected string"]);
  for (const [error, name] of [[usage, "UsageError"], [inventory, "FleetInventoryError"]] as const) {
    t.true(error instanceof api.OntapSecurityError, name);
    t.is(error.name, name);
  }
  t.is(usage.option, "--clusters");
});
