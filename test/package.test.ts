/**
 * The package's public contract, as a user's program and the provider host load it: by name, through
 * the `exports` map, with declarations.
 */
import test from "ava";
import * as path from "path";
import { existsSync, readFileSync } from "fs";

const root = path.resolve(__dirname, "..", "..");
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  name: string;
  peerDependencies: Record<string, string>;
  exports: Record<string, { types: string; default: string }>;
};
/** Resolves the package by name from examples/, where programs (and the provider host) resolve it. */
const fromExamples = (specifier: string): string => require.resolve(specifier, { paths: [path.join(root, "examples")] });

test("the package loads by name with ClusterSecurity and every error class", (t) => {
  const main = require(fromExamples("pulumi-ontap-security")) as Record<string, unknown>;
  for (const name of [
    "ClusterSecurity",
    "ClusterSecurityError",
    "ConnectionConfigError",
    "UnsupportedSettingError",
    "IrreversibleConversionError",
    "ClusterIdentityError",
    "ConflictingSettingsError",
    "PartialUpdateError",
    "SecurityJobInProgressError",
    "OntapSecurityError",
    "OntapError",
    "OntapInvalidHostError",
    "OntapUnsupportedReleaseError",
    "OntapApiError",
    "OntapNetworkError",
    "OntapBodyStalledError",
    "OntapCertificateError",
    "OntapClientCertificateRefusedError",
    "OntapDecodeError",
    "OntapNotAppliedError",
    "OntapJobFailedError",
    "OntapJobTimeoutError",
    "OntapJobLostError",
    "OntapJobUnreachableError",
    "OntapRedirectError",
    "OntapResponseTooLargeError",
    "OntapDeadlineError",
    "OntapPatchOutcomeUnknownError",
  ]) {
    t.is(typeof main[name], "function", name);
  }
});

test("the implementation the serialized provider requires is reachable by name, with all seven methods", (t) => {
  const { provider } = require(fromExamples("pulumi-ontap-security/provider")) as { provider: Record<string, unknown> };
  t.deepEqual(Object.keys(provider).sort(), ["check", "configure", "create", "delete", "diff", "read", "update"]);
});

test("every export has its type declarations", (t) => {
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target === "string") continue;
    t.true(existsSync(path.join(root, target.types)), `${subpath}: ${target.types}`);
    t.true(existsSync(path.join(root, target.default)), `${subpath}: ${target.default}`);
  }
});

test("the @pulumi/pulumi peer range admits the tested SDK and every later 3.x release, and no 4.x", (t) => {
  const semver = require("semver") as { satisfies(version: string, range: string): boolean; subset(sub: string, range: string): boolean };
  const range = manifest.peerDependencies["@pulumi/pulumi"];
  // The SDK the tests ran with is the one installed, whatever its version.
  const tested = (require("@pulumi/pulumi/package.json") as { version: string }).version;
  t.true(semver.subset(`>=${tested} <4.0.0-0`, range), `${range} admits ${tested} and every later 3.x`);
  t.false(semver.satisfies("4.0.0", range), range);
});

test("engines admits the Node.js releases CI runs the suite on (the floor and the ceiling), and no release outside them", (t) => {
  const semver = require("semver") as { satisfies(version: string, range: string): boolean };
  const range = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
  for (const version of ["20.20.2", "22.12.0", "24.19.0"]) t.true(semver.satisfies(version, range), `${version} in ${range}`);
  for (const version of ["18.20.0", "20.19.0", "25.0.0"]) t.false(semver.satisfies(version, range), `${version} in ${range}`);
});
