// What NetApp documents after 9.8, as the provider's tables carry it: TLS offload (9.19.1), a conversion
// that goes on after its job ended (9.16.1), settings ONTAP refuses together in one PATCH (196608388), and
// fields an answer carries that the provider does not know.
import test from "ava";
import { isRight } from "fp-ts/Either";

import { planUpdate, unsupportedSettings } from "../provider/lifecycle/plan";
import { applyRules } from "../provider/lifecycle/rules";
import { ObservedSecurity, SecuritySettings, observedFromWire } from "../provider/lifecycle/model";
import { ROWS, SettingRow, differingSettings, patchGroups } from "../provider/lifecycle/settings";
import { ClusterInfo } from "../provider/ontap/client";
import { SecurityWire } from "../provider/ontap/codecs";
import { FIELD_NAMES, SECURITY_FIELDS, conflictInOnePatch, fieldRow } from "../provider/ontap/securityFields";
import { patchMismatches } from "../provider/ontap/readBack";
import { atLeast, parseVersion } from "../provider/ontap/versions";

const cluster = (version: string): ClusterInfo => ({ uuid: "u", name: "c1", version, parsedVersion: parseVersion(version) });
const row = (setting: string): SettingRow => ROWS.find((r) => r.setting === setting) as SettingRow;

test("every field a rule of the table names is a field of the table", (t) => {
  for (const field of FIELD_NAMES) {
    const spec = fieldRow(field);
    if (spec.underWay) t.true(FIELD_NAMES.includes(spec.underWay.field as never), `${field}: underWay names ${spec.underWay.field}`);
    for (const rule of spec.notInOnePatchWith ?? []) {
      t.true(FIELD_NAMES.includes(rule.field as never), `${field}: notInOnePatchWith names ${rule.field}`);
      t.regex(rule.code, /^\d+$/);
    }
  }
});

test("laterInGroup marks exactly the managed settings that came after their group", (t) => {
  for (const r of ROWS) {
    const first = ROWS.filter((o) => o.group === r.group).map((o) => o.since).sort((a, b) => (atLeast(parseVersion(a), b) ? 1 : -1))[0] as string;
    const later = r.managed && !atLeast(parseVersion(first), r.since);
    t.is(r.laterInGroup === true, later, r.setting);
  }
});

test("TLS offload is a managed setting from 9.19.1, and a release without it keeps its tls group in outputs", (t) => {
  t.deepEqual(unsupportedSettings({ tls: { offloadEnabled: true } }, cluster("9.17.1")), ["tls.offloadEnabled (needs ONTAP 9.19.1 or later)"]);
  t.deepEqual(unsupportedSettings({ tls: { offloadEnabled: true } }, cluster("9.19.1")), []);
  const wire: SecurityWire = { tls: { protocol_versions: ["TLSv1.3", "TLSv1.2"], cipher_suites: ["TLS_AES_128_GCM_SHA256"] } };
  t.deepEqual(observedFromWire(wire).tls, { protocolVersions: ["TLSv1.3", "TLSv1.2"], cipherSuites: ["TLS_AES_128_GCM_SHA256"] });
  const newer = observedFromWire({ tls: { ...wire.tls, offload_enabled: false } });
  t.is(newer.tls?.offloadEnabled, false);
  const plan = planUpdate({ tls: { offloadEnabled: true } }, { tls: { ...wire.tls, offload_enabled: false } }, cluster("9.19.1"));
  t.deepEqual(plan.patches, [{ tls: { offload_enabled: true } }]);
});

test("ONTAP refuses conversion and disabledByDefault both true in one PATCH (196608388): the table says so, and the plan sends them apart", (t) => {
  t.true(conflictInOnePatch("software_data_encryption.conversion_enabled", "software_data_encryption.disabled_by_default"));
  t.true(conflictInOnePatch("software_data_encryption.disabled_by_default", "software_data_encryption.conversion_enabled"));
  t.false(conflictInOnePatch("fips.enabled", "software_data_encryption.disabled_by_default"));
  const desired: SecuritySettings = { softwareDataEncryption: { conversionEnabled: true, disabledByDefault: true }, fips: { enabled: true } };
  // Even were the conversion not one-way (which sends it alone anyway), the rule alone keeps the two apart.
  const notOneWay = [row("fips.enabled"), row("softwareDataEncryption.disabledByDefault"), { ...row("softwareDataEncryption.conversionEnabled"), oneWay: undefined }];
  const groups = patchGroups(notOneWay, desired).map((g) => g.map((r) => r.setting));
  t.deepEqual(groups, [["fips.enabled", "softwareDataEncryption.disabledByDefault"], ["softwareDataEncryption.conversionEnabled"]]);
  // Both false is no conflict.
  t.is(patchGroups(notOneWay, { softwareDataEncryption: { conversionEnabled: false, disabledByDefault: false } }).length, 1);
  const plan = planUpdate(desired, { fips: { enabled: false }, software_data_encryption: { conversion_enabled: false, disabled_by_default: false } }, cluster("9.16.1"));
  t.deepEqual(plan.patches, [{ fips: { enabled: true }, software_data_encryption: { disabled_by_default: true } }, { software_data_encryption: { conversion_enabled: true } }]);
});

