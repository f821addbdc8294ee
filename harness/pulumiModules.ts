/**
 * Loads a module from where `@pulumi/pulumi` loads it: the harness and the tests that speak Pulumi's
 * gRPC protocols (to the provider host, to the language host) use the very gRPC and protobuf message
 * classes the SDK's generated stubs were built with, not another copy that resolution from here might find.
 */
import * as path from "path";

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));

/** `require(request)` resolved from `@pulumi/pulumi`'s folder. */
export const fromPulumi = <T>(request: string): T => require(require.resolve(request, { paths: [pulumiDir] })) as T;
