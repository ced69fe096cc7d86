// @ts-check
// The class report of a batch: what a teacher looks at instead of reading a CSV. Flags for each
// submission (an endless loop, process.exit(), a syntax error, a tampering attempt, an odd layout,
// lateness, shared code), then one self-contained HTML page: the score histogram, the pass rate of
// each milestone and of each test (hardest first), the flagged submissions, the similar pairs and
// every student's row. No script and nothing fetched: it opens from disk, and prints.
import { ownFailure } from '../formats.mjs';
import { formatLate } from './late.mjs';
import { K, MIN_OWN } from './similarity.mjs';

/**
 * @typedef {import('../report.mjs').GradeResult & { typeErrors?: import('../formats.mjs').TypeErrorInfo[] }} Result
 *
 * @typedef {object} ReportRow   what the report needs of a graded submission (batch.mjs's BatchRow has it)
 * @property {string} student
 * @property {Result | null} result
 * @property {string} [note]
 * @property {string[]} [changed]      course files the submission changed or added (not graded)
 * @property {string} [oddLayout]
 * @property {string[]} [otherCopies]
 * @property {import('./late.mjs').Lateness} [late]
 *
 * @typedef {'no-lab' | 'layout' | 'loop' | 'exit' | 'crash' | 'syntax' | 'load' | 'tampering' | 'late' | 'similar' | 'grader'} FlagKind
 *
 * @typedef {object} Flag
 * @property {FlagKind} kind
 * @property {string} label    a few words: "endless loop"
 * @property {string} detail   what and where: "9 tests timed out (Chunked bodies)"
 */

/** The order flags are listed in: what stops a grade from meaning anything first. */
const ORDER = /** @type {FlagKind[]} */ (['grader', 'no-lab', 'tampering', 'syntax', 'load', 'loop', 'exit', 'crash', 'layout', 'similar', 'late']);

/**
 * The flags of one submission.
 * @param {ReportRow} row
 * @param {import('./similarity.mjs').Pair[]} [pairs]   the batch's similar pairs
 * @returns {Flag[]}
 */
