// What every hidden test file imports: tests with points and hints, milestones, a bound on
// synchronous learner calls, and byte helpers that make CR and LF visible in a failure.
import vm from 'node:vm';
import { describe, test as vitestTest } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** Points the test is worth (default 1). */
    points?: number;
    /** Milestone id from the lab's lab.json. */
    milestone?: string;
    /** One or two sentences that point a stuck learner in the right direction. */
    hint?: string;
    /** Lesson section to reread, relative to lessons/ (defaults to the section of the first rule). */
    lesson?: string;
    /** Ids of the lesson's rules this test checks (`['E7']`): the rule ledger, grader/ledger.mjs. */
    rules?: string[];
  }
}

export interface TestOptions {
  /** The lesson's rules this test checks, by id (`['E7', 'E8']`). Every hidden test names at least one. */
  rules: string[];
  points?: number;
  hint?: string;
  lesson?: string;
}

let currentMilestone: string | undefined;

/**
 * Set only in the copies of this file that the rule breakers make (grader/breakers.mjs): in such a
 * copy only the tests that name this rule run; the others are declared skipped.
 */
const onlyRule = undefined as string | undefined;

/** Groups the tests of one milestone. The id must be one of the lab's lab.json milestones. */
export function milestone(id: string, body: () => void): void {
  describe(id, () => {
    currentMilestone = id;
    try {
      body();
    } finally {
      currentMilestone = undefined;
    }
  });
}

/** A graded test. Declare it inside `milestone(...)`. */
export function test(name: string, options: TestOptions, fn: () => unknown): void {
  if (currentMilestone === undefined) throw new Error(`test "${name}" is outside milestone(...)`);
  const meta = {
    points: options.points ?? 1,
    milestone: currentMilestone,
    hint: options.hint,
    lesson: options.lesson,
    rules: options.rules,
  };
  if (onlyRule !== undefined && !(options.rules ?? []).includes(onlyRule)) vitestTest.skip(name, { meta }, fn);
  else vitestTest(name, { meta }, fn);
}

/** How long one synchronous call into learner code may run before the test fails. */
export const CALL_BOUND_MS = 2000;
/**
 * Once a call has timed out, the same loop is likely to catch every later test too: they get a
 * shorter bound, so a learner waits seconds, not minutes, for the report that shows the loop.
 */
export const CALL_BOUND_AFTER_TIMEOUT_MS = 300;
let timedOutBefore = false;

/** Thrown when a bounded call runs out of time. The grader reports the test as timed out. */
export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(
      `${what} did not finish within ${ms} ms. Is there an endless loop, such as a while loop ` +
        `whose condition never changes, or a loop that never consumes its input?`,
    );
    this.name = 'TimeoutError';
  }
}

const sandbox = vm.createContext({ call: undefined as undefined | (() => unknown) });
const callScript = new vm.Script('call()');

/**
 * The bounded call running now, and the one nested deepest in it (what a timeout names), or null.
 * A bound costs a thread: Node's script timeout starts a watchdog thread for every call, about
 * 0.1-0.3 ms, which made a third of lab 1's test time. So calls made inside a bounded call share
 * its bound instead of starting their own: a test helper can bound a whole group of calls (a
 * parser fed piece by piece) once, and each call inside still names itself in a timeout.
 */
let running: { deepest: string } | null = null;

/**
 * Runs a synchronous call into learner code with a time bound. vitest's own timeout can't stop a
 * loop that never yields the thread; V8's script timeout can, from inside the same thread.
 * `what` names the call in the failure message. Inside another bounded call, `fn` runs under that
 * call's bound (and `ms` is ignored): see `running`.
 */
export function bounded<T>(what: string, fn: () => T, ms?: number): T {
  if (running !== null) {
    const call = running;
    const outer = call.deepest;
    call.deepest = what;
    // Not a finally: after a timeout, `deepest` must still name the call that was running (the
    // timeout ends the thread's work without running catch blocks; an ordinary error does run them).
    let result: T;
    try {
      result = fn();
    } catch (error) {
      call.deepest = outer;
      throw error;
    }
    call.deepest = outer;
    return result;
  }
  const bound = ms ?? (timedOutBefore ? CALL_BOUND_AFTER_TIMEOUT_MS : CALL_BOUND_MS);
  const call = { deepest: what };
  running = call;
  sandbox.call = fn;
  try {
    return callScript.runInContext(sandbox, { timeout: bound }) as T;
  } catch (error) {
    // The timeout error comes from the other realm: not `instanceof Error` here, so check its code.
    if ((error as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      timedOutBefore = true;
      throw new TimeoutError(call.deepest, bound);
    }
    throw error;
  } finally {
    running = null;
    sandbox.call = undefined;
  }
}

/** Text to bytes, one byte per character (latin1), so a fixture's bytes are exactly as written. */
export function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** Bytes to text, one character per byte. */
export function text(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
}

/**
 * Bytes or text as a one-line, quoted string with CR, LF, tabs and other controls escaped:
 * compare `show(actual)` with `show(expected)` so a failure shows `\r\n` where it matters.
 */
export function show(data: Uint8Array | string): string {
  const raw = typeof data === 'string' ? data : text(data);
  return JSON.stringify(raw).replace(/[\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
}

/** Joins byte arrays. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Ways to cut a message into the pieces a socket might deliver: whole, line by line, byte by
 * byte, and random cuts from a fixed seed (so a failure can be reproduced).
 */
export function splits(message: Uint8Array, seed = 7): Array<{ name: string; pieces: Uint8Array[] }> {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < message.length; i++) {
    if (message[i] === 10) {
      lines.push(message.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < message.length) lines.push(message.subarray(start));
  const random: Uint8Array[] = [];
  let state = seed;
  for (let i = 0; i < message.length; ) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const size = 1 + (state % 7);
    random.push(message.subarray(i, i + size));
    i += size;
  }
  return [
    { name: 'whole', pieces: [message] },
    { name: 'line by line', pieces: lines },
    { name: 'byte by byte', pieces: Array.from(message, (b) => Uint8Array.of(b)) },
    { name: 'random pieces', pieces: random },
  ];
}
