// Hidden tests for lab 7: data sources behind one interface, a JSON file and a CSV file. Every
// file is a fresh copy under the system's temp folder, so adding records never touches the course.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import type { DataSource } from '#contracts/framework';
import { CsvFileSource, JsonFileSource } from '@lab/framework';
import { bounded, milestone, test } from '../../harness/index.ts';
import { removeTempFolders, tempFolder, thrown } from './helpers.ts';

afterAll(removeTempFolders);

interface Book extends Record<string, unknown> {
  id: string;
  title: string;
  author: string;
  year: number;
}

interface Author extends Record<string, unknown> {
  id: string;
  name: string;
  country: string;
}

const books: Book[] = [
  { id: '1', title: 'Structure and Interpretation of Computer Programs', author: 'Abelson', year: 1985 },
  { id: '2', title: 'The C Programming Language', author: 'Kernighan', year: 1978 },
  { id: '10', title: 'Notes on Ada', author: 'Lovelace', year: 1843 },
];

/** A JSON file of the three books above, in a temp folder. */
function booksFile(): string {
  return join(tempFolder({ 'books.json': JSON.stringify(books, null, 2) }), 'books.json');
}

const authorsCsv = 'id,name,country\n1,"Kernighan, Brian",USA\n2,Ada Lovelace,UK\n\n3,Grace Hopper,USA\n';

function jsonSource(path: string, options?: { persist?: boolean }): JsonFileSource<Book> {
  return bounded('new JsonFileSource(path)', () => new JsonFileSource<Book>(path, options));
}

milestone('data', () => {
  test('JsonFileSource: all() gives the records of the file', {
    points: 2,
    hint: 'Read and JSON.parse the file the first time a method needs it; keep the array after that.',
  }, async () => {
    expect(await jsonSource(booksFile()).all()).toEqual(books);
  });

  test('get(id) finds a record, or gives undefined', {}, async () => {
    const source = jsonSource(booksFile());
    expect(await source.get('2')).toEqual(books[1]);
    expect(await source.get('99')).toBeUndefined();
  });

  test('search() looks in the listed fields only, ignoring case', {
    points: 2,
    hint: 'A record matches when any of the listed fields, as text, contains the search text; lowercase both sides.',
  }, async () => {
    const source = jsonSource(booksFile());
    const ids = async (text: string, fields: Array<keyof Book & string>) => (await source.search(text, fields)).map((b) => b.id);
    expect(await ids('PROGRAM', ['title'])).toEqual(['1', '2']);
    expect(await ids('ada', ['title'])).toEqual(['10']);
    expect(await ids('ada', ['title', 'author'])).toEqual(['10']);
    expect(await ids('lovelace', ['title'])).toEqual([]);
    expect(await ids('1978', ['year'])).toEqual(['2']);
  });

  test('add() without persist: a new id, found by get and all; the file stays as it was', {
    points: 2,
    hint: 'The new id is one more than the largest numeric id (here 10, so "11"), as a string.',
  }, async () => {
    const path = booksFile();
    const before = readFileSync(path, 'utf8');
    const source = jsonSource(path);
    const added = await source.add({ title: 'Refactoring', author: 'Fowler', year: 1999 });
    expect(added).toEqual({ id: '11', title: 'Refactoring', author: 'Fowler', year: 1999 });
    expect(await source.get('11')).toEqual(added);
    expect((await source.all()).map((b) => b.id)).toEqual(['1', '2', '10', '11']);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  test('add() with persist writes the file, and a new source reads the record back', {
    points: 2,
    hint: 'With persist, write every record back with JSON.stringify after adding.',
  }, async () => {
    const path = booksFile();
    const added = await jsonSource(path, { persist: true }).add({ title: 'Refactoring', author: 'Fowler', year: 1999 });
    expect(await jsonSource(path).get(added.id)).toEqual(added);
    expect((JSON.parse(readFileSync(path, 'utf8')) as Book[]).length).toBe(4);
  });

  test('CsvFileSource: one record per row, keyed by the header line; get and search as for JSON', {
    points: 2,
    hint: 'Let csv-parse do the splitting (columns: true makes one object per row): a quoted field may hold a comma, and a blank line is no record.',
  }, async () => {
    const path = join(tempFolder({ 'authors.csv': authorsCsv }), 'authors.csv');
    const source: DataSource<Author> = bounded('new CsvFileSource(path)', () => new CsvFileSource<Author>(path));
    expect(await source.all()).toEqual([
      { id: '1', name: 'Kernighan, Brian', country: 'USA' },
      { id: '2', name: 'Ada Lovelace', country: 'UK' },
      { id: '3', name: 'Grace Hopper', country: 'USA' },
    ]);
    expect((await source.get('3'))?.name).toBe('Grace Hopper');
    expect((await source.search('usa', ['country'])).map((a) => a.id)).toEqual(['1', '3']);
  });

  test('a CSV source is read-only: add() rejects, saying so', {
    hint: 'CsvFileSource.add throws an Error of its own (not the TODO): the file is read, never written.',
  }, async () => {
    const path = join(tempFolder({ 'authors.csv': authorsCsv }), 'authors.csv');
    const source: DataSource<Author> = bounded('new CsvFileSource(path)', () => new CsvFileSource<Author>(path));
    expect(await source.all()).toHaveLength(3);
    const error = await thrown(() => source.add({ name: 'Someone', country: 'NZ' }));
    expect(error, 'add() should reject').toBeInstanceOf(Error);
    expect((error as Error).message).not.toMatch(/TODO/);
    expect(readFileSync(path, 'utf8')).toBe(authorsCsv);
  });
});
