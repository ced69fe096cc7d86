// Hidden tests for lab 7: data sources behind one interface, a JSON file and a CSV file. Every
// file is a fresh copy under the system's temp folder, so adding records never touches the course.
// Failures show the file the source read and what it gave.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import type { DataSource } from '#contracts/framework';
import { CsvFileSource, JsonFileSource } from '@lab/framework';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { removeTempFolders, tempFolder, thrown } from './helpers.ts';

afterAll(removeTempFolders);

interface Book extends Record<string, unknown> {
  id: string;
  title: string;
  author: string;
  year: number;
  subtitle?: string;
}

interface Author extends Record<string, unknown> {
  id: string;
  name: string;
  country: string;
}

const books: Book[] = [
  { id: '1', title: 'Structure and Interpretation of Computer Programs', author: 'Abelson', year: 1985 },
  { id: '2', title: 'The C Programming Language', author: 'Kernighan', year: 1978, subtitle: 'Second edition' },
  { id: '10', title: 'Notes on Ada', author: 'Lovelace', year: 1843 },
];
const booksJson = JSON.stringify(books, null, 2);

/** A JSON file in a temp folder (the three books above unless told otherwise). */
function jsonFile(text = booksJson, name = 'books.json'): string {
  return join(tempFolder({ [name]: text }), name);
}

const authorsCsv = 'id,name,country\n1,"Kernighan, Brian",USA\n2,Ada Lovelace,UK\n\n3, Grace Hopper ,USA\n';
const authors: Author[] = [
  { id: '1', name: 'Kernighan, Brian', country: 'USA' },
  { id: '2', name: 'Ada Lovelace', country: 'UK' },
  { id: '3', name: 'Grace Hopper', country: 'USA' },
];

function csvFile(text = authorsCsv): string {
  return join(tempFolder({ 'authors.csv': text }), 'authors.csv');
}

function jsonSource(path: string, options?: { persist?: boolean }): JsonFileSource<Book> {
  return bounded('new JsonFileSource(path)', () => new JsonFileSource<Book>(path, options));
}

function csvSource(path: string): CsvFileSource<Author> {
  return bounded('new CsvFileSource(path)', () => new CsvFileSource<Author>(path));
}

/** "over the file <text>", for a failure to show which file the source read. */
const over = (path: string) => `over the file ${show(readFileSync(path, 'utf8'))}`;

