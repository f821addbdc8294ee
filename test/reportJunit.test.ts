/**
 * The fleet report's JUnit XML, read back by an XML parser as a CI importer reads it: a test case per
 * cluster with at most one problem element (what Apache Ant's schema allows and what GitLab shows),
 * counts that equal the elements, and every shortfall and drift a line of that one element.
 */
import test from "ava";
import { DOMParser, Element } from "@xmldom/xmldom";
import { renderJunit, xmlText } from "../cli/reportJunit";
import { FleetReportModel, ReportCluster, buildReport } from "../cli/reportModel";
import { declared, good, record, stack, summary, telnetOn } from "./reportFixtures";

/** Parses strictly: a warning is as fatal as an error, but for the U+FFFD that stands in for a character XML cannot hold. */
function parse(xml: string): Element {
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level === "warning" && /replacement character/i.test(message)) return;
      throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(xml, "text/xml");
  const root = doc.documentElement;
  if (root === null) throw new Error("no root element");
  return root;
}

const children = (element: Element, name?: string): Element[] =>
  Array.from(element.childNodes).filter((n): n is Element => n.nodeType === 1 && (name === undefined || (n as Element).tagName === name));
const count = (element: Element, name: string): number => Number(element.getAttribute(name));
const PROBLEMS = ["failure", "error", "skipped"] as const;

/** Many shortfalls on one cluster: FIPS off, TLS 1.0, an RC4 suite, telnet and rsh on, and not converted (advisory). */
const weak = {
  fips: { enabled: false },
  tls: { protocolVersions: ["TLSv1", "TLSv1.2"], cipherSuites: ["TLS_RSA_WITH_RC4_128_SHA", "TLS_AES_256_GCM_SHA384"] },
  managementProtocols: { rshEnabled: true, telnetEnabled: true },
  softwareDataEncryption: { conversionEnabled: false, disabledByDefault: false, encryptionState: "unencrypted" },
};

function fleet(): FleetReportModel {
  return buildReport([
    summary([
      stack("east", "drift", [
        record("ok"),
        record("weak", { found: weak, changed: true, op: "update" }),
        record("tls13", { desired: { ...declared, tls: { protocolVersions: ["TLSv1.3"] } }, changed: true, op: "update" }),
        record("unconverted", { found: { ...good, softwareDataEncryption: { conversionEnabled: false, disabledByDefault: false } } }),
      ]),
      stack("west", "failed", [record("down", { failed: true, errors: ["GET https://down.example.com/api/cluster failed: connect ECONNREFUSED"], found: telnetOn })]),
      stack("north", "cancelled", [record("later", { op: undefined, found: undefined })]),
      stack("south", "succeeded", [record("telnet-declared", { desired: { ...declared, managementProtocols: { rshEnabled: false, telnetEnabled: true } }, found: telnetOn })]),
    ]),
  ]);
}

const clusterNamed = (model: FleetReportModel, name: string): ReportCluster => model.clusters.find((c) => c.cluster === name) as ReportCluster;
const mandatoryLines = (c: ReportCluster): string[] => c.verdicts.filter((v) => v.result === "fail" && v.level === "mandatory").flatMap((v) => v.messages);

test("JUnit: one test case per cluster, at most one problem element in each, counts equal to the elements", (t) => {
  const model = fleet();
  const root = parse(renderJunit(model));
  t.is(root.tagName, "testsuites");
  const suites = children(root, "testsuite");
  t.deepEqual(suites.map((s) => s.getAttribute("name")), model.stacks.map((s) => s.stack));
  const cases = suites.flatMap((s) => children(s, "testcase"));
  t.is(cases.length, model.clusters.length);
  for (const testcase of cases) {
    const problems = children(testcase).filter((e) => (PROBLEMS as readonly string[]).includes(e.tagName));
    t.true(problems.length <= 1, `${testcase.getAttribute("name")}: ${problems.map((p) => p.tagName).join(", ")}`);
    t.is(children(testcase, "system-out").length, 1);
  }
  const tally = (elements: Element[], tag: string) => elements.flatMap((s) => children(s, "testcase")).filter((c) => children(c, tag).length > 0).length;
  for (const suite of suites) {
    t.is(count(suite, "tests"), children(suite, "testcase").length);
    t.is(count(suite, "failures"), tally([suite], "failure"), `${suite.getAttribute("name")} failures`);
    t.is(count(suite, "errors"), tally([suite], "error"));
    t.is(count(suite, "skipped"), tally([suite], "skipped"));
  }
  t.deepEqual(
    ["tests", "failures", "errors", "skipped"].map((a) => count(root, a)),
    [cases.length, tally(suites, "failure"), tally(suites, "error"), tally(suites, "skipped")],
  );
  // weak, tls13 and telnet-declared fail; down errs; later is skipped; ok and unconverted pass.
  t.deepEqual([count(root, "failures"), count(root, "errors"), count(root, "skipped")], [3, 1, 1]);
});

