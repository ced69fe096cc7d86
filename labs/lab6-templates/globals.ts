// The functions every template can call without being given them: nunjucks's built-in globals
// (lessons/06-templates.md#global-functions). An Environment looks a name up here when neither
// the template nor its data defines it.

/** `range(stop)` or `range(start, stop, step)`: the numbers from start (0) up to stop, stop left out. */
export function range(start: number, stop?: number, step = 1): number[] {
  // TODO(lab6, extension): with one argument, from 0 to it; a step of 0 counts as 1; a negative
  // step counts down, to just above stop.
  throw new Error('TODO(lab6): range() is not written yet (lessons/06-templates.md#global-functions)');
}

/** What cycler() gives: `next()` walks the items round and round; `current` is the last it gave. */
export interface Cycler {
  current: unknown;
  next(): unknown;
  reset(): void;
}

/** `{% set row = cycler("odd", "even") %}`: each call makes a new cycler, with its own place. */
export function cycler(...items: unknown[]): Cycler {
  // TODO(lab6, extension): an object with current (null at first), next() and reset(), its place
  // in the items kept in a variable of this call.
  throw new Error('TODO(lab6): cycler() is not written yet (lessons/06-templates.md#global-functions)');
}

/** `{% set comma = joiner() %}`: a function that gives nothing the first time, the separator after. */
export function joiner(separator: unknown = ','): () => unknown {
  // TODO(lab6, extension): a function giving '' on its first call and the separator (',' when it
  // is empty) on every call after.
  throw new Error('TODO(lab6): joiner() is not written yet (lessons/06-templates.md#global-functions)');
}

export const builtInGlobals: Record<string, unknown> = { range, cycler, joiner };
