/**
 * The TSDoc of the public types, read from the declaration file the compiler emits beside
 * `ClusterSecurity.js` (`ClusterSecurity.d.ts`, shipped in the package): the package schema's
 * descriptions come from the very comments a TypeScript user reads, never from a second copy.
 *
 * The compiler writes declarations in one regular form (a `/** … *\/` block on the lines before each
 * member, four spaces of indent), which is all this reader handles; `test/pluginSchema.test.ts` holds it
 * to what TypeScript's own parser reads from the same file.
 */
import { readFileSync } from "fs";
import * as path from "path";

/** One member of a declared interface or class: its TSDoc (may be empty) and its type as written. */
export interface DeclaredMember {
  readonly doc: string;
  readonly type: string;
  readonly optional: boolean;
}

/** One declared interface or class. */
export interface Declaration {
  readonly doc: string;
  readonly members: ReadonlyMap<string, DeclaredMember>;
}

/** Where the compiled package keeps the declarations of the resource's public types. */
export const DECLARATIONS_FILE = path.join(__dirname, "..", "ClusterSecurity.d.ts");

/** The text of a `/** … *\/` block, lines joined with spaces, leading `*` removed. */
function commentText(lines: readonly string[]): string {
  return lines
    .map((line) => line.trim().replace(/^\/\*\*\s?/, "").replace(/\*\/$/, "").replace(/^\*\s?/, "").trim())
    .filter((line) => line !== "")
    .join(" ");
}

/** Reads every exported interface and class with its members from declaration text. */
export function readDeclarations(text: string): Map<string, Declaration> {
  const out = new Map<string, Declaration>();
  let comment: string[] | undefined;
  let pendingDoc = "";
  let current: { name: string; doc: string; members: Map<string, DeclaredMember> } | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (comment !== undefined) {
      comment.push(line);
      if (line.endsWith("*/")) {
        pendingDoc = commentText(comment);
        comment = undefined;
      }
      continue;
    }
    if (line.startsWith("/**")) {
      comment = [line];
      if (line.endsWith("*/")) {
        pendingDoc = commentText(comment);
        comment = undefined;
      }
      continue;
    }
    const opened = /^export (?:declare )?(?:interface|class) (\w+)\b.*\{$/.exec(line);
    if (opened !== null) {
      current = { name: opened[1], doc: pendingDoc, members: new Map() };
      pendingDoc = "";
      continue;
    }
    if (line === "}" && current !== undefined) {
      out.set(current.name, { doc: current.doc, members: current.members });
      current = undefined;
      continue;
    }
    const member = /^(?:readonly )?(\w+)(\??): (.+);$/.exec(line);
    if (member !== null && current !== undefined) {
      current.members.set(member[1], { doc: pendingDoc, type: member[3], optional: member[2] === "?" });
    }
    pendingDoc = "";
  }
  return out;
}

let cached: Map<string, Declaration> | undefined;

/** The declarations of the installed package, read once. */
export function packageDeclarations(): Map<string, Declaration> {
  cached ??= readDeclarations(readFileSync(DECLARATIONS_FILE, "utf8"));
  return cached;
}

/** `pulumi.Input<pulumi.Input<string>[]>` → `string[]`; `pulumi.Output<X | undefined>` → `X`. */
export function plainType(type: string): string {
  let plain = type;
  for (;;) {
    const next = plain.replace(/pulumi\.(?:Input|Output)<([^<>]*)>/g, "$1");
    if (next === plain) break;
    plain = next;
  }
  return plain.replace(/\s*\|\s*undefined$/, "").trim();
}
