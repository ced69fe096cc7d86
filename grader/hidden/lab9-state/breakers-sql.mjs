// @ts-check
// Rule breakers for lab 9, milestones "sql" and "model" (M, Q and R rules): the small mistakes a
// learner makes, one rule each, applied to a copy of the reference. Every one must make a test
// that names its rule fail.
/** @type {import('../../breakers.mjs').Breaker[]} */
export default [
  // Migrations (M1-M3)
  { rule: 'M1', why: 'resolves with every id of the list, not the ones applied now', file: 'sql.ts',
    find: '  return applied;', replace: '  return migrations.map((m) => m.id);' },
  { rule: 'M1', why: 'runs every migration again, recorded or not', file: 'sql.ts',
    find: '    if (done.has(migration.id)) continue;\n', replace: '' },
  { rule: 'M1', why: 'sorts the migrations by id (so "10_..." runs before "2_...")', file: 'sql.ts',
    find: '  for (const migration of migrations) {', replace: '  for (const migration of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {' },
  { rule: 'M2', why: 'records the migration before running it, outside a transaction', file: 'sql.ts',
    find: "      await db.transaction(async (tx) => {\n        await tx.exec(migration.sql);\n        await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);\n      });",
    replace: "      await db.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);\n      await db.exec(migration.sql);" },
  { rule: 'M2', why: 'skips a migration that fails and goes on with the next', file: 'sql.ts',
    find: '      throw new Error(`migration ${JSON.stringify(migration.id)} failed: ${(error as Error).message}`, { cause: error });',
    replace: '      continue;' },
  { rule: 'M2', why: "passes the database's error on, which does not name the migration", file: 'sql.ts',
    find: '      throw new Error(`migration ${JSON.stringify(migration.id)} failed: ${(error as Error).message}`, { cause: error });',
    replace: '      throw error;' },
  { rule: 'M3', why: 'does not look for an id listed twice', file: 'sql.ts',
    find: '    if (seen.has(id)) throw new Error(`migration id ${JSON.stringify(id)} appears twice in the list`);\n', replace: '' },

  // Values as parameters (Q1)
  { rule: 'Q1', why: "add pastes the values into the SQL text in quotes", file: 'sql.ts',
    find: 'VALUES (${slots}) RETURNING ${this.#select}`, values, db);',
    replace: "VALUES (${values.map((v) => (v === null ? 'NULL' : `'${v}'`)).join(', ')}) RETURNING ${this.#select}`, [], db);" },
  { rule: 'Q1', why: "search pastes the visitor's text into the SQL text", edits: [
    { file: 'sql.ts', find: "`${identifier(field)}::text ILIKE $1 ESCAPE '\\\\'`", replace: "`${identifier(field)}::text ILIKE '${pattern}' ESCAPE '\\\\'`" },
    { file: 'sql.ts', find: 'WHERE ${where} ORDER BY id`, [pattern]);', replace: 'WHERE ${where} ORDER BY id`, []);' },
  ] },

  // Identifiers (Q2, Q3)
  { rule: 'Q2', why: 'the identifier pattern is not anchored', file: 'sql.ts',
    find: 'const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;', replace: 'const IDENTIFIER = /[a-z_][a-z0-9_]*/;' },
  { rule: 'Q2', why: 'the identifier pattern allows a dot (schema.table)', file: 'sql.ts',
    find: 'const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;', replace: 'const IDENTIFIER = /^[a-z_][a-z0-9_.]*$/;' },
  { rule: 'Q2', why: 'the constructor checks the table but not the columns', file: 'sql.ts',
    find: "    this.#select = ['id', ...this.#columns].map(identifier).join(', ');", replace: "    this.#select = ['id', ...this.#columns].map((name) => `\"${name}\"`).join(', ');" },
  { rule: 'Q3', why: "search checks a field's spelling but not that the source declares it", file: 'sql.ts',
    find: "      if (!this.#columns.includes(field)) throw new Error(`search: ${JSON.stringify(field)} is not a column of this source`);\n", replace: '' },

  // LIKE (Q4)
  { rule: 'Q4', why: "the visitor's % and _ are left as wildcards", file: 'sql.ts',
    find: "const pattern = `%${String(text).replace(/[\\\\%_]/g, (c) => `\\\\${c}`)}%`;", replace: 'const pattern = `%${String(text)}%`;' },
  { rule: 'Q4', why: 'escapes % and _ but not the backslash', file: 'sql.ts',
    find: "const pattern = `%${String(text).replace(/[\\\\%_]/g, (c) => `\\\\${c}`)}%`;", replace: "const pattern = `%${String(text).replace(/[%_]/g, (c) => `\\\\${c}`)}%`;" },
  { rule: 'Q4', why: 'LIKE instead of ILIKE: case-sensitive', file: 'sql.ts',
    find: "::text ILIKE $1 ESCAPE", replace: "::text LIKE $1 ESCAPE" },

  // get's id (Q5)
  { rule: 'Q5', why: "get hands any id to PostgreSQL ('abc' is then a SQL error)", file: 'sql.ts',
    find: "    if (typeof id !== 'string' || !ID.test(id)) return undefined;\n", replace: '' },
  { rule: 'Q5', why: "get's id pattern allows leading zeros and any length", file: 'sql.ts',
    find: 'const ID = /^[1-9][0-9]{0,17}$/;', replace: 'const ID = /^[0-9]+$/;' },

  // Records (Q6)
  { rule: 'Q6', why: 'the id comes back as the number the database gave', file: 'sql.ts',
    find: '    const record: Record<string, unknown> = { id: String(row.id) };', replace: '    const record: Record<string, unknown> = { id: row.id };' },
  { rule: 'Q6', why: 'SELECT * and the whole row handed out (the undeclared secret column too)', edits: [
    { file: 'sql.ts', find: "    this.#select = ['id', ...this.#columns].map(identifier).join(', ');", replace: "    this.#columns.forEach(identifier);\n    this.#select = '*';" },
    { file: 'sql.ts', find: '    for (const column of this.#columns) record[column] = row[column];', replace: '    Object.assign(record, row, { id: String(row.id) });' },
  ] },

  { rule: 'Q6', why: 'all() has no ORDER BY', file: 'sql.ts',
    find: 'return this.#rows(`SELECT ${this.#select} FROM ${this.#table} ORDER BY id`);', replace: 'return this.#rows(`SELECT ${this.#select} FROM ${this.#table}`);' },
  { rule: 'Q4', why: 'search has no ORDER BY', file: 'sql.ts',
    find: 'WHERE ${where} ORDER BY id`, [pattern]);', replace: 'WHERE ${where}`, [pattern]);' },
  { rule: 'Q9', why: 'page has no ORDER BY (LIMIT takes whichever rows come first)', file: 'sql.ts',
    find: 'FROM ${this.#table} ORDER BY id LIMIT $1 OFFSET $2`', replace: 'FROM ${this.#table} LIMIT $1 OFFSET $2`' },
  { rule: 'R4', why: "similarTo hands out the id as the database gives it (a number)", file: 'recommend.ts',
    find: "rows.map((row) => ({ id: String(row.id),", replace: "rows.map((row) => ({ id: row.id as string," },

  // add (Q7), addMany (Q8), page (Q9)
  { rule: 'Q7', why: "add inserts the record's own keys (its id, undeclared columns)", edits: [
    { file: 'sql.ts', find: '    const values = this.#columns.map((column) => (record as Record<string, unknown>)[column] ?? null);\n    const names = this.#columns.map(identifier).join(\', \');\n    const slots = this.#columns.map((_, i) => `$${i + 1}`).join(\', \');',
      replace: '    const keys = Object.keys(record);\n    const values = keys.map((key) => (record as Record<string, unknown>)[key]);\n    const names = keys.map(identifier).join(\', \');\n    const slots = keys.map((_, i) => `$${i + 1}`).join(\', \');' },
  ] },
  { rule: 'Q8', why: 'addMany adds the records one by one, outside a transaction', file: 'sql.ts',
    find: '    return this.#db.transaction(async (tx) => {\n      const stored: T[] = [];\n      for (const record of records) stored.push(await this.#insert(tx, record));\n      return stored;\n    });',
    replace: '    const stored: T[] = [];\n    for (const record of records) stored.push(await this.add(record));\n    return stored;' },
  { rule: 'Q9', why: 'OFFSET is page * perPage (page 1 skips the first page)', file: 'sql.ts',
    find: '[perPage, (page - 1) * perPage]', replace: '[perPage, page * perPage]' },
  { rule: 'Q9', why: 'pages rounds down', file: 'sql.ts',
    find: 'pages: Math.max(1, Math.ceil(total / perPage))', replace: 'pages: Math.max(1, Math.floor(total / perPage))' },
  { rule: 'Q9', why: 'an empty table has 0 pages', file: 'sql.ts',
    find: 'pages: Math.max(1, Math.ceil(total / perPage))', replace: 'pages: Math.ceil(total / perPage)' },
  { rule: 'Q9', why: 'page and perPage are not checked (page 0 is a SQL error, "2" is accepted)', file: 'sql.ts',
    find: '      if (!Number.isInteger(value) || value < 1) throw', replace: '      if (false) throw' },
  { rule: 'Q9', why: 'checks only that page and perPage are at least 1 (1.5 and "2" pass)', file: 'sql.ts',
    find: '      if (!Number.isInteger(value) || value < 1) throw', replace: '      if (!(value >= 1)) throw' },

  // The model's output (R1-R4)
  { rule: 'R1', why: 'writeRecommendations adds the new rows to the old ones', file: 'recommend.ts',
    find: '    await tx.query(`DELETE FROM ${TABLE}`);\n', replace: '' },
  { rule: 'R2', why: 'writeRecommendations deletes and inserts outside a transaction', edits: [
    { file: 'recommend.ts', find: '  await db.transaction(async (tx) => {\n', replace: '  {\n    const tx = db;\n' },
    { file: 'recommend.ts', find: '    }\n  });\n}', replace: '    }\n  }\n}' },
  ] },
  { rule: 'R2', why: 'writeRecommendations deletes the old rows before its transaction', edits: [
    { file: 'recommend.ts', find: '    await tx.query(`DELETE FROM ${TABLE}`);\n', replace: '' },
    { file: 'recommend.ts', find: '  await db.transaction(async (tx) => {\n', replace: '  await db.query(`DELETE FROM ${TABLE}`);\n  await db.transaction(async (tx) => {\n' },
  ] },
  { rule: 'R3', why: 'ModelSource.add stores the row like any SqlSource', file: 'recommend.ts',
    find: "  async add(): Promise<Recommendation> {\n    throw new Error('ModelSource is read-only: the batch job (train.ts) writes recommendations');",
    replace: "  async add(record: Omit<Recommendation, 'id'>): Promise<Recommendation> {\n    return this.#rows.add(record);" },
  { rule: 'R4', why: 'similarTo sorts by score, lowest first', file: 'recommend.ts',
    find: 'ORDER BY score DESC LIMIT $2', replace: 'ORDER BY score LIMIT $2' },
  { rule: 'R4', why: 'similarTo ignores the limit', edits: [
    { file: 'recommend.ts', find: 'ORDER BY score DESC LIMIT $2`,', replace: 'ORDER BY score DESC`,' },
    { file: 'recommend.ts', find: '      [String(bookId), limit],', replace: '      [String(bookId)],' },
  ] },
  { rule: 'R4', why: "similarTo pastes the book's id into the SQL text", edits: [
    { file: 'recommend.ts', find: 'WHERE book = $1 ORDER BY score DESC LIMIT $2`,', replace: "WHERE book = '${bookId}' ORDER BY score DESC LIMIT $1`," },
    { file: 'recommend.ts', find: '      [String(bookId), limit],', replace: '      [limit],' },
  ] },
  // Added after the learner check of lab 9: mistakes that passed every test before.
  { rule: 'M2', why: 'runs the migration, then records it, with no transaction around the two', file: 'sql.ts',
    find: "      await db.transaction(async (tx) => {\n        await tx.exec(migration.sql);\n        await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);\n      });",
    replace: "      await db.exec(migration.sql);\n      await db.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);" },
  { rule: 'Q1', why: "add pastes the values into the SQL, quotes doubled (safe from injection, still not a parameter)", file: 'sql.ts',
    find: "    const [stored] = await this.#rows(`INSERT INTO ${this.#table} (${names}) VALUES (${slots}) RETURNING ${this.#select}`, values, db);",
    replace: "    const literals = values.map((v) => (v === null ? 'NULL' : `'${String(v).replaceAll(\"'\", \"''\")}'`)).join(', ');\n    void slots;\n    const [stored] = await this.#rows(`INSERT INTO ${this.#table} (${names}) VALUES (${literals}) RETURNING ${this.#select}`, [], db);" },
  { rule: 'Q3', why: 'search accepts id as a field, though it is not a declared column', file: 'sql.ts',
    find: '      if (!this.#columns.includes(field)) throw', replace: "      if (field !== 'id' && !this.#columns.includes(field)) throw" },
  { rule: 'R4', why: 'similarTo pastes the book id into the SQL, quotes doubled', file: 'recommend.ts',
    find: "`SELECT id, book, related, score FROM ${TABLE} WHERE book = $1 ORDER BY score DESC LIMIT $2`,\n      [String(bookId), limit],",
    replace: "`SELECT id, book, related, score FROM ${TABLE} WHERE book = '${String(bookId).replaceAll(\"'\", \"''\")}' ORDER BY score DESC LIMIT $1`,\n      [limit]," },
];
