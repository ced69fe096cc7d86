import type { MultiDictApi } from '#contracts/toolkit';

/** Keys with one or more values, in order: `?tag=a&tag=b` keeps both tags. */
export class MultiDict<V = string> implements MultiDictApi<V> {
  readonly #pairs: Array<[string, V]>;

  constructor(pairs: Iterable<[string, V]> = []) {
    this.#pairs = [...pairs];
  }

  get(key: string): V | undefined {
    return this.#pairs.find(([k]) => k === key)?.[1];
  }

  getAll(key: string): V[] {
    return this.#pairs.filter(([k]) => k === key).map(([, v]) => v);
  }

  has(key: string): boolean {
    return this.#pairs.some(([k]) => k === key);
  }

  keys(): string[] {
    return [...new Set(this.#pairs.map(([k]) => k))];
  }

  entries(): Array<[string, V]> {
    return [...this.#pairs];
  }

  [Symbol.iterator](): Iterator<[string, V]> {
    return this.entries()[Symbol.iterator]();
  }
}
