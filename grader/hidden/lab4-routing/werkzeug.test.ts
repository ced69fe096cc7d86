// Hidden tests for lab 4: the Werkzeug differential corpus. werkzeug-record.py asked Werkzeug 3.1.8
// a few hundred questions (rules added as Flask adds them; paths matched, URLs built) and wrote
// its answers to werkzeug-corpus.json; here the learner's router answers the same questions. Where
// the lesson deliberately answers otherwise, the corpus holds the lesson's answer and its reason,
// and the failure shows both. One test per group of cases, in the milestone that teaches it.
import { expect } from 'vitest';
import { Router } from '@lab/routing';
import { bounded, milestone, test } from '../../harness/index.ts';
import corpusJson from './werkzeug-corpus.json';
import { describeRules, replay, same, type Group, type Outcome } from './werkzeug-replay.ts';

// A JSON import, not readFileSync: the graded tests run without file system access.
const corpus = corpusJson as unknown as { werkzeug: string; groups: Group[] };

/** The milestones in the order of lab.json, so each test lands in its own. */
const order = ['static-rules', 'converters', 'methods', 'ordering', 'slashes', 'building', 'defaults', 'groups-and-errors', 'urlfor-method', 'mixed-segments'];

/** The lesson's rules each group of the corpus checks, by the group's name. */
const rulesOf: Record<string, string[]> = {
  'static rules': ['P1', 'P3', 'P5'],
  'string and int': ['C1', 'C2', 'C3', 'C4', 'C9'],
  'float, uuid, any': ['C5', 'C6', 'C7', 'C4'],
  'path': ['C8', 'P4', 'T6'],
  'converter arguments': ['C14', 'C15', 'E11'],
  'methods, 404 and 405': ['M1', 'M2', 'M3', 'M4', 'M5'],
  'which rule wins': ['O1', 'O2', 'O3', 'O4', 'O5'],
  'trailing slashes': ['T1', 'T2', 'T3', 'T4', 'T5', 'P6'],
  'building': ['B1', 'B3', 'B4', 'B6', 'B7'],
  'several rules for one endpoint': ['N1', 'N2', 'N3', 'N4', 'N5', 'N6'],
  'malformed variables': ['E12'],
  'variables inside a segment': ['X2', 'X3', 'X5', 'X6'],
  'mixed segments: which rule wins': ['X4'],
  'building for a method': ['X1'],
};

function show(failure: { rules: string; outcome: Outcome }): string {
  const { rules, outcome: o } = failure;
  const lines = [`with the rules [ ${rules} ]: ${o.what}`, `  expected: ${JSON.stringify(o.expected)}`, `  yours:    ${JSON.stringify(o.actual)}`];
  if (o.differs) lines.push(`  (Werkzeug answers ${JSON.stringify(o.werkzeug)}; the lesson differs on purpose: ${o.differs})`);
  return lines.join('\n');
}

for (const id of order) {
  milestone(id, () => {
    for (const group of corpus.groups.filter((g) => g.milestone === id)) {
      const count = group.cases.reduce((n, c) => n + (c.expected ? 1 : 0) + c.queries.filter((q) => q.expected !== null).length, 0);
      test(`answers as Werkzeug ${corpus.werkzeug} does: ${group.name} (${count} answers)`, {
        rules: rulesOf[group.name] ?? [],
        hint: 'Each failure shows the rule table, the question, Werkzeug\'s answer (or the lesson\'s, where it differs on purpose) and yours.',
      }, () => {
        const failures: Array<{ rules: string; outcome: Outcome }> = [];
        for (const c of group.cases) {
          for (const outcome of replay(c, () => new Router(), (what, fn) => bounded(what, fn))) {
            if (outcome.expected !== null && !same(outcome.actual, outcome.expected)) failures.push({ rules: describeRules(c), outcome });
          }
        }
        const first = failures[0];
        if (first === undefined) return;
        const message = [`${failures.length} of ${count} answers differ.`, ...failures.map(show)].join('\n');
        expect(first.outcome.actual, message).toEqual(first.outcome.expected);
      });
    }
  });
}
