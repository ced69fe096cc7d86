// Hidden tests for lab 9, milestone "sql": migrate and SqlSource on PGlite. One database for the
// file, a fresh schema per test. Every method is tried with SQL injection, and after each attempt
// the test reads the table itself to prove it is intact. Failures show the call, what it gave and
// the table as it then was.
import { expect } from 'vitest';
import type { Database, Migration, Queryable } from '#contracts/state';
import { migrate, SqlSource } from '@lab/state';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import {
  BOOKS,
  type Book,
  booksDatabase,
  describeOutcome,
  describeTable,
  expectValue,
  freshDatabase,
  INJECTIONS,
  outcome,
  tableExists,
  tableRows,
  useDatabase,
} from './sql-helpers.ts';

useDatabase();

type Db = Awaited<ReturnType<typeof freshDatabase>>;

const COLUMNS = ['title', 'author', 'year'] as const;

function source(db: Db, table = 'books', columns: string[] = [...COLUMNS]): SqlSource<Book> {
  return bounded(`new SqlSource(db, { table: ${show(table)}, columns: ${JSON.stringify(columns)} })`, () => new SqlSource<Book>(db, { table, columns: columns as Array<'title'> }));
}

/** The books as the tests inserted them, with the ids the database gave (1, 2, ...). */
const stored = (rows = BOOKS): Book[] => rows.map((row, i) => ({ id: String(i + 1), ...row }));

/** Fails unless the books table still holds exactly `expected` (every column the source declares). */
async function expectIntact(db: Db, expected: Book[], after: string): Promise<void> {
  const rows = await tableRows(db, 'books');
  expect(rows, `after ${after}, the books table should still exist`).toBeDefined();
  const declared = rows!.map((row) => ({ id: row.id, title: row.title, author: row.author, year: row.year }));
  expect(declared, `after ${after}, the books table should hold what it held before (${await describeTable(db, 'books')})`).toEqual(expected);
}

const BOOKS_MIGRATION: Migration = { id: '1_books', sql: 'CREATE TABLE books (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL)' };
const AUTHORS_MIGRATION: Migration = { id: '2_authors', sql: 'CREATE TABLE authors (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL)' };
const INDEX_MIGRATION: Migration = { id: '10_author_names', sql: 'CREATE INDEX authors_name ON authors (name)' };

async function recorded(db: Db): Promise<unknown[] | undefined> {
  return (await tableRows(db, 'schema_migrations'))?.map((row) => row.id);
}

