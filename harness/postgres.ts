/**
 * A throwaway PostgreSQL server on 127.0.0.1, for Pulumi's `postgres://` state backend in tests and
 * benchmarks: its own data folder in a temporary directory, a free port, trust authentication on
 * loopback only, stopped and removed by `stop()`. PostgreSQL refuses to run as root, so as root the
 * server runs as the `postgres` account (which the Debian packages create) and owns its folder.
 */
import { execFile, execFileSync } from "child_process";
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "fs";
import { createServer } from "net";
import { tmpdir } from "os";
import * as path from "path";
import { promisify } from "util";

const run = promisify(execFile);

/** Where the PostgreSQL programs are, or why they are not. */
export type PostgresLookup = { readonly ok: true; readonly bin: string } | { readonly ok: false; readonly reason: string };

/** The newest `/usr/lib/postgresql/<major>/bin` (Debian's layout), or the folder of `initdb` on PATH. */
export function findPostgres(): PostgresLookup {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const majors = readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
    for (const major of majors) {
      const bin = path.join(root, major, "bin");
      if (existsSync(path.join(bin, "initdb"))) return { ok: true, bin };
    }
  }
  try {
    const initdb = execFileSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).trim();
    if (initdb !== "") return { ok: true, bin: path.dirname(initdb) };
  } catch {
    // not on PATH either
  }
  return { ok: false, reason: "no initdb under /usr/lib/postgresql/*/bin or on PATH (apt-get install postgresql)" };
}

/** A running server and what a client needs to reach it. */
export interface Postgres {
  /** The Pulumi backend URL: `postgres://postgres[:password]@127.0.0.1:<port>/postgres?sslmode=disable`. */
  readonly url: string;
  readonly port: number;
  /** Runs SQL with psql and returns its unaligned, tuples-only output. */
  query(sql: string): Promise<string>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /**
   * Skip fsync: right for tests (nothing to keep), wrong for a benchmark of what a backend costs.
   * Default true.
   */
  readonly fast?: boolean;
  /**
   * The `postgres` account's password: connections over TCP must give it (scram-sha-256), and `url`
   * carries it percent-encoded. Default: none, trust on loopback.
   */
  readonly password?: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a server; throws with initdb's or pg_ctl's output if it cannot. */
export async function startPostgres(options: PostgresOptions = {}): Promise<Postgres> {
  const found = findPostgres();
  if (!found.ok) throw new Error(`PostgreSQL is not installed: ${found.reason}`);
  const bin = found.bin;
  const dir = mkdtempSync(path.join(tmpdir(), "pulumi-ontap-postgres-"));
  const data = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  // As root, every server program runs as `postgres`, which must own the folder.
  const as = (program: string, args: string[]): [string, string[]] =>
    asRoot ? ["runuser", ["-u", "postgres", "--", path.join(bin, program), ...args]] : [path.join(bin, program), args];
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const stopped = { value: false };
  const pgctl = async (args: string[]): Promise<void> => {
    const [file, argv] = as("pg_ctl", args);
    await run(file, argv, { timeout: 120_000 });
  };
  try {
    const auth = ["-A", "trust"];
    if (options.password !== undefined) {
      const pwfile = path.join(dir, "pwfile");
      writeFileSync(pwfile, `${options.password}\n`, { mode: 0o644 });
      auth.splice(0, 2, "--auth-local=trust", "--auth-host=scram-sha-256", `--pwfile=${pwfile}`);
    }
    const [file, argv] = as("initdb", ["-D", data, ...auth, "-U", "postgres", "-E", "UTF8", "--no-sync"]);
    await run(file, argv, { timeout: 180_000 });
    const port = await freePort();
    appendFileSync(
      path.join(data, "postgresql.conf"),
      [
        "",
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        "max_connections = 200",
        ...(options.fast === false ? [] : ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]),
        "",
      ].join("\n"),
    );
    await pgctl(["-D", data, "-l", path.join(dir, "server.log"), "-w", "-t", "120", "start"]);
    const psql = path.join(bin, "psql");
    return {
      url: `postgres://postgres${options.password === undefined ? "" : `:${encodeURIComponent(options.password)}`}@127.0.0.1:${port}/postgres?sslmode=disable`,
      port,
      async query(sql) {
        const { stdout } = await run(psql, ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], { timeout: 60_000, env: { ...process.env, ...(options.password === undefined ? {} : { PGPASSWORD: options.password }) } });
        return stdout.trim();
      },
      async stop() {
        if (stopped.value) return;
        stopped.value = true;
        try {
          await pgctl(["-D", data, "-m", "fast", "-w", "stop"]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    try {
      await pgctl(["-D", data, "-m", "immediate", "-w", "stop"]);
    } catch {
      // it never started
    }
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
