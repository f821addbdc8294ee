import test from "ava";
import { unknownCheckingProxy } from "@pulumi/policy";
import { BASELINE_RULES } from "../policy/baseline";
import { baselinePolicy } from "../policy/crossguard";
import { CLUSTER_SECURITY_TYPE } from "../provider/resourceType";
import { RESOURCE_TOKEN } from "../provider/plugin/token";

// The provider plugin's resources have the dynamic resource's arguments and outputs under another type
// token: the baseline must judge them alike, in the program's arguments and in what clusters report.

const below = {
  fips: { enabled: false },
  tls: { protocolVersions: ["TLSv1", "TLSv1.1", "TLSv1.2"], cipherSuites: ["TLS_RSA_WITH_RC4_128_MD5"] },
  managementProtocols: { rshEnabled: true, telnetEnabled: true },
  softwareDataEncryption: { conversionEnabled: false, disabledByDefault: true },
};
const reported = { ...below, cluster: { uuid: "u", name: "c1", version: "9.16.1" } };

type Report = (message: string, urn?: string) => void;

function judge(type: string): { program: string[]; cluster: string[] } {
  const program: string[] = [];
  const cluster: string[] = [];
  for (const rule of BASELINE_RULES) {
    const policy = baselinePolicy(rule);
    const args = { type, name: "edge", urn: `urn:pulumi:dev::p::${type}::edge`, props: unknownCheckingProxy(below), getConfig: () => ({}) };
    (policy.validateResource as (args: unknown, report: Report) => void)(args, (message) => program.push(message));
    const stack = { resources: [{ type, name: "edge", urn: "urn:x", props: unknownCheckingProxy(reported) }], getConfig: () => ({}) };
    (policy.validateStack as (args: unknown, report: Report) => void)(stack, (message) => cluster.push(message));
  }
  return { program, cluster };
}

test("the baseline judges the plugin's resources exactly as the dynamic resource's, in arguments and in reported settings", (t) => {
  const dynamic = judge(CLUSTER_SECURITY_TYPE);
  t.true(dynamic.program.length >= BASELINE_RULES.length - 1, dynamic.program.join("\n"));
  t.true(dynamic.cluster.length >= BASELINE_RULES.length - 1, dynamic.cluster.join("\n"));
  t.deepEqual(judge(RESOURCE_TOKEN), dynamic);
});

test("resources of other types are left alone", (t) => {
  t.deepEqual(judge("aws:s3/bucket:Bucket"), { program: [], cluster: [] });
});
