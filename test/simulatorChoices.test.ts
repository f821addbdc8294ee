// Every answer the simulator gives where the ONTAP reference is silent is marked in the code as
// `Simulator choice [id]: …` and listed in docs/simulator.md's table. These tests keep the two in step:
// a new choice without a row, a row without a marker, or an unmarked "simulator choice" fails.

import test from "ava";
import { readFile, readdir } from "fs/promises";
import { join, resolve } from "path";

/** Compiled to build/test/, run from there: the repository is two levels up. */
const REPO = resolve(__dirname, "..", "..");
const SIMULATOR = join(REPO, "simulator");
const DOC = join(REPO, "docs", "simulator.md");

const MARKER = /simulator choice \[([a-z0-9-]+)\]/gi;

async function sources(): Promise<{ file: string; text: string }[]> {
  const files = (await readdir(SIMULATOR)).filter((name) => name.endsWith(".ts"));
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(join(SIMULATOR, file), "utf8") })));
}

/** The ids in the first column of the choices table: rows of the form "| `id` | …". */
async function documented(): Promise<string[]> {
  const doc = await readFile(DOC, "utf8");
  const section = doc.split(/^## Simulator choices$/m)[1];
  if (section === undefined) throw new Error(`${DOC} has no "## Simulator choices" section`);
  return [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((match) => match[1] as string);
}

test("every simulator choice marked in the code has a row in docs/simulator.md, and every row a marker", async (t) => {
  const marked = new Set((await sources()).flatMap(({ text }) => [...text.matchAll(MARKER)].map((match) => (match[1] as string).toLowerCase())));
  const rows = await documented();
  t.true(marked.size >= 30, `only ${marked.size} markers found: is the pattern still "Simulator choice [id]:"?`);
  t.deepEqual(rows.filter((id) => !marked.has(id)), [], "rows in docs/simulator.md with no marker in simulator/");
  t.deepEqual([...marked].filter((id) => !rows.includes(id)).sort(), [], "markers in simulator/ with no row in docs/simulator.md");
  t.deepEqual(rows.filter((id, index) => rows.indexOf(id) !== index), [], "rows listed twice");
});

test("the phrase \"simulator choice\" appears in the simulator only as a marker with an id", async (t) => {
  for (const { file, text } of await sources()) {
    const bare = [...text.matchAll(/simulator choice(?! \[[a-z0-9-]+\])/gi)].map((match) => text.slice(0, match.index).split("\n").length);
    t.deepEqual(bare, [], `${file}: "simulator choice" without [id] on line(s) ${bare.join(", ")}`);
  }
});
