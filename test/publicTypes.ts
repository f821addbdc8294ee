/**
 * Type-level test, checked by the build (`tsc`), not run by ava: the public argument and output types
 * of `ClusterSecurity`, written out with their documentation for users, must say exactly what the
 * table of settings says. Adding, removing or retyping a row without the public type (or the other
 * way round) fails the build here.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterSecurity, ClusterSecurityArgs } from "../provider/ClusterSecurity";
import type { ObservedSecurity, SecuritySettings, SETTING_GROUPS } from "../provider/lifecycle/model";

/** True only when A and B are the same type (not merely assignable either way). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<_T extends true>(): void {}

/** A program's argument with every `pulumi.Input` resolved, as the provider receives it. */
type Plain<T> =
  T extends pulumi.OutputInstance<infer U> ? Plain<U>
  : T extends Promise<infer U> ? Plain<U>
  : T extends (infer E)[] ? Plain<E>[]
  : T extends object ? { [K in keyof T]: Plain<T[K]> }
  : T;

type SettingArgs = Plain<Pick<ClusterSecurityArgs, (typeof SETTING_GROUPS)[number]>>;
type Outputs = { [K in keyof ObservedSecurity]-?: ClusterSecurity[K] extends pulumi.Output<infer U> ? U : never };
type Observed = { [K in keyof ObservedSecurity]-?: ObservedSecurity[K] | undefined };

assertType<Equals<SettingArgs, SecuritySettings>>();
assertType<Equals<Outputs, Observed>>();

// The check itself can fail: a table with a setting more, or one typed otherwise, is told apart.
// @ts-expect-error a setting missing from the arguments
assertType<Equals<SettingArgs, SecuritySettings & { fips?: { extra?: boolean } }>>();
// @ts-expect-error a setting of another type
assertType<Equals<Outputs, Omit<Observed, "fips"> & { fips: { enabled: string } | undefined }>>();
