// The ONTAP simulator over real HTTPS with its own CA, the way the provider uses it: what each release
// answers to reads: GET /api/cluster, GET /api/security and fields=.

import test from "ava";

import { SimCluster } from "../simulator";
import { call, FAST, Json, securityBody, simulator } from "./simulatorHttp";

test("GET /api/cluster reports each cluster's name, uuid and version", async (t) => {
  const versions = ["9.6.0", "9.7.0", "9.8.0", "9.10.1", "9.11.1", "9.16.1"];
  const sim = await simulator(t, versions.map((version, i) => ({ version, name: `c${i}` })));
  for (const [i, cluster] of sim.clusters.entries()) {
    const reply = await call(sim, cluster, "GET", "/api/cluster?fields=version,name,uuid");
    const [generation, major, minor] = (versions[i] as string).split(".").map(Number);
    t.is(reply.status, 200);
    t.like(reply.body, { name: `c${i}`, uuid: cluster.uuid, version: { generation, major, minor }, _links: { self: { href: "/api/cluster" } } });
    t.true((reply.body.version.full as string).startsWith(`NetApp Release ${versions[i]}: `));
    t.is(cluster.version, versions[i]);
  }
  const one = await call(sim, sim.clusters[0] as SimCluster, "GET", "/api/cluster?fields=version.major");
  t.deepEqual(one.body, { version: { major: 6 }, _links: { self: { href: "/api/cluster" } } });
});

const versionTable: { version: string; get: number; groups: string[]; patch: number }[] = [
  { version: "9.6.0", get: 404, groups: [], patch: 404 },
  { version: "9.7.0", get: 200, groups: ["onboard_key_manager_configurable_status"], patch: 405 },
  { version: "9.8.0", get: 200, groups: ["onboard_key_manager_configurable_status", "fips", "software_data_encryption"], patch: 202 },
  {
    version: "9.10.1",
    get: 200,
    groups: ["onboard_key_manager_configurable_status", "fips", "software_data_encryption", "tls", "management_protocols"],
    patch: 202,
  },
  {
    version: "9.16.1",
    get: 200,
    groups: ["onboard_key_manager_configurable_status", "fips", "software_data_encryption", "tls", "management_protocols"],
    patch: 202,
  },
];

test("each version gates GET and PATCH /api/security as ONTAP does", async (t) => {
  const sim = await simulator(t, versionTable.map(({ version }) => ({ version, scenario: FAST })));
  for (const [i, row] of versionTable.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    const get = await call(sim, cluster, "GET", "/api/security");
    t.is(get.status, row.get, `GET on ${row.version}`);
    if (row.get === 200) {
      t.deepEqual(Object.keys(get.body).filter((key) => key !== "_links").sort(), [...row.groups].sort(), `groups on ${row.version}`);
      t.is(get.headers["content-type"], "application/hal+json");
      t.deepEqual(get.body._links, { self: { href: "/api/security" } });
    } else {
      t.like(get.body, { error: { code: "3" } });
    }
    const patch = await call(sim, cluster, "PATCH", "/api/security", { body: {} });
    t.is(patch.status, row.patch, `PATCH on ${row.version}: ${JSON.stringify(patch.body)}`);
  }
  const newest = (await call(sim, sim.clusters[4] as SimCluster, "GET", "/api/security")).body;
  t.is(newest.software_data_encryption.encryption_state, "unencrypted");
  const v910 = (await call(sim, sim.clusters[3] as SimCluster, "GET", "/api/security")).body;
  t.false("encryption_state" in v910.software_data_encryption);
  t.deepEqual(v910.tls.protocol_versions, ["TLSv1.3", "TLSv1.2", "TLSv1.1"]);
});

const fieldsTable: { fields: string; expect: Json }[] = [
  { fields: "fips.enabled", expect: { fips: { enabled: false } } },
  { fields: "fips", expect: { fips: { enabled: false } } },
  {
    fields: "fips.enabled,tls.protocol_versions",
    expect: { fips: { enabled: false }, tls: { protocol_versions: ["TLSv1.3", "TLSv1.2"] } },
  },
  { fields: "management_protocols", expect: { management_protocols: { rsh_enabled: false, telnet_enabled: false } } },
  {
    fields: "software_data_encryption",
    expect: { software_data_encryption: { conversion_enabled: false, disabled_by_default: false, encryption_state: "unencrypted" } },
  },
  { fields: "onboard_key_manager_configurable_status.code", expect: { onboard_key_manager_configurable_status: { code: 0 } } },
];

test("fields= selects groups and dotted sub-fields, and always links", async (t) => {
  const sim = await simulator(t);
  const cluster = sim.clusters[0] as SimCluster;
  for (const row of fieldsTable) {
    const reply = await call(sim, cluster, "GET", `/api/security?fields=${row.fields}`);
    t.deepEqual(reply.body, { ...row.expect, _links: { self: { href: "/api/security" } } }, row.fields);
  }
  const star = await securityBody(sim, cluster, "*");
  const stars = await securityBody(sim, cluster, "**");
  const fallback = (await call(sim, cluster, "GET", "/api/security")).body;
  t.deepEqual(star, stars);
  t.deepEqual(fallback, stars);
  t.deepEqual(Object.keys(stars).sort(), ["_links", "fips", "management_protocols", "onboard_key_manager_configurable_status", "software_data_encryption", "tls"]);
  t.false("rekey" in stars.software_data_encryption, "rekey is write-only");
});

const missingFieldTable: { version: string; fields: string }[] = [
  { version: "9.7.0", fields: "fips" },
  { version: "9.8.0", fields: "tls.protocol_versions" },
  { version: "9.8.0", fields: "management_protocols" },
  { version: "9.10.1", fields: "software_data_encryption.encryption_state" },
  { version: "9.16.1", fields: "software_data_encryption.rekey" },
  { version: "9.16.1", fields: "fips.enabled,no_such_field" },
  { version: "9.16.1", fields: "tls.rlogin_enabled" },
];

test("fields= naming a field the version lacks answers 400 262197 with target fields", async (t) => {
  const sim = await simulator(t, missingFieldTable.map(({ version }) => ({ version })));
  for (const [i, row] of missingFieldTable.entries()) {
    const reply = await call(sim, sim.clusters[i] as SimCluster, "GET", `/api/security?fields=${row.fields}`);
    t.is(reply.status, 400, `${row.version} ${row.fields}`);
    t.like(reply.body, { error: { code: "262197", target: "fields" } });
    t.regex(reply.body.error.message, /is invalid for field "fields"/);
  }
});
