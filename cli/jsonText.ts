/**
 * JSON text from a file the user named, parsed. When it is not JSON the reason quotes none of the
 * text: the file may be another one given by mistake (an env file, a credentials file), and Node's own
 * message quotes the text around the fault, a password's first characters included.
 */

/** The value, or why the text is not JSON: where, as line and column when Node says, never what. */
export function parseJsonText(text: string): { value: unknown } | { problem: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    if (position === undefined) return { problem: "not valid JSON (its text is not shown: it may be another file, holding secrets)" };
    const before = text.slice(0, Number(position)).split("\n");
    return { problem: `not valid JSON at line ${before.length}, column ${(before[before.length - 1] as string).length + 1}` };
  }
}
