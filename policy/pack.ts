/**
 * The baseline as a Pulumi CrossGuard policy pack, served when the CLI starts it: run it with
 * `pulumi preview --policy-pack node_modules/pulumi-ontap-security/policy` (that folder's package.json
 * points here, and gives the pack its version).
 */
import { PolicyPack } from "@pulumi/policy";

import { BASELINE_RULES } from "./baseline";
import { baselinePolicy } from "./crossguard";

new PolicyPack("ontap-security-baseline", { policies: BASELINE_RULES.map(baselinePolicy) });
