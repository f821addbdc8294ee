import * as t from "io-ts";
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import { OntapDecodeError, RequestContext } from "./errors";

/**
 * Turns io-ts validation errors into one line each that names the field's path, the value that arrived
 * and the type that was expected, e.g. `job.state: got "done", expected "queued" | "running" | …`.
 */
export function describeValidationErrors(errors: t.Errors): string[] {
  return errors.map((error) => {
    // Intersection and union members appear in the context as keys "0", "1", …: they are not fields.
    const path = error.context
      .filter((_entry, i) => i > 0 && !isCombinator(error.context[i - 1].type))
      .map((entry) => entry.key)
      .join(".");
    const last = error.context[error.context.length - 1];
    const expected = last?.type.name ?? "unknown";
    return `${path === "" ? "(body)" : path}: got ${JSON.stringify(error.value) ?? "undefined"}, expected ${expected}`;
  });
}

function isCombinator(type: t.Decoder<unknown, unknown>): boolean {
  const tag = (type as { _tag?: string })._tag;
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