export function flagsOf(row, pairs = []) {
  /** @type {Flag[]} */
  const flags = [];
  const r = row.result;
  if (!r) {
    const noLab = /^no labs\//.test(row.note ?? '');
    flags.push({ kind: noLab ? 'no-lab' : 'grader', label: noLab ? 'no lab found' : 'not graded', detail: row.note ?? 'nothing was graded' });
  }
  if (row.oddLayout) flags.push({ kind: 'layout', label: 'odd layout', detail: row.oddLayout });
  if (row.otherCopies?.length) flags.push({ kind: 'layout', label: 'several copies', detail: `other copies of the lab, not graded: ${row.otherCopies.join(', ')}` });
  if (row.changed?.length) {
    flags.push({ kind: 'tampering', label: 'tampering attempt?', detail: `changed course files (the grader used its own): ${cap(row.changed)}` });
  }
  if (r) {
    /** @type {Map<string, { tests: import('../report.mjs').TestResult[], location?: string, text: string }>} */
    const own = new Map();
    for (const test of r.tests) {
      const failure = ownFailure(test);
      if (!failure) continue;
      const key = failure.kind === 'timeout' && test.busy ? 'busy' : failure.kind;
      const entry = own.get(key) ?? { tests: [], location: failure.location, text: failure.text };
      entry.tests.push(test);
      own.set(key, entry);
    }
    const count = (/** @type {number} */ n) => `${n} ${n === 1 ? 'test' : 'tests'}`;
    const sections = (/** @type {import('../report.mjs').TestResult[]} */ tests) => [...new Set(tests.map((t) => t.section))].join(', ');
    const at = (/** @type {string | undefined} */ location) => (location ? ` at ${location}` : '');
    // A timeout while the machine was busy is most likely a loop still (the supervisor ran the test
    // again, alone, before keeping it), but the instructor is told to make sure.
    const timeouts = [...(own.get('timeout')?.tests ?? []), ...(own.get('busy')?.tests ?? [])];
    if (timeouts.length > 0) {
      const busy = own.get('busy')?.tests.length ?? 0;
      flags.push({
        kind: 'loop',
        label: 'endless loop',
        detail:
          `${count(timeouts.length)} timed out (${sections(timeouts)})` +
          (busy > 0
            ? `; the machine was busy ${busy === timeouts.length ? (busy === 1 ? 'then' : 'during all of them') : `during ${busy}`}: grade again with --only ${row.student} to be sure`
            : ''),
      });
    }
    const exit = own.get('exit');
    if (exit) flags.push({ kind: 'exit', label: 'process.exit()', detail: `called in ${count(exit.tests.length)}${at(exit.location)}` });
    const crash = own.get('crash');
    if (crash) flags.push({ kind: 'crash', label: 'crash', detail: `the test process ended in ${count(crash.tests.length)}` });
    const syntax = own.get('syntax') ?? (r.problems.some((p) => /Transform failed|SyntaxError|PARSE_ERROR/.test(p.message)) ? { tests: [], location: r.problems[0]?.location, text: '' } : undefined);
    if (syntax) flags.push({ kind: 'syntax', label: 'syntax error', detail: `the lab does not load: a syntax error${at(syntax.location ?? problemLocation(r))}` });
    const load = own.get('load');
    if (load) flags.push({ kind: 'load', label: 'loop while loading', detail: 'the lab did not finish loading: a loop at the top level of a module?' });
    const refused = own.get('refused');
    if (refused) flags.push({ kind: 'tampering', label: 'forbidden import', detail: refused.text.replace(/^the lab was not run: /, '').replace(/\. A lab may not.*$/, '') });
    if (own.get('void')) flags.push({ kind: 'tampering', label: 'void run', detail: 'the canary passed: the code changed how assertions work' });
  }
  const mine = pairs.filter((pair) => pair.a === row.student || pair.b === row.student);
  const other = (/** @type {import('./similarity.mjs').Pair} */ pair) => (pair.a === row.student ? pair.b : pair.a);
  const identical = mine.filter((pair) => pair.identical);
  if (identical.length > 0) flags.push({ kind: 'similar', label: 'identical code', detail: `the same code as ${cap(identical.map(other))}` });
  const similar = mine.filter((pair) => !pair.identical);
  if (similar.length > 0) {
    flags.push({ kind: 'similar', label: 'similar code', detail: `similar to ${cap(similar.map((pair) => `${other(pair)} (${percent(pair.similarity)})`))}` });
  }
  if (row.late && row.late.lateMs > 0) {
    flags.push({
      kind: 'late',
      label: 'late',
      detail: `${formatLate(row.late.lateMs)} late${row.late.penalty > 0 ? `, −${row.late.penalty} points` : ''}${row.late.from === 'git' ? ' (last commit date)' : ''}`,
    });
  }
  return flags.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

/** @param {Result} r */
function problemLocation(r) {
  for (const p of r.problems) {
    if (p.location) return p.location;
    const m = /(labs\/[\w.-]+\/[^\s:()[\]]+:\d+:\d+)/.exec(p.message);
    if (m) return m[1];
  }
  return undefined;
}

function cap(/** @type {string[]} */ list, max = 6) {
  return list.length <= max ? list.join(', ') : `${list.slice(0, max).join(', ')} and ${list.length - max} more`;
}

/** Rounded down, so that 100% means all of it. */
function percent(/** @type {number} */ fraction) {
  return `${Math.floor(fraction * 100 + 1e-9)}%`;
}

// ---------------------------------------------------------------------------------------------
// Figures

/**
 * @typedef {object} ClassStats
 * @property {number} submissions
 * @property {number} graded
 * @property {number} maxScore
 * @property {number[]} scores        of graded submissions (after any late penalty)
 * @property {number} median
 * @property {number} mean
 * @property {number} full           graded submissions with every point
 * @property {{ id: string, title: string, extension: boolean, maxScore: number, passRate: number, finished: number, meanScore: number }[]} milestones
 * @property {{ name: string, section: string, milestone: string, passRate: number, passed: number, graded: number, statuses: Record<string, number> }[]} tests   hardest first
 */

/**
 * @param {ReportRow[]} rows
 * @param {(row: ReportRow) => number} finalScore
 * @returns {ClassStats}
 */
export function classStats(rows, finalScore) {
  const graded = rows.filter((r) => r.result);
  const results = graded.map((r) => /** @type {Result} */ (r.result));
  const maxScore = Math.max(0, ...results.map((r) => r.maxScore));
  const scores = graded.map(finalScore).sort((a, b) => a - b);
  const mid = Math.floor(scores.length / 2);
  const median = scores.length === 0 ? 0 : scores.length % 2 ? scores[mid] ?? 0 : ((scores[mid - 1] ?? 0) + (scores[mid] ?? 0)) / 2;
  const mean = scores.length === 0 ? 0 : scores.reduce((a, b) => a + b, 0) / scores.length;
  const first = results[0];
  const milestones = (first?.milestones ?? []).map((m) => {
    const own = results.map((r) => r.milestones.find((x) => x.id === m.id));
    const passed = own.reduce((n, x) => n + (x?.passed ?? 0), 0);
    const total = own.reduce((n, x) => n + (x?.total ?? 0), 0);
    return {
      id: m.id,
      title: m.title,
      extension: Boolean(m.extension),
      maxScore: m.maxScore,
      passRate: total === 0 ? 0 : passed / total,
      finished: own.filter((x) => x && x.total > 0 && x.passed === x.total).length,
      meanScore: own.length === 0 ? 0 : own.reduce((n, x) => n + (x?.score ?? 0), 0) / own.length,
    };
  });
  /** @type {Map<string, ClassStats['tests'][number]>} */
  const tests = new Map();
  for (const r of results) {
    for (const t of r.tests) {
      const key = `${t.milestone}\u0000${t.name}`;
      const entry = tests.get(key) ?? { name: t.name, section: t.section, milestone: t.milestone, passRate: 0, passed: 0, graded: 0, statuses: {} };
      entry.graded += 1;
      if (t.status === 'passed') entry.passed += 1;
      else entry.statuses[t.status] = (entry.statuses[t.status] ?? 0) + 1;
      tests.set(key, entry);
    }
  }
  const order = new Map(milestones.map((m, i) => [m.id, i]));
  const list = [...tests.values()].map((t) => ({ ...t, passRate: t.graded === 0 ? 0 : t.passed / t.graded }));
  list.sort((a, b) => a.passRate - b.passRate || (order.get(a.milestone) ?? 99) - (order.get(b.milestone) ?? 99));
  return {
    submissions: rows.length,
    graded: graded.length,
    maxScore,
    scores,
    median,
    mean,
    full: graded.filter((r) => maxScore > 0 && finalScore(r) >= maxScore).length,
    milestones,
    tests: list,
  };
}

// ---------------------------------------------------------------------------------------------
// HTML

/** @param {unknown} value */
function esc(value) {
  return String(value).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
}

/** A file name for a student folder's name (the feedback files use the same). */
export function fileName(/** @type {string} */ student) {
  return student.replace(/[^\w.@-]+/g, '_').replace(/^\.+/, '_') || '_';
}

/**
 * The histogram of scores as an SVG: ten bins of 10% and one for full marks, so a class where
 * most finished shows that, and not a bin 90-100% that hides who did not quite.
 * @param {number[]} scores @param {number} maxScore
 */
function histogram(scores, maxScore) {
  const bins = Array.from({ length: 11 }, () => 0);
  for (const score of scores) {
    const fraction = maxScore === 0 ? 0 : score / maxScore;
    bins[fraction >= 1 ? 10 : Math.min(9, Math.floor(fraction * 10))] += 1;
  }
  const labels = ['0–9', '10–19', '20–29', '30–39', '40–49', '50–59', '60–69', '70–79', '80–89', '90–99', '100'];
  const top = Math.max(1, ...bins);
  const width = 660;
  const height = 220;
  const barWidth = 48;
  const gap = (width - 20 - bins.length * barWidth) / (bins.length - 1);
  const plot = height - 50;
  const bars = bins
    .map((count, i) => {
      const h = Math.round((count / top) * (plot - 20));
      const x = Math.round(10 + i * (barWidth + gap));
      const y = plot - h;
      const title = `${count} ${count === 1 ? 'submission' : 'submissions'} scored ${labels[i]}%`;
      return (
        `<g><title>${esc(title)}</title>` +
        `<rect x="${x}" y="${y}" width="${barWidth}" height="${Math.max(h, count > 0 ? 2 : 0)}" rx="3" class="${i === 10 ? 'bar full' : 'bar'}"/>` +
        (count > 0 ? `<text x="${x + barWidth / 2}" y="${y - 6}" class="count">${count}</text>` : '') +
        `<text x="${x + barWidth / 2}" y="${plot + 18}" class="axis">${labels[i]}</text></g>`
      );
    })
    .join('');
  return (
    `<svg class="histogram" viewBox="0 0 ${width} ${height}" role="img" aria-label="Histogram of scores: ${esc(bins.map((n, i) => `${labels[i]}%: ${n}`).join(', '))}">` +
    `<line x1="0" y1="${plot}" x2="${width}" y2="${plot}" class="baseline"/>${bars}` +
    `<text x="${width / 2}" y="${height - 6}" class="axis">score, % of ${maxScore} points</text></svg>`
  );
}

/** A horizontal bar for a fraction, with its text beside it. */
function meter(/** @type {number} */ fraction, /** @type {string} */ text) {
  const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  const tone = pct >= 80 ? 'good' : pct >= 40 ? 'mid' : 'low';
  return `<span class="meter"><span class="meter-track"><span class="meter-fill ${tone}" style="width:${pct}%"></span></span><span class="meter-text">${esc(text)}</span></span>`;
}

/**
 * @typedef {object} ReportInput
 * @property {import('../course.mjs').LabInfo} lab
 * @property {ReportRow[]} rows
 * @property {import('./similarity.mjs').Pair[]} pairs
 * @property {{ compared: number, skipped: string[], threshold: number }} similarity
 * @property {string} feedbackDir   relative to the report, for links
 * @property {string} generatedAt   ISO time
 * @property {{ deadline: string, penaltyPerDay: number } | null} latePolicy
 * @property {(row: ReportRow) => number} finalScore
 */

/** @param {ReportInput} input */
export function classReportHtml(input) {
  const { lab, rows, pairs } = input;
  const stats = classStats(rows, input.finalScore);
  const flagged = rows.map((row) => ({ row, flags: flagsOf(row, pairs) })).filter((x) => x.flags.length > 0);
  const late = rows.filter((r) => r.late && r.late.lateMs > 0).length;
  const fmt = (/** @type {number} */ n) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  /** @type {[string, string][]} label, value */
  const cards = [
    ['submissions', String(stats.submissions)],
    ['graded', String(stats.graded)],
    [`median, of ${stats.maxScore} points`, fmt(stats.median)],
    [`mean, of ${stats.maxScore} points`, fmt(stats.mean)],
    ['full marks', String(stats.full)],
    ['flagged', String(flagged.length)],
    ['similar pairs', String(pairs.length)],
  ];
  if (input.latePolicy) cards.push(['late', String(late)]);

  const milestoneRows = stats.milestones
    .map(
      (m, i) =>
        `<tr><td>${i + 1}. ${esc(m.title)}${m.extension ? ' <span class="muted">(extension: optional)</span>' : ''}</td><td class="num" data-label="points">${m.maxScore}</td>` +
        `<td>${meter(m.passRate, `${percent(m.passRate)} of tests passed`)}</td>` +
        `<td class="num" data-label="mean points">${fmt(m.meanScore)}</td><td class="num" data-label="finished by">${m.finished} of ${stats.graded}</td></tr>`,
    )
    .join('\n');

  const statusWords = { failed: 'failed', timedOut: 'timed out', error: 'error', notRun: 'not run' };
  const testRows = stats.tests
    .map((t) => {
      const how = Object.entries(t.statuses)
        .sort((a, b) => b[1] - a[1])
        .map(([status, n]) => `${statusWords[/** @type {keyof typeof statusWords} */ (status)] ?? status} ${n}`)
        .join(', ');
      return `<tr><td>${esc(t.name)}</td><td data-label="milestone">${esc(t.section)}</td><td>${meter(t.passRate, `${t.passed} of ${t.graded}`)}</td><td class="muted" data-label="the others">${esc(how)}</td></tr>`;
    })
    .join('\n');

  const flagRows = flagged
    .map(
      ({ row, flags }) =>
        `<tr><td><a href="${esc(`${input.feedbackDir}/${fileName(row.student)}.txt`)}">${esc(row.student)}</a></td>` +
        `<td>${flags.map((f) => `<span class="flag ${f.kind}">${esc(f.label)}</span>`).join(' ')}</td>` +
        `<td><ul class="details">${flags.map((f) => `<li>${esc(f.detail)}</li>`).join('')}</ul></td></tr>`,
    )
    .join('\n');

  const pairRows = pairs
    .map(
      (p) =>
        `<tr><td>${esc(p.a)}</td><td>${esc(p.b)}</td><td>${meter(p.similarity, percent(p.similarity))}</td>` +
        `<td>${p.identical ? '<span class="flag similar">identical</span>' : ''}</td><td class="num" data-label="shared shingles">${p.shared}</td></tr>`,
    )
    .join('\n');

  const milestoneIds = stats.milestones.map((m) => m.id);
  const studentRows = rows
    .map((row) => {
      const r = row.result;
      const score = r ? input.finalScore(row) : null;
      const cells = milestoneIds
        .map((id) => {
          const m = r?.milestones.find((x) => x.id === id);
          if (!m) return '<td class="cell none">–</td>';
          const f = m.maxScore === 0 ? 0 : m.score / m.maxScore;
          return `<td class="cell ${f >= 1 ? 'good' : f > 0 ? 'mid' : 'low'}" title="${esc(`${m.title}: ${m.score}/${m.maxScore}`)}">${m.score}</td>`;
        })
        .join('');
      const flags = flagsOf(row, pairs);
      return (
        `<tr><td><a href="${esc(`${input.feedbackDir}/${fileName(row.student)}.txt`)}">${esc(row.student)}</a></td>` +
        `<td>${score === null ? '<span class="muted">not graded</span>' : meter(stats.maxScore ? score / stats.maxScore : 0, `${fmt(score)} / ${stats.maxScore}`)}</td>` +
        `${cells}<td>${flags.map((f) => `<span class="flag ${f.kind}" title="${esc(f.detail)}">${esc(f.label)}</span>`).join(' ')}</td></tr>`
      );
    })
    .join('\n');

  const policy = input.latePolicy
    ? `<p class="muted">Late policy: deadline ${esc(input.latePolicy.deadline)}${input.latePolicy.penaltyPerDay > 0 ? `, ${input.latePolicy.penaltyPerDay}% of the score per started day late` : ', late submissions flagged, no penalty'}. Scores here are after the penalty.</p>`
    : '';

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lab ${lab.number} · ${esc(lab.title)} · class report</title>
<style>
:root { --text:#1f2328; --muted:#59636e; --bg:#fff; --panel:#f6f8fa; --border:#d8dee4; --accent:#1d5fbf;
  --good:#2f7d4f; --mid:#b7791f; --low:#b42318; --good-soft:#e6f4ea; --mid-soft:#fdf3e1; --low-soft:#fdecea; --shadow: rgba(0,0,0,.2); color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :root { --text:#e6edf3; --muted:#9198a1; --bg:#0f1419; --panel:#161b22; --border:#30363d; --accent:#6ea8fe;
  --good:#3fb950; --mid:#d29922; --low:#ff7b72; --good-soft:#12261b; --mid-soft:#2b2111; --low-soft:#2d1617; --shadow: rgba(160,180,200,.35); } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2.5rem 0 .75rem; padding-bottom: .3rem; border-bottom: 1px solid var(--border); }
a { color: var(--accent); }
.muted { color: var(--muted); }
.summary { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: .75rem; margin: 1.25rem 0; }
.card { padding: .7rem .9rem; border: 1px solid var(--border); border-radius: 10px; background: var(--panel); }
.card b { display: block; font-size: 1.35rem; font-variant-numeric: tabular-nums; }
.card span { color: var(--muted); font-size: .85rem; }
.histogram { width: 100%; max-width: 44rem; height: auto; }
.histogram .bar { fill: var(--accent); } .histogram .bar.full { fill: var(--good); }
.histogram .count { fill: var(--text); font-size: 13px; text-anchor: middle; font-weight: 600; }
.histogram .axis { fill: var(--muted); font-size: 12px; text-anchor: middle; }
.histogram .baseline { stroke: var(--border); }
.scroll { overflow-x: auto; border: 1px solid var(--border); border-radius: 10px;
  background: linear-gradient(to right, var(--bg) 30%, transparent) left / 2rem 100% no-repeat local,
    linear-gradient(to left, var(--bg) 30%, transparent) right / 2rem 100% no-repeat local,
    linear-gradient(to right, var(--shadow), transparent) left / .75rem 100% no-repeat scroll,
    linear-gradient(to left, var(--shadow), transparent) right / .75rem 100% no-repeat scroll; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { padding: .45rem .6rem; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; position: sticky; top: 0; }
tr:last-child td { border-bottom: 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.meter { display: inline-flex; align-items: center; gap: .5rem; min-width: 12rem; }
.meter-track { flex: 0 0 7rem; height: .55rem; border-radius: 999px; background: var(--panel); border: 1px solid var(--border); overflow: hidden; }
.meter-fill { display: block; height: 100%; } .meter-fill.good { background: var(--good); } .meter-fill.mid { background: var(--mid); } .meter-fill.low { background: var(--low); }
.meter-text { font-variant-numeric: tabular-nums; white-space: nowrap; }
.flag { display: inline-block; padding: .05rem .45rem; margin: .1rem 0; border-radius: 999px; font-size: .78rem; font-weight: 600; white-space: nowrap;
  border: 1px solid var(--border); background: var(--panel); }
.flag.loop, .flag.exit, .flag.crash, .flag.syntax, .flag.load, .flag.tampering, .flag.no-lab, .flag.grader { background: var(--low-soft); border-color: var(--low); color: var(--low); }
.flag.similar, .flag.late, .flag.layout { background: var(--mid-soft); border-color: var(--mid); color: var(--mid); }
.details { margin: 0; padding-left: 1.1rem; }
.cell { text-align: center; font-variant-numeric: tabular-nums; }
.cell.good { background: var(--good-soft); } .cell.mid { background: var(--mid-soft); } .cell.low { background: var(--low-soft); } .cell.none { color: var(--muted); }
.empty { padding: .75rem 1rem; color: var(--muted); }
/* On a phone, the lists (milestones, flags, pairs, tests) become one card per row; the students'
   table, a grid of points, scrolls inside its box, with a shadow at the edge where it continues. */
@media (max-width: 700px) {
  main { padding: 1rem .75rem 3rem; }
  table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; }
  table.cards tr { padding: .55rem .7rem; border-bottom: 1px solid var(--border); }
  table.cards tr:last-child { border-bottom: 0; }
  table.cards td { border: 0; padding: .12rem 0; text-align: left; }
  .scroll:has(> table.cards) { overflow: visible; background: none; }
  table.cards td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); }
  table.cards td:empty { display: none; }
  .meter { min-width: 0; }
  .meter-track { flex-basis: 5rem; }
}
footer { margin-top: 3rem; font-size: .8rem; color: var(--muted); }
</style>
</head>
<body>
<main>
<h1>Lab ${lab.number} · ${esc(lab.title)}</h1>
<p class="muted">Class report of ${stats.submissions} submissions, graded ${esc(input.generatedAt)}. Each student's name links to the feedback they get.</p>
${policy}
<div class="summary">${cards.map(([label, value]) => `<div class="card"><b>${esc(value)}</b><span>${esc(label)}</span></div>`).join('')}</div>

<h2 id="scores">Scores</h2>
${stats.graded > 0 ? histogram(stats.scores, stats.maxScore) : '<p class="empty">No submission was graded.</p>'}

<h2 id="milestones">Milestones</h2>
<div class="scroll"><table class="cards">
<thead><tr><th>milestone</th><th class="num">points</th><th>pass rate</th><th class="num">mean points</th><th class="num">finished</th></tr></thead>
<tbody>
${milestoneRows || '<tr><td colspan="5" class="empty">No submission was graded.</td></tr>'}
</tbody></table></div>

<h2 id="flagged">Flagged submissions (${flagged.length})</h2>
${flagged.length > 0 ? `<div class="scroll"><table class="cards">
<thead><tr><th>student</th><th>flags</th><th>details</th></tr></thead>
<tbody>
${flagRows}
</tbody></table></div>` : '<p class="empty">None: no endless loop, exit, crash, syntax error, tampering attempt, odd layout, shared code or late submission.</p>'}

<h2 id="similar">Similar submissions (${pairs.length})</h2>
<p class="muted">Measure: each submission's lab code (tests left out) is cut into tokens with comments and whitespace dropped;
every run of ${K} tokens is a shingle, and shingles the starter has are left out. Similarity is the Jaccard index of two
submissions' shingle sets (shared shingles over all shingles of either); "identical" means every file is the same after
dropping comments and whitespace. Pairs from ${percent(input.similarity.threshold)} on are listed. ${input.similarity.compared} submissions compared${input.similarity.skipped.length > 0 ? `; ${input.similarity.skipped.length} not compared (fewer than ${MIN_OWN} shingles of their own, such as an untouched starter)` : ''}.
A high similarity is a reason to look, not a verdict.</p>
${pairs.length > 0 ? `<div class="scroll"><table class="cards">
<thead><tr><th>student</th><th>student</th><th>similarity</th><th></th><th class="num">shared shingles</th></tr></thead>
<tbody>
${pairRows}
</tbody></table></div>` : '<p class="empty">No pair.</p>'}

<h2 id="tests">Tests, hardest first</h2>
<div class="scroll"><table class="cards">
<thead><tr><th>test</th><th>milestone</th><th>passed</th><th>how the others failed</th></tr></thead>
<tbody>
${testRows || '<tr><td colspan="4" class="empty">No submission was graded.</td></tr>'}
</tbody></table></div>

<h2 id="students">Students</h2>
<div class="scroll"><table>
<thead><tr><th>student</th><th>score</th>${stats.milestones.map((m, i) => `<th class="num" title="${esc(m.title)}">${i + 1}<span class="muted"> /${m.maxScore}</span></th>`).join('')}<th>flags</th></tr></thead>
<tbody>
${studentRows}
</tbody></table></div>
<footer>Written by npm run grade-batch. The CSV beside this page has the same numbers; the feedback folder has what each student reads.</footer>
</main>
</body>
</html>
`;
}
