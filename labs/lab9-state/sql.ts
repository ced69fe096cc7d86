import type { Database, Migration, Page, Queryable, SqlSourceApi, SqlSourceOptions } from '#contracts/state';

const SQL = 'read lessons/09-state.md, SQL on a real database';
const MIGRATIONS = 'read lessons/09-state.md, Migrations';

/**
 * A name that may be pasted into SQL text: lower-case letters, digits and underscores, not starting
 * with a digit. Table and column names cannot be `$n` parameters, so this check is their only guard.
 */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** An id the table can hold: a positive whole number in decimal, no leading zero, at most 18 digits (bigint). */
const ID = /^[1-9][0-9]{0,17}$/;

/** `name`, double-quoted for SQL, or an Error if it is not a plain identifier. */
function identifier(name: string): string {
  // TODO(lab9): refuse any name IDENTIFIER does not match; quote the others.
  throw new Error(`TODO(lab9): identifier is not written yet: ${SQL}`);
}

/**
 * Applies, in list order, each migration not yet recorded in schema_migrations, each in its own
 * transaction with its record; resolves with the ids applied by this call.
 */
export async function migrate(db: Database, migrations: Migration[]): Promise<string[]> {
  // TODO(lab9): refuse a list with an id twice; make schema_migrations if it is missing; run each
  // migration not recorded there, with its record, in one db.transaction; name the one that failed.
  throw new Error(`TODO(lab9): migrate is not written yet: ${MIGRATIONS}`);
}

/** Lab 7's DataSource over one table of a SQL database: every value a `$n` parameter. */
export class SqlSource<T extends { id: string }> implements SqlSourceApi<T> {
  readonly #db: Database;
  readonly #columns: string[];
  /** The quoted table name and the select list, checked once. */
  readonly #table: string;
  readonly #select: string;

  constructor(db: Database, options: SqlSourceOptions<T>) {
    // TODO(lab9): keep db and the columns; check the table's and the columns' names once, here.
    throw new Error(`TODO(lab9): the SqlSource constructor is not written yet: ${SQL}`);
  }

  /** A row as a record: the id as text, the declared fields as stored. */
  #record(row: Record<string, unknown>): T {
    throw new Error(`TODO(lab9): SqlSource.#record is not written yet: ${SQL}`);
  }

  /** Runs a query on `db` and turns its rows into records. */
  async #rows(sql: string, params: unknown[] = [], db: Queryable = this.#db): Promise<T[]> {
    throw new Error(`TODO(lab9): SqlSource.#rows is not written yet: ${SQL}`);
  }

  /** Every record, in id order. */
  async all(): Promise<T[]> {
    throw new Error(`TODO(lab9): SqlSource.all is not written yet: ${SQL}`);
  }

  /** The record with this id, or undefined, also for an id no row can have. */
  async get(id: string): Promise<T | undefined> {
    throw new Error(`TODO(lab9): SqlSource.get is not written yet: ${SQL}`);
  }

  /** Records whose listed (declared) fields contain text, ignoring case; % _ and \ are plain characters. */
  async search(text: string, fields: Array<keyof T & string>): Promise<T[]> {
    throw new Error(`TODO(lab9): SqlSource.search is not written yet: ${SQL}`);
  }

  /** Stores the declared fields of record; resolves with the stored record and the id the database chose. */
  async add(record: Omit<T, 'id'>): Promise<T> {
    throw new Error(`TODO(lab9): SqlSource.add is not written yet: ${SQL}`);
  }

  /** One INSERT of the declared columns of `record`, on `db` (the database, or a transaction). */
  async #insert(db: Queryable, record: Omit<T, 'id'>): Promise<T> {
    throw new Error(`TODO(lab9): SqlSource.#insert is not written yet: ${SQL}`);
  }

  /** One page of records in id order, with the total and the number of pages. */
  async page(page: number, perPage: number): Promise<Page<T>> {
    throw new Error(`TODO(lab9): SqlSource.page is not written yet: ${SQL}`);
  }

  /** Stores every record or none: one transaction. */
  async addMany(records: Array<Omit<T, 'id'>>): Promise<T[]> {
    throw new Error(`TODO(lab9): SqlSource.addMany is not written yet: ${SQL}`);
  }
}