milestone('data', () => {
  test('JsonFileSource: all() gives the records of the file', {
    rules: ['D2'],
    points: 2,
    hint: 'Read and JSON.parse the file the first time a method needs it; keep the array after that.',
  }, async () => {
    const path = jsonFile();
    expect(await jsonSource(path).all(), `all() ${over(path)}`).toEqual(books);
  });

  test('every method of a source returns a promise', {
    rules: ['D1'],
    hint: 'Make every method async (or return a promise): one interface for a file and a database, which answers later.',
  }, async () => {
    const json = jsonSource(jsonFile());
    const csv: DataSource<Author> = csvSource(csvFile());
    const calls: Array<[string, () => unknown]> = [
      ['JsonFileSource.all()', () => json.all()],
      ['JsonFileSource.get("1")', () => json.get('1')],
      ['JsonFileSource.search("c", ["title"])', () => json.search('c', ['title'])],
      ['JsonFileSource.add({...})', () => json.add({ title: 'T', author: 'A', year: 2000 })],
      ['CsvFileSource.all()', () => csv.all()],
      ['CsvFileSource.get("1")', () => csv.get('1')],
      ['CsvFileSource.search("a", ["name"])', () => csv.search('a', ['name'])],
    ];
    for (const [what, run] of calls) {
      const result = bounded(what, run);
      expect(typeof (result as Promise<unknown> | undefined)?.then, `${what} should return a promise; it returned ${show(String(result))}`).toBe('function');
      await result;
    }
    const add = csv.add({ name: 'N', country: 'X' });
    expect(typeof (add as Promise<unknown> | undefined)?.then, 'CsvFileSource.add() should return a promise (that rejects)').toBe('function');
    await add.catch(() => {});
  });

  test('a source reads its file when first used, not when made, and keeps what it read', {
    rules: ['D2'],
    points: 2,
    hint: 'Leave the constructor alone (it only keeps the path); read the file in #load, the first time, and keep the records in #records.',
  }, async () => {
    const folder = tempFolder();
    const jsonPath = join(folder, 'later.json');
    const csvPath = join(folder, 'later.csv');
    const json = await thrown(() => jsonSource(jsonPath));
    expect(json, 'new JsonFileSource(path) for a file that does not exist yet should not throw').toBeNull();
    const csv = await thrown(() => csvSource(csvPath));
    expect(csv, 'new CsvFileSource(path) for a file that does not exist yet should not throw').toBeNull();
    const jsonLater = jsonSource(jsonPath);
    const csvLater = csvSource(csvPath);
    writeFileSync(jsonPath, booksJson);
    writeFileSync(csvPath, authorsCsv);
    expect((await jsonLater.all()).map((b) => b.id), `the JSON file was written after the constructor: all() ${over(jsonPath)}`).toEqual(['1', '2', '10']);
    expect((await csvLater.all()).map((a) => a.id), `the CSV file was written after the constructor: all() ${over(csvPath)}`).toEqual(['1', '2', '3']);
    writeFileSync(jsonPath, '[]');
    writeFileSync(csvPath, 'id,name,country\n');
    expect((await jsonLater.get('2'))?.title, 'after the first read, the JSON source keeps its records (the file now holds [])').toBe('The C Programming Language');
    expect((await csvLater.get('2'))?.name, 'after the first read, the CSV source keeps its records (the file now has no rows)').toBe('Ada Lovelace');
  });

  test('a file that is missing or broken is an error when used, not an empty list', {
    rules: ['D3'],
    points: 2,
    hint: 'Let the read (or the parse) fail: an async method then rejects. Catching the error and giving [] hides a wrong path.',
  }, async () => {
    // The same sources over good files work: a rejection below is about the file.
    expect((await jsonSource(jsonFile()).all()).length, 'JsonFileSource over a good file: all()').toBe(3);
    expect((await csvSource(csvFile()).all()).length, 'CsvFileSource over a good file: all()').toBe(3);
    const folder = tempFolder({ 'broken.json': '[{ "id": "1", ', 'broken.csv': 'id,name\n1,"unclosed\n' });
    const sources: Array<[string, DataSource<Book> | DataSource<Author>]> = [
      ['JsonFileSource over a missing file', jsonSource(join(folder, 'missing.json'))],
      ['CsvFileSource over a missing file', csvSource(join(folder, 'missing.csv'))],
      ['JsonFileSource over "[{ \\"id\\": \\"1\\", "', jsonSource(join(folder, 'broken.json'))],
      ['CsvFileSource over an unclosed quote', csvSource(join(folder, 'broken.csv'))],
    ];
    for (const [what, source] of sources) {
      const allError = await thrown(() => source.all());
      expect(allError, `${what}: all() should reject`).toBeInstanceOf(Error);
      const getError = await thrown(() => source.get('1'));
      expect(getError, `${what}: get("1") should reject`).toBeInstanceOf(Error);
    }
  });

  test('a JSON file that is valid JSON but not an array of records is an error too', {
    rules: ['D3'],
    hint: 'After JSON.parse, check Array.isArray: an object or a string is a broken file, and taking it as no records hides the mistake.',
  }, async () => {
    // A source over an array of records works: a rejection below is about the file.
    expect((await jsonSource(jsonFile('[{ "id": "1" }]')).all()).length, 'JsonFileSource over [{ "id": "1" }]: all()').toBe(1);
    for (const text of ['{}', '{ "books": [] }', '"books"', 'null', '3']) {
      const source = jsonSource(jsonFile(text));
      expect(await thrown(() => source.all()), `JsonFileSource over the file ${show(text)}: all() should reject`).toBeInstanceOf(Error);
    }
  });

  test('all() gives a copy: changing it does not change the source', {
    rules: ['D4'],
    points: 2,
    hint: 'Return [...records], not the array the source keeps: a view that sorts or filters what all() gave must not change the shelf.',
  }, async () => {
    const json = jsonSource(jsonFile());
    const first = await json.all();
    first.pop();
    first.push({ id: '99', title: 'Intruder', author: 'X', year: 2000 });
    expect((await json.all()).map((b) => b.id), 'JsonFileSource: after pop() and push() on what all() gave, all() again').toEqual(['1', '2', '10']);
    expect(await json.get('99'), 'JsonFileSource: get("99") after a push on what all() gave').toBeUndefined();
    const csv = csvSource(csvFile());
    (await csv.all()).splice(0, 2);
    expect((await csv.all()).map((a) => a.id), 'CsvFileSource: after splice(0, 2) on what all() gave, all() again').toEqual(['1', '2', '3']);
  });

  test('get(id) finds a record, or gives undefined', { rules: ['D5'] }, async () => {
    const path = jsonFile();
    const source = jsonSource(path);
    expect(await source.get('2'), `get("2") ${over(path)}`).toEqual(books[1]);
    expect(await source.get('10'), `get("10") ${over(path)}`).toEqual(books[2]);
    expect(await source.get('99'), `get("99") ${over(path)}`).toBeUndefined();
    expect(await source.get('1 '), `get("1 ") ${over(path)}`).toBeUndefined();
  });

  test('get(id) goes by the id field, not by position, in both sources', { rules: ['D5'] }, async () => {
    const csv = csvFile('id,name\n3,Grace Hopper\n1,Ada Lovelace\n');
    const authorsOutOfOrder = csvSource(csv);
    expect((await authorsOutOfOrder.get('1'))?.name, `CsvFileSource: get("1") ${over(csv)}`).toBe('Ada Lovelace');
    expect(await authorsOutOfOrder.get('2'), `CsvFileSource: get("2") ${over(csv)}`).toBeUndefined();
    const json = jsonFile(JSON.stringify([books[2], books[0]]));
    const booksOutOfOrder = jsonSource(json);
    expect((await booksOutOfOrder.get('1'))?.title, `JsonFileSource: get("1") ${over(json)}`).toBe(books[0]!.title);
    expect(await booksOutOfOrder.get('2'), `JsonFileSource: get("2") ${over(json)}`).toBeUndefined();
  });

  test('search() looks in the listed fields only, ignoring case; a missing field is empty', {
    rules: ['D6'],
    points: 2,
    hint: 'A record matches when any of the listed fields, as text (a missing one as ""), contains the search text; lowercase both sides.',
  }, async () => {
    const path = jsonFile();
    const source = jsonSource(path);
    const cases: Array<[string, Array<keyof Book & string>, string[]]> = [
      ['PROGRAM', ['title'], ['1', '2']],
      ['ada', ['title'], ['10']],
      ['ada', ['title', 'author'], ['10']],
      ['lovelace', ['title'], []],
      ['lovelace', ['title', 'author'], ['10']],
      ['1978', ['year'], ['2']],
      ['EDITION', ['subtitle'], ['2']],
      ['undefined', ['subtitle'], []],
      // A missing field is empty, so no text is in it: only the book that has a subtitle matches.
      ['e', ['subtitle'], ['2']],
    ];
    for (const [text, fields, ids] of cases) {
      const found = (await source.search(text, fields)).map((b) => b.id);
      expect(found, `search(${JSON.stringify(text)}, ${JSON.stringify(fields)}) ${over(path)}`).toEqual(ids);
    }
  });

  test('add() without persist: the next id, found by get and all; the file stays as it was', {
    rules: ['D7', 'D8'],
    points: 2,
    hint: 'The new id is one more than the largest numeric id (here 10, so "11"), as a string; without persist, add() only changes the records in memory.',
  }, async () => {
    const path = jsonFile();
    const before = readFileSync(path, 'utf8');
    const source = jsonSource(path);
    const added = await source.add({ title: 'Refactoring', author: 'Fowler', year: 1999 });
    expect(added, `add({ title: "Refactoring", ... }) ${over(path)}`).toEqual({ id: '11', title: 'Refactoring', author: 'Fowler', year: 1999 });
    expect(await source.get('11'), 'get("11") after the add').toEqual(added);
    expect((await source.all()).map((b) => b.id), 'the ids of all() after the add').toEqual(['1', '2', '10', '11']);
    const again = await source.add({ title: 'Clean Code', author: 'Martin', year: 2008 });
    expect(again.id, 'the id of a second add').toBe('12');
    expect(readFileSync(path, 'utf8'), 'without persist, the file should be as it was').toBe(before);
  });

  test('add() gives the id "1" in a file that holds []', { rules: ['D7'] }, async () => {
    const path = jsonFile('[]');
    const added = await jsonSource(path).add({ title: 'First', author: 'A', year: 2000 });
    expect(added.id, `add() ${over(path)}`).toBe('1');
  });

  test('add() takes the largest id, not the last one', { rules: ['D7'] }, async () => {
    const path = jsonFile(JSON.stringify([books[0], books[2], books[1]]));
    const added = await jsonSource(path).add({ title: 'Refactoring', author: 'Fowler', year: 1999 });
    expect(added.id, `add() ${over(path)} (ids 1, 10, 2)`).toBe('11');
  });

  test('add() with persist writes the file, and a new source reads the record back', {
    rules: ['D8'],
    points: 2,
    hint: 'With persist, write every record back with JSON.stringify after adding.',
  }, async () => {
    const path = jsonFile();
    const added = await jsonSource(path, { persist: true }).add({ title: 'Refactoring', author: 'Fowler', year: 1999 });
    expect(await jsonSource(path).get(added.id), `a new source: get(${JSON.stringify(added.id)}) ${over(path)}`).toEqual(added);
    expect((JSON.parse(readFileSync(path, 'utf8')) as Book[]).length, `the file after add() with persist: ${show(readFileSync(path, 'utf8'))}`).toBe(4);
  });

  test('CsvFileSource: one record per row, keyed by the header line, values trimmed; get and search as for JSON', {
    rules: ['D9', 'D5', 'D6'],
    points: 2,
    hint: 'Let csv-parse do the splitting: columns: true makes one object per row, skip_empty_lines drops the blank line, trim the spaces around a value.',
  }, async () => {
    const path = csvFile();
    const source = csvSource(path);
    expect(await source.all(), `all() ${over(path)}`).toEqual(authors);
    expect((await source.get('3'))?.name, `get("3").name ${over(path)}`).toBe('Grace Hopper');
    expect((await source.search('usa', ['country'])).map((a) => a.id), `search("usa", ["country"]) ${over(path)}`).toEqual(['1', '3']);
    const spaced = csvFile('id , name\n 7 , Ada \n');
    expect(await csvSource(spaced).all(), `all() ${over(spaced)}`).toEqual([{ id: '7', name: 'Ada' }]);
  });

  test('a CSV source is read-only: add() rejects, and the file is untouched', {
    rules: ['D10'],
    hint: 'CsvFileSource.add throws an Error of its own (not the TODO): the file is read, never written.',
  }, async () => {
    const path = csvFile();
    const source: DataSource<Author> = csvSource(path);
    expect(await source.all(), `all() ${over(path)}`).toHaveLength(3);
    const error = await thrown(() => source.add({ name: 'Someone', country: 'NZ' }));
    expect(error, 'add() should reject').toBeInstanceOf(Error);
    expect((error as Error).message, 'the error should be your own, not the TODO stub').not.toMatch(/TODO/);
    expect(readFileSync(path, 'utf8'), 'the CSV file should be as it was').toBe(authorsCsv);
    expect((await source.all()).length, 'all() after the refused add').toBe(3);
  });
});
