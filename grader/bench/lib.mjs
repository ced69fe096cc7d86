// @ts-check
// The bench's arithmetic and formatting, kept apart from the measuring so it can be tested
// (grader/selftest/bench.test.ts) without timing anything.

/**
 * @typedef {object} Goal
 * @property {'min' | 'max'} kind   'min': the ratio must be at least `value`; 'max': at most
 * @property {number} value
 *
 * @typedef {object} Side   one of the two things a row compares
 * @property {string} label
 * @property {number[]} samples
 *
 * @typedef {object} Row
 * @property {string} group       'grader', 'server', 'templates', 'router', 'prefork'
 * @property {string} name
 * @property {Side} [subject]     absent when the row was not measured
 * @property {Side} [peer]        absent when the row has no peer (one run of npm test)
 * @property {string} unit
 * @property {Goal} [goal]
 * @property {'ratio' | 'value'} [goalOn]   what the goal applies to (default: the ratio)
 * @property {string} [note]      why a row was not measured, or what to know about it
 */

/** The median of some numbers (the mean of the middle two for an even count); NaN for none. */
export function median(/** @type {number[]} */ values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] ?? NaN : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

/** subject / peer, or NaN when either is missing or the peer is zero. */
export function ratio(/** @type {number} */ subject, /** @type {number} */ peer) {
  if (!Number.isFinite(subject) || !Number.isFinite(peer) || peer === 0) return NaN;
  return subject / peer;
}

/**
 * Whether `value` meets the goal: true, false, or null when there is no goal or no figure. It is
 * judged as the table shows it (two decimals), so a row never reads "1.15x, goal ≤ 1.15x: no".
 */
export function meets(/** @type {Goal | undefined} */ goal, /** @type {number} */ value) {
  if (!goal || !Number.isFinite(value)) return null;
  const shown = Math.round(value * 100) / 100;
  return goal.kind === 'min' ? shown >= goal.value : shown <= goal.value;
}

/** Alternating order for repetition `round`: the subject first on even rounds, the peer first on odd ones. */
export function alternate(/** @type {number} */ round, /** @type {readonly string[]} */ sides) {
  return round % 2 === 0 ? [...sides] : [...sides].reverse();
}

/** The figures of a row: medians, ratio, verdict. */
export function summarize(/** @type {Row} */ row) {
  const subject = median(row.subject?.samples ?? []);
  const peer = median(row.peer?.samples ?? []);
  const rowRatio = ratio(subject, peer);
  const met = meets(row.goal, row.goalOn === 'value' ? subject : rowRatio);
  return { subject, peer, ratio: rowRatio, met };
}

