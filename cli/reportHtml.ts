/**
 * The fleet report as one self-contained HTML file: no server, no CDN, nothing fetched; it opens from a
 * CI artifact. Totals and charts are drawn here (inline SVG), so they show before any script runs; the
 * table of clusters is built by a small inline script from the data embedded in the page (strings
 * stored once each, rows as arrays of their indexes), one page of rows at a time, so 5,000 clusters
 * stay quick to open, filter and sort. Pure: a function of the model.
 */
import { FleetReportModel, OUTCOMES, OUTCOME_LABELS, Outcome, ReportCluster, formatValue, recordedNotice, severity } from "./reportModel";

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

/** Colours by outcome (worst: warm), readable on white and distinguishable without colour by their labels. */
export const OUTCOME_COLOURS: Readonly<Record<Outcome, string>> = {
  failed: "#c62828",
  unreachable: "#8e24aa",
  locked: "#ef6c00",
  "not-run": "#757575",
  drifted: "#f9a825",
  "as-declared": "#2e7d32",
};

const number = (n: number): string => n.toLocaleString("en-US");

/** A horizontal bar chart as inline SVG. */
export function barChart(title: string, bars: readonly { label: string; value: number; colour: string; note?: string }[], id: string): string {
  const rowHeight = 26;
  const labelWidth = 250;
  const width = 560;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * rowHeight + 8;
  const rows = bars
    .map((bar, i) => {
      const y = 4 + i * rowHeight;
      const w = bar.value === 0 ? 0 : Math.max(2, Math.round(((width - labelWidth - 70) * bar.value) / max));
      const label = bar.label.length > 36 ? `${bar.label.slice(0, 35)}…` : bar.label;
      return (
        `<g class="bar"><title>${escapeHtml(`${bar.label}: ${number(bar.value)}${bar.note === undefined ? "" : ` (${bar.note})`}`)}</title>` +
        `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escapeHtml(label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 4}" width="${w}" height="${rowHeight - 8}" rx="3" fill="${bar.colour}"></rect>` +
        `<text x="${labelWidth + w + 6}" y="${y + 17}" class="value">${number(bar.value)}</text></g>`
      );
    })
    .join("");
  const empty = bars.length === 0 ? `<text x="8" y="20">nothing to show</text>` : "";
  return `<figure class="chart" id="${id}"><figcaption>${escapeHtml(title)}</figcaption><svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${rows}${empty}</svg></figure>`;
}

const ENCRYPTION_COLOURS: Readonly<Record<string, string>> = {
  encrypted: "#2e7d32",
  encrypting: "#66bb6a",
  rekeying: "#66bb6a",
  partial: "#f9a825",
  conversion_paused: "#ef6c00",
  rekey_paused: "#ef6c00",
  unencrypted: "#c62828",
};

/** Releases sorted as versions (9.9.1 before 9.10.1), unknown last. */
function releaseOrder(a: string, b: string): number {
  const parts = (v: string) => v.split(/[^0-9]+/).filter((p) => p !== "").map(Number);
  if (a === "unknown" || b === "unknown") return a === b ? 0 : a === "unknown" ? 1 : -1;
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return a.localeCompare(b);
}

/** The embedded data: every string once, rows as arrays of indexes into it. */
export interface EmbeddedData {
  /** Strings; index 0 is "". */
  readonly s: readonly string[];
  /** Setting column names. */
  readonly settings: readonly string[];
  /** Rule names and levels. */
  readonly rules: readonly { readonly name: string; readonly level: string }[];
  readonly outcomes: readonly string[];
  /**
   * One row per cluster: [stack, cluster, host, release, encryption, outcome index, below baseline (0/1),
   * severity, lastChange, error, advice, settings: [found, desired, differs (0/1)][], failed rules: [rule index, message][]].
   */
  readonly rows: readonly unknown[][];
}

