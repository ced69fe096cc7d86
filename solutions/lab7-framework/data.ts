import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { DataSource } from '#contracts/framework';

type Row = { id: string } & Record<string, unknown>;

/** Shared by the sources: search is the same whatever stores the records. */
function matches<T extends Row>(record: T, text: string, fields: Array<keyof T & string>): boolean {
  const needle = text.toLowerCase();
  return fields.some((field) => String(record[field] ?? '').toLowerCase().includes(needle));
}

/**
 * Records in a JSON file (an array of objects with an `id`). With `persist`, `add` writes the file
 * back; without, additions live in memory only, so a demo never changes files on disk.
 */
export class JsonFileSource<T extends Row> implements DataSource<T> {
  readonly #path: string;
  readonly #persist: boolean;
  #records: T[] | null = null;

  constructor(path: string, options: { persist?: boolean } = {}) {
    this.#path = path;
    this.#persist = options.persist ?? false;
  }

  #load(): T[] {
    if (this.#records === null) {
      const parsed: unknown = JSON.parse(readFileSync(this.#path, 'utf8'));
      // Valid JSON that is not a list of records (`{}`, `"books"`) is a broken file too (D3).
      if (!Array.isArray(parsed)) throw new Error(`${this.#path}: expected a JSON array of records`);
      this.#records = parsed as T[];
    }
    return this.#records;
  }

  async all(): Promise<T[]> {
    return [...this.#load()];
  }

  async get(id: string): Promise<T | undefined> {
    return this.#load().find((record) => record.id === id);
  }

  async search(text: string, fields: Array<keyof T & string>): Promise<T[]> {
    return this.#load().filter((record) => matches(record, text, fields));
  }

  async add(record: Omit<T, 'id'>): Promise<T> {
    const records = this.#load();
    const next = Math.max(0, ...records.map((r) => Number(r.id)).filter(Number.isFinite)) + 1;
    const stored = { ...record, id: String(next) } as T;
    records.push(stored);
    if (this.#persist) writeFileSync(this.#path, JSON.stringify(records, null, 2) + '\n');
    return stored;
  }
}

/** Records in a CSV file with a header row (one column must be `id`). Read-only. */
export class CsvFileSource<T extends Row> implements DataSource<T> {
  readonly #path: string;
  #records: T[] | null = null;

  constructor(path: string) {
    this.#path = path;
  }

  #load(): T[] {
    this.#records ??= parse(readFileSync(this.#path, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as T[];
    return this.#records;
  }

  async all(): Promise<T[]> {
    return [...this.#load()];
  }

  async get(id: string): Promise<T | undefined> {
    return this.#load().find((record) => record.id === id);
  }

  async search(text: string, fields: Array<keyof T & string>): Promise<T[]> {
    return this.#load().filter((record) => matches(record, text, fields));
  }

  async add(): Promise<T> {
    throw new Error(`${this.#path} is a read-only CSV source`);
  }
}