/** A figure for a table: no more digits than the noise can justify. */
export function formatNumber(/** @type {number} */ value) {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatRatio(/** @type {number} */ value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : '—';
}

export function formatGoal(/** @type {Row} */ row) {
  const { goal } = row;
  if (!goal) return '—';
  const sign = goal.kind === 'min' ? '≥' : '≤';
  return row.goalOn === 'value' ? `${sign} ${formatNumber(goal.value)} ${row.unit}` : `${sign} ${goal.value}x`;
}

/** One table row as cells: name, subject median, peer median, unit, ratio, goal, met? */
export function rowCells(/** @type {Row} */ row) {
  const figures = summarize(row);
  if (!row.subject) {
    return [row.name, row.note ?? 'not measured', '', row.unit, '', formatGoal(row), '—'];
  }
  const met = figures.met === null ? '—' : figures.met ? 'yes' : '**no**';
  const subject = formatNumber(figures.subject) + (row.note ? ` (${row.note})` : '');
  return [row.name, subject, formatNumber(figures.peer), row.unit, formatRatio(figures.ratio), formatGoal(row), met];
}

export const HEADER = ['benchmark', 'subject (median)', 'peer (median)', 'unit', 'ratio', 'goal', 'met?'];

/** A Markdown table; `|` inside a cell is escaped. */
export function markdownTable(/** @type {string[]} */ header, /** @type {string[][]} */ rows) {
  const line = (/** @type {string[]} */ cells) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  const numeric = header.map((_, i) => i > 0 && rows.every((r) => /^[\d,.\-—x]*$/.test(r[i] ?? '') || r[i] === ''));
  const rule = header.map((_, i) => (numeric[i] ? '---:' : '---'));
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}

/** The same table for a terminal: columns padded to their widest cell, Markdown bold dropped. */
export function textTable(/** @type {string[]} */ header, /** @type {string[][]} */ rows) {
  const plain = [header, ...rows].map((r) => r.map((c) => c.replaceAll('**', '')));
  const widths = header.map((_, i) => Math.max(...plain.map((r) => (r[i] ?? '').length)));
  const line = (/** @type {string[]} */ cells) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(plain[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...plain.slice(1).map(line)].join('\n');
}

/**
 * What the machine was, from `os`-like facts: CPU model and count, memory, Node, date.
 * @param {{ cpus: { model: string }[], totalmem: number, loadavg: number[], platform: string, release: string, node: string, date: Date }} facts
 */
export function describeMachine(facts) {
  const models = [...new Set(facts.cpus.map((cpu) => cpu.model.trim().replace(/\s+/g, ' ')))];
  return {
    cpu: `${facts.cpus.length} x ${models.join(' + ') || 'unknown CPU'}`,
    cpus: facts.cpus.length,
    memory: `${(facts.totalmem / 2 ** 30).toFixed(1)} GiB`,
    os: `${facts.platform} ${facts.release}`,
    node: facts.node,
    date: facts.date.toISOString(),
    loadAverage: facts.loadavg.map((l) => l.toFixed(2)).join(' '),
  };
}

/**
 * The whole report in Markdown: what ran where, the table, and how it was measured.
 * @param {{ rows: Row[], machine: ReturnType<typeof describeMachine>, seconds: number, settings: string[] }} report
 */
export function markdownReport(report) {
  const { machine } = report;
  return [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${machine.date.slice(0, 10)} (${machine.date}). Every figure is a median over repeated`,
    'runs, and every ratio is subject / peer, both measured in the same run, taking turns.',
    '',
    markdownTable(HEADER, report.rows.map(rowCells)),
    '',
    '## Machine',
    '',
    `- CPU: ${machine.cpu}`,
    `- memory: ${machine.memory}`,
    `- OS: ${machine.os}`,
    `- Node: ${machine.node}`,
    `- load average when the run started: ${machine.loadAverage}`,
    `- whole run: ${report.seconds.toFixed(0)} s`,
    '',
    '## How it was measured',
    '',
    ...report.settings.map((s) => `- ${s}`),
    '',
  ].join('\n');
}

/**
 * The test files that took longest in vitest's report (`✓ grader/selftest/x.test.ts (12 tests) 3456ms`):
 * "of which ledger.test.ts 650 s, ..." — where the time of `npm test` goes.
 * @param {string} output @param {number} count
 */
export function slowestFiles(output, count) {
  const units = { ms: 0.001, s: 1, m: 60 };
  const files = [...output.matchAll(/^\s*\S\s+(\S+\.test\.ts)\s+\(\d+ tests?[^)]*\)\s+([\d.]+)(ms|s|m)\b/gm)].map((m) => ({
    name: (m[1] ?? '').split('/').pop() ?? '',
    seconds: Number(m[2]) * units[/** @type {'ms' | 's' | 'm'} */ (m[3])],
  }));
  files.sort((a, b) => b.seconds - a.seconds);
  const top = files.slice(0, count).map((f) => `${f.name} ${formatNumber(f.seconds)} s`);
  return top.length > 0 ? `of which ${top.join(', ')}` : '';
}

/** The lines that open and close the table `npm run bench` keeps in grader/INTERNALS.md. */
export const TABLE_START = '<!-- bench table: written by npm run bench -->';
export const TABLE_END = '<!-- end of bench table -->';

/**
 * A document with the text between its TABLE_START and TABLE_END lines replaced: the latest table
 * and machine, so the page that shows them never keeps an old copy. Throws when the markers are
 * missing (someone edited them away), rather than writing the table in some other place.
 * @param {string} document
 * @param {{ rows: Row[], machine: ReturnType<typeof describeMachine>, seconds: number }} report
 */
export function withLatestTable(document, report) {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`the bench table's markers are missing: "${TABLE_START}" ... "${TABLE_END}"`);
  const { machine } = report;
  const table = [
    `Latest run (${machine.date.slice(0, 10)}; the machine's load average when it started: ${machine.loadAverage}):`,
    '',
    markdownTable(HEADER, report.rows.map(rowCells)),
    '',
    `Machine: ${machine.cpu} · memory: ${machine.memory} · OS: ${machine.os} · Node: ${machine.node} · whole run: ${report.seconds.toFixed(0)} s.`,
  ].join('\n');
  return `${document.slice(0, start + TABLE_START.length)}\n${table}\n${document.slice(end)}`;
}
