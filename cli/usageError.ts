/**
 * A command line the package's command cannot act on: an unknown subcommand or option, or a value
 * outside what the option allows. Nothing has been started when it is thrown; the command prints the
 * message and its usage and exits 2.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";

  /**
   * @param option The option or subcommand at fault, as typed (`--clusters`), or "" for the line as a whole.
   * @param value The value given, when there was one.
   * @param message What is wrong and what is allowed.
   */
  constructor(
    readonly option: string,
    readonly value: string | undefined,
    message: string,
  ) {
    super(message);
  }
}
