// The functions every template can call without being given them: nunjucks's built-in globals
// (lessons/06-templates.md#global-functions). An Environment looks a name up here when neither
// the template nor its data defines it.

/** `range(stop)` or `range(start, stop, step)`: the numbers from start (0) up to stop, stop left out. */
export function range(start: number, stop?: number, step = 1): number[] {
  if (stop === undefined) [start, stop, step] = [0, start, 1];
  if (!step) step = 1; // nunjucks's choice; Python refuses a step of 0
  const numbers: number[] = [];
  for (let n = start; step > 0 ? n < stop : n > stop; n += step) numbers.push(n);
  return numbers;
}

/** What cycler() gives: `next()` walks the items round and round; `current` is the last it gave. */
export interface Cycler {
  current: unknown;
  next(): unknown;
  reset(): void;
}

/** `{% set row = cycler("odd", "even") %}`: each call makes a new cycler, with its own place. */
export function cycler(...items: unknown[]): Cycler {
  let index = -1;
  const state: Cycler = {
    current: null,
    next() {
      index = index + 1 >= items.length ? 0 : index + 1;
      state.current = items[index];
      return state.current;
    },
    reset() {
      index = -1;
      state.current = null;
    },
  };
  return state;
}

/** `{% set comma = joiner() %}`: a function that gives nothing the first time, the separator after. */
export function joiner(separator: unknown = ','): () => unknown {
  const between = separator || ','; // as nunjucks: an empty separator is the default one
  let first = true;
  return () => {
    if (!first) return between;
    first = false;
    return '';
  };
}

export const builtInGlobals: Record<string, unknown> = { range, cycler, joiner };
