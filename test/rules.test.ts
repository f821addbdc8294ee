import test from "ava";
import { UNKNOWN } from "../provider/lifecycle/check";
import { ObservedSecurity, SecuritySettings } from "../provider/lifecycle/model";
import { RuleContext, applyRules, needsFoundSettings } from "../provider/lifecycle/rules";
import { parseVersion } from "../provider/ontap/versions";

const fipsOn: ObservedSecurity = { fips: { enabled: true }, tls: { protocolVersions: ["TLSv1.3", "TLSv1.2"], cipherSuites: [] } };
const fipsOff: ObservedSecurity = { fips: { enabled: false }, tls: { protocolVersions: ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"], cipherSuites: [] } };
const on = (version: string, found?: ObservedSecurity): RuleContext => ({ cluster: "cluster c1", version: parseVersion(version), ...(found ? { found } : {}) });
const tls = (...protocolVersions: string[]): SecuritySettings => ({ tls: { protocolVersions } });

/** Program, where it is applied, and the refused versions named in the violation (empty: allowed). */
const refusals: [string, SecuritySettings, RuleContext, RegExp | undefined][] = [
  // Documented on every release with TLS settings: SSLv3 (52428817) and TLSv1 (52428824) under FIPS.
  ["TLSv1 asked with FIPS asked on, release unknown (check)", { fips: { enabled: true }, ...tls("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3") }, {}, /has TLSv1, .*\(TLSv1: error 52428824\); fips\.enabled is true\. List TLSv1\.2 \(TLSv1\.1 is also allowed before ONTAP 9\.11\.1\)/],
  ["SSLv3 asked with FIPS asked on", { fips: { enabled: true }, ...tls("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3") }, {}, /has SSLv3 and TLSv1, .*\(SSLv3: error 52428817; TLSv1: error 52428824\)/],
  ["TLSv1 asked on a cluster that has FIPS on, program silent on FIPS", tls("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"), on("9.16.1", fipsOn), /^cluster c1: tls\.protocolVersions has TLSv1 and TLSv1\.1, .*the cluster has FIPS on, and the program leaves fips\.enabled as it is\. List TLSv1\.2 as the lowest version, or set fips\.enabled to false$/],
  ["TLSv1 on a FIPS cluster whose FIPS the program turns off", { fips: { enabled: false }, ...tls("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3") }, on("9.16.1", fipsOn), undefined],
  ["TLSv1 on a cluster without FIPS", tls("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"), on("9.16.1", fipsOff), undefined],
  ["TLSv1 when FIPS is not known yet", { fips: { enabled: UNKNOWN as never }, ...tls("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3") }, on("9.16.1", fipsOff), undefined],
  ["TLSv1 when the cluster's settings were not read", tls("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"), on("9.16.1"), undefined],
  // Inferred from the documented side effect: from 9.11.1 FIPS leaves only TLSv1.2 and TLSv1.3.
  ["TLSv1.1 with FIPS on 9.11.1", { fips: { enabled: true }, ...tls("TLSv1.1", "TLSv1.2", "TLSv1.3") }, on("9.11.1"), /has TLSv1\.1, .*\(TLSv1\.1: error 52428832 from ONTAP 9\.11\.1 \(this cluster runs 9\.11\.1\): FIPS mode allows only TLSv1\.2 and TLSv1\.3\)/],
  ["TLSv1.1 on a FIPS cluster, 9.16.1", tls("TLSv1.1", "TLSv1.2", "TLSv1.3"), on("9.16.1", fipsOn), /has TLSv1\.1, /],
  ["TLSv1.1 with FIPS on 9.10.1 (FIPS allowed TLSv1.1 then)", { fips: { enabled: true }, ...tls("TLSv1.1", "TLSv1.2") }, on("9.10.1"), undefined],
  ["TLSv1 with FIPS on 9.10.1, lowest allowed said for that release", { fips: { enabled: true }, ...tls("TLSv1", "TLSv1.1", "TLSv1.2") }, on("9.10.1"), /List TLSv1\.1 as the lowest version$/],
  ["TLSv1.1 with FIPS when the release is unknown (check)", { fips: { enabled: true }, ...tls("TLSv1.1", "TLSv1.2", "TLSv1.3") }, {}, undefined],
  ["TLSv1.2 and up with FIPS", { fips: { enabled: true }, ...tls("TLSv1.2") }, on("9.16.1", fipsOn), undefined],
  ["a version list not known yet", { fips: { enabled: true }, tls: { protocolVersions: [UNKNOWN] } }, on("9.16.1", fipsOn), undefined],
  ["a group of the wrong shape (check's type rules report it)", { fips: "yes" as never, tls: 5 as never }, on("9.16.1", fipsOn), undefined],
];

for (const [title, desired, context, refused] of refusals) {
  test(`rules: ${title}`, (t) => {
    const { violations } = applyRules(desired, context);
    if (refused === undefined) {
      t.deepEqual(violations, []);
      return;
    }
    t.is(violations.length, 1);
    t.is(violations[0].property, "tls");
    t.is(violations[0].setting, "tls.protocolVersions");
    t.regex(violations[0].reason, refused);
  });
}

const notes: [string, SecuritySettings, RuleContext, string[]][] = [
  ["FIPS turned on, TLS left alone, 9.16.1", { fips: { enabled: true } }, on("9.16.1", fipsOff), [
    "enabling FIPS on ONTAP 9.16.1 also turns off TLSv1, TLSv1.1 (FIPS mode allows TLSv1.2 and up; turning FIPS off later does not turn them back on)",
  ]],
  ["FIPS turned on, TLS left alone, 9.10.1", { fips: { enabled: true } }, on("9.10.1", fipsOff), [
    "enabling FIPS on ONTAP 9.10.1 also turns off TLSv1 (FIPS mode allows TLSv1.1 and up; turning FIPS off later does not turn them back on)",
  ]],
  ["FIPS turned on with TLS managed: the TLS line says it all", { fips: { enabled: true }, ...tls("TLSv1.2") }, on("9.16.1", fipsOff), []],
  ["FIPS already on", { fips: { enabled: true } }, on("9.16.1", fipsOn), []],
  ["FIPS turned on on 9.8: nodes need a reboot", { fips: { enabled: true } }, on("9.8.0", { fips: { enabled: false } }), [
    "ONTAP 9.8.0 needs each node rebooted before the change of fips.enabled takes effect",
  ]],
  ["FIPS turned off on 9.9.1: no reboot", { fips: { enabled: false } }, on("9.9.1", fipsOn), []],
];

for (const [title, desired, context, expected] of notes) {
  test(`rules note: ${title}`, (t) => {
    t.deepEqual(applyRules(desired, context).notes, expected);
  });
}

test("the cluster's settings are read only when a rule needs them: a refused version with FIPS left as the cluster has it", (t) => {
  const v = parseVersion("9.16.1");
  t.true(needsFoundSettings(tls("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"), v));
  t.true(needsFoundSettings(tls("TLSv1.1", "TLSv1.2", "TLSv1.3"), v));
  t.false(needsFoundSettings(tls("TLSv1.1", "TLSv1.2"), parseVersion("9.10.1")));
  t.false(needsFoundSettings(tls("TLSv1.2"), v));
  t.false(needsFoundSettings({ fips: { enabled: false }, ...tls("TLSv1") }, v));
  t.false(needsFoundSettings({ fips: { enabled: true } }, v));
});
