/**
 * The implementation of the `ClusterSecurity` dynamic provider. Loaded by package name at call time
 * (`require("pulumi-ontap-security/provider")`) from the one-line `__provider` text that
 * `ClusterSecurity.ts` stores in every resource, so refresh and destroy always run the installed code
 * and nothing here is ever written into state.
 */
import type * as pulumi from "@pulumi/pulumi";
import { unprintedSecrets, validateInputs } from "./lifecycle/check";
import { redactHost } from "./ontap/redact";
import { ConfigSource } from "./lifecycle/connection";
import { DiffOutcome, diffResource } from "./lifecycle/diff";
import { ClusterSecurityInputs, ClusterSecurityOutputs } from "./lifecycle/model";
import { LifecycleEnv, createResource, defaultEnv, deleteResource, readResource, updateResource } from "./lifecycle/operations";
import { preflight, preflightKind } from "./lifecycle/preflight";

type Provider = Required<pulumi.dynamic.ResourceProvider<ClusterSecurityInputs, ClusterSecurityOutputs>>;

/** Builds the provider's methods over an environment (tests pass their own clock, env and log). */
export function createProvider(envFor: (config: ConfigSource | undefined) => LifecycleEnv = defaultEnv): Provider {
  let config: ConfigSource | undefined;
  const env = () => envFor(config);
  return {
    async configure(request) {
      config = request.config;
    },
    async check(olds, news) {
      const failures = validateInputs(olds, news);
      // The engine prints a failed property's value from the program's own inputs, so failures never
      // name a property that may hold a credential; the inputs handed back are redacted as well.
      if (failures.length > 0) return { inputs: redactedHostInputs(news), failures: unprintedSecrets(failures, news) };
      const kind = preflightKind(olds, news as Record<string, unknown>);
      // Inputs equal to the last ones: no request at all (see PreflightKind).
      if (kind === "none") return { inputs: news, failures: [] };
      return { inputs: news, failures: unprintedSecrets(await preflight(news, env(), kind), news) };
    },
    async diff(_id, olds, news) {
      // The engine drops detailed diffs of dynamic resources, and a dynamic provider cannot log against
      // its resource: its console is shown under the stack. So the report goes there, cluster by name.
      const outcome = reportedDiff(olds, news, env());
      return { changes: outcome.changes, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs) {
      return createResource(inputs, env());
    },
    async read(id, props) {
      return readResource(id, props ?? {}, env());
    },
    async update(id, _olds, news) {
      return { outs: await updateResource(id, news, env()) };
    },
    async delete(_id, props) {
      deleteResource(props, env());
    },
  };
}

/**
 * Diff as every provider of this package decides it: the lifecycle's outcome, its report logged. The
 * provider plugin turns the same outcome into the engine's detailed diff.
 */
export function reportedDiff(olds: Partial<ClusterSecurityOutputs>, news: ClusterSecurityInputs, env: LifecycleEnv): DiffOutcome {
  const outcome = diffResource(olds, news);
  for (const line of outcome.lines) env.log(line);
  return outcome;
}

function redactedHostInputs(news: ClusterSecurityInputs): ClusterSecurityInputs {
  if (news === null || typeof news !== "object" || typeof news.host !== "string") return news;
  return { ...news, host: redactHost(news.host) };
}

/** The provider the provider host uses: one per process, configured once with the stack's config. */
export const provider: Provider = createProvider();
