// Connection given per resource, for a cluster with credentials of its own (the stack-wide
// ontap:* config serves the others). The credentials arrive from the pipeline's secret store as
// environment variables, plain strings: either a password, or (certificate-based access, no password
// at all) a client certificate and its private key. ClusterSecurity makes the password and the key
// secrets, so state holds them only encrypted, also when an update fails half-way.
import * as pulumi from "@pulumi/pulumi";
import { ClusterSecurity } from "pulumi-ontap-security";

const config = new pulumi.Config();

const lab = new ClusterSecurity("lab-cluster", {
  host: config.require("labHost"),
  // With a client certificate, ONTAP takes the account from its common name: leave labUsername unset.
  username: config.get("labUsername"),
  password: process.env.LAB_CLUSTER_PASSWORD,
  clientCertificate: process.env.LAB_CLUSTER_CERTIFICATE,
  clientKey: process.env.LAB_CLUSTER_KEY,
  fips: { enabled: true },
  managementProtocols: { telnetEnabled: false },
  softwareDataEncryption: { conversionEnabled: true },
});

export const labCluster = lab.cluster;
export const labEncryption = lab.softwareDataEncryption;
