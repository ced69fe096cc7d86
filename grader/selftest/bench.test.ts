// The bench's arithmetic and tables (grader/bench/lib.mjs), from made-up samples: nothing is timed.
import { describe, expect, it } from 'vitest';
import {
  HEADER,
  alternate,
  describeMachine,
  formatNumber,
  formatRatio,
  markdownReport,
  markdownTable,
  meets,
  median,
  ratio,
  rowCells,
  slowestFiles,
  summarize,
  textTable,
  withLatestTable,
  TABLE_START,
  TABLE_END,
  type Row,
} from '../bench/lib.mjs';

describe('median', () => {
  it('takes the middle of an odd count, in any order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([10])).toBe(10);
  });
  it('takes the mean of the middle two of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('ignores what is not a number, and is NaN for nothing', () => {
    expect(median([NaN, 2, Infinity, 4])).toBe(3);
    expect(median([])).toBeNaN();
  });
  it('does not reorder the samples it was given', () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe('ratio and goals', () => {
  it('divides subject by peer, NaN when the peer is missing or zero', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNaN();
    expect(ratio(NaN, 2)).toBeNaN();
  });
  it('meets a minimum at or above it, a maximum at or below it', () => {
    expect(meets({ kind: 'min', value: 0.8 }, 0.8)).toBe(true);
    expect(meets({ kind: 'min', value: 0.8 }, 0.79)).toBe(false);
    expect(meets({ kind: 'max', value: 1.15 }, 1.1)).toBe(true);
    expect(meets({ kind: 'max', value: 1.15 }, 1.2)).toBe(false);
  });
  it('judges a ratio as the table shows it, to two decimals', () => {
    expect(meets({ kind: 'max', value: 1.15 }, 1.154)).toBe(true);
    expect(meets({ kind: 'max', value: 1.15 }, 1.156)).toBe(false);
    expect(meets({ kind: 'min', value: 3 }, 2.996)).toBe(true);
  });
  it('has no verdict without a goal or a figure', () => {
    expect(meets(undefined, 2)).toBeNull();
    expect(meets({ kind: 'min', value: 1 }, NaN)).toBeNull();
  });
});

