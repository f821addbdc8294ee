/**
 * The package's error family, rooted here so that the ONTAP layer can use it without knowing Pulumi.
 *
 * Every error the package throws is an `OntapSecurityError`. Below it, two abstract layer bases:
 * `OntapError` for what ONTAP or the network did (its leaves in the modules beside this one, each named
 * after what it exports), `ClusterSecurityError` for what the program, its configuration or its state
 * asks (`lifecycle/errors.ts`). Only leaf classes are thrown: the bases are abstract, so
 * `new OntapError(…)` does not compile.
 *
 * To add a condition a user must handle: a class extending the layer's base, with context fields
 * (never a credential), a message that says what happened, an export from `provider/index.ts`, and a
 * row in the README's errors table. Advice about Pulumi (commands, config keys, arguments) is not
 * written here: the lifecycle adds it with `advise` where it knows what the user was doing.
 */

/** The root of every error this package throws: catch this to catch them all. */
export abstract class OntapSecurityError extends Error {
  #advice: readonly string[] = [];

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /**
   * Appends advice to the message and to `advice`, keeping the class and its context fields, so that
   * an outer layer can say what to do next without hiding what happened.
   */
  advise(advice: string): this {
    const before = this.message;
    // Read the stack first: V8 formats it from the message on first access.
    const stack = this.stack;
    this.message = `${before} ${advice}`;
    if (stack !== undefined) this.stack = stack.replace(before, this.message);
    this.#advice = [...this.#advice, advice];
    return this;
  }

  /** What the user can do about it, as added by the layer that knows (see `advise`). */
  get advice(): readonly string[] {
    return this.#advice;
  }
}

/** Base of the ONTAP layer's errors: what ONTAP or the network did. Never thrown itself. */
export abstract class OntapError extends OntapSecurityError {}

/** Where a request went: enough to find it in ONTAP's audit log, never a credential. */
export interface RequestContext {
  readonly method: string;
  /** The URL without credentials (they travel only in the Authorization header, or the TLS handshake). */
  readonly url: string;
  /** How the request authenticated: a password (default) or a client certificate. Decides what a 401 or 403 means. */
  readonly authentication?: "password" | "certificate";
}
