import type { HeadersApi } from '#contracts/toolkit';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Refuses what would let a value write a header line of its own (header injection). */
export function checkField(name: string, value: string): void {
  // TODO(lab5): throw a TypeError if the name is not a TOKEN, or if the value holds CR, LF or NUL.
  throw new Error('TODO(lab5): checkField is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
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
    // TODO(lab5): the value of the first field whose name matches, ignoring case; else undefined.
    throw new Error('TODO(lab5): Headers.get is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  getAll(name: string): string[] {
    // TODO(lab5): the values of every field whose name matches, ignoring case, in order.
    throw new Error('TODO(lab5): Headers.getAll is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  has(name: string): boolean {
    // TODO(lab5): whether any field has this name, ignoring case.
    throw new Error('TODO(lab5): Headers.has is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  set(name: string, value: string): void {
    // TODO(lab5): checkField, then replace every field of that name with this one (keeping it where
    // the first one was is a nice touch).
    throw new Error('TODO(lab5): Headers.set is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  add(name: string, value: string): void {
    // TODO(lab5): checkField, then append the field, keeping the others.
    throw new Error('TODO(lab5): Headers.add is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  delete(name: string): void {
    // TODO(lab5): remove every field of that name, ignoring case.
    throw new Error('TODO(lab5): Headers.delete is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  entries(): Array<[string, string]> {
    // TODO(lab5): every field as [name, value], in order, names as given: a copy, so the caller
    // can't change #fields through it.
    throw new Error('TODO(lab5): Headers.entries is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.entries()[Symbol.iterator]();
  }
}
