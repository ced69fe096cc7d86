// GIVEN: the model behind "readers also liked", complete in the starter too. It is not the subject
// of the lab (serving its output is), so read it, don't rewrite it.
//
// TF-IDF and cosine similarity, by hand: each book becomes a vector with one number per word,
// how often the word is in the book (TF) times how rare it is among all books (IDF), so "the" counts
// for nothing and "Scheme" for a lot. Two books are alike when their vectors point the same way
// (the cosine of the angle between them, 0 to 1). About forty lines, no library: a library would
// hide the two formulas this comment promises.
import type { Migration, Recommendation } from '#contracts/state';

/** What the model reads of a book: its id and its text (title, author, summary, ...). */
export interface Document {
  id: string;
  text: string;
}

/** The table the batch job writes and ModelSource reads. Apply it with migrate. */
export const recommendationsMigration: Migration = {
  id: '100_recommendations',
  sql: `CREATE TABLE recommendations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    book text NOT NULL,
    related text NOT NULL,
    score double precision NOT NULL CHECK (score >= 0 AND score <= 1)
  );
  CREATE INDEX recommendations_book ON recommendations (book, score DESC);`,
};

/** Words of two letters or more, lower-cased: "HTTP: The Definitive Guide" -> http, the, definitive, guide. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/\p{L}[\p{L}\p{N}'-]+/gu) ?? [];
}

/** A record's text for the model: every text field but its id, joined. */
export function documentOf(record: Record<string, unknown>): Document {
  const text = Object.entries(record)
    .filter(([key, value]) => key !== 'id' && typeof value === 'string')
    .map(([, value]) => value)
    .join(' ');
  return { id: String(record.id), text };
}

type Vector = Map<string, number>;

function tfidf(documents: Document[]): Vector[] {
  const bags = documents.map((doc) => words(doc.text));
  // In how many documents each word appears.
  const df = new Map<string, number>();
  for (const bag of bags) for (const word of new Set(bag)) df.set(word, (df.get(word) ?? 0) + 1);
  return bags.map((bag) => {
    const vector: Vector = new Map();
    for (const word of bag) vector.set(word, (vector.get(word) ?? 0) + 1 / bag.length);
    // A word in every document gets log(1) = 0: it tells no book from another.
    for (const [word, tf] of vector) vector.set(word, tf * Math.log(documents.length / df.get(word)!));
    return vector;
  });
}

function cosine(a: Vector, b: Vector): number {
  let dot = 0;
  for (const [word, x] of a) dot += x * (b.get(word) ?? 0);
  const norm = (v: Vector) => Math.sqrt([...v.values()].reduce((sum, x) => sum + x * x, 0));
  const lengths = norm(a) * norm(b);
  return lengths === 0 ? 0 : Math.min(1, dot / lengths);
}

/**
 * For each document, the `k` others most like it (score above 0), highest score first: the rows
 * writeRecommendations stores. O(n²) comparisons: fine for a bookshelf, a batch job's problem beyond.
 */
export function recommend(documents: Document[], k = 3): Array<Omit<Recommendation, 'id'>> {
  const vectors = tfidf(documents);
  return documents.flatMap((doc, i) =>
    documents
      .map((other, j) => ({ book: doc.id, related: other.id, score: i === j ? 0 : cosine(vectors[i]!, vectors[j]!) }))
      .filter((row) => row.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, k),
  );
}
