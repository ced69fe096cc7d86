import type { Database, ModelSourceApi, Recommendation } from '#contracts/state';
import { SqlSource } from './sql.ts';

/** The table recommendationsMigration makes, and its columns. */
const TABLE = 'recommendations';
const COLUMNS = ['book', 'related', 'score'] as const;

/**
 * The batch job's write: the table's rows become exactly `rows`, in one transaction, so a reader
 * sees the old list or the new one, never an empty or half-written table.
 */
export async function writeRecommendations(db: Database, rows: Array<Omit<Recommendation, 'id'>>): Promise<void> {
  await db.transaction(async (tx) => {
    // DELETE, not TRUNCATE: on a PostgreSQL server, readers keep reading the old rows until commit.
    await tx.query(`DELETE FROM ${TABLE}`);
    for (const row of rows) {
      await tx.query(`INSERT INTO ${TABLE} (book, related, score) VALUES ($1, $2, $3)`, [row.book, row.related, row.score]);
    }
  });
}

/** The model's output, read-only: the view asks the table, never the model. */
export class ModelSource implements ModelSourceApi {
  readonly #db: Database;
  readonly #rows: SqlSource<Recommendation>;

  constructor(db: Database) {
    this.#db = db;
    this.#rows = new SqlSource<Recommendation>(db, { table: TABLE, columns: [...COLUMNS] });
  }

  /** The rows of the table, as a SqlSource gives them. */
  all(): Promise<Recommendation[]> {
    return this.#rows.all();
  }

  /** One row by its id, as a SqlSource gives it. */
  get(id: string): Promise<Recommendation | undefined> {
    return this.#rows.get(id);
  }

  /** Rows whose listed fields contain text, as a SqlSource finds them. */
  search(text: string, fields: Array<keyof Recommendation & string>): Promise<Recommendation[]> {
    return this.#rows.search(text, fields);
  }

  /** R3: only the batch job writes this table. */
  async add(): Promise<Recommendation> {
    throw new Error('ModelSource is read-only: the batch job (train.ts) writes recommendations');
  }

  /** At most limit books like bookId, highest score first; [] for a book the job has not seen. */
  async similarTo(bookId: string, limit: number): Promise<Recommendation[]> {
    const { rows } = await this.#db.query<Record<string, unknown>>(
      `SELECT id, book, related, score FROM ${TABLE} WHERE book = $1 ORDER BY score DESC LIMIT $2`,
      [String(bookId), limit],
    );
    return rows.map((row) => ({ id: String(row.id), book: String(row.book), related: String(row.related), score: Number(row.score) }));
  }
}
