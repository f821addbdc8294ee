/**
 * The provider plugin's methods over plain values: a thin adapter from the engine's requests to the
 * same provider `ClusterSecurity` uses (`provider.ts`, over `lifecycle/`). It decides nothing of its
 * own about a cluster: it unwraps and re-wraps secrets, maps the provider's own config onto the config
 * keys the lifecycle reads, turns the lifecycle's diff into the engine's detailed diff, and logs
 * against the resource. `server.ts` puts it on gRPC.
 */
import { CONNECTION_SOURCES, ConfigSource } from "../lifecycle/connection";
import { PartialUpdateError } from "../lifecycle/errors";
import { CONNECTION_KEYS, ClusterSecurityInputs, ClusterSecurityOutputs, SECRET_CONNECTION_KEYS } from "../lifecycle/model";
import { LifecycleEnv, defaultEnv } from "../lifecycle/operations";
import { managedSettings } from "../lifecycle/settings";
import { createProvider, reportedDiff } from "../provider";
import { Props, concealProps, reveal, revealProps } from "./secrets";
import { PACKAGE } from "./token";

/** The connection arguments the provider keeps secret wherever they go: the lifecycle's list. */
export { SECRET_CONNECTION_KEYS };

/**
 * A message of the lifecycle in the plugin's words: the lifecycle names the dynamic resource's config
 * keys (`ontap:host`); the plugin's provider reads the same settings from its own namespace.
 */
export function inPluginWords(text: string): string {
  let out = text;
  for (const key of CONNECTION_KEYS) out = out.split(`config ${CONNECTION_SOURCES[key].config}`).join(`config ${PACKAGE}:${key}`);
  return out;
}

/** Keys the engine itself puts in a provider's inputs. */
const ENGINE_CONFIG_KEYS: readonly string[] = ["version", "pluginDownloadURL"];

/** A property's change as the engine's detailed diff has it. */
export type DiffKind = "add" | "update" | "delete";

/** How one property changes, from its value before and after. */
const kindOf = (before: unknown, after: unknown): DiffKind => (before === undefined ? "add" : after === undefined ? "delete" : "update");

export interface PluginDiff {
  readonly changes: boolean;
  /** Property path (`group.key`, as programs write it) → kind of change. */
  readonly detailedDiff: Readonly<Record<string, DiffKind>>;
}

export interface PluginCheck {
  readonly inputs: Props;
  readonly failures: readonly { property: string; reason: string }[];
}

/** What the plugin needs around it: where a message about a resource goes, and the lifecycle's surroundings. */
export interface PluginOptions {
  /** Reports a message to the person running Pulumi, against the resource when a urn is given. */
  readonly log: (urn: string | undefined, message: string) => void;
  /** The lifecycle's surroundings for one call (tests give their own clock). */
  readonly envFor?: (config: ConfigSource, log: (message: string) => void) => LifecycleEnv;
}

/** Thrown when an update failed part way: the engine records `properties` as the resource's state. */
export class PluginPartialFailure extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
    readonly reasons: readonly string[],
  ) {
    super(message);
    this.name = "PluginPartialFailure";
  }
}

