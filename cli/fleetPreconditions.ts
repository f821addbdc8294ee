/**
 * What the fleet commands check before anything runs, each a reason in one line or undefined: the
 * files they will write (a `--json` summary) and the Pulumi CLI they will run (`--pulumi-root`, or
 * `pulumi` on PATH). Read only the file system: tested by tables.
 */
import { accessSync, constants, realpathSync, statSync } from "fs";
import * as path from "path";

/** Why the `--json` file cannot take the summary, or undefined. Checked before anything runs. */
export function jsonTargetProblem(json: string, inventory: string): string | undefined {
  const target = path.resolve(json);
  let stat;
  try {
    stat = statSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") return `--json ${JSON.stringify(json)}: ${(error as Error).message}`;
  }
  if (stat?.isDirectory()) return `--json ${JSON.stringify(json)} is a directory; give a file name`;
  if (stat !== undefined) {
    if (!stat.isFile()) return `--json ${JSON.stringify(json)} is not a regular file`;
    let same = false;
    try {
      same = realpathSync(target) === realpathSync(inventory);
    } catch {
      same = false;
    }
    if (same) return `--json ${JSON.stringify(json)} is the inventory; give another file for the summary`;
    try {
      accessSync(target, constants.W_OK);
    } catch {
      return `--json ${JSON.stringify(json)} cannot be written`;
    }
    return undefined;
  }
  const folder = path.dirname(target);
  let folderStat;
  try {
    folderStat = statSync(folder);
  } catch {
    return `--json ${JSON.stringify(json)}: its folder ${JSON.stringify(folder)} does not exist`;
  }
  if (!folderStat.isDirectory()) return `--json ${JSON.stringify(json)}: ${JSON.stringify(folder)} is not a folder`;
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    return `--json ${JSON.stringify(json)}: its folder ${JSON.stringify(folder)} cannot be written`;
  }
  return undefined;
}

/** Why `--pulumi-root` has no CLI, or undefined. */
export function pulumiRootProblem(root: string): string | undefined {
  const binary = path.join(root, "bin", "pulumi");
  try {
    if (!statSync(binary).isFile()) return `--pulumi-root ${JSON.stringify(root)}: ${binary} is not a file`;
    accessSync(binary, constants.X_OK);
  } catch {
    return `--pulumi-root ${JSON.stringify(root)} has no executable bin/pulumi; give the folder that holds bin/pulumi`;
  }
  return undefined;
}

/** Why there is no `pulumi` on PATH (when no --pulumi-root is given), or undefined. */
export function pulumiOnPathProblem(pathVariable: string | undefined): string | undefined {
  for (const folder of (pathVariable ?? "").split(path.delimiter)) {
    if (folder === "") continue;
    try {
      accessSync(path.join(folder, "pulumi"), constants.X_OK);
      return undefined;
    } catch {
      // not in this folder
    }
  }
  return "no pulumi on PATH; install the Pulumi CLI or give --pulumi-root, the folder that holds bin/pulumi";
}
