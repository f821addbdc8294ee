/**
 * The package's public contract, as a user's program and the provider host load it: by name, through
 * the `exports` map, with declarations.
 */
import test from "ava";
import * as path from "path";
import { existsSync, readFileSync } from "fs";
import { relativeRequires } from "../scripts/test-fast";

const root = path.resolve(__dirname, "..", "..");
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  name: string;
  license: string;
  homepage: string;
  repository: { type: string; url: string };
  bugs: { url: string };
  files: string[];
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
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

/** The built modules a built module reaches through relative requires, itself included. */
function reached(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    pending.push(...relativeRequires(file));
  }
  return [...seen];
}

test("@pulumi/policy is an optional peer: no export and no command reaches it, only the policy pack itself", (t) => {
  t.true(manifest.peerDependenciesMeta["@pulumi/policy"]?.optional, "optional in peerDependenciesMeta");
  t.truthy(manifest.peerDependencies["@pulumi/policy"]);
  t.false("@pulumi/policy" in manifest.dependencies, "not installed for every user");
  t.is(manifest.devDependencies["@pulumi/policy"], manifest.peerDependencies["@pulumi/policy"], "the tests use the range users are told");
  const entries = [
    ...Object.values(manifest.exports).flatMap((target) => (typeof target === "string" || !target.default.endsWith(".js") ? [] : [target.default])),
    ...Object.values(manifest.bin).filter((file) => file.endsWith(".js")),
  ].map((file) => path.join(root, file));
  t.true(entries.length >= 4, entries.join(", "));
  for (const entry of entries) {
    const needing = reached(entry).filter((file) => /\brequire\("@pulumi\/policy"\)/.test(readFileSync(file, "utf8")));
    t.deepEqual(needing.map((file) => path.relative(root, file)), [], `${path.relative(root, entry)} reaches @pulumi/policy`);
  }
  const pack = reached(path.join(root, "build", "policy", "pack.js")).filter((file) => /\brequire\("@pulumi\/policy"\)/.test(readFileSync(file, "utf8")));
  t.deepEqual(pack.map((file) => path.relative(root, file)), [path.join("build", "policy", "pack.js")], "the rule that reads requires still finds the pack's");
});

test("the package says where it lives, its license ships, and the README's links into docs/ work on the registry's page", (t) => {
  const repository = "https://github.com/pulumi-ontap-security/pulumi-ontap-security";
  t.is(manifest.repository.url, `git+${repository}.git`);
  t.is(manifest.homepage, `${repository}#readme`);
  t.is(manifest.bugs.url, `${repository}/issues`);
  t.is(manifest.license, "Apache-2.0");
  const license = readFileSync(path.join(root, "LICENSE"), "utf8");
  t.regex(license, /Apache License\s+Version 2\.0, January 2004/);
  t.regex(license, /END OF TERMS AND CONDITIONS/);
  // npm ships README and LICENSE whatever `files` says; docs/ is not shipped, so links to it are absolute.
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const relative = [...readme.matchAll(/\]\((?!https?:|#|mailto:)([^)\s]+)\)/g)].map((match) => match[1] as string);
  t.deepEqual(relative, [], "relative links in the README are dead on the npm page");
  const docs = [...readme.matchAll(new RegExp(`\\]\\(${repository}/blob/main/([^)#\\s]+)`, "g"))].map((match) => match[1] as string);
  t.true(docs.length > 0, "the README links into the repository");
  for (const file of docs) t.true(existsSync(path.join(root, file)), `the README links to ${file}, which does not exist`);
});
