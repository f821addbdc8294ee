// The program the preview tests drive through the real CLI: one ClusterSecurity per entry of the
// `clusters` config, each with the settings of the `settings` config (JSON), so that a test changes
// the program by changing config. Connection (account, password, CA) comes from ontap:* config and
// ONTAP_* variables; only the host is given per resource, as a fleet program gives it.
import * as pulumi from "@pulumi/pulumi";
import { ClusterSecurity, ClusterSecurityArgs } from "pulumi-ontap-security";

interface Entry {
  name: string;
  host: string;
}

const config = new pulumi.Config();
const settings = config.requireObject<ClusterSecurityArgs>("settings");
const resources = config.requireObject<Entry[]>("clusters").map((entry) => new ClusterSecurity(entry.name, { ...settings, host: entry.host }));

export const clusters = resources.length;
