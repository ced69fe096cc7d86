// The harness's time bound on calls into learner code (grader/harness/index.ts `bounded`).
import { expect, it } from 'vitest';
import { TimeoutError, bounded } from '../harness/index.ts';

it('returns what the call returns, and passes its errors on as they are', () => {
  expect(bounded('a call', () => 42)).toBe(42);
  const error = new RangeError('no');
  expect(() => bounded('a call', () => { throw error; })).toThrow(error);
});

it('calls inside a bounded call share its bound, and a timeout names the call that was running', () => {
  let caught: unknown;
  try {
    bounded('parsing', () => {
      bounded('new Parser()', () => 1);
      // An ordinary error inside the group leaves the names as they were.
      try {
        bounded('parser.check()', () => { throw new Error('refused'); });
      } catch {}
      bounded('parser.feed()', () => { for (;;); });
    }, 300);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TimeoutError);
  expect((caught as Error).message).toMatch(/^parser\.feed\(\) did not finish within 300 ms/);
  // Outside the group, a call is bounded on its own again.
  expect(bounded('a later call', () => 'fine')).toBe('fine');
  // A loop in the group's own code, after its inner calls ended, is the group's.
  expect(() => bounded('rendering', () => {
    bounded('new Environment()', () => 1);
    for (;;);
  }, 300)).toThrow(/^rendering did not finish within 300 ms/);
});
