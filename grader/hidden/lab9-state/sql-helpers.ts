// What the SQL and model tests share: one PGlite database per test file (its first start costs
// seconds, later work milliseconds), a fresh schema per test so every test has its own tables
// (schema_migrations included), and readers that show a table in a failure message. Nothing here
// implements the lab: the tests call its exports and look at the tables with plain SELECTs.
import type { PGlite } from '@electric-sql/pglite';
import { startDatabase } from './database.ts';
import { afterAll, beforeAll, expect } from 'vitest';
import { show } from '../../harness/index.ts';

/**
 * How long the shared database may take to start. A first PGlite in a process compiles its
 * WebAssembly and runs initdb: about 4 s on an idle machine, several times that on a busy one. It
 * runs in beforeAll, outside every test's own bound, so this bound only stops a real hang.
 */
const START_BOUND_MS = 120_000;

let shared: PGlite | undefined;
let schemas = 0;

/** Starts the file's database before its tests and closes it after. Call once, at the top of a file. */
export function useDatabase(): void {
  beforeAll(async () => {
    shared = await startDatabase();
  }, START_BOUND_MS);
  afterAll(async () => {
    await shared?.close();
  });
}

/**
 * The database, switched to a schema of its own (`t1`, `t2`, ...): every table a test makes,
 * schema_migrations included, is new, and no test sees another's.
 */
export async function freshDatabase(): Promise<PGlite> {
  if (!shared) throw new Error('the test database did not start (see the error of beforeAll)');
  schemas += 1;
  await shared.exec(`CREATE SCHEMA t${schemas}; SET search_path TO t${schemas}`);
  return shared;
}

/** The books table the SqlSource tests use: an id the database makes, and a column no source declares. */
export const BOOKS_TABLE = `CREATE TABLE books (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title text NOT NULL,
  author text,
  year integer,
  secret text NOT NULL DEFAULT 'staff only'
)`;

export interface Book {
  id: string;
  title: string;
  author: string | null;
  year: number | null;
}

export const BOOKS: Array<Omit<Book, 'id'>> = [
  { title: 'The C Programming Language', author: 'Kernighan', year: 1978 },
  { title: 'Structure and Interpretation of Computer Programs', author: 'Abelson', year: 1985 },
  { title: '100% Pure Functions', author: 'Hughes_J', year: 1989 },
  { title: '1000 Puzzles', author: 'Dudeney', year: 1917 },
  { title: 'Paths like C:\\books', author: null, year: null },
];

/** A fresh schema with the books table, filled with `rows` by plain INSERTs (not the lab's code). */
export async function booksDatabase(rows: Array<Omit<Book, 'id'>> = BOOKS): Promise<PGlite> {
  const db = await freshDatabase();
  await db.exec(BOOKS_TABLE);
  for (const row of rows) await db.query('INSERT INTO books (title, author, year) VALUES ($1, $2, $3)', [row.title, row.author, row.year]);
  return db;
}

/** Every row of a table, every column, in id order (or undefined if the table is gone). */
export async function tableRows(db: PGlite, table: string): Promise<Array<Record<string, unknown>> | undefined> {
  const exists = await db.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [table]);
  if (exists.rows[0]?.found == null) return undefined;
  const { rows } = await db.query<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY 1`);
  return rows.map((row) => ({ ...row, ...(typeof row.id === 'bigint' || typeof row.id === 'number' ? { id: String(row.id) } : {}) }));
}

/** Whether a table exists in the test's schema. */
export async function tableExists(db: PGlite, table: string): Promise<boolean> {
  const { rows } = await db.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [table]);
  return rows[0]?.found != null;
}

/** A table's rows on one line, for a failure message. */
export async function describeTable(db: PGlite, table: string): Promise<string> {
  const rows = await tableRows(db, table);
  return rows === undefined ? `table ${table}: (gone)` : `table ${table}: ${JSON.stringify(rows)}`;
}

/** How a call ended: its value, or the error it rejected (or threw) with. */
export async function outcome<T>(run: () => T | Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error };
  }
}

/** An outcome on one line: `resolved [..]` or `rejected RangeError: ...`. */
export function describeOutcome(result: { value?: unknown; error?: unknown }): string {
  if (!('error' in result)) return `resolved ${JSON.stringify(result.value) ?? 'undefined'}`;
  const error = result.error as { name?: string; message?: string } | undefined;
  return `rejected ${error?.name ?? typeof error}: ${show(String(error?.message ?? error))}`;
}

/**
 * Text a visitor could type to rewrite a query built by pasting: closing quotes, statement ends,
 * comments, a backslash before a quote, a placeholder, a dollar quote.
 */
export const INJECTIONS = [
  "Robert'); DROP TABLE books;--",
  "' OR '1'='1",
  "x' UNION SELECT secret, secret, secret, 1 FROM books --",
  "\\'; DELETE FROM books; --",
  '"; DROP TABLE books; --',
  'ends in a backslash \\',
  '$1',
  '$$; DROP TABLE books; $$',
];

/** Fails unless the call resolved with a value equal to `expected`; the label says which call. */
export function expectValue(result: { value?: unknown; error?: unknown }, expected: unknown, label: string): void {
  expect('error' in result ? describeOutcome(result) : 'resolved', `${label} should resolve with ${JSON.stringify(expected)}`).toBe('resolved');
  expect(result.value, label).toEqual(expected);
}
