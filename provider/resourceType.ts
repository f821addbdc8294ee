/**
 * The type token Pulumi gives `ClusterSecurity`: what `pulumi.dynamic.Resource` would give a dynamic
 * resource of module `ontap` (kept so that URNs never change). In a module of its own, importing
 * nothing, so that code that only recognises the resource (the policy pack, the fleet command, tests)
 * does not load `@pulumi/pulumi` for it.
 */
export const CLUSTER_SECURITY_TYPE = "pulumi-nodejs:dynamic/ontap:ClusterSecurity";
