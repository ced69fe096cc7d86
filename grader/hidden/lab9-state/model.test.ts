// Hidden tests for lab 9, milestone "model": the batch job's write (writeRecommendations) and the
// read-only ModelSource over its table. The table comes from the given recommendationsMigration,
// made here with plain SQL so these tests do not depend on the learner's migrate. Failures show
// the rows written and the table as it then was.
import { expect } from 'vitest';
import type { Database, ModelSourceApi, Recommendation } from '#contracts/state';
import { documentOf, ModelSource, recommendationsMigration, train, writeRecommendations } from '@lab/state';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { describeOutcome, describeTable, expectValue, freshDatabase, INJECTIONS, outcome, tableRows, useDatabase } from './sql-helpers.ts';

useDatabase();

type Db = Awaited<ReturnType<typeof freshDatabase>>;
type Row = Omit<Recommendation, 'id'>;

/** A fresh schema with the recommendations table, holding `rows` (inserted here, not by the lab). */
async function recommendationsDatabase(rows: Row[] = []): Promise<Db> {
  const db = await freshDatabase();
  await db.exec(recommendationsMigration.sql);
  for (const row of rows) await db.query('INSERT INTO recommendations (book, related, score) VALUES ($1, $2, $3)', [row.book, row.related, row.score]);
  return db;
}

/** The table's rows without their ids, sorted, to compare with what was written. */
async function contents(db: Db): Promise<Row[]> {
  const rows = (await tableRows(db, 'recommendations')) ?? [];
  return rows.map((row) => ({ book: String(row.book), related: String(row.related), score: Number(row.score) })).sort(byBookThenScore);
}

function byBookThenScore(a: Row, b: Row): number {
  return a.book.localeCompare(b.book) || b.score - a.score || a.related.localeCompare(b.related);
}

const OLD: Row[] = [
  { book: '1', related: '2', score: 0.5 },
  { book: '1', related: '3', score: 0.25 },
  { book: '2', related: '1', score: 0.5 },
];

const NEW: Row[] = [
  { book: '1', related: '4', score: 0.9 },
  { book: '1', related: '2', score: 0.6 },
  { book: '1', related: '5', score: 0.3 },
  { book: '1', related: '3', score: 0.1 },
  { book: '4', related: '1', score: 0.9 },
];

function modelSource(db: Db): ModelSource {
  return bounded('new ModelSource(db)', () => new ModelSource(db));
}

