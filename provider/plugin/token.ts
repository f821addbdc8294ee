/**
 * The provider plugin's names, apart from everything else so that the policy pack can know the
 * plugin's resources without loading the plugin.
 */

/** The package's name: plugin `pulumi-resource-ontap-security`, config namespace `ontap-security:`. */
export const PACKAGE = "ontap-security";
/** The resource's type token. */
export const RESOURCE_TOKEN = `${PACKAGE}:index:ClusterSecurity`;
/** The type token of the package's provider resource. */
export const PROVIDER_TOKEN = `pulumi:providers:${PACKAGE}`;
