// The first line of the watch screen: which tests a save fixed and which it broke.
import { describe, expect, it } from 'vitest';
import type { GradeResult } from '../report.mjs';
import { changes } from '../watch.mjs';

function result(statuses: Record<string, string>): GradeResult {
  return {
    tests: Object.entries(statuses).map(([name, status]) => ({ name, milestone: 'm', section: 'M', status, points: 0, maxPoints: 1 })),
  } as unknown as GradeResult;
}

describe('changes between two grades', () => {
  it('lists newly passing and newly failing tests, and nothing for the first grade', () => {
    const before = result({ a: 'passed', b: 'failed', c: 'timedOut', d: 'passed' });
    const after = result({ a: 'failed', b: 'passed', c: 'passed', d: 'passed', e: 'passed' });
    expect(changes(before, after)).toEqual({ fixed: ['b', 'c', 'e'], broken: ['a'] });
    expect(changes(null, after)).toEqual({ fixed: [], broken: [] });
  });
});
