/**
 * The `ClusterSecurity` resource: the one thing a Pulumi program touches. It only wires arguments and
 * outputs; the work happens in `provider.ts`, loaded by package name when the engine calls.
 */
import * as pulumi from "@pulumi/pulumi";
import { OUTPUT_GROUPS, SECRET_CONNECTION_KEYS } from "./lifecycle/model";
import { CLUSTER_SECURITY_TYPE } from "./resourceType";

/**
 * The provider text stored in every resource's `__provider` (inputs and outputs), as the provider host
 * evaluates it: `require(text).handler()` must return the provider. It loads the installed
 * implementation by package name, so it holds no credential and no client, never changes between
 * releases, and a refresh or destroy runs the code that is installed, not a copy frozen in state.
 * Written out rather than produced by Pulumi's closure serializer: the serializer wraps each of the seven
 * methods in its own scaffolding (2.2 KB, twice per resource) to say the same thing.
 */
const PROVIDER_TEXT = 'exports.handler = () => require("pulumi-ontap-security/provider").provider;\n';

/** FIPS 140-2/140-3 mode. */
export interface FipsArgs {
  /** Use only FIPS-validated cryptographic modules. Before ONTAP 9.9.1 each node must then be rebooted. */
  enabled?: pulumi.Input<boolean>;
}

/** Software data encryption (NVE/NAE) switches. */
export interface SoftwareDataEncryptionArgs {
  /**
   * Convert metadata volumes and non-NAE aggregates to encrypted. ONE-WAY: once true on the cluster it
   * cannot be set back to false; removing it from the program changes nothing. Needs a key manager.
   */
  conversionEnabled?: pulumi.Input<boolean>;
  /** Turn off encryption-by-default for new volumes. */
  disabledByDefault?: pulumi.Input<boolean>;
}

/** TLS of the cluster's management and data protocols (ONTAP 9.10.1 and later). */
export interface TlsArgs {
  /**
   * Enabled versions, from `SSLv3`, `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`. ONTAP enables every version
   * at or above the lowest one listed, so `["TLSv1.2"]` means TLS 1.2 and 1.3.
   */
  protocolVersions?: pulumi.Input<pulumi.Input<string>[]>;
  /** Enabled cipher suites by IANA name; compared as a set (ONTAP may reorder them and adds TLS 1.3 suites). */
  cipherSuites?: pulumi.Input<pulumi.Input<string>[]>;
  /** Hardware (NIC) offload of TLS where the nodes support it (ONTAP 9.19.1 and later, on every node). */
  offloadEnabled?: pulumi.Input<boolean>;
}

/** Legacy clear-text management protocols (ONTAP 9.10.1 and later). */
export interface ManagementProtocolsArgs {
  rshEnabled?: pulumi.Input<boolean>;
  telnetEnabled?: pulumi.Input<boolean>;
}

/** Arguments of `ClusterSecurity`. Every one is optional; only the settings given are managed. */
export interface ClusterSecurityArgs {
  /** Cluster management address: name, IP or `https://name:port`. Falls back to config `ontap:host`, then `ONTAP_HOST`. */
  host?: pulumi.Input<string>;
  /**
   * Falls back to config `ontap:username`, then `ONTAP_USERNAME`. With a client certificate ONTAP takes
   * the account from the certificate's common name: leave this out, or make it that name.
   */
  username?: pulumi.Input<string>;
  /**
   * Stored only encrypted (a secret). Falls back to config `ontap:password`, then `ONTAP_PASSWORD`.
   * Not together with `clientCertificate`.
   */
  password?: pulumi.Input<string>;
  /** Skip TLS certificate verification. Default false. Falls back to `ontap:insecure`, then `ONTAP_INSECURE`. */
  insecure?: pulumi.Input<boolean>;
  /** PEM of the CA the cluster's certificate chains to. Falls back to `ontap:caCertificate`, then `ONTAP_CA_CERTIFICATE`. */
  caCertificate?: pulumi.Input<string>;
  /**
   * PEM client certificate, for certificate-based access (mutual TLS) instead of a password: ONTAP logs it
   * in as the account named by its common name (`security login create ... -authentication-method cert`).
   * Needs `clientKey`; excludes `password`. Falls back to `ontap:clientCertificate`, then `ONTAP_CLIENT_CERTIFICATE`.
   */
  clientCertificate?: pulumi.Input<string>;
  /**
   * PEM private key of `clientCertificate`, unencrypted. Stored only encrypted (a secret). Falls back to
   * `ontap:clientKey`, then `ONTAP_CLIENT_KEY`.
   */
  clientKey?: pulumi.Input<string>;
  fips?: pulumi.Input<FipsArgs>;
  softwareDataEncryption?: pulumi.Input<SoftwareDataEncryptionArgs>;
  tls?: pulumi.Input<TlsArgs>;
  managementProtocols?: pulumi.Input<ManagementProtocolsArgs>;
  /** Seconds an update may take in all, requests, retries and ONTAP's jobs included, before failing (a job keeps running). Default 1800. */
  jobTimeoutSeconds?: pulumi.Input<number>;
}

