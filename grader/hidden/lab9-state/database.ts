// The test files' databases. A PGlite starts in 3-4 s on an idle machine, most of it initdb making
// a fresh cluster; loading a copy of a fresh cluster takes about 1 s. So the first file of a grade
// to make one leaves a copy in the grade's temporary folder (shared by its test files), and the
// files after it start from that copy. Nothing of the learner's is in it: it is made before any
// test runs, and a copy that cannot be read is simply made again.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

const COPY = 'lab9-fresh-database.tar';

/** A new, empty PGlite database for this test file. */
export async function startDatabase(): Promise<PGlite> {
  const copy = join(tmpdir(), COPY);
  if (existsSync(copy)) {
    try {
      return await PGlite.create({ loadDataDir: new Blob([readFileSync(copy)]) });
    } catch {
      // Made by another version, or cut short: make a fresh one below, as the first file did.
    }
  }
  const db = await PGlite.create();
  try {
    const fresh = await db.dumpDataDir('none');
    // Written under a name of its own (test files may run in threads of one process, so the pid is
    // not enough), then renamed: a file that starts meanwhile never reads half a copy.
    const partial = `${copy}.${randomUUID()}`;
    writeFileSync(partial, new Uint8Array(await fresh.arrayBuffer()));
    renameSync(partial, copy);
  } catch {
    // The copy only saves time: without it, the next file makes its own database, as this one did.
  }
  return db;
}
