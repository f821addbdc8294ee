/**
 * The baseline's rules as Pulumi CrossGuard policies (pack.ts serves them). Every rule is one policy (one
 * name, one enforcement level, one config entry) with two checks: the program's arguments as each
 * resource is registered, and the settings each cluster reported, over the whole stack once the deployment's steps are planned. The second is what catches a cluster that has
 * drifted below the baseline in a setting the program does not manage (`pulumi preview --refresh`), and
 * a cluster an update left below it. In a preview Pulumi stands the program's values in for the outputs
 * of a resource that will be created or updated; those are left to the first check.
 */
import type { ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { BaselineRule, ClusterLabel, SettingsView, Source, configSchema, ruleConfig, violationMessage } from "./baseline";

/** The type Pulumi gives `ClusterSecurity` (a dynamic resource of module `ontap`). */
export const CLUSTER_SECURITY_TYPE = "pulumi-nodejs:dynamic/ontap:ClusterSecurity";

/**
 * Reads a property that may be unknown in a preview: CrossGuard's props throw on unknown values, and a
 * label is not worth giving up the check for.
 */
function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function label(name: string, props: Record<string, unknown>): ClusterLabel {
  const host = known(() => props.host);
  const cluster = known(() => (props.cluster as { name?: unknown } | undefined)?.name);
  return {
    resource: name,
    ...(typeof cluster === "string" ? { cluster } : {}),
    ...(typeof host === "string" ? { host } : {}),
  };
}

/** Whether a resource's outputs came from the cluster: the provider always sets `cluster`. */
export function isReported(props: Record<string, unknown>): boolean {
  const cluster = known(() => props.cluster) as { name?: unknown } | undefined;
  return typeof cluster === "object" && cluster !== null && typeof known(() => cluster.name) === "string";
}

function report(rule: BaselineRule, config: Record<string, unknown>, props: Record<string, unknown>, name: string, source: Source, violation: (message: string) => void): void {
  for (const shortfall of rule.check(props as SettingsView, ruleConfig(rule, config), source)) {
    violation(violationMessage(label(name, props), source, shortfall));
  }
}

/** The CrossGuard policy for one rule: both checks under the rule's name, level and config. */
export function baselinePolicy(rule: BaselineRule): ResourceValidationPolicy & StackValidationPolicy {
  return {
    name: rule.name,
    description: `${rule.description} (${rule.reference})`,
    enforcementLevel: rule.enforcementLevel,
    configSchema: configSchema(rule),
    validateResource: (args, reportViolation: ReportViolation) => {
      if (args.type !== CLUSTER_SECURITY_TYPE) return;
      report(rule, args.getConfig<Record<string, unknown>>(), args.props, args.name, "program", (message) => reportViolation(message));
    },
    validateStack: (args, reportViolation: ReportViolation) => {
      const config = args.getConfig<Record<string, unknown>>();
      for (const resource of args.resources) {
        if (resource.type !== CLUSTER_SECURITY_TYPE) continue;
        // Only the provider sets `cluster`. Without it these are the program's values standing in for
        // outputs (a create or update in a preview), which the resource check has judged already.
        if (!isReported(resource.props)) continue;
        report(rule, config, resource.props, resource.name, "cluster", (message) => reportViolation(message, resource.urn));
      }
    },
  };
}