/** FIPS mode as the cluster reports it. */
export interface FipsState {
  enabled: boolean;
}
/** Software data encryption as the cluster reports it. */
export interface SoftwareDataEncryptionState {
  conversionEnabled: boolean;
  disabledByDefault: boolean;
  /** ONTAP 9.16.1 and later: encrypted, encrypting, partial, rekeying, unencrypted, conversion_paused, rekey_paused. */
  encryptionState?: string;
}
/** TLS as the cluster reports it. */
export interface TlsState {
  protocolVersions: string[];
  cipherSuites: string[];
  /** ONTAP 9.19.1 and later. */
  offloadEnabled?: boolean;
}
/** Legacy management protocols as the cluster reports them. */
export interface ManagementProtocolsState {
  rshEnabled: boolean;
  telnetEnabled: boolean;
}
/** Whether the onboard key manager can be configured; `code` 0 means it can. */
export interface OnboardKeyManagerConfigurableStatus {
  supported?: boolean;
  message?: string;
  code?: number | string;
}
/** The managed cluster. */
export interface ClusterIdentityState {
  uuid: string;
  name: string;
  version: string;
}

/**
 * The cluster-wide security settings of one ONTAP cluster (`/api/security`). Creating it adopts the
 * cluster's settings and changes only those given; deleting it leaves the cluster as it is. The id is
 * the cluster's uuid.
 */
export class ClusterSecurity extends pulumi.CustomResource {
  /** FIPS mode as the cluster reports it (ONTAP 9.8+). */
  declare readonly fips: pulumi.Output<FipsState | undefined>;
  /** Software data encryption as the cluster reports it (ONTAP 9.8+). */
  declare readonly softwareDataEncryption: pulumi.Output<SoftwareDataEncryptionState | undefined>;
  /** TLS as the cluster reports it (ONTAP 9.10.1+). */
  declare readonly tls: pulumi.Output<TlsState | undefined>;
  /** rsh and telnet as the cluster reports them (ONTAP 9.10.1+). */
  declare readonly managementProtocols: pulumi.Output<ManagementProtocolsState | undefined>;
  declare readonly onboardKeyManagerConfigurableStatus: pulumi.Output<OnboardKeyManagerConfigurableStatus | undefined>;
  /** uuid, name and ONTAP release of the cluster. */
  declare readonly cluster: pulumi.Output<ClusterIdentityState>;

  constructor(name: string, args: ClusterSecurityArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = {
      ...args,
      // A password or client key given here is kept in state only encrypted.
      password: args.password === undefined ? undefined : pulumi.secret(args.password),
      clientKey: args.clientKey === undefined ? undefined : pulumi.secret(args.clientKey),
      cluster: undefined,
    };
    // Outputs must be declared as inputs (undefined) for the engine to report them.
    for (const key of OUTPUT_GROUPS) {
      if (!(key in props)) props[key] = undefined;
    }
    // What `pulumi.dynamic.Resource` does (a `pulumi-nodejs:dynamic` type with the provider in
    // `__provider`), with the provider given as text instead of through the closure serializer.
    props.__provider = PROVIDER_TEXT;
    super(CLUSTER_SECURITY_TYPE, name, props, {
      ...opts,
      additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SECRET_CONNECTION_KEYS],
    });
  }
}
