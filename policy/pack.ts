/**
 * The baseline as a Pulumi CrossGuard policy pack, served when the CLI starts it: run it with
 * `pulumi preview --policy-pack node_modules/pulumi-ontap-security/policy` (that folder's package.json
 * points here, and gives the pack its version).
 */
import type * as Policy from "@pulumi/policy";

import { BASELINE_RULES } from "./baseline";
import { baselinePolicy } from "./crossguard";

/**
 * `@pulumi/policy`, which only policy-pack users install (an optional peer dependency of this package,
 * so that programs that never run the pack do not carry it).
 */
function policyPackage(): typeof Policy {
  try {
    return require("@pulumi/policy") as typeof Policy;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && String((error as Error).message).includes("'@pulumi/policy'")) {
      throw new Error("the ontap-security-baseline policy pack needs @pulumi/policy beside pulumi-ontap-security: run `npm install @pulumi/policy` in the project");
    }
    throw error;
  }
}

new (policyPackage().PolicyPack)("ontap-security-baseline", { policies: BASELINE_RULES.map(baselinePolicy) });
