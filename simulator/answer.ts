// What a cluster's request handlers return, and the small request helpers they share.

import type { IncomingMessage } from "http";

import type { OntapFailure } from "./ontapError";

/** A handler's answer: the HTTP status and the JSON body. */
export interface Answer {
  status: number;
  body: unknown;
}

/** The connection is destroyed instead of answering. */
export const DROP = Symbol("drop the connection");

// Simulator choice [server-error]: a larger body is answered 500 code 1.
const MAX_BODY_BYTES = 1 << 20;

/** The answer carrying an ONTAP error. */
export function failure(value: OntapFailure): Answer {
  return { status: value.status, body: { error: value.error } };
}

/** Whether a helper returned an ONTAP error instead of its value. */
export function isFailure(value: unknown): value is OntapFailure {
  return typeof value === "object" && value !== null && "status" in value && "error" in value;
}

/** The first query parameter not in `allowed`, if any. */
export function strayParameter(query: URLSearchParams, allowed: readonly string[]): string | undefined {
  for (const name of query.keys()) if (!allowed.includes(name)) return name;
  return undefined;
}

/** The body as JSON, or the raw text when it is not JSON. */
export function parseOrRaw(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The whole request body as text; rejects a body over 1 MiB. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
