import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { DataSource } from '#contracts/framework';

type Row = { id: string } & Record<string, unknown>;

/** Shared by the sources: search is the same whatever stores the records. */
function matches<T extends Row>(record: T, text: string, fields: Array<keyof T & string>): boolean {
  // TODO(lab7): True if any of the fields, as a string (missing: ''), contains text, ignoring case.
  throw new Error('TODO(lab7): matches is not written yet (lessons/07-framework.md#pages-from-data)');
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
    // TODO(lab7): Read and parse the file the first time; keep the records in #records after that.
    // JSON that is not an array (`{}`, `"books"`) is a broken file: throw an Error that says so.
    throw new Error('TODO(lab7): JsonFileSource.#load is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async all(): Promise<T[]> {
    // TODO(lab7): A copy of the list of records, so a caller can't change the source's own list.
    throw new Error('TODO(lab7): JsonFileSource.all is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async get(id: string): Promise<T | undefined> {
    // TODO(lab7): The record with this id, or undefined.
    throw new Error('TODO(lab7): JsonFileSource.get is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async search(text: string, fields: Array<keyof T & string>): Promise<T[]> {
    // TODO(lab7): The records that match (the helper above).
    throw new Error('TODO(lab7): JsonFileSource.search is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async add(record: Omit<T, 'id'>): Promise<T> {
    // TODO(lab7): The new id is one more than the largest numeric id so far (1 for an empty file),
    // as a string. Store the record with it; with persist, write every record back to the file as
    // JSON. Return the stored record.
    throw new Error('TODO(lab7): JsonFileSource.add is not written yet (lessons/07-framework.md#pages-from-data)');
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
    // TODO(lab7): The first time, parse the file with csv-parse's parse(text, { columns: true,
    // skip_empty_lines: true, trim: true }): one object per row, keyed by the header row.
    throw new Error('TODO(lab7): CsvFileSource.#load is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async all(): Promise<T[]> {
    // TODO(lab7): As in JsonFileSource.
    throw new Error('TODO(lab7): CsvFileSource.all is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async get(id: string): Promise<T | undefined> {
    // TODO(lab7): As in JsonFileSource.
    throw new Error('TODO(lab7): CsvFileSource.get is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async search(text: string, fields: Array<keyof T & string>): Promise<T[]> {
    // TODO(lab7): As in JsonFileSource.
    throw new Error('TODO(lab7): CsvFileSource.search is not written yet (lessons/07-framework.md#pages-from-data)');
  }

  async add(): Promise<T> {
    // TODO(lab7): A CSV source is read-only: throw an Error that says so.
    throw new Error('TODO(lab7): CsvFileSource.add is not written yet (lessons/07-framework.md#pages-from-data)');
  }
}