test("JUnit: a cluster with several shortfalls and drift has one failure listing each, the worst rule as its type", (t) => {
  const model = fleet();
  const weakCluster = clusterNamed(model, "weak");
  const expected = mandatoryLines(weakCluster);
  t.true(expected.length >= 4, `made-up cluster falls short ${expected.length} times`);
  const testcase = parse(renderJunit(model))
    .getElementsByTagName("testcase")
    .filter((c) => c.getAttribute("name") === "weak")[0] as Element;
  const [failure, ...more] = children(testcase, "failure");
  t.is(more.length, 0);
  t.is(children(testcase, "error").length, 0);
  const rules = weakCluster.verdicts.filter((v) => v.result === "fail" && v.level === "mandatory").map((v) => v.rule);
  t.is(failure?.getAttribute("type"), rules[0]);
  const differing = weakCluster.settings.filter((s) => s.differs).map((s) => s.setting);
  t.true(differing.length > 0);
  t.is(failure?.getAttribute("message"), `below the baseline: ${expected.length} mandatory shortfalls (${rules.join(", ")}); drifted in ${differing.length} setting${differing.length === 1 ? "" : "s"} (${differing.join(", ")})`);
  const body = (failure?.textContent ?? "").split("\n");
  for (const line of expected) t.true(body.some((l) => l.endsWith(line)), `missing: ${line}`);
  for (const setting of differing) t.true(body.some((l) => l.startsWith(`drift ${setting}: `)), `missing drift of ${setting}`);
  // Advisory: in the output, never a failure.
  const advisory = weakCluster.verdicts.find((v) => v.level === "advisory" && v.result === "fail")?.messages[0] ?? "";
  t.not(advisory, "");
  t.false(body.some((l) => l.includes(advisory)));
  t.true((children(testcase, "system-out")[0]?.textContent ?? "").includes(advisory));
});

test("JUnit: an error carries the cluster's shortfalls too; drift alone and a declaration below the baseline are failures; advisory alone passes", (t) => {
  const model = fleet();
  const root = parse(renderJunit(model));
  const byName = (name: string) => root.getElementsByTagName("testcase").filter((c) => c.getAttribute("name") === name)[0] as Element;
  const [error] = children(byName("down"), "error");
  t.is(error?.getAttribute("type"), "unreachable");
  t.regex(error?.getAttribute("message") ?? "", /^unreachable: GET https:\/\/down\.example\.com\/api\/cluster failed: connect ECONNREFUSED$/);
  for (const line of mandatoryLines(clusterNamed(model, "down"))) t.true((error?.textContent ?? "").includes(line), line);
  t.is(children(byName("tls13"), "failure")[0]?.getAttribute("type"), "drift");
  t.regex(children(byName("tls13"), "failure")[0]?.getAttribute("message") ?? "", /^drifted in 1 setting \(tls\.protocolVersions\)$/);
  t.is(children(byName("telnet-declared"), "failure")[0]?.getAttribute("type"), "ontap-telnet-disabled");
  t.regex(children(byName("telnet-declared"), "failure")[0]?.getAttribute("message") ?? "", /^below the baseline: 1 mandatory shortfall \(ontap-telnet-disabled\)$/);
  t.is(children(byName("later"), "skipped").length, 1);
  for (const name of ["ok", "unconverted"]) t.deepEqual(children(byName(name)).map((e) => e.tagName), ["system-out"], name);
});

test("JUnit: text is fit for XML", (t) => {
  t.is(xmlText('a<b & "c"\u0001'), "a&lt;b &amp; &quot;c&quot;\uFFFD");
  const hostile = buildReport([summary([stack("s<1>", "failed", [record("x&y", { failed: true, errors: ["</error><error>\u0007"] })])])]);
  const root = parse(renderJunit(hostile));
  t.is(root.getElementsByTagName("error").length, 1);
  t.is(root.getElementsByTagName("testcase")[0]?.getAttribute("name"), "x&y");
});