milestone('model', () => {
  test('writeRecommendations replaces the whole table with the rows it is given', {
    rules: ['R1'],
    points: 2,
    hint: 'Delete every row of recommendations, then insert each given row (book, related, score as $1, $2, $3).',
  }, async () => {
    const db = await recommendationsDatabase(OLD);
    const result = await outcome(() => writeRecommendations(db, NEW));
    expect('error' in result ? describeOutcome(result) : 'resolved', `writeRecommendations(db, ${JSON.stringify(NEW)})`).toBe('resolved');
    expect(await contents(db), `the table after writing ${JSON.stringify(NEW)} over ${JSON.stringify(OLD)}`).toEqual([...NEW].sort(byBookThenScore));
    await writeRecommendations(db, []);
    expect(await contents(db), 'the table after writeRecommendations(db, [])').toEqual([]);
  });

  test('writeRecommendations is one transaction: a row that cannot be stored leaves the old list whole', {
    rules: ['R2'],
    points: 3,
    hint: 'Do the DELETE and every INSERT inside db.transaction(async (tx) => ...), each with tx.query: a failure rolls back the DELETE too.',
  }, async () => {
    const db = await recommendationsDatabase(OLD);
    const bad: Row[] = [...NEW.slice(0, 3), { book: '1', related: '9', score: 2 }];
    const result = await outcome(() => writeRecommendations(db, bad));
    expect('error' in result, `writeRecommendations(db, ${JSON.stringify(bad)}) should reject (a score of 2 breaks the table's CHECK); it ${describeOutcome(result)}`).toBe(true);
    expect(await contents(db), `after the failed write, the table should hold the old list (${await describeTable(db, 'recommendations')})`).toEqual([...OLD].sort(byBookThenScore));
    await writeRecommendations(db, NEW);
    expect(await contents(db), 'the table after writing the new list without the bad row').toEqual([...NEW].sort(byBookThenScore));
  });

  test('while writeRecommendations runs, a reader sees the old list or the new one, never an empty or half-written table', {
    rules: ['R2'],
    points: 3,
    hint: 'Outside a transaction, a read that arrives between your DELETE and your INSERTs sees an empty table. Inside one, readers see the old rows until it commits.',
  }, async () => {
    const db = await recommendationsDatabase(OLD);
    const source = modelSource(db);
    const oldList = OLD.filter((row) => row.book === '1').map((row) => row.related);
    const newList = NEW.filter((row) => row.book === '1').map((row) => row.related);
    const seen: string[][] = [];
    const writing = writeRecommendations(db, NEW);
    let done = false;
    void writing.finally(() => (done = true)).catch(() => {});
    // Reads queue up behind the write's statements: each lands between two of them, or after.
    for (let i = 0; i < 40 && !done; i++) seen.push((await source.similarTo('1', 10)).map((row) => row.related));
    await writing;
    seen.push((await source.similarTo('1', 10)).map((row) => row.related));
    const odd = seen.filter((list) => JSON.stringify(list) !== JSON.stringify(oldList) && JSON.stringify(list) !== JSON.stringify(newList));
    expect(odd, `similarTo("1", 10) read ${seen.length} times during a write of ${JSON.stringify(NEW)} over ${JSON.stringify(OLD)}: lists that were neither the old ${JSON.stringify(oldList)} nor the new ${JSON.stringify(newList)}`).toEqual([]);
    expect(seen.at(-1), 'similarTo("1", 10) after the write').toEqual(newList);
  });

  test('ModelSource is read-only: add rejects and stores nothing; all, get and search serve the rows', {
    rules: ['R3'],
    points: 2,
    hint: 'all, get and search: hand them to a SqlSource over recommendations (book, related, score). add: reject with an Error, always.',
  }, async () => {
    const db = await recommendationsDatabase(OLD);
    const source = modelSource(db);
    const all = await source.all();
    expect(all.map(({ id, ...row }) => ({ ...row, id: typeof id })), `all() over ${await describeTable(db, 'recommendations')}`).toEqual(OLD.map((row) => ({ ...row, id: 'string' })));
    expect(await source.get(all[1]!.id), `get(${show(all[1]!.id)})`).toEqual(all[1]);
    expect(await source.search('2', ['related']), 'search("2", ["related"])').toEqual([all[0]]);
    const result = await outcome(() => (source as ModelSourceApi).add({ book: '7', related: '8', score: 0.5 }));
    expect('error' in result, `add({ book: "7", related: "8", score: 0.5 }) should reject; it ${describeOutcome(result)}`).toBe(true);
    expect(await contents(db), 'the table after the refused add').toEqual([...OLD].sort(byBookThenScore));
  });

  test('similarTo gives at most limit rows for the book, highest score first, each id a string', {
    rules: ['R4'],
    points: 3,
    hint: 'WHERE book = $1 ORDER BY score DESC LIMIT $2.',
  }, async () => {
    const db = await recommendationsDatabase([...NEW].reverse());
    const source = modelSource(db);
    const related = async (book: string, limit: number) => (await source.similarTo(book, limit)).map((row) => [row.book, row.related, row.score]);
    const table = await describeTable(db, 'recommendations');
    expect(await related('1', 10), `similarTo("1", 10) over ${table}`).toEqual([['1', '4', 0.9], ['1', '2', 0.6], ['1', '5', 0.3], ['1', '3', 0.1]]);
    expect(await related('1', 2), `similarTo("1", 2) over ${table}`).toEqual([['1', '4', 0.9], ['1', '2', 0.6]]);
    expect(await related('4', 3), `similarTo("4", 3) over ${table}`).toEqual([['4', '1', 0.9]]);
    expect(await related('1', 0), `similarTo("1", 0) over ${table}`).toEqual([]);
    const rows = await source.similarTo('4', 3);
    expect(rows.map((row) => typeof row.id), `similarTo("4", 3) gave ${JSON.stringify(rows, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}: each id should be a string`).toEqual(['string']);
  });

  test('similarTo answers [] for a book the batch job has not seen, whatever its text (injection included)', {
    rules: ['R4'],
    points: 3,
    hint: 'The book id is a parameter ($1), compared as text: an id no row has, or any SQL in it, simply matches no row.',
  }, async () => {
    const db = await recommendationsDatabase(NEW);
    const source = modelSource(db);
    for (const book of ['2', '', 'abc', "1' OR '1'='1", "1' --", ...INJECTIONS]) {
      const result = await outcome(() => source.similarTo(book, 10));
      expectValue(result, [], `similarTo(${show(book)}, 10) over ${await describeTable(db, 'recommendations')}`);
    }
    expect(await contents(db), 'the table after the reads').toEqual([...NEW].sort(byBookThenScore));
  });

  test("similarTo sends the book id as a parameter: it never appears in the SQL text", {
    rules: ['R4'],
    points: 1,
    hint: 'WHERE book = $1 ... LIMIT $2, with [bookId, limit]: quoting the id yourself, even with its quotes doubled, puts it in the SQL text.',
  }, async () => {
    const db = await recommendationsDatabase(NEW);
    const sent: Array<{ sql: string; params?: unknown[] }> = [];
    const spy: Database = {
      query: (sql, params) => (sent.push({ sql, params }), db.query(sql, params)),
      exec: (sql) => (sent.push({ sql }), db.exec(sql)),
      transaction: (fn) => db.transaction(fn),
    };
    const result = await outcome(() => modelSource(spy as Db).similarTo("zqx-book's", 3));
    expectValue(result, [], `similarTo("zqx-book's", 3)`);
    const inText = sent.filter((call) => call.sql.includes('zqx'));
    expect(inText, `SQL sent: ${show(JSON.stringify(sent))}: the book id may not be part of the SQL text`).toEqual([]);
  });

  test("the batch job end to end: train() fills the table from the books, and similarTo serves it", {
    rules: ['R1', 'R4'],
    points: 2,
    hint: 'train (given) calls your migrate and writeRecommendations; similarTo then reads what it wrote. Pass the other tests first.',
  }, async () => {
    const db = await freshDatabase();
    await db.exec('CREATE TABLE books (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL, summary text)');
    const books = [
      ['Learning Scheme', 'Recursion and closures in Scheme, for beginners'],
      ['Scheme in depth', 'Closures, continuations and macros in Scheme'],
      ['Gardening', 'Roses, soil and water for a small garden'],
      ['Small gardens', 'Plants and water for a garden on a balcony'],
    ];
    for (const [title, summary] of books) await db.query('INSERT INTO books (title, summary) VALUES ($1, $2)', [title, summary]);
    const written = await train(db, 1);
    expect(written, 'train(db, 1) over four books: one recommendation each').toBe(4);
    const pairs = [];
    for (const id of ['1', '2', '3', '4']) pairs.push((await modelSource(db).similarTo(id, 5)).map((row) => `${row.book}->${row.related}`));
    expect(pairs, `similarTo(id, 5) for each book after train(db, 1) (${books.map(([t, s], i) => `${i + 1}: ${documentOf({ id: i + 1, title: t, summary: s }).text}`).join('; ')})`).toEqual([['1->2'], ['2->1'], ['3->4'], ['4->3']]);
  });
});
