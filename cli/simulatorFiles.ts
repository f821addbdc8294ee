/**
 * The files `pulumi-ontap-security simulator` writes: the env file (`--write-env`, which holds the
 * simulator's password) and the request log (`--request-log`). Both are claimed before any cluster
 * starts, so a name the command cannot use is refused up front; neither ever replaces, follows or
 * removes a file the command did not create.
 */
import { randomBytes } from "crypto";
import { constants } from "fs";
import { FileHandle, link, lstat, open, unlink } from "fs/promises";
import * as path from "path";

import { UsageError } from "./usageError";

/** The reason an operation on a file failed, as the system says it (`EACCES: permission denied`). */
function reason(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return code === undefined ? String(message) : `${code}: ${message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "")}`;
}

/** Whether anything at all (a file, a directory, a symlink, even a dangling one) is at `file`. */
async function occupied(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new UsageError("--write-env", file, `--write-env ${file} cannot be checked: ${reason(error)}`);
  }
}

/** Which file a path named when the command wrote it, so that it removes that file and no other. */
export interface WrittenFile {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
  /** The inode's change time once written: an inode number freed and reused by a new file has another. */
  readonly ctimeMs: number;
}

/** Whether `file` is still `written` (the same inode, not changed since). */
async function stillWritten(written: WrittenFile): Promise<boolean> {
  try {
    const now = await lstat(written.path);
    return now.dev === written.dev && now.ino === written.ino && now.ctimeMs === written.ctimeMs;
  } catch {
    return false;
  }
}

/**
 * Refuses an env file name that something already holds: the command removes its env file on exit, so
 * it must be one it creates (a name that exists is someone else's file, or a link to one).
 */
export async function claimEnvFile(file: string): Promise<void> {
  if (await occupied(file)) {
    throw new UsageError("--write-env", file, `--write-env ${file} already exists; name a file that does not (the command creates it, and removes it on exit)`);
  }
}

/** A temporary name beside `file` (so that a rename or link stays on one file system), unguessable. */
export function temporaryPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

/**
 * Writes `text` to `file`, mode 0600, so that a reader never sees it half-written and nothing else is
 * touched: the text goes to a temporary file created exclusively (`O_EXCL`, so a symlink planted at its
 * name is refused, not followed), which is then hard-linked to `file` (a link, unlike a rename, fails
 * when something has taken `file` since it was claimed, rather than replacing it) and unlinked.
 */
export async function writeExclusively(file: string, text: string, temporary = temporaryPathFor(file)): Promise<WrittenFile> {
  let handle: FileHandle;
  try {
    handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    throw new Error(`cannot write ${file}: its temporary file ${temporary}: ${reason(error)}`);
  }
  try {
    await handle.writeFile(text);
    await handle.chmod(0o600);
    try {
      await link(temporary, file);
    } catch (error) {
      throw new Error(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code === "EEXIST" ? "something else has created it meanwhile; it is left alone" : reason(error)}`);
    }
    await unlink(temporary);
    const { dev, ino, ctimeMs } = await handle.stat();
    return { path: file, dev, ino, ctimeMs };
  } finally {
    await handle.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
  }
}

/** Removes `written` if the file at its path is still the one the command wrote; anything else is left alone. */
export async function removeWritten(written: WrittenFile): Promise<boolean> {
  if (!(await stillWritten(written))) return false;
  return unlink(written.path).then(
    () => true,
    () => false,
  );
}

/**
 * The request log, opened for writing when the command starts (so that a name it cannot write is
 * refused before anything starts, and not found out at shutdown) and written once on exit.
 */
export interface RequestLogFile {
  /** Replaces the file's content with `text` and closes it. */
  write(text: string): Promise<void>;
  /** Closes it without writing; removes it if the command created it. */
  discard(): Promise<void>;
}

/**
 * Opens `file` for the request log: creates it (mode 0600) or, when it exists, opens it without
 * truncating it until {@link RequestLogFile.write}. Throws a {@link UsageError} naming the path and the
 * system's reason when it cannot be written (a missing folder, a directory, no permission).
 */
export async function openRequestLog(file: string): Promise<RequestLogFile> {
  let handle: FileHandle;
  let created = true;
  try {
    try {
      handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      created = false;
      handle = await open(file, constants.O_WRONLY);
    }
  } catch (error) {
    throw new UsageError("--request-log", file, `--request-log ${file} cannot be written: ${reason(error)}`);
  }
  const { dev, ino, ctimeMs } = await handle.stat();
  return {
    async write(text) {
      try {
        await handle.truncate(0);
        await handle.write(text, 0);
      } finally {
        await handle.close();
      }
    },
    async discard() {
      await handle.close().catch(() => undefined);
      if (created) await removeWritten({ path: file, dev, ino, ctimeMs });
    },
  };
}