milestone('sql', () => {
  test('migrate applies the migrations in list order and resolves with their ids', {
    rules: ['M1'],
    points: 2,
    hint: 'Make schema_migrations if it is missing, then run each migration of the list in the order given (not sorted: "10_..." comes after "2_..." here) and collect the ids you ran.',
  }, async () => {
    const db = await freshDatabase();
    const list = [BOOKS_MIGRATION, AUTHORS_MIGRATION, INDEX_MIGRATION];
    const first = await outcome(() => migrate(db, list));
    expectValue(first, ['1_books', '2_authors', '10_author_names'], 'migrate(db, [1_books, 2_authors, 10_author_names]) on an empty database (10_author_names needs the table 2_authors makes)');
    expect(await tableExists(db, 'books'), 'the table 1_books makes should exist').toBe(true);
    expect(await tableExists(db, 'authors'), 'the table 2_authors makes should exist').toBe(true);
    expect(await recorded(db), 'schema_migrations should record the three ids').toEqual(['10_author_names', '1_books', '2_authors']);
  });

  test('migrate applies only what is not recorded yet: a second run applies nothing', {
    rules: ['M1'],
    points: 2,
    hint: 'Read the ids in schema_migrations first and skip those; resolve with the ids this call ran, [] when there were none.',
  }, async () => {
    const db = await freshDatabase();
    await migrate(db, [BOOKS_MIGRATION]);
    const again = await outcome(() => migrate(db, [BOOKS_MIGRATION]));
    expectValue(again, [], 'migrate(db, [1_books]) a second time (CREATE TABLE books would fail if it ran again)');
    const more = await outcome(() => migrate(db, [BOOKS_MIGRATION, AUTHORS_MIGRATION]));
    expectValue(more, ['2_authors'], 'migrate(db, [1_books, 2_authors]) after 1_books was applied');
    expect(await recorded(db), 'schema_migrations should record each id once').toEqual(['1_books', '2_authors']);
  });

  test('a migration that fails leaves nothing of itself, is not recorded, and is named; those before it stay', {
    rules: ['M2'],
    points: 3,
    hint: 'Run each migration and the INSERT of its id in one db.transaction (tx.exec, tx.query). Stop at the first that fails and reject with an error whose message names its id.',
  }, async () => {
    const db = await freshDatabase();
    const broken: Migration = { id: '2_half', sql: 'CREATE TABLE half (x integer); INSERT INTO half VALUES (1); SELECT 1 / 0' };
    const later: Migration = { id: '3_later', sql: 'CREATE TABLE later (x integer)' };
    const result = await outcome(() => migrate(db, [BOOKS_MIGRATION, broken, later]));
    expect('error' in result, `migrate(db, [1_books, 2_half (divides by zero after CREATE TABLE half), 3_later]) should reject; it ${describeOutcome(result)}`).toBe(true);
    expect(String((result.error as Error)?.message), 'the error should name the migration that failed').toContain('2_half');
    expect(await tableExists(db, 'half'), 'the table the failed migration made before its error should be rolled back with it').toBe(false);
    expect(await tableExists(db, 'books'), 'the migration before the failed one should stay applied').toBe(true);
    expect(await tableExists(db, 'later'), 'the migration after the failed one should not run').toBe(false);
    expect(await recorded(db), 'schema_migrations should record only 1_books').toEqual(['1_books']);
    const fixed = { ...broken, sql: 'CREATE TABLE half (x integer)' };
    const retry = await outcome(() => migrate(db, [BOOKS_MIGRATION, fixed, later]));
    expectValue(retry, ['2_half', '3_later'], 'migrate again with 2_half fixed');
  });

  test("a migration is one transaction with the insert of its id: if recording it fails, its changes go too", {
    rules: ['M2'],
    points: 2,
    hint: 'Run the migration and the INSERT into schema_migrations inside one db.transaction: tx.exec(migration.sql), then tx.query(insert). Without it, the migration stays applied but unrecorded, and runs again next time.',
  }, async () => {
    const db = await freshDatabase();
    // The migration itself succeeds; it installs a trigger that refuses its own record, so the
    // INSERT into schema_migrations that follows it fails.
    const refusing: Migration = {
      id: '1_refuses_its_record',
      sql: `CREATE TABLE kept_only_if_recorded (x integer);
        CREATE FUNCTION refuse_record() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no record for %', NEW.id; END $$;
        CREATE TRIGGER refuse BEFORE INSERT ON schema_migrations FOR EACH ROW EXECUTE FUNCTION refuse_record();`,
    };
    const result = await outcome(() => migrate(db, [refusing]));
    expect('error' in result, `migrate(db, [a migration whose record cannot be inserted]) should reject; it ${describeOutcome(result)}`).toBe(true);
    expect(await tableExists(db, 'kept_only_if_recorded'), 'the migration ran, but its record failed: its table should be rolled back with it (one transaction)').toBe(false);
    expect(await recorded(db), 'nothing should be recorded').toEqual([]);
  });

  test('a list with the same id twice is refused before anything is applied', {
    rules: ['M3'],
    hint: 'Check the ids of the whole list first; a duplicate rejects the call before any migration runs.',
  }, async () => {
    const db = await freshDatabase();
    const twice: Migration = { id: '1_books', sql: 'CREATE TABLE authors (id integer)' };
    const result = await outcome(() => migrate(db, [BOOKS_MIGRATION, twice]));
    expect('error' in result, `migrate(db, [1_books, 1_books (another script)]) should reject; it ${describeOutcome(result)}`).toBe(true);
    expect(await tableExists(db, 'books'), 'no migration of a refused list should run (books exists)').toBe(false);
    expect(await tableExists(db, 'authors'), 'no migration of a refused list should run (authors exists)').toBe(false);
    expectValue(await outcome(() => migrate(db, [BOOKS_MIGRATION])), ['1_books'], 'migrate(db, [1_books]) after the refused list');
  });

  test('add stores a record and resolves with it, its id a string the database chose; get finds it', {
    rules: ['Q7', 'Q6'],
    points: 2,
    hint: 'INSERT INTO books (title, author, year) VALUES ($1, $2, $3) RETURNING id, title, author, year; turn the id into a string.',
  }, async () => {
    const db = await booksDatabase();
    const books = source(db);
    const added = await books.add({ title: 'Refactoring', author: 'Fowler', year: 1999 });
    expect(added, 'add({ title: "Refactoring", author: "Fowler", year: 1999 }) on a table holding 5 books').toEqual({ id: '6', title: 'Refactoring', author: 'Fowler', year: 1999 });
    expect(await books.get('6'), 'get("6") after the add').toEqual(added);
    await expectIntact(db, [...stored(), added], 'add');
  });

  test('values are parameters: injection through add and addMany is stored as text and runs nothing', {
    rules: ['Q1'],
    points: 3,
    hint: 'Never put a value into the SQL text: write $1, $2, ... and pass the values in the array that goes with the query.',
  }, async () => {
    const db = await booksDatabase();
    const books = source(db);
    const expected = stored();
    for (const text of INJECTIONS) {
      const result = await outcome(() => books.add({ title: text, author: text, year: 2000 }));
      expectValue(result, { id: String(expected.length + 1), title: text, author: text, year: 2000 }, `add({ title: ${show(text)}, author: (the same), year: 2000 })`);
      expected.push({ id: String(expected.length + 1), title: text, author: text, year: 2000 });
    }
    const many = INJECTIONS.slice(0, 3).map((text) => ({ title: text, author: 'many', year: 2001 }));
    const base = expected.length;
    const manyStored = many.map((row, i) => ({ id: String(base + 1 + i), ...row }));
    expectValue(await outcome(() => books.addMany(many)), manyStored, `addMany(${JSON.stringify(many)})`);
    expected.push(...manyStored);
    await expectIntact(db, expected, 'adding records whose text is SQL');
  });

  test('values are parameters: injection through search finds only what contains the text, and runs nothing', {
    rules: ['Q1'],
    points: 3,
    hint: "search's text is a parameter too: ... ILIKE $1, with the pattern in the values array.",
  }, async () => {
    const db = await booksDatabase();
    const books = source(db);
    for (const text of INJECTIONS) {
      const result = await outcome(() => books.search(text, ['title', 'author']));
      expectValue(result, [], `search(${show(text)}, ["title", "author"]) on books none of which contains it`);
    }
    await expectIntact(db, stored(), 'searching for SQL');
    const planted = await books.add({ title: INJECTIONS[1]!, author: 'x', year: 1 });
    const found = await outcome(() => books.search(INJECTIONS[1]!, ['title']));
    expectValue(found, [planted], `search(${show(INJECTIONS[1]!)}, ["title"]) once a book has that title`);
  });

  test('get answers undefined for anything that is not an id, never a SQL error', {
    rules: ['Q5'],
    points: 3,
    hint: 'Check the id against the pattern of a database id (1-18 digits, no leading zero) before any SQL; anything else is undefined. Then WHERE id = $1.',
  }, async () => {
    const db = await booksDatabase();
    const books = source(db);
    for (const id of ['1 OR 1=1', "1'; DROP TABLE books;--", 'abc', '1; DELETE FROM books', '', '01', '1.0', ' 1', '-1', '0', '1e3', '99999999999999999999', '2 UNION SELECT 1, secret, secret, 1 FROM books']) {
      const result = await outcome(() => books.get(id));
      expectValue(result, undefined, `get(${show(id)})`);
    }
    expect(await books.get('2'), 'get("2")').toEqual(stored()[1]);
    expect(await books.get('999999999999999999'), 'get("999999999999999999"), an id of 18 digits no row has').toBeUndefined();
    await expectIntact(db, stored(), 'get with ids that are SQL');
  });

  test('page refuses what is not a whole number from 1 (injection included) with a RangeError', {
    rules: ['Q9', 'Q1'],
    points: 2,
    hint: 'Check page and perPage with Number.isInteger and >= 1 before any SQL; throw a RangeError otherwise. LIMIT and OFFSET are $n parameters too.',
  }, async () => {
    const db = await booksDatabase();
    const books = source(db);
    const calls: Array<[unknown, unknown]> = [[0, 2], [-1, 2], [1.5, 2], [Number.NaN, 2], [Infinity, 2], [1, 0], [1, 2.5], ['2', 2], ['1; DROP TABLE books', 2], [1, '2 OFFSET 0; DROP TABLE books']];
    for (const [page, perPage] of calls) {
      const result = await outcome(() => books.page(page as number, perPage as number));
      const name = (result.error as Error | undefined)?.name;
      expect(name, `page(${JSON.stringify(page) ?? String(page)}, ${JSON.stringify(perPage)}) should reject with a RangeError; it ${describeOutcome(result)}`).toBe('RangeError');
      expect(result.error instanceof RangeError, `page(${String(page)}, ${String(perPage)}): the error should be a RangeError`).toBe(true);
    }
    await expectIntact(db, stored(), 'page with arguments that are SQL');
  });

  test('identifiers are checked: a table or column name that is not a plain identifier is refused', {
    rules: ['Q2'],
    points: 3,
    hint: 'Names cannot be parameters. In the constructor, test the table and every column against /^[a-z_][a-z0-9_]*$/ and throw an Error for any that fails.',
  }, async () => {
    const db = await booksDatabase();
    const bad: Array<[string, string[]]> = [
      ['books; DROP TABLE books', ['title']],
      ['books --', ['title']],
      ['"books"', ['title']],
      ['Books', ['title']],
      ['1books', ['title']],
      ['public.books', ['title']],
      ['', ['title']],
      ['books', ['title', 'author) VALUES (1); DROP TABLE books; --']],
      ['books', ['title', 'secret" FROM books; --']],
      ['books', ['title', 'author\n']],
    ];
    for (const [table, columns] of bad) {
      let error: unknown = null;
      try {
        new SqlSource<Book>(db, { table, columns: columns as Array<'title'> });
      } catch (caught) {
        error = caught;
      }
      expect(error instanceof Error, `new SqlSource(db, { table: ${show(table)}, columns: ${JSON.stringify(columns)} }) should throw an Error`).toBe(true);
    }
    for (const [table, columns] of [['books', ['title', 'author', 'year']], ['_books2', ['title']]] as const) {
      let error: unknown = null;
      try {
        new SqlSource<Book>(db, { table, columns: [...columns] as Array<'title'> });
      } catch (caught) {
        error = caught;
      }
      expect(error, `new SqlSource(db, { table: ${show(table)}, columns: ${JSON.stringify(columns)} }), plain names, should not throw`).toBeNull();
    }
    await expectIntact(db, stored(), 'sources with names that are SQL');
  });

  test("every value travels as a parameter: the visitor's text never appears in the SQL a source sends", {
    rules: ['Q1'],
    points: 3,
    hint: 'Write $1, $2, ... in the SQL and pass the values in the second argument of query. Quoting a value yourself (even with its quotes doubled) still puts it inside the SQL text.',
  }, async () => {
    const db = await booksDatabase();
    const sent: Array<{ sql: string; params?: unknown[] }> = [];
    // The database the source is given records every statement and its parameters.
    const recording = (q: Queryable): Queryable => ({
      query: (sql, params) => (sent.push({ sql, params }), q.query(sql, params)),
      exec: (sql) => (sent.push({ sql }), q.exec(sql)),
    });
    const spy: Database = { ...recording(db), transaction: (fn) => db.transaction((tx) => fn(recording(tx))) };
    const books = new SqlSource<Book>(spy, { table: 'books', columns: [...COLUMNS] });
    const marks = ['zqx added', 'zqx many one', 'zqx many two', 'zqx searched'];
    await books.add({ title: marks[0]!, author: "O'Brien", year: 1 });
    await books.addMany([{ title: marks[1]!, author: 'a', year: 2 }, { title: marks[2]!, author: 'b', year: 3 }]);
    await books.search(marks[3]!, ['title', 'author']);
    await books.get('424242');
    const inText = sent.filter((call) => /zqx|O'Brien|O''Brien|424242/.test(call.sql));
    expect(inText, `SQL sent: ${show(JSON.stringify(sent))}: no value (zqx..., O'Brien, the id 424242) may be part of the SQL text`).toEqual([]);
    const params = JSON.stringify(sent.map((call) => call.params ?? []));
    for (const value of [...marks, "O'Brien", '424242']) expect(params, `the value ${JSON.stringify(value)} should travel as a parameter; SQL sent: ${show(JSON.stringify(sent))}`).toContain(value);
  });

  test('search accepts only declared columns as fields: others are refused', {
    rules: ['Q3'],
    points: 3,
    hint: "Before writing the WHERE clause, check every field is one of the source's columns; reject otherwise. A real but undeclared column (secret) is refused too.",
  }, async () => {
    const db = await booksDatabase();
    const books = source(db);
    for (const fields of [['secret'], ['title', 'secret'], ['id'], ['title) OR 1=1 --'], ['title::text ILIKE $1 OR true --'], ['Title']]) {
      const result = await outcome(() => books.search('staff', fields as Array<'title'>));
      expect('error' in result, `search("staff", ${JSON.stringify(fields)}) on a source that declares ${JSON.stringify(COLUMNS)} should reject; it ${describeOutcome(result)}`).toBe(true);
    }
    await expectIntact(db, stored(), 'searching undeclared fields');
  });

  test('search: the records whose listed fields contain the text, ignoring case', {
    rules: ['Q4'],
    points: 2,
    hint: 'WHERE title::text ILIKE $1 OR author::text ILIKE $1 ..., with %text% as $1. A NULL field matches nothing; no fields, no records.',
  }, async () => {
    const db = await booksDatabase();
    const books = source(db);
    const all = stored();
    const cases: Array<[string, string[], Book[]]> = [
      ['PROGRAM', ['title'], [all[0]!, all[1]!]],
      ['kernighan', ['title'], []],
      ['kernighan', ['title', 'author'], [all[0]!]],
      ['89', ['year'], [all[2]!]],
      ['', ['author'], all.slice(0, 4)],
      ['c', [], []],
    ];
    for (const [text, fields, expected] of cases) {
      const result = await outcome(() => books.search(text, fields as Array<'title'>));
      expectValue(result, expected, `search(${show(text)}, ${JSON.stringify(fields)}) over ${JSON.stringify(all)}`);
    }
  });

  test('search: %, _ and \\ in the text are characters to find, not wildcards', {
    rules: ['Q4'],
    points: 3,
    hint: 'Put a backslash before each \\, % and _ of the text (one replace for all three), then wrap it in % ... %; ILIKE $1 treats \\ as its escape.',
  }, async () => {
    const db = await booksDatabase();
    const books = source(db);
    const all = stored();
    const cases: Array<[string, string[], Book[]]> = [
      ['100%', ['title'], [all[2]!]],
      ['%', ['title'], [all[2]!]],
      ['s_J', ['author'], [all[2]!]],
      ['_', ['author'], [all[2]!]],
      ['1_0', ['title'], []],
      ['C:\\b', ['title'], [all[4]!]],
      ['\\', ['title', 'author'], [all[4]!]],
      ['\\%', ['title'], []],
    ];
    for (const [text, fields, expected] of cases) {
      const result = await outcome(() => books.search(text, fields as Array<'title'>));
      expectValue(result, expected, `search(${show(text)}, ${JSON.stringify(fields)}) over ${JSON.stringify(all)}`);
    }
  });

  test('records come back with the id as a string and exactly the declared fields, in id order', {
    rules: ['Q6'],
    points: 2,
    hint: 'SELECT the id and the declared columns by name (never *: the table may hold columns the source must not hand out), ORDER BY id, and String(row.id).',
  }, async () => {
    const db = await booksDatabase();
    const books = source(db);
    const all = await books.all();
    expect(all, `all() over ${await describeTable(db, 'books')} (secret is not a declared column)`).toEqual(stored());
    all.push(all[0]!);
    expect((await books.all()).length, 'all() should give a new array each time: pushing onto the last one changed the next').toBe(BOOKS.length);
    expect(await books.search('c', ['title']), 'search("c", ["title"])').toEqual(stored().filter((b) => b.title.toLowerCase().includes('c')));
    expect((await books.page(1, 2)).items, 'page(1, 2).items').toEqual(stored().slice(0, 2));
    const narrow = source(db, 'books', ['title']);
    expect(await narrow.get('1'), 'get("1") on a source that declares only ["title"]').toEqual({ id: '1', title: BOOKS[0]!.title });
  });

  test('all, search and page give records in id order, whatever order the table keeps them in', {
    rules: ['Q6', 'Q4', 'Q9'],
    points: 2,
    hint: 'A table has no order of its own: without ORDER BY id, PostgreSQL returns rows in whatever order it finds them (an updated row moves to the end).',
  }, async () => {
    const db = await booksDatabase();
    const books = source(db);
    // An UPDATE writes a new version of the row at the end of the table: a plain scan now finds book 1 last.
    await db.query('UPDATE books SET year = year + 0 WHERE id IN (1, 3)');
    const scan = (await db.query<{ id: unknown }>('SELECT id FROM books')).rows.map((row) => String(row.id));
    const all = stored();
    expect(await books.all(), `all() when a plain SELECT finds the rows in the order ${JSON.stringify(scan)}`).toEqual(all);
    expect(await books.search('', ['title']), `search("", ["title"]) when a plain SELECT finds the rows in the order ${JSON.stringify(scan)}`).toEqual(all);
    expect((await books.page(1, 2)).items, `page(1, 2).items when a plain SELECT finds the rows in the order ${JSON.stringify(scan)}`).toEqual(all.slice(0, 2));
  });

  test("add stores only the declared fields: a record's own id or other keys are ignored", {
    rules: ['Q7'],
    points: 2,
    hint: "Build the INSERT from the source's columns, not from Object.keys(record): a form may carry an id or a field the visitor should not set.",
  }, async () => {
    const db = await booksDatabase();
    const books = source(db);
    const sent = { id: '999', title: 'Mass assignment', author: 'Visitor', year: 2024, secret: 'set by a visitor' };
    const added = await books.add(sent as unknown as Omit<Book, 'id'>);
    expect(added, `add(${JSON.stringify(sent)})`).toEqual({ id: '6', title: 'Mass assignment', author: 'Visitor', year: 2024 });
    const row = (await tableRows(db, 'books'))?.find((r) => r.title === 'Mass assignment');
    expect(row?.secret, `the undeclared column secret should keep its default (${await describeTable(db, 'books')})`).toBe('staff only');
    expect(await books.get('999'), 'get("999"): the id the record carried should not be used').toBeUndefined();
    const partial = await books.add({ title: 'Only a title' } as Omit<Book, 'id'>);
    expect(partial, 'add({ title: "Only a title" }): a field the record lacks is stored as null').toEqual({ id: '7', title: 'Only a title', author: null, year: null });
  });

  test('addMany stores every record or none: one transaction', {
    rules: ['Q8'],
    points: 3,
    hint: 'Do the INSERTs inside db.transaction(async (tx) => ...), each with tx.query: a failure in the middle rolls back the ones before it.',
  }, async () => {
    const db = await booksDatabase();
    const books = source(db);
    const records = [
      { title: 'First of three', author: 'A', year: 1 },
      { title: 'Second of three', author: 'B', year: 2 },
      { title: null, author: 'C', year: 3 },
    ] as unknown as Array<Omit<Book, 'id'>>;
    const result = await outcome(() => books.addMany(records));
    expect('error' in result, `addMany(${JSON.stringify(records)}) should reject (title is NOT NULL); it ${describeOutcome(result)}`).toBe(true);
    await expectIntact(db, stored(), 'addMany whose third record fails');
    const good = [{ title: 'One', author: 'A', year: 1 }, { title: 'Two', author: 'B', year: 2 }];
    const added = await outcome(() => books.addMany(good));
    const ids = ((added.value ?? []) as Book[]).map((book) => book.id);
    expectValue(added, good.map((row, i) => ({ id: ids[i], ...row })), `addMany(${JSON.stringify(good)})`);
    expect(await books.all(), 'all() after the addMany that succeeded').toEqual([...stored(), ...good.map((row, i) => ({ id: ids[i], ...row }))]);
    expect(await books.addMany([]), 'addMany([])').toEqual([]);
  });

  test('page: the records of one page in id order, with total and pages; past the end, no records', {
    rules: ['Q9'],
    points: 3,
    hint: 'LIMIT $1 OFFSET $2 with perPage and (page - 1) * perPage; total from SELECT count(*); pages is Math.ceil(total / perPage), at least 1.',
  }, async () => {
    const db = await booksDatabase();
    const books = source(db);
    const all = stored();
    const cases: Array<[number, number, object]> = [
      [1, 2, { items: all.slice(0, 2), page: 1, perPage: 2, total: 5, pages: 3 }],
      [2, 2, { items: all.slice(2, 4), page: 2, perPage: 2, total: 5, pages: 3 }],
      [3, 2, { items: all.slice(4), page: 3, perPage: 2, total: 5, pages: 3 }],
      [4, 2, { items: [], page: 4, perPage: 2, total: 5, pages: 3 }],
      [1, 5, { items: all, page: 1, perPage: 5, total: 5, pages: 1 }],
      [1, 10, { items: all, page: 1, perPage: 10, total: 5, pages: 1 }],
    ];
    for (const [page, perPage, expected] of cases) {
      const result = await outcome(() => books.page(page, perPage));
      expectValue(result, expected, `page(${page}, ${perPage}) over 5 books`);
    }
    const empty = source(await booksDatabase([]));
    expect(await empty.page(1, 3), 'page(1, 3) over an empty table').toEqual({ items: [], page: 1, perPage: 3, total: 0, pages: 1 });
  });
});
