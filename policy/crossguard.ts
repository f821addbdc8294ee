/**
 * The baseline's rules as Pulumi CrossGuard policies (pack.ts serves them). Every rule is one policy (one
 * name, one enforcement level, one config entry) with two checks: the program's arguments as each
 * resource is registered, and the settings each cluster reported, over the whole stack once the deployment's steps are planned. The second is what catches a cluster that has
 * drifted below the baseline in a setting the program does not manage (`pulumi preview --refresh`), and
 * a cluster an update left below it. In a preview Pulumi stands the program's values in for the outputs
 * of a resource that will be created or updated; those are left to the first check.
 */
import type { ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { RESOURCE_TOKEN } from "../provider/plugin/token";
import { CLUSTER_SECURITY_TYPE } from "../provider/resourceType";
import { BaselineRule, ClusterLabel, SettingsView, Source, configProblems, configSchema, ruleConfig, violationMessage } from "./baseline";

/** The types judged alike: the dynamic resource's and the provider plugin's (same inputs, same outputs). */
export const CLUSTER_SECURITY_TYPES: ReadonlySet<string> = new Set([CLUSTER_SECURITY_TYPE, RESOURCE_TOKEN]);

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

/**
 * Reports what `rule` finds in one resource's props. A rule reads odd shapes without throwing; should
 * one throw all the same, the policy reports that it could not judge (a violation at its level) rather
 * than let CrossGuard print a stack trace beside a pass.
 */
function report(rule: BaselineRule, config: unknown, props: Record<string, unknown>, name: string, source: Source, violation: (message: string) => void): void {
  try {
    for (const shortfall of rule.check(props as SettingsView, ruleConfig(rule, config), source)) {
      violation(violationMessage(label(name, props), source, shortfall));
    }
  } catch (error) {
    violation(`ClusterSecurity "${name}": not judged: ${rule.name} failed on these settings (${error instanceof Error ? error.message : String(error)}).`);
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
      if (!CLUSTER_SECURITY_TYPES.has(args.type)) return;
      report(rule, args.getConfig<object>(), args.props, args.name, "program", (message) => reportViolation(message));
    },
    validateStack: (args, reportViolation: ReportViolation) => {
      const config = args.getConfig<object>();
      // An invalid config is reported once per resource by the resource check; here it would only repeat.
      if (configProblems(rule, config).length > 0) return;
      for (const resource of args.resources) {
        if (!CLUSTER_SECURITY_TYPES.has(resource.type)) continue;
        // Only the provider sets `cluster`. Without it these are the program's values standing in for
        // outputs (a create or update in a preview), which the resource check has judged already.
        if (!isReported(resource.props)) continue;
        report(rule, config, resource.props, resource.name, "cluster", (message) => reportViolation(message, resource.urn));
      }
    },
  };
}