const valueAt = (props: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((at, key) => (at !== null && typeof at === "object" ? (at as Props)[key] : undefined), props);

/** JSON as protobuf's Struct can carry it: no undefined anywhere. */
const definedOnly = (props: Props): Props => JSON.parse(JSON.stringify(props)) as Props;

export class PluginProvider {
  readonly #options: PluginOptions;
  /** The provider's config (its own namespace, or an explicit provider's arguments), plain. */
  #config: Props = {};

  constructor(options: PluginOptions) {
    this.#options = options;
  }

  /** The provider's config as the lifecycle reads config: `ontap:host` is the plugin's `host`. */
  get configSource(): ConfigSource {
    const config = this.#config;
    const keyOf = new Map<string, string>(CONNECTION_KEYS.map((key) => [CONNECTION_SOURCES[key].config, key]));
    return {
      get(name: string): string | undefined {
        const key = keyOf.get(name);
        const value = key === undefined ? undefined : config[key];
        return value === undefined || value === null ? undefined : String(value);
      },
    };
  }

  /** Takes the provider's config: `args` (an explicit provider's, or stack config), else `ns:config:key` variables. */
  configure(args: Props | undefined, variables: Readonly<Record<string, string>>): void {
    if (args !== undefined && Object.keys(args).length > 0) {
      this.#config = reveal(args) as Props;
      return;
    }
    const config: Props = {};
    for (const [name, value] of Object.entries(variables)) {
      const key = name.slice(name.lastIndexOf(":") + 1);
      config[key] = value;
    }
    this.#config = config;
  }

  /**
   * The provider's own inputs, with its credentials kept secret in state whatever the program did. A
   * key it does not know (a misspelt `ontap-security:hots`) is refused, naming the keys it takes; the
   * engine's own keys (`version`, `pluginDownloadURL`, `__…`) pass.
   */
  checkConfig(news: Props): PluginCheck {
    const { plain, secretKeys } = revealProps(news);
    const known: readonly string[] = CONNECTION_KEYS;
    const failures = Object.keys(plain)
      .filter((key) => !known.includes(key) && !ENGINE_CONFIG_KEYS.includes(key) && !key.startsWith("__"))
      // Without its property: the engine would print the value, and a misspelt key may hold a password.
      .map((key) => ({ property: "", reason: `${PACKAGE}:${key} is not a setting of the ${PACKAGE} provider; it takes ${known.join(", ")}` }));
    return { inputs: concealProps(plain, [...secretKeys, ...SECRET_CONNECTION_KEYS]), failures };
  }

  /**
   * A changed connection is an update of the provider, never a replacement: replacing the provider
   * would replace every resource it manages, and a cluster's security settings are never replaced.
   */
  diffConfig(olds: Props, news: Props): PluginDiff {
    const before = reveal(olds) as Props;
    const after = reveal(news) as Props;
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
      (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
    );
    return { changes: keys.length > 0, detailedDiff: Object.fromEntries(keys.map((key) => [key, kindOf(before[key], after[key])])) };
  }

  /** The provider `ClusterSecurity` uses, over this plugin's config, logging against the resource. */
  #provider(urn: string | undefined) {
    return createProvider(() => this.#envFor(urn));
  }

  async check(urn: string, olds: Props, news: Props): Promise<PluginCheck> {
    const { plain, secretKeys } = revealProps(news);
    const result = await this.#provider(urn).check(reveal(olds) as ClusterSecurityInputs, plain as ClusterSecurityInputs);
    const failures = (result.failures ?? []).map((failure) => ({ property: failure.property, reason: inPluginWords(failure.reason) }));
    return { inputs: concealProps((result.inputs ?? plain) as Props, secretKeys), failures };
  }

  /** The lifecycle's diff, each changed setting a property diff under the resource; its report logged against it. */
  diff(urn: string, olds: Props, news: Props): PluginDiff {
    const before = reveal(olds) as Partial<ClusterSecurityOutputs>;
    const after = reveal(news) as ClusterSecurityInputs;
    const outcome = reportedDiff(before, after, this.#envFor(urn));
    const detailedDiff: Record<string, DiffKind> = {};
    for (const field of outcome.fields) detailedDiff[field] = kindOf(valueAt(before, field), valueAt(after, field));
    return { changes: outcome.changes, detailedDiff };
  }

  #envFor(urn: string | undefined): LifecycleEnv {
    const log = (message: string) => this.#options.log(urn, message);
    return (this.#options.envFor ?? ((config, logTo) => ({ ...defaultEnv(config), log: logTo })))(this.configSource, log);
  }

  async create(urn: string, news: Props): Promise<{ id: string; outs: Props }> {
    const { plain, secretKeys } = revealProps(news);
    const keep = [...secretKeys, ...SECRET_CONNECTION_KEYS];
    const result = await this.#partial(keep, () => this.#provider(urn).create(plain as ClusterSecurityInputs));
    return { id: result.id, outs: concealProps(definedOnly(result.outs as unknown as Props), keep) };
  }

  /**
   * Refresh, or import when nothing is known but the id (`pulumi import`, the `import` option): an
   * imported resource's inputs are every setting the cluster has that a program may manage, as a
   * program would write them, so that the imported resource asks for exactly what the cluster has.
   */
  async read(urn: string, id: string, props: Props): Promise<{ id: string; props: Props; importedInputs?: Props }> {
    const { plain, secretKeys } = revealProps(props);
    const result = await this.#partial([], () => this.#provider(urn).read(id, plain as unknown as ClusterSecurityOutputs));
    const outs = concealProps(definedOnly(result.props as unknown as Props), [...secretKeys, ...SECRET_CONNECTION_KEYS]);
    if (Object.keys(props).length > 0) return { id: result.id ?? id, props: outs };
    const inputs: Record<string, Props> = {};
    for (const { row, value } of managedSettings(result.props as object)) inputs[row.group] = { ...inputs[row.group], [row.key]: value };
    return { id: result.id ?? id, props: outs, importedInputs: definedOnly(inputs) };
  }

  async update(urn: string, id: string, olds: Props, news: Props): Promise<Props> {
    const { plain, secretKeys } = revealProps(news);
    const keep = [...secretKeys, ...SECRET_CONNECTION_KEYS];
    const result = await this.#partial(keep, () => this.#provider(urn).update(id, reveal(olds) as ClusterSecurityOutputs, plain as ClusterSecurityInputs));
    return concealProps(definedOnly((result.outs ?? {}) as Props), keep);
  }

  async delete(urn: string, id: string, props: Props): Promise<void> {
    await this.#partial([], () => this.#provider(urn).delete(id, reveal(props) as ClusterSecurityOutputs));
  }

  /** Failures leave in the plugin's words; a partial failure's recorded properties keep their secrets secret. */
  async #partial<T>(secretKeys: readonly string[], run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof PartialUpdateError) {
        const reasons = error.reasons.map(inPluginWords);
        throw new PluginPartialFailure(inPluginWords(error.message), error.id, concealProps(definedOnly(error.properties), secretKeys), reasons);
      }
      if (error instanceof Error) error.message = inPluginWords(error.message);
      throw error;
    }
  }
}
