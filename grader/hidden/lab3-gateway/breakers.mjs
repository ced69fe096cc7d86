// @ts-check
// Rule breakers for lab 3 (see grader/breakers.mjs): one small edit of the reference per way a
// rule of lesson 3 can go wrong, the mistake a learner would make. `npm run breakers -- lab3`
// proves that the hidden tests naming each rule catch every one of them.

/** @typedef {import('../../breakers.mjs').Breaker} Breaker */

/** A breaker that replaces `find` by `replace` in one file. @returns {Breaker} */
const edit = (/** @type {string} */ rule, /** @type {string} */ why, /** @type {string} */ file, /** @type {string} */ find, /** @type {string} */ replace) =>
  ({ rule, why, file, find, replace });

const environ = (/** @type {string} */ rule, /** @type {string} */ why, /** @type {string} */ find, /** @type {string} */ replace) => edit(rule, why, 'environ.ts', find, replace);
const input = (/** @type {string} */ rule, /** @type {string} */ why, /** @type {string} */ find, /** @type {string} */ replace) => edit(rule, why, 'input.ts', find, replace);
const start = (/** @type {string} */ rule, /** @type {string} */ why, /** @type {string} */ find, /** @type {string} */ replace) => edit(rule, why, 'start-response.ts', find, replace);
const gateway = (/** @type {string} */ rule, /** @type {string} */ why, /** @type {string} */ find, /** @type {string} */ replace) => edit(rule, why, 'gateway.ts', find, replace);
const validator = (/** @type {string} */ rule, /** @type {string} */ why, /** @type {string} */ find, /** @type {string} */ replace) => edit(rule, why, 'validator.ts', find, replace);

// Texts of the reference that several breakers edit.
const HASH_CUT = `  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
`;
const SPLIT = `  const path = question === -1 ? rest : rest.slice(0, question);
  const query = question === -1 ? '' : rest.slice(question + 1);
`;
const INSIDE = `if (scriptName !== '' && decoded !== scriptName && !decoded.startsWith(scriptName + '/')) return null;`;
const JOIN = `environ[key] = typeof previous === 'string' ? previous + separator + value : value;`;
const STORE = `    const checked = checkHeaders(headers);
    // Only a call that passed every check changes the response: a refused one leaves nothing behind.
    this.status = Number(match[1]);
    this.reason = match[2]!;
    this.headers = checked;`;
const FIRST = `      first = await chunks.nextNonEmpty();
      if (start.status === null) throw new Error('the application produced its body without calling startResponse');`;
const REST = `    let pending = first;
    const reader = this;
    const iterator: AsyncIterator<Uint8Array> = {
      async next() {
        try {
          if (pending !== null) {
            const chunk = pending;
            pending = null;
            return { done: false, value: chunk };
          }
          const chunk = await reader.nextNonEmpty();
          if (chunk !== null) return { done: false, value: chunk };
        } catch (error) {
          onError(error);
          await reader.close();
          throw error;
        }
        await reader.close();
        return { done: true, value: undefined };
      },
      async return() {
        await reader.close();
        return { done: true, value: undefined };
      },
    };
    return { [Symbol.asyncIterator]: () => iterator };`;
const CHECK_BODY = `  const iterable = body !== null && typeof body === 'object' && (Symbol.iterator in body || Symbol.asyncIterator in body);`;
const IS_BODY = `  if (body === null || typeof body !== 'object' || body instanceof Uint8Array) return false;
  return Symbol.iterator in body || Symbol.asyncIterator in body;`;
const CGI = `    const cgi = REQUIRED.includes(key) || key.startsWith('HTTP_') || ['CONTENT_TYPE', 'CONTENT_LENGTH', 'REMOTE_ADDR', 'REMOTE_PORT'].includes(key);`;
const MISSING = `if (!state().started && !emptyChunk && !missingReported) {`;
const BODYLESS = `const bodyless = environ.REQUEST_METHOD === 'HEAD' || /^(1\\d\\d|204|304) /.test(status);`;

