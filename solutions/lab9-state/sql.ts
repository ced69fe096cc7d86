import type { Database, Migration, Page, Queryable, SqlSourceApi, SqlSourceOptions } from '#contracts/state';

/**
 * A name that may be pasted into SQL text: lower-case letters, digits and underscores, not starting
 * with a digit. Table and column names cannot be `$n` parameters, so this check is their only guard.
 */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** An id the table can hold: a positive whole number in decimal, no leading zero, at most 18 digits (bigint). */
const ID = /^[1-9][0-9]{0,17}$/;

/** `name`, double-quoted for SQL, or an Error if it is not a plain identifier (Q2). */
function identifier(name: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/**
 * Applies, in list order, each migration not yet recorded in schema_migrations, each in its own
 * transaction with its record; resolves with the ids applied by this call.
 */
export async function migrate(db: Database, migrations: Migration[]): Promise<string[]> {
  // M3: two migrations with one id would make "applied?" ambiguous: refuse the list outright.
  const seen = new Set<string>();
  for (const { id } of migrations) {
    if (seen.has(id)) throw new Error(`migration id ${JSON.stringify(id)} appears twice in the list`);
    seen.add(id);
  }
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  const done = new Set((await db.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((row) => row.id));
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.id)) continue;
    try {
      // M2: the script and its record commit together, or neither does.
      await db.transaction(async (tx) => {
        await tx.exec(migration.sql);
        await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
      });
    } catch (error) {
      throw new Error(`migration ${JSON.stringify(migration.id)} failed: ${(error as Error).message}`, { cause: error });
    }
    applied.push(migration.id);
  }
  return applied;
}

/** Lab 7's DataSource over one table of a SQL database: every value a `$n` parameter. */
export class SqlSource<T extends { id: string }> implements SqlSourceApi<T> {
  readonly #db: Database;
  readonly #columns: string[];
  /** The quoted table name and the select list, checked once (Q2). */
  readonly #table: string;
  readonly #select: string;

  constructor(db: Database, options: SqlSourceOptions<T>) {
    this.#db = db;
    this.#table = identifier(options.table);
    this.#columns = [...options.columns];
    // Q6: exactly the declared columns, never `*` (which would hand out every column of the row).
    this.#select = ['id', ...this.#columns].map(identifier).join(', ');
  }

  /** A row as a record: the id as text, the declared fields as stored. */
  #record(row: Record<string, unknown>): T {
    const record: Record<string, unknown> = { id: String(row.id) };
    for (const column of this.#columns) record[column] = row[column];
    return record as T;
  }

  /** Runs a query on `db` and turns its rows into records. */
  async #rows(sql: string, params: unknown[] = [], db: Queryable = this.#db): Promise<T[]> {
    const { rows } = await db.query<Record<string, unknown>>(sql, params);
    return rows.map((row) => this.#record(row));
  }

  /** Every record, in id order. */
  async all(): Promise<T[]> {
    return this.#rows(`SELECT ${this.#select} FROM ${this.#table} ORDER BY id`);
  }

  /** The record with this id, or undefined, also for an id no row can have. */
  async get(id: string): Promise<T | undefined> {
    // Q5: 'abc' or '1 OR 1=1' can name no row; asking PostgreSQL to read it as a number would fail.
    if (typeof id !== 'string' || !ID.test(id)) return undefined;
    const [record] = await this.#rows(`SELECT ${this.#select} FROM ${this.#table} WHERE id = $1`, [id]);
    return record;
  }

  /** Records whose listed (declared) fields contain text, ignoring case; % _ and \ are plain characters. */
  async search(text: string, fields: Array<keyof T & string>): Promise<T[]> {
    // Q3: only declared columns; anything else is refused before any SQL is written.
    for (const field of fields) {
      if (!this.#columns.includes(field)) throw new Error(`search: ${JSON.stringify(field)} is not a column of this source`);
    }
    if (fields.length === 0) return [];
    // Q4: the visitor's % _ and \ are characters to find, not wildcards (backslash first).
    const pattern = `%${String(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const where = fields.map((field) => `${identifier(field)}::text ILIKE $1 ESCAPE '\\'`).join(' OR ');
    return this.#rows(`SELECT ${this.#select} FROM ${this.#table} WHERE ${where} ORDER BY id`, [pattern]);
  }

  /** Stores the declared fields of record; resolves with the stored record and the id the database chose. */
  async add(record: Omit<T, 'id'>): Promise<T> {
    return this.#insert(this.#db, record);
  }

  /** One INSERT of the declared columns only (Q7), each value a parameter (Q1). */
  async #insert(db: Queryable, record: Omit<T, 'id'>): Promise<T> {
    const values = this.#columns.map((column) => (record as Record<string, unknown>)[column] ?? null);
    const names = this.#columns.map(identifier).join(', ');
    const slots = this.#columns.map((_, i) => `$${i + 1}`).join(', ');
    const [stored] = await this.#rows(`INSERT INTO ${this.#table} (${names}) VALUES (${slots}) RETURNING ${this.#select}`, values, db);
    return stored!;
  }

  /** One page of records in id order, with the total and the number of pages. */
  async page(page: number, perPage: number): Promise<Page<T>> {
    // Q9: refused, not clamped: a page 0 or 2.5 is a bug in the caller, and a clear error finds it.
    for (const [name, value] of [['page', page], ['perPage', perPage]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number from 1, not ${String(value)}`);
    }
    const { rows } = await this.#db.query<{ count: string | number }>(`SELECT count(*) AS count FROM ${this.#table}`);
    const total = Number(rows[0]!.count);
    const items = await this.#rows(`SELECT ${this.#select} FROM ${this.#table} ORDER BY id LIMIT $1 OFFSET $2`, [perPage, (page - 1) * perPage]);
    return { items, page, perPage, total, pages: Math.max(1, Math.ceil(total / perPage)) };
  }

  /** Stores every record or none: one transaction. */
  async addMany(records: Array<Omit<T, 'id'>>): Promise<T[]> {
    // Q8: one transaction: a record that fails rolls back the ones before it.
    return this.#db.transaction(async (tx) => {
      const stored: T[] = [];
      for (const record of records) stored.push(await this.#insert(tx, record));
      return stored;
    });
  }
}