describe('alternate', () => {
  it('puts the subject first on even rounds and the peer first on odd ones', () => {
    expect(alternate(0, ['a', 'b'])).toEqual(['a', 'b']);
    expect(alternate(1, ['a', 'b'])).toEqual(['b', 'a']);
    expect(alternate(2, ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
  });
});

describe('rows', () => {
  const rate: Row = {
    group: 'templates',
    name: 'engine vs other',
    subject: { label: 'ours', samples: [400, 300, 500] },
    peer: { label: 'theirs', samples: [100, 90, 110] },
    unit: 'pages/s',
    goal: { kind: 'min', value: 3 },
  };

  it('summarizes medians, ratio and verdict', () => {
    expect(summarize(rate)).toEqual({ subject: 400, peer: 100, ratio: 4, met: true });
  });
  it('applies a goal to the subject itself when asked (a time limit)', () => {
    const row: Row = { ...rate, peer: undefined, unit: 'ms', goal: { kind: 'max', value: 300 }, goalOn: 'value' };
    expect(summarize(row).met).toBe(false);
    expect(rowCells(row)[5]).toBe('≤ 300 ms');
  });
  it('gives the seven cells of a table row', () => {
    expect(rowCells(rate)).toEqual(['engine vs other', '400', '100', 'pages/s', '4.00x', '≥ 3x', 'yes']);
    expect(rowCells({ ...rate, goal: { kind: 'min', value: 5 } })[6]).toBe('**no**');
  });
  it('says why a row was not measured instead of inventing a figure', () => {
    const row: Row = { group: 'grader', name: 'watch', unit: 'ms', goal: { kind: 'max', value: 300 }, goalOn: 'value', note: 'not measured: no watch mode yet' };
    expect(rowCells(row)).toEqual(['watch', 'not measured: no watch mode yet', '', 'ms', '', '≤ 300 ms', '—']);
  });
  it('shows a row without a peer or goal with dashes', () => {
    const row: Row = { group: 'grader', name: 'npm test', subject: { label: 'selfcheck', samples: [61.234] }, unit: 's' };
    expect(rowCells(row)).toEqual(['npm test', '61.2', '—', 's', '—', '—', '—']);
  });
});

describe('formatting', () => {
  it('rounds figures to what the noise can justify', () => {
    expect(formatNumber(76240.4)).toBe('76,240');
    expect(formatNumber(61.234)).toBe('61.2');
    expect(formatNumber(1.234)).toBe('1.23');
    expect(formatNumber(NaN)).toBe('—');
    expect(formatRatio(0.7149)).toBe('0.71x');
    expect(formatRatio(NaN)).toBe('—');
  });
  it('writes a Markdown table with numeric columns right-aligned and pipes escaped', () => {
    const table = markdownTable(['name', 'value'], [['a|b', '1,000'], ['c', '2.5']]);
    expect(table.split('\n')).toEqual(['| name | value |', '| --- | ---: |', '| a\\|b | 1,000 |', '| c | 2.5 |']);
  });
  it('pads a terminal table to its widest cells and drops Markdown bold', () => {
    const lines = textTable(['a', 'met?'], [['long name', '**no**']]).split('\n');
    expect(lines).toEqual(['a          met?', '---------  ----', 'long name  no']);
  });
  it('describes the machine: CPU model and count, memory, Node, date', () => {
    const machine = describeMachine({
      cpus: [{ model: 'Some  CPU @ 2.10GHz ' }, { model: 'Some CPU @ 2.10GHz' }],
      totalmem: 8 * 2 ** 30,
      loadavg: [1, 0.5, 0.25],
      platform: 'linux',
      release: '6.1',
      node: 'v20.20.2',
      date: new Date('2026-01-02T03:04:05Z'),
    });
    expect(machine).toMatchObject({ cpu: '2 x Some CPU @ 2.10GHz', cpus: 2, memory: '8.0 GiB', node: 'v20.20.2', date: '2026-01-02T03:04:05.000Z' });
    const report = markdownReport({ rows: [], machine, seconds: 200, settings: ['one setting'] });
    expect(report).toContain(`| ${HEADER.join(' | ')} |`);
    expect(report).toContain('- CPU: 2 x Some CPU @ 2.10GHz');
    expect(report).toContain('- Node: v20.20.2');
    expect(report).toContain('- one setting');
  });
});

describe('slowestFiles', () => {
  it('reads where the time of npm test went from vitest\'s report, slowest first', () => {
    const output = [
      ' ✓ grader/selftest/report.test.ts (26 tests) 37ms',
      ' ✓ grader/selftest/ledger.test.ts (20 tests) 701.5s',
      ' ❯ grader/selftest/labs.test.ts (40 tests | 1 failed) 250123ms',
      '   ✓ a test inside a file, not a file 900ms',
      ' Test Files  3 passed (3)',
    ].join('\n');
    expect(slowestFiles(output, 2)).toBe('of which ledger.test.ts 702 s, labs.test.ts 250 s');
    expect(slowestFiles('no report at all', 3)).toBe('');
  });
});

describe('withLatestTable', () => {
  const machine = describeMachine({
    cpus: [{ model: 'Some CPU' }],
    totalmem: 2 ** 30,
    loadavg: [0.1, 0.2, 0.3],
    platform: 'linux',
    release: '6.1',
    node: 'v20.20.2',
    date: new Date('2026-01-02T03:04:05Z'),
  });
  const rows: Row[] = [{ group: 'g', name: 'a row', unit: 'ms', subject: { label: 's', samples: [5] } }];

  it('replaces what is between the markers and keeps the rest of the page', () => {
    const page = `# Page\nbefore\n${TABLE_START}\nan old table\n${TABLE_END}\nafter\n`;
    const updated = withLatestTable(page, { rows, machine, seconds: 12 });
    expect(updated.startsWith(`# Page\nbefore\n${TABLE_START}\nLatest run (2026-01-02;`)).toBe(true);
    expect(updated).toContain('| a row | 5.00 |');
    expect(updated).not.toContain('an old table');
    expect(updated.endsWith(`whole run: 12 s.\n${TABLE_END}\nafter\n`)).toBe(true);
    // Written twice, the page is the same: nothing piles up between the markers.
    expect(withLatestTable(updated, { rows, machine, seconds: 12 })).toBe(updated);
  });

  it('refuses a page whose markers are gone', () => {
    expect(() => withLatestTable('# Page\nno markers\n', { rows, machine, seconds: 1 })).toThrow(/markers are missing/);
  });
});

it('grader/INTERNALS.md keeps the markers the bench writes its table between', async () => {
  const { readFileSync } = await import('node:fs');
  const page = readFileSync(new URL('../INTERNALS.md', import.meta.url), 'utf8');
  expect(page.indexOf(TABLE_START)).toBeGreaterThan(-1);
  expect(page.indexOf(TABLE_END)).toBeGreaterThan(page.indexOf(TABLE_START));
});