/** @type {Breaker[]} */
export default [
  // The application
  gateway('A1', 'calls the app a second time', `      checkBody(body);
    } catch`, `      checkBody(body);
      body = await app(environ, new ResponseStart().startResponse);
      checkBody(body);
    } catch`),
  gateway('A2', 'does not await what the app returns', 'body = await app(environ, start.startResponse);', 'body = app(environ, start.startResponse) as TsgiBody;'),
  gateway('A3', 'looks at the status before reading the first chunk', FIRST, `      if (start.status === null) throw new Error('the application produced its body without calling startResponse');
      first = await chunks.nextNonEmpty();`),
  gateway('A4', 'takes only arrays and generators as bodies', CHECK_BODY,
    `  const iterable = Array.isArray(body) || (body !== null && typeof body === 'object' && typeof (body as { next?: unknown }).next === 'function');`),
  edit('A5', 'forgets the final newline', 'apps.ts', `encode('Hello, WSGI!\\n')`, `encode('Hello, WSGI!')`),
  edit('A5', 'leaves out the charset', 'apps.ts', `[['Content-Type', 'text/plain; charset=utf-8']]);
  return [new TextEncoder()`, `[['Content-Type', 'text/plain']]);
  return [new TextEncoder()`),
  edit('A6', 'encodes the lines as UTF-8', 'apps.ts', `Buffer.from(lines.join(''), 'latin1')`, `Buffer.from(lines.join(''))`),
  edit('A6', 'does not sort the keys', 'apps.ts', `    .sort()
`, ''),
  edit('A6', 'lists entries that are not strings', 'apps.ts', `    .filter((key) => typeof environ[key] === 'string')
`, ''),

  // The environ
  environ('E1', 'SERVER_PORT as a number', 'SERVER_PORT: String(request.localPort),', 'SERVER_PORT: request.localPort as unknown as string,'),
  environ('E1', 'REMOTE_PORT as a number', 'REMOTE_PORT: String(request.remotePort),', 'REMOTE_PORT: request.remotePort as unknown as string,'),
  environ('E2', 'uppercases the method', 'REQUEST_METHOD: request.method,', 'REQUEST_METHOD: request.method.toUpperCase(),'),
  environ('E2', 'always HTTP/1.1', 'SERVER_PROTOCOL: request.version,', "SERVER_PROTOCOL: 'HTTP/1.1',"),
  environ('E3', 'an empty CONTENT_TYPE by default', 'QUERY_STRING: query,', "QUERY_STRING: query,\n    CONTENT_TYPE: '',"),
  environ('E3', 'an empty CONTENT_LENGTH by default', 'QUERY_STRING: query,', "QUERY_STRING: query,\n    CONTENT_LENGTH: '',"),
  environ('E4', 'splits at the last ?', "const question = rest.indexOf('?');", "const question = rest.lastIndexOf('?');"),
  environ('E4', 'keeps the ? in the query', SPLIT, SPLIT.replace('rest.slice(question + 1)', 'rest.slice(question)')),
  environ('E4', 'finds an absolute-form anywhere in the target', '/^[a-z][a-z0-9+.-]*:', '/[a-z][a-z0-9+.-]*:'),
  environ('E5', 'no / for an empty path after the authority', "return { path: path === '' ? '/' : path, query };", 'return { path, query };'),
  environ('E5', 'the authority runs to the next / only', '[^/?#]*/i.exec(target)', '[^/]*/i.exec(target)'),
  environ('E5', 'no absolute-form at all', "/^[a-z][a-z0-9+.-]*:\\/\\/[^/?#]*/i.exec(target)?.[0] ?? ''", "''"),
  environ('E6', 'keeps the fragment', HASH_CUT, ''),
  environ('E6', 'cuts the fragment from the query only', HASH_CUT + "  const question = rest.indexOf('?');\n" + SPLIT,
    "  const question = rest.indexOf('?');\n" + SPLIT.replace('rest.slice(question + 1);', "rest.slice(question + 1).split('#')[0]!;")),
  environ('E7', 'decodes QUERY_STRING', 'QUERY_STRING: query,', 'QUERY_STRING: decodeURIComponent(query),'),
  environ('E8', 'decodes with decodeURIComponent', "return path.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));", 'return decodeURIComponent(path);'),
  environ('E8', 'upper-case hex digits only', '/%([0-9a-fA-F]{2})/g', '/%([0-9A-F]{2})/g'),
  environ('E8', 'decodes + as a space', 'return path.replace(/%', "return path.replace(/\\+/g, ' ').replace(/%"),
  environ('E9', 'decodes header values as UTF-8', JOIN, "environ[key] = typeof previous === 'string' ? previous + separator + value : Buffer.from(value, 'latin1').toString('utf8');"),
  environ('E10', 'SCRIPT_NAME undefined without the option', 'SCRIPT_NAME: scriptName,', 'SCRIPT_NAME: options.scriptName as string,'),
  environ('E11', 'compares the path before decoding it', INSIDE, INSIDE.replaceAll('decoded', 'path')),
  environ('E11', 'compares the mount point without case', "!decoded.startsWith(scriptName + '/')", "!decoded.toLowerCase().startsWith(scriptName.toLowerCase() + '/')"),
  environ('E11', 'PATH_INFO from the undecoded path', 'PATH_INFO: decoded.slice(scriptName.length),', 'PATH_INFO: path.slice(scriptName.length),'),
  environ('E12', '/apple is inside /app', "!decoded.startsWith(scriptName + '/')", '!decoded.startsWith(scriptName)'),
  gateway('E12', 'calls the app for a request outside the mount point', "    if (environ === null) return plain(404);\n", ''),
  environ('E13', 'content-length as HTTP_CONTENT_LENGTH', "    else if (name === 'content-length') environ.CONTENT_LENGTH = value.split(',')[0]!.trim();\n", ''),
  environ('E13', 'keeps the list 12, 12', "environ.CONTENT_LENGTH = value.split(',')[0]!.trim();", 'environ.CONTENT_LENGTH = value;'),
  environ('E14', 'keeps names with _', "    else if (name.includes('_')) continue;\n", ''),
  environ('E15', 'replaces only the first -', "name.toUpperCase().replace(/-/g, '_')", "name.toUpperCase().replace('-', '_')"),
  environ('E15', 'no capitals', "'HTTP_' + name.toUpperCase()", "'HTTP_' + name"),
  environ('E16', 'the last header wins', JOIN, 'environ[key] = value;'),
  environ('E16', 'cookies joined with a comma', "const separator = name === 'cookie' ? '; ' : ', ';", "const separator = ', ';"),
  environ('E16', 'joins in reverse order', 'previous + separator + value', 'value + separator + previous'),
  environ('E17', 'ignores the serverName option', 'SERVER_NAME: options.serverName ?? request.localAddress,', 'SERVER_NAME: request.localAddress,'),
  environ('E17', 'SERVER_PORT is the client\'s port', 'SERVER_PORT: String(request.localPort),', 'SERVER_PORT: String(request.remotePort),'),
  environ('E17', 'REMOTE_ADDR is the server\'s address', 'REMOTE_ADDR: request.remoteAddress,', 'REMOTE_ADDR: request.localAddress,'),
  environ('E18', 'no tsgi.run_once', "    'tsgi.run_once': false,\n", ''),
  environ('E19', 'tsgi.version as a string', "'tsgi.version': [1, 0],", "'tsgi.version': '1.0',"),
  environ('E20', 'ignores the urlScheme option', "'tsgi.url_scheme': options.urlScheme ?? 'http',", "'tsgi.url_scheme': 'http',"),
  environ('E21', 'ignores the errors option', "'tsgi.errors': options.errors ?? standardError,", "'tsgi.errors': standardError,"),
  environ('E21', 'copies the errors option', "'tsgi.errors': options.errors ?? standardError,", "'tsgi.errors': { ...standardError, ...options.errors },"),
  environ('E21', 'the default tsgi.errors drops what it is given', 'write: (text) => void process.stderr.write(text),', 'write: () => {},'),
  environ('E22', 'multithread true', "'tsgi.multithread': false,", "'tsgi.multithread': true,"),
  environ('E22', 'run_once true', "'tsgi.run_once': false,", "'tsgi.run_once': true,"),
  environ('E23', 'ignores the multiprocess option', "'tsgi.multiprocess': options.multiprocess ?? false,", "'tsgi.multiprocess': false,"),

  // The input stream
  input('I1', 'a new iterator of the body at every pull', 'this.#iterator ??= this.#source[Symbol.asyncIterator]();', 'this.#iterator = this.#source[Symbol.asyncIterator]();'),
  input('I1', 'drops the rest of a chunk', 'this.#pending = this.#pending.subarray(take);', 'this.#pending = EMPTY;'),
  input('I1', 'returns what has arrived instead of size bytes', 'if (this.#pending.length === 0 && !(await this.#pull())) break;', 'if (this.#pending.length === 0 && (total > 0 || !(await this.#pull()))) break;'),
  input('I2', 'read() reads at most 64 KiB', 'async read(size = Infinity)', 'async read(size = 65536)'),
  input('I3', 'a read at the end throws', 'if (this.#done) return false;', "if (this.#done) throw new Error('the body has ended');"),
  input('I4', 'iterating skips what a read left over', 'while (this.#pending.length > 0 || (await this.#pull())) {', 'while (await this.#pull()) {'),
  input('I4', 'iterating hands over the body\'s own iterator', `    while (this.#pending.length > 0 || (await this.#pull())) {
      const chunk = this.#pending;
      this.#pending = EMPTY;
      yield chunk;
    }`, `    if (this.#pending.length > 0) yield this.#pending;
    this.#pending = EMPTY;
    this.#iterator ??= this.#source[Symbol.asyncIterator]();
    const rest = this.#iterator;
    yield* { [Symbol.asyncIterator]: () => rest };`),
  input('I5', 'prefetches the first chunk in the constructor', `    this.#source = source;
  }`, `    this.#source = source;
    void this.#pull();
  }`),
  input('I6', 'read(0) reads everything (size || Infinity)', `async read(size = Infinity): Promise<Uint8Array> {
    const parts`, `async read(size?: number): Promise<Uint8Array> {
    size = size || Infinity;
    const parts`),
  input('I6', 'read(0) pulls a chunk before it looks at the size', `    while (total < size) {
      if (this.#pending.length === 0 && !(await this.#pull())) break;`, `    while (true) {
      if (this.#pending.length === 0 && !(await this.#pull())) break;
      if (total >= size) break;`),

  // The handler
  gateway('H1', 'builds the environ without the options', 'buildEnviron(request, options)', 'buildEnviron(request)'),
  gateway('H2', 'rethrows what the app threw', `      body = await app(environ, start.startResponse);
    } catch (error) {
      return failure(error, log);
    }`, `      body = await app(environ, start.startResponse);
    } catch (error) {
      log(error);
      throw error;
    }`),
  gateway('H2', 'a close() that throws before the head makes the handler reject', '      await closeQuietly(() => chunks.close(), log);', '      await chunks.close();'),
  gateway('H2', 'String() of a value without a prototype throws in the log', `  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }`, '  return String(value);'),
  start('H3', 'the status stays a string', 'this.status = Number(match[1]);', 'this.status = match[1] as unknown as number;'),
  gateway('H4', 'no reason for the server', '      reason: start.reason,\n', ''),
  start('H4', 'the reason is the first word only', 'this.reason = match[2]!;', "this.reason = status.split(' ')[1]!;"),
  start('H5', 'headers through an object: repeats merged', 'this.headers = checked;', 'this.headers = Object.entries(Object.fromEntries(checked));'),
  start('H5', 'lowercases header names', '    return [name, value];\n  });', '    return [name.toLowerCase(), value];\n  });'),

  // startResponse
  start('S1', 'a bad status is ignored instead of thrown', 'if (!match) throw new TypeError(', 'if (!match) return void new TypeError('),
  start('S2', 'any three digits', 'const STATUS = /^([1-5]\\d\\d) ', 'const STATUS = /^(\\d\\d\\d) '),
  start('S2', 'any character in the reason', 'const STATUS = /^([1-5]\\d\\d) ([\\t\\x20-\\x7e\\x80-\\xff]*)$/;', 'const STATUS = /^([1-5]\\d\\d) (.*)$/;'),
  start('S2', 'an empty reason is refused', 'const STATUS = /^([1-5]\\d\\d) ([\\t\\x20-\\x7e\\x80-\\xff]*)$/;', 'const STATUS = /^([1-5]\\d\\d) ([\\t\\x20-\\x7e\\x80-\\xff]+)$/;'),
  start('S2', 'no check that the status is a string', "const match = typeof status === 'string' ? STATUS.exec(status) : null;", 'const match = STATUS.exec(status);'),
  start('S3', 'pairs of any length', 'pair.length !== 2 || ', ''),
  start('S3', 'values of any type', " || typeof pair[1] !== 'string'", ''),
  start('S3', 'names of any type', "typeof pair[0] !== 'string' || ", ''),
  start('S4', 'no check of the name', 'if (!TOKEN.test(name))', "if (name === '')"),
  start('S4', 'refuses only CR and LF in values', 'const FIELD_VALUE = /^[\\t\\x20-\\x7e\\x80-\\xff]*$/;', 'const FIELD_VALUE = /^[^\\r\\n]*$/;'),
  start('S4', 'characters above \\xff in values', 'const FIELD_VALUE = /^[\\t\\x20-\\x7e\\x80-\\xff]*$/;', 'const FIELD_VALUE = /^[\\t\\x20-\\x7e\\x80-\\uffff]*$/;'),
  start('S5', 'compares hop-by-hop names as written', 'HOP_BY_HOP_HEADERS.has(name.toLowerCase())', 'HOP_BY_HOP_HEADERS.has(name)'),
  start('S5', 'refuses only Connection and Transfer-Encoding', 'HOP_BY_HOP_HEADERS.has(name.toLowerCase())', "['connection', 'transfer-encoding'].includes(name.toLowerCase())"),
  start('S6', 'a refused first call does not count', `    this.#called = true;
    const match`, `    const match`),
  start('S6', 'no check of a second call', `    } else if (this.#called) {
      throw new Error('startResponse was already called; a second call needs excInfo (the error being handled)');
    }`, '    }'),
  start('S7', 'excInfo adds headers to the first call\'s', 'this.headers = checked;', 'this.headers = [...this.headers, ...checked];'),
  start('S7', 'a call with excInfo is refused like any second call', `    if (excInfo !== undefined) {
      // The application is handling an error. Before any byte went out it may start over;
      // after, the error goes back to it: the client already has another status line.
      if (this.headersSent) throw excInfo;
    } else if (this.#called) {`, `    if (excInfo !== undefined && this.headersSent) throw excInfo;
    if (this.#called) {`),
  gateway('S8', 'never marks the head as sent', '    start.headersSent = true;\n', ''),
  start('S8', 'throws its own error instead of excInfo', 'if (this.headersSent) throw excInfo;', "if (this.headersSent) throw new Error('the head was already sent');"),
  start('S9', 'stores the status before checking the headers', STORE, `    this.status = Number(match[1]);
    this.reason = match[2]!;
    this.headers = checkHeaders(headers);`),

  // The response body
  gateway('B1', 'accepts a Uint8Array as a body', '  if (!iterable || body instanceof Uint8Array) {', '  if (!iterable) {'),
  gateway('B1', 'accepts strings as bodies', CHECK_BODY, '  const iterable = body != null && (Symbol.iterator in Object(body) || Symbol.asyncIterator in Object(body));'),
  gateway('B1', 'does not check the body', '      checkBody(body);\n    } catch', '    } catch'),
  gateway('B2', 'refuses only string chunks', 'if (!(step.value instanceof Uint8Array)) {', "if (typeof step.value === 'string') {"),
  gateway('B2', 'no check of the chunks', 'if (!(step.value instanceof Uint8Array)) {', 'if (step.value === undefined) {'),
  gateway('B3', 'sync iterables only', 'this.#iterator = Symbol.asyncIterator in body ? body[Symbol.asyncIterator]() : body[Symbol.iterator]();', 'this.#iterator = (body as Iterable<Uint8Array>)[Symbol.iterator]();'),
  gateway('B4', 'collects the whole body first', '      body: chunks.rest(first, log),', `      body: await (async (all: Uint8Array[]) => {
        for await (const chunk of chunks.rest(first, log)) all.push(chunk);
        return all;
      })([]),`),
  gateway('B5', 'the head goes out with the first chunk, even empty', 'first = await chunks.nextNonEmpty();', 'first = await chunks.next();'),
  gateway('B6', 'an empty chunk ends the body', `          const chunk = await reader.nextNonEmpty();
          if (chunk !== null) return { done: false, value: chunk };`, `          const chunk = await reader.next();
          if (chunk !== null && chunk.length > 0) return { done: false, value: chunk };`),
  gateway('B6', 'empty chunks go to the server after the head', 'const chunk = await reader.nextNonEmpty();', 'const chunk = await reader.next();'),
  gateway('B6', 'an empty chunk before the head ends the body', 'if (chunk.length > 0) return chunk;', 'return chunk.length > 0 ? chunk : null;'),
  gateway('B7', 'a body without bytes is a failure', 'if (start.status === null) throw', 'if (start.status === null || first === null) throw'),
  gateway('B8', 'drops the app\'s Content-Length', '      headers: start.headers,\n', "      headers: start.headers.filter(([name]) => name.toLowerCase() !== 'content-length'),\n"),

  // Errors
  gateway('R1', 'never flushes tsgi.errors', '  errors.flush();\n', ''),
  gateway('R1', 'writes no message', "errors.write(`TSGI application failed: ${error instanceof Error ? (error.stack ?? error.message) : describe(error)}\\n`);", "errors.write('TSGI application failed\\n');"),
  gateway('R1', 'writes the stack of anything thrown', 'error instanceof Error ? (error.stack ?? error.message) : describe(error)', '(error as Error).stack'),
  gateway('R1', 'a failure after the head is not logged', 'body: chunks.rest(first, log),', 'body: chunks.rest(first, () => {}),'),
  gateway('R1', 'writes the message without the stack', '(error.stack ?? error.message)', 'error.message'),
  gateway('R2', 'no check that startResponse was called', FIRST, '      first = await chunks.nextNonEmpty();'),
  gateway('R2', 'keeps the status the app chose', `      const response = failure(error, log);
      await closeQuietly(() => chunks.close(), log);`, `      const response = { ...failure(error, log), status: start.status ?? 500 };
      await closeQuietly(() => chunks.close(), log);`),
  gateway('R3', 'the 500 keeps the app\'s headers', `      const response = failure(error, log);
      await closeQuietly(() => chunks.close(), log);`, `      const response = { ...failure(error, log), headers: [...start.headers, ['Content-Type', 'text/plain; charset=utf-8']] };
      await closeQuietly(() => chunks.close(), log);`),
  gateway('R4', 'a failure after the head ends the body normally', `          await reader.close();
          throw error;`, `          await reader.close();
          return { done: true, value: undefined };`),
  gateway('R5', 'an HttpError is a 500 like any other', 'return plain(error instanceof HttpError ? error.status : 500);', 'return plain(500);'),
  gateway('R6', 'logs the stack of a failure once the client has gone', 'if (!request.signal.aborted) report(environ, error);', 'report(environ, error);'),
  gateway('H6', 'the gateway\'s own responses have an empty body', 'const text = `${status} ${STATUS_CODES[status]}\\n`;', "const text = '';"),
  gateway('H6', 'the gateway\'s own responses have no Content-Type', "headers: [['Content-Type', 'text/plain; charset=utf-8']], body: encoder.encode(text)", 'headers: [], body: encoder.encode(text)'),

  // close()
  gateway('C1', 'no close() at the end of the body', `        await reader.close();
        return { done: true, value: undefined };
      },
      async return() {`, `        return { done: true, value: undefined };
      },
      async return() {`),
  gateway('C1', 'closes again when asked again', '    if (this.#closed) return;\n', ''),
  gateway('C1', 'closes the body as soon as the head is decided', '    start.headersSent = true;\n', '    start.headersSent = true;\n    await chunks.close();\n'),
  gateway('C2', 'no return() for the server', `      async return() {
        await reader.close();
        return { done: true, value: undefined };
      },
`, ''),
  gateway('C2', 'return() resolves with nothing', `      async return() {
        await reader.close();
        return { done: true, value: undefined };
      },
`, `      async return() {
        await reader.close();
        return undefined as unknown as IteratorResult<Uint8Array>;
      },
`),
  gateway('C2', 'the server\'s iterator written as a generator', REST, `    const reader = this;
    return (async function* () {
      try {
        if (first !== null) yield first;
        for (let chunk = await reader.nextNonEmpty(); chunk !== null; chunk = await reader.nextNonEmpty()) yield chunk;
      } catch (error) {
        onError(error);
        throw error;
      } finally {
        await reader.close();
      }
    })();`),
  gateway('C3', 'close() without the iterator\'s return()', '      await this.#iterator.return?.();\n', ''),
  gateway('C3', 'close() skipped when return() throws', `    try {
      await this.#iterator.return?.();
    } finally {
      this.#body.close?.();
    }`, `    await this.#iterator.return?.();
    this.#body.close?.();`),

  // The validator
  validator('V1', 'throws even with onViolation', `    if (options.onViolation) options.onViolation(violation);
    else throw violation;`, '    throw violation;'),
  validator('V1', 'logs instead of throwing', '    else throw violation;', '    else console.warn(violation.message);'),
  validator('V1', 'a plain Error instead of a TsgiViolation', 'const violation = new TsgiViolation(rule, message);', 'const violation = Object.assign(new Error(message), { rule }) as TsgiViolation;'),
  validator('V2', 'checks the environ after calling the app', `    checkEnviron(environ, report);
    let started = false;`, '    let started = false;'),
  validator('V2', 'checks the chunks of a list when the app returns', `    return checkedBody(body, () => ({ started, declaredLength }), report);`, `    if (Array.isArray(body)) for (const chunk of body) if (!(chunk instanceof Uint8Array)) report('body.chunk', 'a chunk must be a Uint8Array');
    return checkedBody(body, () => ({ started, declaredLength }), report);`),
  validator('V3', 'an empty chunk before startResponse is a violation', MISSING, 'if (!state().started && !missingReported) {'),
  validator('V3', 'extension keys must be strings', CGI, "    const cgi = !key.startsWith('tsgi.');"),
  validator('V4', 'swallows the errors of the real startResponse', '      return startResponse(status, headers, excInfo);', `      try {
        return startResponse(status, headers, excInfo);
      } catch {
        return undefined;
      }`),
  validator('V4', 'close() does not reach the app\'s body', `      closed = true;
      body.close?.();`, '      closed = true;'),
  validator('V4', 'return() does not reach the app\'s iterator', '      await iterator.return?.();\n', ''),
  validator('V4', 'return() fails on an array body, whose iterator has none', '      await iterator.return?.();\n', '      await iterator.return!();\n'),
  validator('V4', 'return() resolves with nothing', `      await iterator.return?.();
      return { done: true, value: undefined };`, `      await iterator.return?.();
      return undefined as unknown as IteratorResult<Uint8Array>;`),
  validator('V4', 'a second close() reaches the app\'s body again', `        report('body.close', 'close() was called twice');
        return;`, `        report('body.close', 'close() was called twice');`),
  validator('V5', 'start-response.missing at every chunk', ' && !missingReported) {', ') {'),
  validator('V5', 'body.length at every chunk past the length', '    if (lengthReported) return;\n', ''),
  validator('V5', 'an absent tsgi.version is also a bad version', "if (has('tsgi.version') && !(", 'if (!('),
  validator('V5', 'stops at a bad header name', "    if (!TOKEN.test(name)) report('start-response.header-name', `invalid header name ${JSON.stringify(name)}`);", `    if (!TOKEN.test(name)) {
      report('start-response.header-name', \`invalid header name \${JSON.stringify(name)}\`);
      continue;
    }`),
  validator('V5', 'a CONTENT_LENGTH that is not a string is also a bad length', `  const length = text('CONTENT_LENGTH');
  if (length !== null && !/^\\d+$/.test(length)) {`, `  const length = environ.CONTENT_LENGTH;
  if (length !== undefined && !/^\\d+$/.test(String(length))) {`),
  validator('V6', 'no check of the tsgi keys', 'for (const key of [...REQUIRED, ...TSGI_KEYS]) {', 'for (const key of REQUIRED) {'),
  validator('V6', 'REMOTE_ADDR required', 'for (const key of [...REQUIRED, ...TSGI_KEYS]) {', "for (const key of [...REQUIRED, ...TSGI_KEYS, 'REMOTE_ADDR']) {"),
  validator('V7', 'only the seven CGI keys must be strings', CGI, '    const cgi = REQUIRED.includes(key);'),
  validator('V7', 'extension keys must be strings', CGI, "    const cgi = !key.startsWith('tsgi.');"),
  validator('V7', 'REMOTE_ADDR left out', CGI, CGI.replace("'REMOTE_ADDR', ", '')),
  validator('V8', 'a longer array passes', 'version.length === 2 && ', ''),
  validator('V8', 'checks the minor version only', 'version[0] === 1 && ', ''),
  validator('V8', 'compares as a string', '!(Array.isArray(version) && version.length === 2 && version[0] === 1 && version[1] === 0)', "String(version) !== '1,0'"),
  validator('V9', 'compares the scheme without case', "!['http', 'https'].includes(environ['tsgi.url_scheme'])", "!['http', 'https'].includes(String(environ['tsgi.url_scheme']).toLowerCase())"),
  validator('V9', 'https refused', "!['http', 'https'].includes(environ['tsgi.url_scheme'])", "environ['tsgi.url_scheme'] !== 'http'"),
  validator('V10', 'no check of the method', "  if (text('REQUEST_METHOD') === '') report('environ.method', 'REQUEST_METHOD is empty');\n", ''),
  validator('V10', 'methods must be capitals', "if (text('REQUEST_METHOD') === '')", "if (!/^[A-Z]+$/.test(String(text('REQUEST_METHOD'))))"),
  validator('V11', 'SCRIPT_NAME / allowed', "(!script.startsWith('/') || script.endsWith('/'))", "(!script.startsWith('/') || (script.length > 1 && script.endsWith('/')))"),
  validator('V11', 'no check of the leading /', "(!script.startsWith('/') || script.endsWith('/'))", "script.endsWith('/')"),
  validator('V12', "PATH_INFO '' refused", "path !== null && path !== '' && !path.startsWith('/')", "path !== null && !path.startsWith('/')"),
  validator('V12', 'no check of PATH_INFO', "path !== null && path !== '' && !path.startsWith('/')", 'false'),
  validator('V13', 'one digit only', 'if (length !== null && !/^\\d+$/.test(length))', 'if (length !== null && !/^\\d$/.test(length))'),
  validator('V13', "'' allowed", 'if (length !== null && !/^\\d+$/.test(length))', 'if (length !== null && !/^\\d*$/.test(length))'),
  validator('V13', 'digits anywhere', 'if (length !== null && !/^\\d+$/.test(length))', 'if (length !== null && !/\\d+/.test(length))'),
  validator('V14', 'HTTP_CONTENT_LENGTH not checked', "for (const key of ['HTTP_CONTENT_TYPE', 'HTTP_CONTENT_LENGTH'])", "for (const key of ['HTTP_CONTENT_TYPE'])"),
  validator('V15', 'only read() checked', "typeof input.read !== 'function' || typeof input[Symbol.asyncIterator] !== 'function'", "typeof input.read !== 'function'"),
  validator('V15', 'only the iterator checked', "typeof input.read !== 'function' || typeof input[Symbol.asyncIterator] !== 'function'", "typeof input[Symbol.asyncIterator] !== 'function'"),
  validator('V16', 'only write() checked', "typeof errors.write !== 'function' || typeof errors.flush !== 'function'", "typeof errors.write !== 'function'"),
  validator('V17', 'any three digits', 'const STATUS = /^[1-5]\\d\\d ', 'const STATUS = /^\\d{3} '),
  validator('V17', 'any character in the reason', 'const STATUS = /^[1-5]\\d\\d [\\t\\x20-\\x7e\\x80-\\xff]*$/;', 'const STATUS = /^[1-5]\\d\\d .*$/;'),
  validator('V17', 'an empty reason is refused', 'const STATUS = /^[1-5]\\d\\d [\\t\\x20-\\x7e\\x80-\\xff]*$/;', 'const STATUS = /^[1-5]\\d\\d [\\t\\x20-\\x7e\\x80-\\xff]+$/;'),
  validator('V17', 'the status pattern is not anchored at the start', 'const STATUS = /^[1-5]', 'const STATUS = /[1-5]'),
  validator('V17', 'no check that the status is a string', "typeof status !== 'string' || !STATUS.test(status)", '!STATUS.test(status)'),
  validator('V18', 'pairs of any length', 'pair.length !== 2 || ', ''),
  validator('V18', 'values of any type', " || typeof pair[1] !== 'string'", ''),
  validator('V18', 'names of any type', "typeof pair[0] !== 'string' || ", ''),
  validator('V19', 'a name is anything without spaces', 'const TOKEN = /^[!#$%&\'*+\\-.^_`|~0-9A-Za-z]+$/;', 'const TOKEN = /^[^\\s]+$/;'),
  validator('V20', 'refuses only CR and LF in values', 'const FIELD_VALUE = /^[\\t\\x20-\\x7e\\x80-\\xff]*$/;', 'const FIELD_VALUE = /^[^\\r\\n]*$/;'),
  validator('V20', 'characters above \\xff in values', 'const FIELD_VALUE = /^[\\t\\x20-\\x7e\\x80-\\xff]*$/;', 'const FIELD_VALUE = /^[\\t\\x20-\\x7e\\x80-\\uffff]*$/;'),
  validator('V21', 'compares hop-by-hop names as written', 'HOP_BY_HOP_HEADERS.has(name.toLowerCase())', 'HOP_BY_HOP_HEADERS.has(name)'),
  validator('V22', 'a call with excInfo is reported', 'if (again && excInfo === undefined)', 'if (again)'),
  validator('V22', 'no check of a second call', "      if (again && excInfo === undefined) report('start-response.twice', 'startResponse was called again without excInfo');\n", ''),
  validator('V23', 'an empty chunk before startResponse is a violation', MISSING, 'if (!state().started && !missingReported) {'),
  validator('V23', 'not reported when the body ends', MISSING, 'if (!state().started && !step.done && !emptyChunk && !missingReported) {'),
  validator('V23', 'any Uint8Array passes before startResponse, not only an empty one', ' && step.value.length === 0;', ';'),
  validator('V24', 'a Uint8Array passes as a body', " || body instanceof Uint8Array) return false;", ') return false;'),
  validator('V24', 'a string passes as a body', IS_BODY, `  if (body == null || body instanceof Uint8Array) return false;
  return Symbol.iterator in Object(body) || Symbol.asyncIterator in Object(body);`),
  validator('V24', 'returns an empty list instead of what the app returned', `      return body;
    }`, `      return [];
    }`),
  validator('V25', 'checks only for strings', 'if (!(step.value instanceof Uint8Array)) {', "if (typeof step.value === 'string') {"),
  validator('V26', 'one-digit lengths only', "name.toLowerCase() === 'content-length' && /^\\d+$/.test(value)", "name.toLowerCase() === 'content-length' && /^\\d$/.test(value)"),
  validator('V26', 'a short body is not reported', "        if (declared !== null && sent < declared) lengthWrong(`Content-Length is ${declared} but the body had only ${sent} bytes`);\n", ''),
  validator('V26', 'a long body is not reported', "        if (declared !== null && sent > declared) lengthWrong(`the body passed its Content-Length of ${declared}`);\n", ''),
  validator('V26', 'Content-Length compared with its case', "name.toLowerCase() === 'content-length'", "name === 'Content-Length'"),
  validator('V26', 'any Content-Length value taken as a number', " && /^\\d+$/.test(value)) length = Number(value);", ') length = Number(value);'),
  validator('V26', 'the length taken from any header of digits', "name.toLowerCase() === 'content-length' && ", ''),
  validator('V27', 'no exemption for HEAD', BODYLESS, "const bodyless = typeof status === 'string' && /^(1\\d\\d|204|304) /.test(status);"),
  validator('V27', 'no exemption for 1xx, 204 and 304', BODYLESS, "const bodyless = environ.REQUEST_METHOD === 'HEAD';"),
  validator('V27', 'no exemption for 1xx', '/^(1\\d\\d|204|304) /', '/^(204|304) /'),
  validator('V27', 'every 2xx exempt', '/^(1\\d\\d|204|304) /', '/^(1\\d\\d|2\\d\\d|304) /'),
  validator('V27', 'a bodyless code found anywhere in the status', '/^(1\\d\\d|204|304) /', '/(1\\d\\d|204|304) /'),
  validator('V28', 'a second close() is not reported', `      if (closed) {
        report('body.close', 'close() was called twice');
        return;
      }`, '      if (closed) return;'),
  validator('V28', 'reading after close() is not reported', "      if (closed) report('body.close', 'the server read the body after calling close()');\n", ''),

  // From a learner's own mistakes (third pass)
  environ('E3', 'an absent Host gives HTTP_HOST \'\'', '  return environ;\n}', "  environ.HTTP_HOST ??= '';\n  return environ;\n}"),
  input('I3', 'asks the request body again after its end', '    if (this.#done) return false;\n', ''),
  start('H4', 'the reason is trimmed', 'this.reason = match[2]!;', 'this.reason = match[2]!.trim();'),
  {
    rule: 'S3', why: 'a pair may be any array-like of length 2', edits: [
      { file: 'start-response.ts', find: '!Array.isArray(pair) || pair.length !== 2', replace: "typeof pair !== 'object' || pair === null || (pair as unknown[]).length !== 2" },
      { file: 'start-response.ts', find: '    const [name, value] = pair;', replace: '    const name = pair[0], value = pair[1];' },
    ],
  },
  start('S9', 'a refused status clears the stored one', '    if (!match) throw new TypeError(', '    if (!match) this.status = null;\n    if (!match) throw new TypeError('),
  {
    rule: 'B2', why: 'only the chunks before the head are checked', edits: [
      { file: 'gateway.ts', find: '  async next(): Promise<Uint8Array | null> {', replace: '  async next(check = true): Promise<Uint8Array | null> {' },
      { file: 'gateway.ts', find: '    if (!(step.value instanceof Uint8Array)) {', replace: '    if (check && !(step.value instanceof Uint8Array)) {' },
      { file: 'gateway.ts', find: '  async nextNonEmpty(): Promise<Uint8Array | null> {\n    for (let chunk = await this.next(); chunk !== null; chunk = await this.next()) {', replace: '  async nextNonEmpty(check = true): Promise<Uint8Array | null> {\n    for (let chunk = await this.next(check); chunk !== null; chunk = await this.next(check)) {' },
      { file: 'gateway.ts', find: 'await reader.nextNonEmpty();', replace: 'await reader.nextNonEmpty(false);' },
    ],
  },
  gateway('B7', 'a body with no bytes is answered 204', '      status: start.status,', '      status: first === null ? 204 : start.status,'),
  gateway('C1', 'a value refused as a body is not closed', '      await closeQuietly(() => (body as { close?: () => void } | null)?.close?.(), log);\n', ''),
  gateway('C3', 'close() before return()', `    try {
      await this.#iterator.return?.();
    } finally {
      this.#body.close?.();
    }`, `    try {
      this.#body.close?.();
    } finally {
      await this.#iterator.return?.();
    }`),
  {
    rule: 'V2', why: 'a startResponse call is passed on before its checks', edits: [
      { file: 'validator.ts', find: '    const checkedStart: StartResponse = (status, headers, excInfo) => {\n', replace: '    const checkedStart: StartResponse = (status, headers, excInfo) => {\n      const result = startResponse(status, headers, excInfo);\n' },
      { file: 'validator.ts', find: '      return startResponse(status, headers, excInfo);', replace: '      return result;' },
    ],
  },
  validator('V4', 'the app gets a copy of the environ', 'await app(environ, checkedStart)', 'await app({ ...environ }, checkedStart)'),
  validator('V4', 'empty chunks are dropped', '      const step = await iterator.next();\n', '      const step = await iterator.next();\n      if (!step.done && step.value instanceof Uint8Array && step.value.length === 0) return this.next();\n'),
  validator('V4', 'return() hands back what the app\'s return() gave', '      await iterator.return?.();\n      return { done: true, value: undefined };', '      return (await iterator.return?.()) ?? { done: true, value: undefined };'),
  validator('V18', 'only the first bad pair is reported', '      continue;', '      return length;'),
  validator('V23', 'a chunk that is not bytes before the call is not reported as missing', 'const emptyChunk = !step.done && step.value instanceof Uint8Array && step.value.length === 0;', 'const emptyChunk = !step.done && (!(step.value instanceof Uint8Array) || step.value.length === 0);'),
  validator('V23', 'a call with a status that is not a string does not count', '      started = true;\n      if (again', "      if (typeof status === 'string') started = true;\n      if (again"),
  validator('V26', 'the first Content-Length counts', '.test(value)) length = Number(value);', '.test(value) && length === null) length = Number(value);'),

  // Running apps
  edit('N1', 'resolves before the server listens', 'serve.ts', 'await server.listen(options.port ?? 8000, options.host);', 'void server.listen(options.port ?? 8000, options.host);'),
  edit('N1', 'ignores the host option', 'serve.ts', 'server.listen(options.port ?? 8000, options.host)', 'server.listen(options.port ?? 8000)'),
  edit('N1', 'port 0 becomes 8000', 'serve.ts', 'options.port ?? 8000', 'options.port || 8000'),
  edit('N1', 'the default port is 3000', 'serve.ts', 'options.port ?? 8000', 'options.port ?? 3000'),
  edit('N2', 'the server gets no options', 'serve.ts', 'createServer(tsgiHandler(app, options), options)', 'createServer(tsgiHandler(app, options))'),
  edit('N2', 'the gateway gets no options', 'serve.ts', 'createServer(tsgiHandler(app, options), options)', 'createServer(tsgiHandler(app), options)'),
];
