import { OntapSecurityError } from "../provider/ontap/ontapError";

/**
 * A command line the package's command cannot act on: an unknown subcommand or option, or a value
 * outside what the option allows. Nothing has been started when it is thrown; the command prints the
 * message and its usage and exits 2. One of the package's errors, like `FleetInventoryError`: catching
 * `OntapSecurityError` catches it too.
 */
export class UsageError extends OntapSecurityError {
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

/** An option's whole-number value from `min` to `max`, or a UsageError naming the option, the value and the range. */
export function integerOption(option: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(option, value, `${option} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return number;
}
