// ONTAP's error body and the handful of errors the simulator answers with.
//
// Codes are strings, as in real ONTAP traffic. Where a code is documented for `/api/security` it is used
// as documented; every other code is one of the simulator's choices, marked where it is made and listed in
// docs/simulator.md: ONTAP's behaviour there is unconfirmed, so clients must not depend on the number.

/** One entry of an ONTAP error's `arguments` list. */
export interface OntapErrorArgument {
  code: string;
  message: string;
}

/** The `error` object ONTAP puts in every failed answer. */
export interface OntapError {
  message: string;
  code: string;
  target?: string;
  arguments?: OntapErrorArgument[];
}

/** An answer the simulator gives instead of the happy path: an HTTP status plus ONTAP's error body. */
export interface OntapFailure {
  status: number;
  error: OntapError;
}

/**
 * Builds an {@link OntapFailure}; `target` is left out of the body when undefined. `values` are the values
 * named in the message: they become `arguments` (see {@link errorArgumentsOf}), which the cluster sends only
 * when its scenario's `errorArguments` is on.
 */
export function ontapFailure(status: number, code: string, message: string, target?: string, values: readonly string[] = []): OntapFailure {
  const error: OntapError = { message, code };
  if (target !== undefined) error.target = target;
  error.arguments = errorArgumentsOf(code, values);
  return { status, error };
}

/**
 * The `arguments` of an error: one entry per value named in its message. Simulator choice [error-arguments]: the reference
 * types an argument as `{code, message}` without saying what goes in them; here `message` is the value and
 * `code` the error's own code.
 */
export function errorArgumentsOf(code: string, values: readonly string[]): OntapErrorArgument[] {
  return values.map((value) => ({ code, message: value }));
}

/** What the wire form of an error depends on (see `Scenario.errorArguments` and `Scenario.errorCodeForm`). */
export interface ErrorForms {
  errorArguments: boolean;
  errorCodeForm: "string" | "integer";
}

/** The error as sent: with `arguments` only when asked for, its code a string or an integer as asked. */
export function renderError(error: OntapError, forms: ErrorForms): Omit<OntapError, "code"> & { code: string | number } {
  const { arguments: args, code, ...rest } = error;
  const wireCode = forms.errorCodeForm === "integer" && /^\d+$/.test(code) ? Number(code) : code;
  return forms.errorArguments ? { ...rest, code: wireCode, arguments: [...(args ?? [])] } : { ...rest, code: wireCode };
}

/**
 * 400 `262179` "Unexpected argument": an unknown body field, a field this version lacks, a stray query parameter.
 * Simulator choice [unknown-field]: ONTAP's general rule, not listed for this endpoint.
 */
export function unexpectedArgument(name: string): OntapFailure {
  return ontapFailure(400, "262179", `Unexpected argument "${name}".`, name, [name]);
}

/**
 * 400 `262197`: a value ONTAP refuses for a query parameter such as `fields` or `return_timeout`.
 * Simulator choice [field-selection]: for `fields=` this is ONTAP's general rule, not listed for this endpoint.
 */
export function invalidQueryValue(parameter: string, value: string, allowed: string): OntapFailure {
  return ontapFailure(400, "262197", `The value "${value}" is invalid for field "${parameter}" (${allowed})`, parameter, [value, parameter]);
}

/**
 * 400 for a body field of the wrong type or out of its value set. Simulator choice [wrong-type]: code `262185` and the
 * wording follow ONTAP's general "invalid value for field" errors; the exact code for this endpoint is unconfirmed.
 */
export function invalidFieldValue(field: string, value: unknown, allowed: string): OntapFailure {
  return ontapFailure(400, "262185", `"${describe(value)}" is an invalid value for field "${field}" (${allowed})`, field, [describe(value), field]);
}

/** 400 for a body that is not a JSON object. Simulator choice [invalid-json]: code `262145`. */
export function invalidJson(detail: string): OntapFailure {
  return ontapFailure(400, "262145", `Invalid JSON input: ${detail}`, undefined, [detail]);
}

/** 401 for missing or wrong credentials. Simulator choice [auth-401]: code `6691623` and the wording; ONTAP's exact body is unconfirmed. */
export function authenticationFailed(): OntapFailure {
  return ontapFailure(401, "6691623", "User is not authorized.");
}

/** 403 code `6`: the user's role may not run the command (documented). */
export function notAuthorized(): OntapFailure {
  return ontapFailure(403, "6", "not authorized for that command");
}

/** 404 code `4` for a job that does not exist or expired (documented). */
export function entryDoesNotExist(): OntapFailure {
  return ontapFailure(404, "4", "entry doesn't exist", "uuid");
}

/** 404 for an API path this ONTAP release does not have (for example `/api/security` on 9.6). Simulator choice [api-not-found]: code `3`. */
export function apiNotFound(): OntapFailure {
  return ontapFailure(404, "3", "API not found");
}

/**
 * 404 for a path the simulator was not built for. Simulator choice [not-simulated]: real ONTAP may well serve
 * it; the message says so loudly so that a test that wanders off the simulated surface fails with a clear reason.
 */
export function notSimulated(method: string, path: string): OntapFailure {
  return ontapFailure(404, "3", `API not found: the ONTAP simulator does not implement ${method} ${path}`, path);
}

/** 405 for a method the path does not take. Simulator choice [method-not-allowed]: code `3`, and the wording. */
export function methodNotAllowed(method: string, path: string, why: string): OntapFailure {
  return ontapFailure(405, "3", `The "${method}" method is not allowed on "${path}": ${why}`);
}

/** 409 code `2621573`: the MetroCluster configuration baseline is locked; retryable (documented). */
export function temporarilyLocked(): OntapFailure {
  return ontapFailure(409, "2621573", "The operation cannot be performed because the configuration is temporarily locked. Wait a few minutes, and then try the operation again.");
}

/** 500 with an ONTAP error body. Simulator choice [server-error]: code `1`. */
export function internalError(): OntapFailure {
  return ontapFailure(500, "1", "Internal error. Simulated by the ONTAP simulator's serverErrors scenario.");
}

function describe(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
