/**
 * Pulumi's marker for a value not known yet: during preview, any input computed from another
 * resource's output arrives as this string, whatever the value's type.
 */

/** What Pulumi sends for a value not known yet during preview, whatever the value's type. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when the value, or anything inside it, is not known yet. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}
