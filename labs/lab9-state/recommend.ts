import type { Database, ModelSourceApi, Recommendation } from '#contracts/state';
import { SqlSource } from './sql.ts';

const MODEL = "read lessons/09-state.md, A model's output as data";

/** The table recommendationsMigration makes, and its columns. */
const TABLE = 'recommendations';
const COLUMNS = ['book', 'related', 'score'] as const;

/**
 * The batch job's write: the table's rows become exactly `rows`, in one transaction, so a reader
 * sees the old list or the new one, never an empty or half-written table.
 */
export async function writeRecommendations(db: Database, rows: Array<Omit<Recommendation, 'id'>>): Promise<void> {
  throw new Error(`TODO(lab9): writeRecommendations is not written yet: ${MODEL}`);
}

/** The model's output, read-only: the view asks the table, never the model. */
export class ModelSource implements ModelSourceApi {
  readonly #db: Database;
  readonly #rows: SqlSource<Recommendation>;

  constructor(db: Database) {
    // TODO(lab9): keep db, and a SqlSource over TABLE and COLUMNS for the DataSource methods.
    throw new Error(`TODO(lab9): the ModelSource constructor is not written yet: ${MODEL}`);
  }

  /** The rows of the table, as a SqlSource gives them. */
  all(): Promise<Recommendation[]> {
    throw new Error(`TODO(lab9): ModelSource.all is not written yet: ${MODEL}`);
  }

  /** One row by its id, as a SqlSource gives it. */
  get(id: string): Promise<Recommendation | undefined> {
    throw new Error(`TODO(lab9): ModelSource.get is not written yet: ${MODEL}`);
  }

  /** Rows whose listed fields contain text, as a SqlSource finds them. */
  search(text: string, fields: Array<keyof Recommendation & string>): Promise<Recommendation[]> {
    throw new Error(`TODO(lab9): ModelSource.search is not written yet: ${MODEL}`);
  }

  /** Only the batch job writes this table. */
  async add(): Promise<Recommendation> {
    throw new Error(`TODO(lab9): ModelSource.add is not written yet: ${MODEL}`);
  }

  /** At most limit books like bookId, highest score first; [] for a book the job has not seen. */
  async similarTo(bookId: string, limit: number): Promise<Recommendation[]> {
    throw new Error(`TODO(lab9): ModelSource.similarTo is not written yet: ${MODEL}`);
  }
}
