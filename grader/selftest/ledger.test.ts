// The rule ledger (grader/ledger.mjs, grader/breakers.mjs): for every lab, every rule its lesson
// states has a hidden test that names it and a breaker that those tests catch; every test names
// rules the lesson states. A full score therefore means every stated rule holds.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBreaker, checkBreakers, checkableLabs } from '../breakers.mjs';
import { citedRules, parseRules } from '../ledger.mjs';

describe('parseRules', () => {
  const lesson = [
    '# Lesson',
    '## The path and the query',
    '**E7. `QUERY_STRING` is not decoded.** Only the app knows how.',
    '',
    '- **E8.** A path is decoded [into bytes](#x). Then more.',
    '```ts',
    '**E9.** not a rule: inside a code block',
    '```',
    '## Limits',
    'Some text, then **L1.** A line longer than 8 KiB is refused:',
    'with 414.',
  ].join('\n');

  it('reads ids, sentences and the section that states each rule', () => {
    expect(parseRules(lesson, '03-x.md')).toEqual([
      { id: 'E7', text: '`QUERY_STRING` is not decoded.', lesson: '03-x.md#the-path-and-the-query', line: 3 },
      { id: 'E8', text: 'A path is decoded into bytes.', lesson: '03-x.md#the-path-and-the-query', line: 5 },
      { id: 'L1', text: 'A line longer than 8 KiB is refused: with 414.', lesson: '03-x.md#limits', line: 10 },
    ]);
  });

  it('refuses an id stated twice', () => {
    expect(() => parseRules('**A1.** One.\n\n**A1.** Two.', 'x.md')).toThrow(/A1 is stated twice/);
  });

  it('expands cited ranges over the rules a lesson states', () => {
    const rules = parseRules('**E1.** a.\n**E2.** b.\n**E3.** c.\n**S1.** d.', 'x.md');
    expect(citedRules('E1-E3, S1', rules).sort()).toEqual(['E1', 'E2', 'E3', 'S1']);
    expect(citedRules('E1–3', rules).sort()).toEqual(['E1', 'E2', 'E3']);
  });
});

describe('applyBreaker', () => {
  it('edits a copy, and refuses a find text that is missing or not unique', () => {
    const dir = mkdtempSync(join(tmpdir(), 'breaker-'));
    writeFileSync(join(dir, 'a.ts'), 'const x = 1;\nconst y = 1;\n');
    const applied = applyBreaker({ rule: 'A1', why: 'x', file: 'a.ts', find: 'x = 1', replace: 'x = 2' }, dir);
    expect('changed' in applied && applied.changed.get(join(dir, 'a.ts'))).toBe('const x = 1;\nconst y = 1;\n');
    expect(readFileSync(join(dir, 'a.ts'), 'utf8')).toBe('const x = 2;\nconst y = 1;\n');
    expect(applyBreaker({ rule: 'A1', why: 'x', file: 'a.ts', find: 'const', replace: 'let' }, dir)).toEqual({ problem: expect.stringMatching(/occurs 2 times/) });
    expect(applyBreaker({ rule: 'A1', why: 'x', file: 'a.ts', find: 'z = 1', replace: '' }, dir)).toEqual({ problem: expect.stringMatching(/occurs 0 times/) });
    expect(applyBreaker({ rule: 'A1', why: 'x', file: 'b.ts', find: 'x', replace: '' }, dir)).toEqual({ problem: expect.stringMatching(/no such file/) });
  });
});

// One lab at a time: one run grades the unbroken reference and every breaker, each in its own copy.
// Hundreds of breakers take minutes on a busy two-core machine: the bound is for a hang, not a pace.
const LAB_BOUND_MS = 20 * 60_000;
describe.each(checkableLabs().map((lab) => [lab.folder, lab] as const))('%s', (_, lab) => {
  let check: ReturnType<typeof checkBreakers> | undefined;
  const run = () => (check ??= checkBreakers(lab));

  it('the ledger is whole: every rule has a test and a breaker, every test names stated rules', { timeout: LAB_BOUND_MS }, async () => {
    const { ledger, notPassing } = await run();
    expect(notPassing, 'the reference copy fails these tests').toEqual([]);
    expect(ledger).toEqual([]);
  });

  it('every breaker is caught by a test that names its rule', { timeout: LAB_BOUND_MS }, async () => {
    const { results } = await run();
    const missed = results
      .filter((r) => !r.caught)
      .map((r) => `${r.breaker.rule} (${r.breaker.why}): ${r.problem ?? 'not caught'}`);
    expect(missed).toEqual([]);
  });
});
