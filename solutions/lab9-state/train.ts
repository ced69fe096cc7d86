// GIVEN: the batch job. It reads the books from a database, runs the model and writes its output
// with your writeRecommendations. It runs apart from the web app, whenever you like (by hand, from
// cron, on another machine): the app only ever reads the table it fills.
//
//   npx tsx labs/lab9-state/train.ts <PGlite data folder> [k]
//
// The folder is the one the demo stores its books in; the books table must exist.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from '#contracts/state';
import { documentOf, recommend, recommendationsMigration } from './model.ts';
// Your functions only through index.ts, the lab's public surface: the job runs on any design of the inside.
import { migrate, writeRecommendations } from './index.ts';

/** Trains on every row of `books` and replaces the recommendations; resolves with how many rows it wrote. */
export async function train(db: Database, k = 3): Promise<number> {
  await migrate(db, [recommendationsMigration]);
  const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM books ORDER BY id');
  const output = recommend(rows.map(documentOf), k);
  await writeRecommendations(db, output);
  return output.length;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const [folder, k] = process.argv.slice(2);
  if (!folder) {
    console.error('usage: npx tsx labs/lab9-state/train.ts <PGlite data folder> [k]');
    process.exit(2);
  }
  const db = new PGlite(folder);
  try {
    const written = await train(db, k === undefined ? 3 : Number(k));
    console.log(`wrote ${written} recommendations to ${folder}`);
  } catch (error) {
    console.error(`train: ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}