export function embeddedData(model: FleetReportModel): EmbeddedData {
  const strings: string[] = [""];
  const index = new Map<string, number>([["", 0]]);
  const id = (text: string | undefined): number => {
    if (text === undefined) return 0;
    let i = index.get(text);
    if (i === undefined) {
      i = strings.length;
      strings.push(text);
      index.set(text, i);
    }
    return i;
  };
  const settings = model.clusters[0]?.settings.map((s) => s.setting) ?? [];
  const rules = model.rules.map((r) => ({ name: r.rule, level: r.level }));
  const ruleIndex = new Map(rules.map((r, i) => [r.name, i]));
  const row = (c: ReportCluster): unknown[] => [
    id(c.stack),
    id(c.cluster + (c.clusterName === undefined ? "" : ` (${c.clusterName})`)),
    id(c.host),
    id(c.release),
    id(c.encryptionState),
    OUTCOMES.indexOf(c.outcome),
    c.belowBaseline ? 1 : 0,
    severity(c),
    id(c.lastChange),
    id(c.error),
    id(c.advice),
    c.settings.map((s) => [s.found === undefined ? 0 : id(formatValue(s.found)), s.desired === undefined ? 0 : id(formatValue(s.desired)), s.differs ? 1 : 0]),
    c.verdicts.filter((v) => v.result === "fail").flatMap((v) => v.shortfalls.map((f) => [ruleIndex.get(v.rule) ?? -1, id(`${f.setting} = ${formatValue(f.value)}: ${f.fix}`)])),
  ];
  const rows = model.clusters.map(row);
  return { s: strings, settings, rules, outcomes: OUTCOMES.map((o) => OUTCOME_LABELS[o]), rows };
}

