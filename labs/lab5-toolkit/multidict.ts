import type { MultiDictApi } from '#contracts/toolkit';

/** Keys with one or more values, in order: `?tag=a&tag=b` keeps both tags. */
export class MultiDict<V = string> implements MultiDictApi<V> {
  readonly #pairs: Array<[string, V]>;

  constructor(pairs: Iterable<[string, V]> = []) {
    this.#pairs = [...pairs];
  }

  get(key: string): V | undefined {
    // TODO(lab5): the value of the first pair with this key, or undefined.
    throw new Error('TODO(lab5): MultiDict.get is not written yet (lessons/05-toolkit.md#query-strings)');
  }

  getAll(key: string): V[] {
    // TODO(lab5): the values of every pair with this key, in order.
    throw new Error('TODO(lab5): MultiDict.getAll is not written yet (lessons/05-toolkit.md#query-strings)');
  }

  has(key: string): boolean {
    // TODO(lab5): whether some pair has this key.
    throw new Error('TODO(lab5): MultiDict.has is not written yet (lessons/05-toolkit.md#query-strings)');
  }

  keys(): string[] {
    // TODO(lab5): each key once, in the order it first appeared.
    throw new Error('TODO(lab5): MultiDict.keys is not written yet (lessons/05-toolkit.md#query-strings)');
  }

  entries(): Array<[string, V]> {
    // TODO(lab5): every pair, repeats included, in order (a copy).
    throw new Error('TODO(lab5): MultiDict.entries is not written yet (lessons/05-toolkit.md#query-strings)');
  }

  [Symbol.iterator](): Iterator<[string, V]> {
    return this.entries()[Symbol.iterator]();
  }
}
