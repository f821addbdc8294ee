// Connection given per resource, for a cluster with credentials of its own (the stack-wide
// ontap:* config serves the others). The password arrives from the pipeline's secret store as an
// environment variable, a plain string: ClusterSecurity makes it a secret, so state holds it only
// encrypted, also when an update fails half-way.
import * as pulumi from "@pulumi/pulumi";
import { ClusterSecurity } from "pulumi-ontap-security";

const config = new pulumi.Config();

const lab = new ClusterSecurity("lab-cluster", {
  host: config.require("labHost"),
  username: config.require("labUsername"),
  password: process.env.LAB_CLUSTER_PASSWORD,
  fips: { enabled: true },
  managementProtocols: { telnetEnabled: false },
  softwareDataEncryption: { conversionEnabled: true },
});

export const labCluster = lab.cluster;
export const labEncryption = lab.softwareDataEncryption;
