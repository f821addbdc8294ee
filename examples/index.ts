// A storage team's baseline for one cluster: FIPS mode, TLS 1.2 and up only, no clear-text management
// protocols, and the cluster converted to software data encryption.
//
// Connection comes from stack config (or ONTAP_* environment variables), never from the program:
//   pulumi config set ontap:host cluster1.example.com
//   pulumi config set ontap:username admin
//   pulumi config set --secret ontap:password '...'
//   pulumi config set ontap:caCertificate "$(cat cluster1-ca.pem)"   # or ontap:insecure true
import * as pulumi from "@pulumi/pulumi";
import { ClusterSecurity } from "pulumi-ontap-security";

const config = new pulumi.Config();

const security = new ClusterSecurity("cluster-security", {
  fips: { enabled: true },
  // ONTAP enables every version at or above the lowest one listed: this is TLS 1.2 and 1.3.
  tls: { protocolVersions: ["TLSv1.2"] },
  managementProtocols: { rshEnabled: false, telnetEnabled: false },
  // One-way: once the cluster is converted, this can never be set back to false.
  softwareDataEncryption: { conversionEnabled: config.getBoolean("convertToSoftwareEncryption") ?? true },
  // Conversion of a large cluster's metadata volumes can take a while.
  jobTimeoutSeconds: config.getNumber("jobTimeoutSeconds") ?? 3600,
});

export const cluster = security.cluster;
export const fips = security.fips;
export const tls = security.tls;
export const managementProtocols = security.managementProtocols;
export const softwareDataEncryption = security.softwareDataEncryption;
