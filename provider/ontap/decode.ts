/**
 * Decoding at the edge: every ONTAP answer passes a codec before anything reads it, and a mismatch
 * becomes an `OntapDecodeError` whose lines name the field's path, what arrived and what was expected
 * (sharper than io-ts's own PathReporter).
 */
import * as t from "io-ts";
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import { RequestContext } from "./ontapError";
import { OntapDecodeError } from "./decodeError";

/** One mismatch between a value and its codec, at the deepest place it was found. */
export interface ValidationProblem {
  /** Dotted path of the field (`job.state`), "" for the whole value. */
  readonly path: string;
  readonly value: unknown;
  /** The name of the type expected there. */
  readonly expected: string;
}

/** Flattens io-ts errors into problems that name fields (intersection and union members are not fields). */
export function validationProblems(errors: t.Errors): ValidationProblem[] {
  return errors.map((error) => {
    const path = error.context
      .filter((_entry, i) => i > 0 && !isCombinator(error.context[i - 1].type))
      .map((entry) => entry.key)
      .join(".");
    const last = error.context[error.context.length - 1];
    return { path, value: error.value, expected: last?.type.name ?? "unknown" };
  });
}

/** A dotted path with its array indexes bracketed, as people write them: `records.0.uuid` → `records[0].uuid`. */
export const bracketIndexes = (path: string): string => path.replace(/\.(\d+)(?=\.|$)/g, "[$1]");

/**
 * What a whole value is, without its content: a value wrong as a whole (a file that is another file
 * given by mistake, an answer that is no JSON object) may hold anything, a credential included.
 */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "string") return `a string of ${value.length} characters`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Turns io-ts validation errors into one line each that names the field's path, the value that arrived
 * and the type that was expected, e.g. `job.state: got "done", expected "queued" | "running" | …`; the
 * whole value is called `root` (an ONTAP answer's "(body)", a file's "(file)"). A line io-ts reports
 * twice (once per member of a union) is given once.
 */
export function describeValidationErrors(errors: t.Errors, root = "(body)"): string[] {
  const lines = validationProblems(errors).map((p) =>
    p.path === ""
      ? `${root}: got ${kindOf(p.value)}, expected ${p.expected}`
      : `${bracketIndexes(p.path)}: got ${JSON.stringify(p.value) ?? "undefined"}, expected ${p.expected}`,
  );
  return [...new Set(lines)];
}

function isCombinator(type: t.Decoder<unknown, unknown>): boolean {
  const { _tag: tag, type: inner } = type as { _tag?: string; type?: t.Decoder<unknown, unknown> };
  // An exact intersection validates each member under the exact type's own context entry.
  if (tag === "ExactType" && inner !== undefined) return isCombinator(inner);
  return tag === "IntersectionType" || tag === "UnionType";
}

/** Decodes an ONTAP response body with `codec`, or fails with an error that names the bad fields. */
export function decodeResponse<A>(
  codec: t.Decoder<unknown, A>,
  request: RequestContext,
  body: unknown,
): E.Either<OntapDecodeError, A> {
  return pipe(
    codec.decode(body),
    E.mapLeft((errors) => new OntapDecodeError(request, codec.name, describeValidationErrors(errors))),
  );
}

/** `decodeResponse` for callers that throw: the one place an `Either` becomes an exception. */
export function decodeOrThrow<A>(codec: t.Decoder<unknown, A>, request: RequestContext, body: unknown): A {
  return pipe(
    decodeResponse(codec, request, body),
    E.getOrElseW((error) => {
      throw error;
    }),
  );
}