// Whether conversion_enabled reads true while the cluster is still encrypting is not documented: the
// provider must be right under either reading.
for (const reads of [false, true]) {
  for (const state of ["encrypting", "conversion_paused"]) {
    test(`a conversion under way (${state}, conversion_enabled reads ${reads}) is never sent again, and preview says so`, (t) => {
      const wire: SecurityWire = { software_data_encryption: { conversion_enabled: reads, disabled_by_default: false, encryption_state: state } };
      const desired: SecuritySettings = { softwareDataEncryption: { conversionEnabled: true } };
      const observed = observedFromWire(wire);
      t.deepEqual(differingSettings(desired, observed), []);
      t.deepEqual(planUpdate(desired, wire, cluster("9.16.1")).patches, []);
      t.deepEqual(patchMismatches({ software_data_encryption: { conversion_enabled: true } }, wire), [], "the read-back after the job counts it as applied");
      const notes = applyRules(desired, { version: parseVersion("9.16.1"), found: observed }).notes;
      t.true(notes.some((note) => note.includes("softwareDataEncryption.conversionEnabled: under way") && note.includes(`"${state}"`) && note.includes("not sent again")), notes.join("\n"));
    });
  }
}

test("an unencrypted or partial cluster still gets its conversion, and an encrypted one needs none", (t) => {
  const desired: SecuritySettings = { softwareDataEncryption: { conversionEnabled: true } };
  for (const state of ["unencrypted", "partial"]) {
    const wire: SecurityWire = { software_data_encryption: { conversion_enabled: false, disabled_by_default: false, encryption_state: state } };
    t.deepEqual(planUpdate(desired, wire, cluster("9.16.1")).patches, [{ software_data_encryption: { conversion_enabled: true } }], state);
  }
  const done: SecurityWire = { software_data_encryption: { conversion_enabled: true, disabled_by_default: false, encryption_state: "encrypted" } };
  t.deepEqual(planUpdate(desired, done, cluster("9.16.1")).patches, []);
  t.deepEqual(applyRules(desired, { version: parseVersion("9.16.1"), found: observedFromWire(done) }).notes, []);
});

test("fields an answer carries that the provider does not know are ignored", (t) => {
  const answer = {
    fips: { enabled: true },
    us_federal_cybersecurity: { alerts_enabled: true },
    tls: { protocol_versions: ["TLSv1.3"], cipher_suites: ["TLS_AES_128_GCM_SHA256"], hardware_magic: 1 },
    _links: { self: { href: "/api/security" } },
  };
  const decoded = SecurityWire.decode(answer);
  t.true(isRight(decoded));
  const observed: ObservedSecurity = observedFromWire(answer as SecurityWire);
  t.deepEqual(Object.keys(observed).sort(), ["fips", "tls"]);
  t.false("hardwareMagic" in (observed.tls ?? {}));
  t.false(Object.keys(SECURITY_FIELDS).some((field) => field.startsWith("us_federal")));
});

test("every code docs/ontap-api.md lists for PATCH /api/security has advice, and the simulator knows every 9.16.1 code", async (t) => {
  const { readFile } = await import("fs/promises");
  const { resolve } = await import("path");
  const { CODE_ADVICE } = await import("../provider/lifecycle/advice");
  const { ENCRYPTION_CODES } = await import("../simulator");
  const doc = await readFile(resolve(__dirname, "..", "..", "docs", "ontap-api.md"), "utf8");
  const table = doc.slice(doc.indexOf("## Error codes of `PATCH /api/security`"), doc.indexOf("Codes no reference lists"));
  const listed = [...table.matchAll(/^\| (`\d+`(?:, `\d+`)*) \|/gm)].flatMap((m) => [...(m[1] as string).matchAll(/`(\d+)`/g)].map((c) => c[1] as string));
  t.true(listed.length > 30, `${listed.length} codes listed`);
  t.deepEqual(listed.filter((code) => CODE_ADVICE[code] === undefined), [], "codes without advice");
  t.deepEqual(ENCRYPTION_CODES.map((row) => String(row.code)).filter((code) => !listed.includes(code)), [], "simulator codes the doc does not list");
});

test("a rekey is an action, not a setting: check refuses softwareDataEncryption.rekey, naming what the group takes", async (t) => {
  const { validateInputs } = await import("../provider/lifecycle/check");
  const failures = validateInputs({}, { host: "c1.example.com", softwareDataEncryption: { rekey: true } });
  t.true(failures.some((f) => f.property === "softwareDataEncryption" && /softwareDataEncryption\.rekey is not a setting; softwareDataEncryption takes .*conversionEnabled/.test(f.reason)), JSON.stringify(failures));
});
