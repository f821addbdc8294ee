/**
 * Secret values on the provider protocol. The plugin tells the engine it accepts secrets, so a secret
 * arrives as `{ <sig key>: <secret sig>, value }` (pulumi#10915: the SDK's own provider server hands
 * them over like that too). The lifecycle works on plain values; what was secret going in goes back
 * out secret, and the arguments that hold credentials always do.
 */
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

export type Props = Record<string, unknown>;

const isRecord = (value: unknown): value is Props => value !== null && typeof value === "object" && !Array.isArray(value);

/** True for a value the engine marked secret. */
export function isSecret(value: unknown): value is { value: unknown } {
  return isRecord(value) && value[specialSigKey] === specialSecretSig;
}

/** The value marked secret, as the engine expects it. */
export function secret(value: unknown): Props {
  return { [specialSigKey]: specialSecretSig, value };
}

/** The value with every secret marker removed, anywhere inside. */
export function reveal(value: unknown): unknown {
  if (isSecret(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, reveal(v)]));
  return value;
}

/** True when the value holds a secret anywhere. */
export function holdsSecret(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (isRecord(value)) return Object.values(value).some(holdsSecret);
  return false;
}

/** Properties revealed, and the top-level keys that held a secret. */
export function revealProps(props: Props | undefined): { plain: Props; secretKeys: Set<string> } {
  const source = props ?? {};
  return {
    plain: reveal(source) as Props,
    secretKeys: new Set(Object.keys(source).filter((key) => holdsSecret(source[key]))),
  };
}

/** Plain properties with the given top-level keys marked secret again (where present). */
export function concealProps(plain: Props, secretKeys: Iterable<string>): Props {
  const out: Props = { ...plain };
  for (const key of secretKeys) {
    if (out[key] !== undefined && !isSecret(out[key])) out[key] = secret(out[key]);
  }
  return out;
}
