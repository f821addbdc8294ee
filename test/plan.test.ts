import test from "ava";
import { planUpdate } from "../provider/lifecycle/plan";
import { ConflictingSettingsError, IrreversibleConversionError, UnsupportedSettingError } from "../provider/lifecycle/errors";
import { ClusterInfo } from "../provider/ontap/client";
import { SecurityWire } from "../provider/ontap/codecs";
import { parseVersion } from "../provider/ontap/versions";
import { SecuritySettings } from "../provider/lifecycle/model";

const cluster = (version: string): ClusterInfo => ({
  uuid: "u",
  name: "c1",
  version,
  parsedVersion: parseVersion(version),
});

const live: SecurityWire = {
  fips: { enabled: false },
  software_data_encryption: { conversion_enabled: false, disabled_by_default: false },
  tls: { protocol_versions: ["TLSv1.3", "TLSv1.2", "TLSv1.1"], cipher_suites: ["TLS_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA"] },
  management_protocols: { rsh_enabled: true, telnet_enabled: true },
};

const table: [string, SecuritySettings, unknown[]][] = [
  ["nothing differs: no PATCH at all", { fips: { enabled: false }, tls: { protocolVersions: ["TLSv1.1"] } }, []],
  ["one field: only that field is sent", { fips: { enabled: true } }, [{ fips: { enabled: true } }]],
  [
    "several groups in one PATCH, values as the program wrote them",
    { fips: { enabled: true }, tls: { protocolVersions: ["TLSv1.2"] }, managementProtocols: { telnetEnabled: false, rshEnabled: true } },
    [{ fips: { enabled: true }, tls: { protocol_versions: ["TLSv1.2"] }, management_protocols: { telnet_enabled: false } }],
  ],
  [
    "conversion alone and last",
    { fips: { enabled: true }, softwareDataEncryption: { conversionEnabled: true, disabledByDefault: true } },
    [{ fips: { enabled: true }, software_data_encryption: { disabled_by_default: true } }, { software_data_encryption: { conversion_enabled: true } }],
  ],
  ["conversion only", { softwareDataEncryption: { conversionEnabled: true } }, [{ software_data_encryption: { conversion_enabled: true } }]],
];

for (const [title, desired, patches] of table) {
  test(`plan: ${title}`, (t) => {
    t.deepEqual(planUpdate(desired, live, cluster("9.16.1")).patches, patches);
  });
}

test("plan refuses conversionEnabled: false on a converted cluster, before any PATCH", (t) => {
  const converted: SecurityWire = { ...live, software_data_encryption: { conversion_enabled: true, disabled_by_default: false } };
  const error = t.throws(() => planUpdate({ softwareDataEncryption: { conversionEnabled: false } }, converted, cluster("9.16.1")), {
    instanceOf: IrreversibleConversionError,
  });
  t.regex(error?.message ?? "", /cannot be undone/);
});

test("plan sends conversionEnabled: false when the cluster is not converted (nothing to send)", (t) => {
  t.deepEqual(planUpdate({ softwareDataEncryption: { conversionEnabled: false } }, live, cluster("9.16.1")).patches, []);
});

const gating: [string, string, SecuritySettings, RegExp][] = [
  ["TLS on 9.8", "9.8.0", { tls: { protocolVersions: ["TLSv1.2"] } }, /runs ONTAP 9\.8\.0, which does not have tls\.protocolVersions \(needs ONTAP 9\.10\.1 or later\)/],
  ["telnet on 9.9.1", "9.9.1", { managementProtocols: { telnetEnabled: false } }, /managementProtocols\.telnetEnabled \(needs ONTAP 9\.10\.1/],
  ["any PATCH on 9.7", "9.7.0", { fips: { enabled: true } }, /9\.7\.0, which does not have fips\.enabled \(needs ONTAP 9\.8\.0 or later\)/],
  ["every unsupported setting at once", "9.8.0", { tls: { cipherSuites: ["TLS_A"] }, managementProtocols: { rshEnabled: false } }, /tls\.cipherSuites .*, managementProtocols\.rshEnabled/],
];

for (const [title, version, desired, message] of gating) {
  test(`plan refuses ${title}, naming the setting and the release`, (t) => {
    const error = t.throws(() => planUpdate(desired, live, cluster(version)), { instanceOf: UnsupportedSettingError });
    t.regex(error?.message ?? "", message);
    t.regex(error?.message ?? "", /Nothing was changed/);
  });
}

test("plan accepts FIPS and encryption on 9.8", (t) => {
  const old: SecurityWire = { fips: { enabled: false }, software_data_encryption: { conversion_enabled: false, disabled_by_default: false } };
  t.deepEqual(planUpdate({ fips: { enabled: true } }, old, cluster("9.8.0")).patches, [{ fips: { enabled: true } }]);
});

test("plan refuses, before any PATCH, a TLS version FIPS mode does not allow on a cluster that has FIPS on", (t) => {
  const fipsCluster: SecurityWire = { ...live, fips: { enabled: true }, tls: { protocol_versions: ["TLSv1.3", "TLSv1.2"], cipher_suites: [] } };
  const error = t.throws(() => planUpdate({ tls: { protocolVersions: ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] } }, fipsCluster, cluster("9.16.1")), {
    instanceOf: ConflictingSettingsError,
  });
  t.regex(error?.message ?? "", /^cluster c1 cannot take the program's settings: tls\.protocolVersions has TLSv1 and TLSv1\.1, .*error 52428824.*Nothing was changed\.$/);
  t.deepEqual(error?.conflicts.length, 1);
});

test("plan refuses TLSv1.1 with FIPS from 9.11.1 only", (t) => {
  const desired: SecuritySettings = { fips: { enabled: true }, tls: { protocolVersions: ["TLSv1.1", "TLSv1.2"] } };
  const old: SecurityWire = { ...live, tls: { protocol_versions: ["TLSv1.2"], cipher_suites: [] } };
  t.throws(() => planUpdate(desired, old, cluster("9.11.1")), { instanceOf: ConflictingSettingsError });
  t.deepEqual(planUpdate(desired, old, cluster("9.10.1")).patches, [{ fips: { enabled: true }, tls: { protocol_versions: ["TLSv1.1", "TLSv1.2"] } }]);
});

test("plan does not refuse a conflicting setting the cluster already has as asked: nothing would be sent for it", (t) => {
  const upgraded: SecurityWire = { ...live, fips: { enabled: true }, tls: { protocol_versions: ["TLSv1.3", "TLSv1.2", "TLSv1.1"], cipher_suites: [] } };
  const desired: SecuritySettings = { tls: { protocolVersions: ["TLSv1.1", "TLSv1.2", "TLSv1.3"] }, managementProtocols: { telnetEnabled: false } };
  t.deepEqual(planUpdate(desired, upgraded, cluster("9.16.1")).patches, [{ management_protocols: { telnet_enabled: false } }]);
});