const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg)}
body{margin:0;background:#fff}header{padding:20px 28px 8px;border-bottom:1px solid var(--line);background:var(--bg)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.meta{color:var(--muted);font-size:13px}
main{padding:8px 28px 40px}.exit{display:inline-block;padding:2px 8px;border-radius:10px;color:#fff;font-weight:600;font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:110px;border-top:5px solid var(--c)}
.card b{display:block;font-size:26px}.card span{color:var(--muted);font-size:13px}
.charts{display:flex;flex-wrap:wrap;gap:24px}.chart{margin:0;border:1px solid var(--line);border-radius:8px;padding:10px}
.chart figcaption{font-weight:600;font-size:14px;margin-bottom:6px}.chart svg{font-size:12px;max-width:100%;height:auto}.chart .value{fill:var(--muted)}
.chart .bar{cursor:default}.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:8px 0;font-size:13px}
.filters input[type=search]{width:280px;padding:5px 8px;border:1px solid var(--line);border-radius:6px}select{padding:4px;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:12px}th,td{border-bottom:1px solid var(--line);padding:5px 6px;text-align:left;vertical-align:top}
th{background:var(--bg);position:sticky;top:0;cursor:pointer;white-space:nowrap;user-select:none}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.o{white-space:nowrap;font-weight:600}.dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px}
.differs{color:#c62828;font-weight:600}.want{display:block;color:var(--muted);font-weight:400}.ok{color:#2e7d32}.bad{color:#c62828}.adv{color:#ef6c00}
.err{min-width:320px;max-width:520px;white-space:pre-wrap;color:#8b1a1a}.advice{display:block;color:var(--muted);white-space:normal}.cell{max-width:220px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.pager{display:flex;gap:8px;align-items:center;margin:10px 0;font-size:13px}button{padding:4px 10px;border:1px solid var(--line);border-radius:6px;background:#fff;cursor:pointer}
.stacks li{margin:3px 0;font-size:13px}.recorded{border:1px solid #ef6c00;border-left:6px solid #ef6c00;background:#fff8e1;border-radius:6px;padding:4px 14px;margin:14px 0}code{background:var(--bg);padding:1px 4px;border-radius:4px}
`;

/** The table's script: reads the embedded data, renders a page of rows, filters and sorts. */
const SCRIPT = `
(function(){
"use strict";
var D=JSON.parse(document.getElementById("fleet-data").textContent),S=D.s,R=D.rows,P=200;
var COL=["#c62828","#8e24aa","#ef6c00","#757575","#f9a825","#2e7d32"];
var state={q:"",outcome:"",rule:"",below:false,sort:0,dir:1,page:0};
var cols=[{k:"outcome",i:5,n:1},{k:"stack",i:0},{k:"cluster",i:1},{k:"release",i:3,v:1},{k:"encryption_state",i:4}];
D.settings.forEach(function(s,j){var p=s.split(".");cols.push({k:p[1]==="enabled"?p[0]:p[1],t:s,set:j})});
cols.push({k:"baseline",i:12,f:1},{k:"last change",i:8},{k:"error / advice",i:9});
function txt(i){return S[i]||""}
function relKey(t){return t.split(/[^0-9]+/).filter(Boolean).map(function(p){return ("00000"+p).slice(-5)}).join(".")}
function key(r,c){if(c.set!==undefined)return txt(r[11][c.set][0]);if(c.f)return -r[12].length;if(c.n)return r[7];var t=txt(r[c.i]);return c.v?relKey(t):t.toLowerCase()}
function el(t,cls,text){var e=document.createElement(t);if(cls)e.className=cls;if(text!==undefined)e.textContent=text;return e}
var head=document.getElementById("head"),body=document.getElementById("rows"),count=document.getElementById("count");
cols.forEach(function(c,j){var th=el("th",null,c.k);th.dataset.col=j;th.title=(c.t?c.t+": found, and declared when it differs":c.k)+" (click to sort)";th.onclick=function(){if(state.sort===j)state.dir=-state.dir;else{state.sort=j;state.dir=1}state.page=0;draw()};head.appendChild(th)});
function matches(r){
 if(state.outcome!==""&&String(r[5])!==state.outcome)return false;
 if(state.below&&!r[6])return false;
 if(state.rule!==""&&!r[12].some(function(f){return String(f[0])===state.rule}))return false;
 if(state.q){var q=state.q;var hay=[0,1,2,3,4,9].map(function(i){return txt(r[i])}).join(" ").toLowerCase();if(hay.indexOf(q)<0)return false}
 return true}
function cell(tr,r,c){
 var td=el("td");
 if(c.i===5){td.className="o";var d=el("span","dot");d.style.background=COL[r[5]];td.appendChild(d);td.appendChild(document.createTextNode(D.outcomes[r[5]]+(r[6]?" · below baseline":"")))}
 else if(c.set!==undefined){var s=r[11][c.set],f=txt(s[0]),w=txt(s[1]);var v=el("div","cell"+(s[2]?" differs":""),f||"—");v.title=(f||"not reported")+(w?"\\ndeclared: "+w:"");td.appendChild(v);if(s[2])td.appendChild(el("span","want","declared: "+w))}
 else if(c.f){if(!r[12].length){td.appendChild(el("span","ok",r[11].some(function(s){return s[0]})?"meets":"not read"))}else r[12].forEach(function(f){var rl=D.rules[f[0]]||{name:"?",level:""};var s=el("div",rl.level==="mandatory"?"bad":"adv",rl.name);s.title=txt(f[1]);td.appendChild(s)})}
 else if(c.i===9){if(r[9]){td.appendChild(el("div","err",txt(r[9])))}if(r[10])td.appendChild(el("span","advice",txt(r[10])))}
 else{td.textContent=txt(r[c.i]);if(c.i===1&&r[2])td.title=txt(r[2])}
 tr.appendChild(td)}
function draw(){
 var rows=R.filter(matches),c=cols[state.sort],d=state.dir;
 rows.sort(function(a,b){var x=key(a,c),y=key(b,c);return (x<y?-1:x>y?1:a[7]-b[7]||a[1]-b[1])*d});
 var pages=Math.max(1,Math.ceil(rows.length/P));if(state.page>=pages)state.page=pages-1;
 var from=state.page*P,page=rows.slice(from,from+P),frag=document.createDocumentFragment();
 page.forEach(function(r){var tr=el("tr");tr.dataset.outcome=D.outcomes[r[5]];cols.forEach(function(c){cell(tr,r,c)});frag.appendChild(tr)});
 body.replaceChildren(frag);
 Array.prototype.forEach.call(head.children,function(th,j){if(j===state.sort)th.setAttribute("aria-sort",d>0?"ascending":"descending");else th.removeAttribute("aria-sort")});
 count.textContent=(rows.length?(from+1)+"–"+(from+page.length):"0")+" of "+rows.length.toLocaleString("en-US")+" clusters"+(rows.length!==R.length?" (filtered from "+R.length.toLocaleString("en-US")+")":"");
 document.getElementById("prev").disabled=state.page===0;document.getElementById("next").disabled=state.page>=pages-1}
var q=document.getElementById("q"),o=document.getElementById("outcome"),ru=document.getElementById("rule"),b=document.getElementById("below");
D.outcomes.forEach(function(n,i){var op=el("option",null,n);op.value=String(i);o.appendChild(op)});
D.rules.forEach(function(n,i){var op=el("option",null,n.name);op.value=String(i);ru.appendChild(op)});
q.oninput=function(){state.q=q.value.trim().toLowerCase();state.page=0;draw()};
o.onchange=function(){state.outcome=o.value;state.page=0;draw()};
ru.onchange=function(){state.rule=ru.value;state.page=0;draw()};
b.onchange=function(){state.below=b.checked;state.page=0;draw()};
document.getElementById("prev").onclick=function(){state.page--;draw()};
document.getElementById("next").onclick=function(){state.page++;draw()};
Array.prototype.forEach.call(document.querySelectorAll("[data-filter-outcome]"),function(a){a.onclick=function(e){e.preventDefault();o.value=a.getAttribute("data-filter-outcome");o.onchange()}});
Array.prototype.forEach.call(document.querySelectorAll("[data-filter-rule]"),function(a){a.onclick=function(e){e.preventDefault();ru.value=a.getAttribute("data-filter-rule");ru.onchange()}});
draw();document.body.setAttribute("data-ready","1")})();
`;

/** The report as one HTML document. */
export function renderHtml(model: FleetReportModel): string {
  const t = model.totals;
  const exitColour = model.exitCode === 0 ? "#2e7d32" : model.exitCode === 3 ? "#f9a825" : "#c62828";
  const card = (label: string, value: number, colour: string, attrs = "") => `<div class="card" style="--c:${colour}" ${attrs}><b>${number(value)}</b><span>${escapeHtml(label)}</span></div>`;
  const cards = [
    card("clusters", t.clusters, "#1f2328", 'data-total="clusters"'),
    ...(["as-declared", "drifted"] as const).map((o) => card(OUTCOME_LABELS[o], t[o], OUTCOME_COLOURS[o], `data-total="${o}"`)),
    card("below the baseline", t.belowBaseline, "#b71c1c", 'data-total="below-baseline"'),
    ...(["failed", "unreachable", "locked", "not-run"] as const).map((o) => card(OUTCOME_LABELS[o], t[o], OUTCOME_COLOURS[o], `data-total="${o}"`)),
  ].join("");
  const ruleChart = barChart(
    "Clusters short of each baseline rule",
    model.rules.map((r) => ({ label: r.rule, value: r.shortfalls, colour: r.level === "mandatory" ? "#c62828" : "#ef6c00", note: `${r.level}; ${number(r.checked)} clusters checked` })),
    "chart-rules",
  );
  const releaseChart = barChart(
    "ONTAP releases",
    Object.entries(model.releases)
      .sort(([a], [b]) => releaseOrder(a, b))
      .map(([label, value]) => ({ label, value, colour: label === "unknown" ? "#9e9e9e" : "#1565c0" })),
    "chart-releases",
  );
  const encryptionChart = barChart(
    "Encryption states (encryption_state)",
    Object.entries(model.encryptionStates)
      .sort(([, a], [, b]) => b - a)
      .map(([label, value]) => ({ label, value, colour: ENCRYPTION_COLOURS[label] ?? "#9e9e9e" })),
    "chart-encryption",
  );
  const troubled = model.stacks.filter((s) => s.status !== "succeeded" && s.status !== "drift");
  const stackList =
    troubled.length === 0
      ? ""
      : `<h2>Stacks that did not succeed (${number(troubled.length)})</h2><ul class="stacks">${troubled
          .slice(0, 200)
          .map(
            (s) =>
              `<li><b>${escapeHtml(s.stack)}</b> ${escapeHtml(s.status)}${s.shard === undefined ? "" : ` (shard ${escapeHtml(s.shard)})`}${s.error === undefined ? "" : `: ${escapeHtml(s.error.split("\n")[0] as string)}`}${s.recovery === undefined ? "" : ` — recovery: <code>${escapeHtml(s.recovery)}</code>`}</li>`,
          )
          .join("")}${troubled.length > 200 ? `<li>… and ${number(troubled.length - 200)} more</li>` : ""}</ul>`;
  const notice = recordedNotice(model, 200);
  const recorded =
    notice === undefined
      ? ""
      : `<section class="recorded" id="recorded"><p><b>${escapeHtml(notice.headline)}</b></p><ul class="stacks">${notice.stacks.map((line) => `<li>${escapeHtml(line)}</li>`).join("")}${notice.more > 0 ? `<li>… and ${number(notice.more)} more</li>` : ""}</ul></section>`;
  const runs = model.runs.map((r) => `${r.command}${r.driftCheck ? " --drift-check" : ""}${r.shard === undefined ? "" : ` shard ${r.shard}`} at ${r.startedAt} (exit ${r.exitCode})`).join("; ");
  const data = JSON.stringify(embeddedData(model)).replace(/</g, "\\u003c");
  const ruleLinks = model.rules.map((r, i) => `<a href="#table" data-filter-rule="${i}">${escapeHtml(r.rule)}</a>`).join(" · ");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(model.title)}</title><style>${STYLE}</style></head>
<body><header><h1>${escapeHtml(model.title)}</h1>
<div class="meta">${number(t.clusters)} clusters in ${number(t.stacks)} stacks · ${escapeHtml(runs || (notice === undefined ? "no run" : "state as last recorded, not a live read"))} · exit <span class="exit" style="background:${exitColour}" id="exit-code">${model.exitCode}</span></div></header>
<main>${recorded}<section class="cards" id="totals">${cards}</section>
<section class="charts">${ruleChart}${releaseChart}${encryptionChart}</section>
<p class="meta">Baseline: policy/baseline.ts (NetApp TR-4569), judged on the settings each cluster reported; a mandatory rule falling short puts a cluster below the baseline. Filter by rule: ${ruleLinks}</p>
${stackList}
<h2 id="table">Clusters</h2>
<div class="filters"><input type="search" id="q" placeholder="Filter: stack, cluster, host, release, error" aria-label="filter">
<label>Outcome <select id="outcome"><option value="">all</option></select></label>
<label>Short of <select id="rule"><option value="">any rule or none</option></select></label>
<label><input type="checkbox" id="below"> below the baseline only</label></div>
<div class="pager"><button id="prev" type="button">◀ previous</button><span id="count"></span><button id="next" type="button">next ▶</button></div>
<div style="overflow-x:auto"><table id="clusters"><thead><tr id="head"></tr></thead><tbody id="rows"></tbody></table></div>
<p class="meta">Each setting column shows what the cluster reported; in red with what the program declares when they differ.</p>
</main>
<script type="application/json" id="fleet-data">${data}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
