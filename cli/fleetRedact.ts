/**
 * The one redactor of the fleet command: every text it writes (progress and errors on stderr, the
 * summary on stdout, the `--json` file, recovery commands) goes through it. It knows two things:
 *
 * - URL forms: the password of any `scheme://user:password@host` (up to the LAST `@` of the address,
 *   since Pulumi accepts an unencoded `@` in a password), and the value of any query parameter whose
 *   name says it is a secret (`?password=`, `?secret=`, S3's `access_key_id`/`secret_access_key`,
 *   Azure's `sig`, …). Pulumi's own errors quote the backend URL as given (`unable to open bucket
 *   postgres://…`), so these patterns apply to all text, not just to the backend the inventory names.
 * - Every secret in play, by value: the backend URL's password and secret query values (as written,
 *   percent-decoded and percent-encoded), `PULUMI_CONFIG_PASSPHRASE`, the ONTAP password and client key,
 *   and the usual secrets of the other DIY backends in the environment. Any occurrence is replaced,
 *   wherever it appears (a password echoed inside another message, JSON-escaped, in a lock's path).
 */
import { REDACTED } from "../provider/ontap/redact";

export { REDACTED };

/** Environment variables whose values are secrets the fleet command may meet. */
export const SECRET_ENV = [
  "PULUMI_CONFIG_PASSPHRASE",
  "PULUMI_ACCESS_TOKEN",
  "ONTAP_PASSWORD",
  "ONTAP_CLIENT_KEY",
  "PGPASSWORD",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AZURE_STORAGE_KEY",
  "AZURE_STORAGE_SAS_TOKEN",
] as const;

/** A query parameter whose value is a secret: its name holds one of these words. */
const SECRET_PARAMETER = /(pass|pwd|secret|token|key|sig|credential|auth)/i;
/** Query parameters, anywhere in a text: `?name=value` or `&name=value`. */
const PARAMETER = /([?&;])([A-Za-z0-9_.%-]+)=([^&;#\s"'`<>]*?)(?=[&;#\s"'`<>]|[:.,)](?:\s|$)|$)/g;
/** A URL's start: `scheme://`. */
const SCHEME = /[A-Za-z][A-Za-z0-9+.-]*:\/\//g;
/** Where a URL ends in running text. */
const URL_END = /[\s"'`<>]/;

/** Shortest fragment of a PEM key looked for on its own (its lines are 64 characters). */
const MIN_KEY_LINE = 16;

/** The text with every `scheme://…:password@` and every secret query value replaced by `***`. */
export function redactUrls(text: string): string {
  let out = "";
  let from = 0;
  for (const match of text.matchAll(SCHEME)) {
    const start = (match.index ?? 0) + match[0].length;
    if (start < from) continue;
    const rest = text.slice(start);
    const endAt = rest.search(URL_END);
    const token = endAt < 0 ? rest : rest.slice(0, endAt);
    // The userinfo ends at the token's last `@` (an unencoded `@` in a password is accepted by Pulumi).
    const at = token.lastIndexOf("@");
    if (at < 0) continue;
    const userinfo = token.slice(0, at);
    const colon = userinfo.indexOf(":");
    // A user alone (`postgres://postgres@db`) is kept; a user with a password keeps the user only.
    const shown = colon < 0 ? userinfo : `${userinfo.slice(0, colon)}:${REDACTED}`;
    out += text.slice(from, start) + shown;
    from = start + at;
  }
  out += text.slice(from);
  return out.replace(PARAMETER, (whole, sep: string, name: string) => (SECRET_PARAMETER.test(safeDecode(name)) ? `${sep}${name}=${REDACTED}` : whole));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The secrets a URL carries: its password and its secret query values, as written. */
export function urlSecrets(url: string): string[] {
  const secrets: string[] = [];
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  if (scheme !== null) {
    // Conservative: the userinfo runs to the last `@` before the query (Go's url.Parse accepts an `@`
    // in a password; a `/` in one makes it stop earlier, and then the longer guess still hides it).
    const beforeQuery = url.slice(scheme[0].length).split(/[?#]/)[0] as string;
    const userinfo = beforeQuery.slice(0, Math.max(0, beforeQuery.lastIndexOf("@")));
    const colon = userinfo.indexOf(":");
    if (colon >= 0 && colon < userinfo.length - 1) secrets.push(userinfo.slice(colon + 1));
  }
  for (const match of url.matchAll(PARAMETER)) {
    const [, , name, value] = match as unknown as [string, string, string, string];
    if (value !== "" && SECRET_PARAMETER.test(safeDecode(name))) secrets.push(value);
  }
  return secrets;
}

/** The ways a secret may be written out: as given, percent-decoded, percent-encoded, JSON-escaped. */
function spellings(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const decoded = safeDecode(secret);
  for (const form of [decoded, encodeURIComponent(decoded), decoded.replace(/@/g, "%40"), encodeURIComponent(secret)]) forms.add(form);
  for (const form of [...forms]) forms.add(JSON.stringify(form).slice(1, -1));
  // A PEM key's body lines can appear one at a time (a message cut at a line break).
  for (const line of decoded.split(/\r?\n|\\n/)) {
    const trimmed = line.trim();
    if (trimmed.length >= MIN_KEY_LINE && !trimmed.startsWith("-----")) forms.add(trimmed);
  }
  return [...forms].filter((form) => form !== "");
}

/** Replaces every URL credential and every known secret in a text, a value, or a structure of them. */
export class Redactor {
  readonly #secrets: readonly string[];

  /** @param secrets the values never to show (empty ones are ignored). */
  constructor(secrets: Iterable<string>) {
    const all = new Set<string>();
    for (const secret of secrets) if (secret !== "") for (const form of spellings(secret)) all.add(form);
    // Longest first, so that a secret containing another is replaced whole.
    this.#secrets = [...all].sort((a, b) => b.length - a.length);
  }

  /** The redactor for a fleet run: the backend URL's secrets and the secrets of the environment. */
  static forFleet(backends: readonly (string | undefined)[], env: NodeJS.ProcessEnv): Redactor {
    const secrets: string[] = [];
    for (const backend of backends) if (backend !== undefined) secrets.push(...urlSecrets(backend));
    for (const name of SECRET_ENV) {
      const value = env[name];
      if (value !== undefined) secrets.push(value);
    }
    return new Redactor(secrets);
  }

  /** A text fit to write. */
  text(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join(REDACTED);
    return redactUrls(out);
  }

  /** A copy of a JSON-like value with every string (keys included) redacted. */
  value<T>(value: T): T {
    return this.#value(value) as T;
  }

  #value(value: unknown): unknown {
    if (typeof value === "string") return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.#value(item));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.text(key), this.#value(item)]));
    }
    return value;
  }
}
