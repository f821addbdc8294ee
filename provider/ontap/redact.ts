/**
 * Making user-given addresses and server-given text safe to quote in messages.
 *
 * A `host` value may carry a credential (`https://admin:pw@name`, `admin:pw@name:443`, a password with
 * `#`, `/` or `%` that breaks URL parsing before the `@` is found). Every message that quotes a host goes
 * through {@link redactHost}, which works on the text itself rather than on a parsed URL, so that it is
 * right however malformed the rest of the value is.
 */

/** What replaces redacted userinfo. */
export const REDACTED = "***";

/**
 * The value with anything that could be userinfo replaced by `***`: everything between the scheme
 * (or the start) and the LAST `@`. Conservative on purpose: a stray `@` in a path costs some of the
 * quote, never a secret.
 */
export function redactHost(value: string): string {
  const at = value.lastIndexOf("@");
  if (at < 0) return value;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value);
  const start = scheme !== null && scheme[0].length <= at ? scheme[0].length : 0;
  return `${value.slice(0, start)}${REDACTED}${value.slice(at)}`;
}

/** Longest ONTAP or server text quoted in a message: its messages are a sentence or two. */
export const MAX_QUOTED_CHARS = 500;

/**
 * Server text fit for one line of a message: control characters escaped (they could rewrite a
 * terminal line), cut to {@link MAX_QUOTED_CHARS} with a note of how much was left out.
 */
export function quoteServerText(text: string, max: number = MAX_QUOTED_CHARS): string {
  const printable = escapeControlCharacters(text);
  return printable.length <= max ? printable : `${printable.slice(0, max)}… (${printable.length - max} more characters)`;
}

/** Control characters (C0 including newline, DEL, C1, line separators) as `\uXXXX`: text from a server stays on its line and cannot move the cursor. */
export function escapeControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
