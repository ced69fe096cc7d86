import type { HeadersApi } from '#contracts/toolkit';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Refuses what would let a value write a header line of its own (header injection). */
export function checkField(name: string, value: string): void {
  if (!TOKEN.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
  if (/[\r\n\0]/.test(value)) throw new TypeError(`the value of ${name} contains CR, LF or NUL`);
}

/**
 * Header fields as a case-insensitive multi-map: `get('content-type')` finds `Content-Type`,
 * repeated fields (Set-Cookie) stay separate, and the order they were added in is kept.
 */
export class Headers implements HeadersApi {
  #fields: Array<[string, string]> = [];

  constructor(fields: Iterable<[string, string]> = []) {
    for (const [name, value] of fields) this.add(name, value);
  }

  get(name: string): string | undefined {
    const key = name.toLowerCase();
    return this.#fields.find(([field]) => field.toLowerCase() === key)?.[1];
  }

  getAll(name: string): string[] {
    const key = name.toLowerCase();
    return this.#fields.filter(([field]) => field.toLowerCase() === key).map(([, value]) => value);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  set(name: string, value: string): void {
    checkField(name, value); // before any change: a refused field leaves the headers as they were
    this.delete(name);
    this.#fields.push([name, value]);
  }

  add(name: string, value: string): void {
    checkField(name, value);
    this.#fields.push([name, value]);
  }

  delete(name: string): void {
    const key = name.toLowerCase();
    this.#fields = this.#fields.filter(([field]) => field.toLowerCase() !== key);
  }

  entries(): Array<[string, string]> {
    return this.#fields.map(([name, value]) => [name, value]);
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.entries()[Symbol.iterator]();
  }
}
