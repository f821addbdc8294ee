/**
 * What a PEM text holds, judged from its text alone: the certificates in it, and whether it carries a
 * private key. Config values and environment variables often carry PEM on one line with a literal `\n`
 * between its lines; every function here reads that form as well.
 */

/** One certificate block. */
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Any PEM private-key boundary: `PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`, `ENCRYPTED PRIVATE
 * KEY`, `OPENSSH PRIVATE KEY`, `PGP PRIVATE KEY BLOCK`... An END line alone counts too: a key cut at
 * its start is still mostly a key.
 */
const PRIVATE_KEY_BOUNDARY = /-----(?:BEGIN|END)[^-\n]*PRIVATE KEY[^-\n]*-----/i;

/**
 * A private key as text may quote it: from its BEGIN line to its END line, or, cut short, to the end of
 * the quote (a `"`) or of the text. Matches the one-line and the JSON-escaped forms too.
 */
const PRIVATE_KEY_TEXT = /-----BEGIN[^-\n]*PRIVATE KEY[^-\n]*-----(?:[\s\S]*?-----END[^-\n]*PRIVATE KEY[^-\n]*-----|[^"]*)/gi;

/**
 * The text with real line breaks: the one-line form with literal `\n` (or `\r\n`) is accepted when the
 * text has no real line break.
 */
export function normalizePem(text: string): string {
  return text.includes("\n") ? text : text.replace(/(?:\\r)?\\n/g, "\n");
}

/** The certificate blocks in the text, in order. */
export function certificateBlocks(text: string): string[] {
  return normalizePem(text).match(CERTIFICATE_BLOCK) ?? [];
}

/** True when the text carries a PEM private key (or a piece of one), on many lines or on one. */
export function holdsPrivateKey(text: string): boolean {
  return PRIVATE_KEY_BOUNDARY.test(text) || PRIVATE_KEY_BOUNDARY.test(normalizePem(text));
}

/** True when the text is one or more certificate blocks and nothing else but white space. */
export function onlyCertificates(text: string): boolean {
  const pem = normalizePem(text);
  return certificateBlocks(pem).length > 0 && pem.replace(CERTIFICATE_BLOCK, "").trim() === "";
}

/** The text with every private key in it replaced by `replacement`. */
export function withoutPrivateKeys(text: string, replacement: string): string {
  return text.replace(PRIVATE_KEY_TEXT, replacement);
}
