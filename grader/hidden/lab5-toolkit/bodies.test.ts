// Hidden tests for lab 5, the request body: bytes with a size limit (honest, lying and absent
// Content-Length), text and JSON, url-encoded and multipart forms, and multipart bodies built to
// break a parser. The input counts the bytes it hands out, so "413 before reading past the limit"
// and "nothing read before it is asked for" are checked, not assumed. Every failure shows the
// request (showRequest): method, target, headers, options and the body.
import { expect } from 'vitest';
import { Request } from '@lab/toolkit';
import type { FormData, RequestOptions } from '#contracts/toolkit';
import type { Environ } from '#contracts/tsgi';
import { bounded, bytes, concatBytes, milestone, show, test, text } from '../../harness/index.ts';
import { asBytesText, environ, field, inputOf, multipart, post, refusal, settle, showRequest, stream, utf8Bytes } from './helpers.ts';

const request = (env: Environ, options?: RequestOptions) => bounded('new Request(environ)', () => new Request(env, options));
const FORM = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data; boundary=XyZ';
const on = (env: Environ, options?: RequestOptions) => `for ${showRequest(env, options)}`;

/** The form of a request, with the request in the message if reading it fails. */
async function form(env: Environ, options?: RequestOptions): Promise<FormData> {
  const r = request(env, options);
  try {
    return await bounded('request.form()', () => r.form());
  } catch (error) {
    if (error instanceof Error && !error.message.startsWith('TODO(')) error.message = `request.form() ${on(env, options)} threw: ${error.message}`;
    throw error;
  }
}

/** The status a reader refuses with, and the bytes it took from tsgi.input before it did. */
async function refused(env: Environ, reader: (r: Request) => Promise<unknown>, what: string, options?: RequestOptions) {
  const r = request(env, options);
  const status = await refusal(what, () => reader(r));
  return { status, delivered: inputOf(env).delivered, label: `${what} ${on(env, options)}` };
}

milestone('bodies', () => {
  test('bytes() gives the whole body, however it arrives in chunks', {
    rules: ['B1'],
    points: 2,
    hint: 'Collect every chunk of tsgi.input, in order, and join them (each at its own offset).',
  }, async () => {
    for (const [env, expected] of [
      [post('text/plain', 'hello, body, in 7-byte chunks'), bytes('hello, body, in 7-byte chunks')],
      [environ({ REQUEST_METHOD: 'POST' }, [Uint8Array.of(0, 255), Uint8Array.of(13, 10), new Uint8Array(0), Uint8Array.of(7)]), Uint8Array.of(0, 255, 13, 10, 7)],
      [environ({ REQUEST_METHOD: 'POST' }), new Uint8Array(0)],
    ] as const) {
      const r = request(env);
      expect(show(await bounded('request.bytes()', () => r.bytes())), `request.bytes() ${on(env)}`).toBe(show(expected));
    }
  });

  test('the body is read once: later and concurrent calls share that read', {
    rules: ['B2'],
    points: 2,
    hint: 'tsgi.input can be read only once. Keep the promise of the first read in #body (not just its result) and hand it out again, so that concurrent calls share it.',
  }, async () => {
    const env = post('text/plain', 'read me once, please');
    const r = request(env);
    const first = await bounded('request.bytes()', () => r.bytes());
    const second = await bounded('request.bytes()', () => r.bytes());
    expect(text(second), `a second request.bytes() ${on(env)}`).toBe(text(first));
    expect(await bounded('request.text()', () => r.text()), `request.text() after bytes() ${on(env)}`).toBe('read me once, please');
    const together = post('application/json', '{"a":[1,2,3]}');
    const t = request(together);
    const all = await bounded('Promise.all([bytes(), text(), json(), bytes()])', () => Promise.all([t.bytes(), t.text(), t.json(), t.bytes()]));
    const where = on(together);
    expect(text(all[0]), `bytes() called together with text() and json() ${where}`).toBe('{"a":[1,2,3]}');
    expect(all[1], `text() called together with bytes() and json() ${where}`).toBe('{"a":[1,2,3]}');
    expect(all[2], `json() called together with bytes() and text() ${where}`).toEqual({ a: [1, 2, 3] });
    expect(text(all[3]), `a second bytes() called together with the others ${where}`).toBe('{"a":[1,2,3]}');
    expect(inputOf(together).delivered, `bytes taken from tsgi.input by the four readers ${where}: one read`).toBe(13);
  });

  test('nothing is taken from tsgi.input until a reader asks', {
    rules: ['B3'],
    hint: 'Creating a Request, and reading method, path, headers, args, cookies or url, must not touch tsgi.input: only bytes(), text(), json() and form() read it.',
  }, async () => {
    const env = post(FORM, 'a=1&b=2', { QUERY_STRING: 'q=1', HTTP_COOKIE: 'a=1', HTTP_ACCEPT: 'text/html' });
    const r = request(env);
    bounded('reading the request properties', () => [r.method, r.path, r.scriptRoot, r.headers, r.args, r.cookies, r.url, r.host, r.scheme, r.remoteAddr, r.accepts(['text/html'])]);
    await settle();
    expect(inputOf(env).delivered, `bytes taken from tsgi.input by new Request() and its properties ${on(env)}`).toBe(0);
    expect(text(await bounded('request.bytes()', () => r.bytes())), `request.bytes() afterwards ${on(env)}`).toBe('a=1&b=2');
  });

  test('a Content-Length over the limit: 413 before reading a byte; at the limit: read', {
    rules: ['B4'],
    points: 2,
    hint: 'Compare CONTENT_LENGTH with maxBodyBytes before touching tsgi.input: greater is refused at once, equal is fine.',
  }, async () => {
    for (const [length, chunks] of [[5000, stream(5, 1000)], [1001, stream(1, 1001)]] as const) {
      const env = environ({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: String(length) }, chunks);
      const { status, delivered, label } = await refused(env, (r) => r.bytes(), 'request.bytes()', { maxBodyBytes: 1000 });
      expect(status, label).toBe(413);
      expect(delivered, `bytes taken from tsgi.input before refusing, ${label}`).toBe(0);
    }
    const exact = environ({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: '1000' }, stream(4, 250));
    const r = request(exact, { maxBodyBytes: 1000 });
    expect((await bounded('request.bytes()', () => r.bytes())).length, `the length of request.bytes() ${on(exact, { maxBodyBytes: 1000 })}`).toBe(1000);
  });

  test('counting while reading: 413 as soon as the body passes the limit, not a chunk later', {
    rules: ['B5'],
    points: 3,
    hint: "Content-Length is the client's claim. Add each chunk's length to a total and throw the moment it passes maxBodyBytes, before taking another chunk; exactly the limit is fine.",
  }, async () => {
    // A lying Content-Length, and none at all. The chunk that crosses the limit is the last one a reader may take.
    for (const [fields, chunks, limit, crossing] of [
      [{ CONTENT_LENGTH: '10' }, stream(1024, 1000), 4096, 5000],
      [{}, stream(10_000, 100), 2000, 2100],
      [{}, [new Uint8Array(16), new Uint8Array(1), new Uint8Array(5)], 16, 17],
    ] as const) {
      const env = environ({ REQUEST_METHOD: 'POST', ...fields }, chunks);
      const { status, delivered, label } = await refused(env, (r) => r.bytes(), 'request.bytes()', { maxBodyBytes: limit });
      expect(status, label).toBe(413);
      expect(delivered, `bytes taken from tsgi.input, ${label}: at most up to the chunk that crossed the limit`).toBeLessThanOrEqual(crossing);
    }
    const exact = environ({ REQUEST_METHOD: 'POST' }, stream(4, 4));
    const r = request(exact, { maxBodyBytes: 16 });
    expect((await bounded('request.bytes()', () => r.bytes())).length, `the length of request.bytes() ${on(exact, { maxBodyBytes: 16 })}`).toBe(16);
  });

  test('the default limit is 1 MiB', {
    rules: ['B6'],
    hint: 'Without options, maxBodyBytes is 1024 * 1024 = 1048576 bytes: that many is accepted, one more is not.',
  }, async () => {
    const mib = 1024 * 1024;
    const fits = environ({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: String(mib) }, stream(16, mib / 16));
    expect((await bounded('request.bytes()', () => request(fits).bytes())).length, `the length of request.bytes() ${on(fits)}`).toBe(mib);
    const declared = environ({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: String(mib + 1) }, stream(17, mib / 16));
    const a = await refused(declared, (r) => r.bytes(), 'request.bytes()');
    expect(a.status, a.label).toBe(413);
    expect(a.delivered, `bytes taken from tsgi.input before refusing, ${a.label}`).toBe(0);
    const streamed = environ({ REQUEST_METHOD: 'POST' }, stream(17, mib / 16));
    const b = await refused(streamed, (r) => r.bytes(), 'request.bytes()');
    expect(b.status, b.label).toBe(413);
    // An option given as undefined counts as not given: the default still stands.
    const unset = environ({ REQUEST_METHOD: 'POST' }, stream(17, mib / 16));
    const c = await refused(unset, (r) => r.bytes(), 'request.bytes()', { maxBodyBytes: undefined });
    expect(c.status, `${c.label}, made with new Request(environ, { maxBodyBytes: undefined }): the default limit of 1 MiB stands`).toBe(413);
  });

  test('text() decodes UTF-8, or the charset the Content-Type names', {
    rules: ['B7'],
    hint: 'Find the charset parameter (any case, quoted or not) and decode with new TextDecoder(charset); no charset: UTF-8.',
  }, async () => {
    for (const [type, body, expected] of [
      ['text/plain', utf8Bytes('café €'), 'café €'],
      [undefined, utf8Bytes('thé'), 'thé'],
      ['text/plain; charset=ISO-8859-1', bytes('caf\xe9'), 'café'],
      ['text/plain; Charset="latin1"', bytes('caf\xe9'), 'café'],
      ['text/plain;charset=ISO-8859-1', bytes('caf\xe9'), 'café'],
      ['text/plain; format=flowed; charset=utf-16le', new Uint8Array(Buffer.from('hé', 'utf16le')), 'hé'],
    ] as Array<[string | undefined, Uint8Array, string]>) {
      const env = post(type, body);
      expect(await bounded('request.text()', () => request(env).text()), `request.text() ${on(env)}`).toBe(expected);
    }
  });

  test('an unknown charset: 400, before reading the body', {
    rules: ['B8'],
    hint: 'new TextDecoder(charset) throws a RangeError for a charset it does not know: make the decoder first, turn that into a BadRequest, and only then read.',
  }, async () => {
    for (const type of ['text/plain; charset=klingon', 'application/json; charset="x-unknown"']) {
      for (const reader of ['text', 'json'] as const) {
        const env = post(type, 'hello');
        const { status, delivered, label } = await refused(env, (r) => r[reader](), `request.${reader}()`);
        expect(status, label).toBe(400);
        expect(delivered, `bytes taken from tsgi.input before refusing, ${label}`).toBe(0);
      }
    }
  });

  test('json() parses a JSON body, and answers 400 to one that is not JSON', {
    rules: ['B9'],
    points: 2,
    hint: 'JSON.parse throws a SyntaxError; turn it into a BadRequest, so the client learns it sent something wrong (400), not that the server broke (500).',
  }, async () => {
    const good = post('application/json', utf8Bytes('{"title":"thé","tags":["a","b"],"n":1}'));
    expect(await bounded('request.json()', () => request(good).json()), `request.json() ${on(good)}`).toEqual({ title: 'thé', tags: ['a', 'b'], n: 1 });
    for (const body of ['{"title":', 'not json', '', "{'a':1}"]) {
      const { status, label } = await refused(post('application/json', body), (r) => r.json(), 'request.json()');
      expect(status, label).toBe(400);
    }
  });
});

milestone('forms', () => {
  test('chooses by the media type: before any ;, trimmed, in any case', {
    rules: ['F1'],
    hint: 'Media types are case-insensitive, and parameters follow a ";" (RFC 9110 §8.3.1): take the part before ";", trim it, lowercase it.',
  }, async () => {
    for (const type of ['Application/X-WWW-Form-Urlencoded; charset=UTF-8', 'application/x-www-form-urlencoded ; charset=utf-8', FORM]) {
      const env = post(type, 'a=1');
      const { fields } = await form(env);
      expect(bounded('fields.get', () => fields.get('a')), `fields.get('a') of request.form() ${on(env)}`).toBe('1');
    }
    const env = post('Multipart/Form-Data; boundary=XyZ', multipart('XyZ', [field('b', '2')]));
    const { fields } = await form(env);
    expect(bounded('fields.get', () => fields.get('b')), `fields.get('b') of request.form() ${on(env)}`).toBe('2');
  });

  test('reads an url-encoded form like a query string, decoding each layer once', {
    rules: ['F2'],
    points: 3,
    hint: 'Decode the body as UTF-8 text, then parseQuery. Raw UTF-8 (curl -d "name=café") stays as it is, "100%" stays "100%", and nothing is decoded twice.',
  }, async () => {
    const env = post(FORM, utf8Bytes('title=Tea+time&tags=a&tags=b&note=100%&pct=100%25&bad=%FF&twice=%2541&name=café&city=S%C3%A3o+Paulo'));
    const { fields, files } = await form(env);
    for (const [key, value] of [['title', 'Tea time'], ['note', '100%'], ['pct', '100%'], ['bad', '\uFFFD'], ['twice', '%41'], ['name', 'café'], ['city', 'São Paulo']]) {
      expect(bounded('fields.get', () => fields.get(key!)), `fields.get(${show(key!)}) of request.form() ${on(env)}`).toBe(value);
    }
    expect(bounded('fields.getAll', () => fields.getAll('tags')), `fields.getAll('tags') of request.form() ${on(env)}`).toEqual(['a', 'b']);
    expect(bounded('files.keys', () => files.keys()), `files.keys() of an url-encoded form ${on(env)}`).toEqual([]);
    // A charset parameter changes nothing: the body is UTF-8, and an unknown charset is not refused.
    for (const type of [`${FORM}; charset=ISO-8859-1`, `${FORM}; charset=no-such-charset`]) {
      const charset = post(type, utf8Bytes('name=café&city=S%C3%A3o'));
      const got = await form(charset);
      for (const [key, value] of [['name', 'café'], ['city', 'São']]) {
        expect(bounded('fields.get', () => got.fields.get(key!)), `fields.get(${show(key!)}) of request.form() ${on(charset)}: UTF-8 whatever the charset says`).toBe(value);
      }
    }
  });

  test('refuses a body that is not a form with 415, before reading it', {
    rules: ['F3'],
    points: 2,
    hint: 'The Content-Type says it all: anything but the two form types (or none at all, or two types joined by a comma) is 415 before tsgi.input is touched.',
  }, async () => {
    for (const type of [
      'application/json',
      'text/plain',
      undefined,
      'multipart/mixed; boundary=XyZ',
      'application/x-www-form-urlencoded-extra',
      `${FORM}, ${MULTIPART}`,
      `text/plain, ${FORM}`,
      `${MULTIPART}, ${FORM}`.replace('; boundary=XyZ', ''),
    ]) {
      const { status, delivered, label } = await refused(post(type, 'a=1'), (r) => r.form(), 'request.form()');
      expect(status, label).toBe(415);
      expect(delivered, `bytes taken from tsgi.input before refusing, ${label}`).toBe(0);
    }
  });

  test('form() reads through bytes(): the size limit and the single read hold', {
    rules: ['F4'],
    hint: 'Get the body with this.bytes(), never from tsgi.input directly: then the limit applies to forms, and a form read after bytes() still has its body.',
  }, async () => {
    for (const [type, body] of [[FORM, `a=${'x'.repeat(2000)}`], [MULTIPART, multipart('XyZ', [{ headers: ['Content-Disposition: form-data; name="f"; filename="big.bin"'], body: new Uint8Array(2000) }])]] as const) {
      const env = environ({ REQUEST_METHOD: 'POST', CONTENT_TYPE: type }, typeof body === 'string' ? [bytes(body)] : [body]);
      const { status, label } = await refused(env, (r) => r.form(), 'request.form()', { maxBodyBytes: 1000 });
      expect(status, `${label} (no Content-Length: the count must catch it)`).toBe(413);
    }
    for (const [type, body, key] of [[FORM, bytes('a=1'), 'a'], [MULTIPART, multipart('XyZ', [field('b', '2')]), 'b']] as const) {
      const env = post(type, body);
      const r = request(env);
      await bounded('request.bytes()', () => r.bytes());
      const { fields } = await bounded('request.form()', () => r.form());
      expect(bounded('fields.keys', () => fields.keys()), `request.form() after request.bytes() ${on(env)}`).toEqual([key]);
    }
  });

  test('reads the boundary, quoted or not; missing, empty or over 70 characters: 400 before reading', {
    rules: ['M1'],
    points: 2,
    hint: 'The boundary parameter may be quoted ("a b:c"); it is 1 to 70 characters (RFC 2046 §5.1.1). Find it before reading the body, and refuse a bad one with BadRequest.',
  }, async () => {
    const seventy = 'b'.repeat(70);
    for (const [type, boundary] of [
      ['multipart/form-data; boundary="a b:c"', 'a b:c'],
      [`multipart/form-data; boundary=${seventy}`, seventy],
      ['multipart/form-data; charset=utf-8; BOUNDARY=XyZ', 'XyZ'],
      ['multipart/form-data;boundary=XyZ', 'XyZ'],
    ]) {
      const env = post(type, multipart(boundary!, [field('x', '1')]));
      const { fields } = await form(env);
      expect(bounded('fields.entries', () => fields.entries()), `fields.entries() of request.form() ${on(env)}`).toEqual([['x', '1']]);
    }
    for (const type of ['multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary=""', 'multipart/form-data; charset=utf-8', `multipart/form-data; boundary=${'b'.repeat(71)}`]) {
      const { status, delivered, label } = await refused(post(type, multipart('b'.repeat(71), [field('x', '1')])), (r) => r.form(), 'request.form()');
      expect(status, label).toBe(400);
      expect(delivered, `bytes taken from tsgi.input before refusing, ${label}`).toBe(0);
    }
  });

  test('a delimiter counts only at the start of a line, and the CRLF before it is not data', {
    rules: ['M2'],
    points: 2,
    hint: 'The delimiter is CRLF --boundary (or --boundary at the very start of the body). A part ends before that CRLF; --boundary in the middle of a line is data.',
  }, async () => {
    const env = post(MULTIPART, multipart('XyZ', [field('note', 'see --XyZ here\r\nand x--XyZ--'), field('crlf', 'ends with a line break\r\n'), field('empty', '')], { preamble: 'not a --XyZ line\r\n' }));
    const { fields } = await form(env);
    expect(bounded('fields.entries', () => fields.entries()), `fields.entries() of request.form() ${on(env)}`).toEqual([
      ['note', 'see --XyZ here\r\nand x--XyZ--'],
      ['crlf', 'ends with a line break\r\n'],
      ['empty', ''],
    ]);
  });

  test('after a delimiter comes CRLF or --; anything else: 400', {
    rules: ['M3'],
    hint: 'Right after --boundary, "--" ends the body and CRLF starts a part; "--XyZZ" or "--XyZ-x" is neither, so the body is malformed.',
  }, async () => {
    const ok = 'Content-Disposition: form-data; name="a"\r\n\r\nv\r\n';
    for (const body of [
      `--XyZ\r\n${ok}--XyZZ\r\nContent-Disposition: form-data; name="b"\r\n\r\nw\r\n--XyZ--\r\n`,
      `--XyZ\r\n${ok}--XyZ-x\r\n`,
      `--XyZjunk\r\n${ok}--XyZ--\r\n`,
      `--XyZ\r\n${ok}--XyZ_--\r\n`, // neither --, nor CRLF, though a - comes second
      `--XyZ\r ${ok}--XyZ--\r\n`, // a CR without its LF
      `--XyZ \n${ok}--XyZ--\r\n`, // an LF without its CR
    ]) {
      const { status, label } = await refused(post(MULTIPART, body), (r) => r.form(), 'request.form()');
      expect(status, label).toBe(400);
    }
  });

  test('ignores the preamble and the epilogue', {
    rules: ['M4'],
    hint: 'Everything before the first delimiter, and everything after --boundary--, is not part of the form.',
  }, async () => {
    const late = '\r\n--XyZ\r\nContent-Disposition: form-data; name="late"\r\n\r\nv\r\n--XyZ--\r\n';
    const env = post(MULTIPART, multipart('XyZ', [field('x', '1')], { preamble: 'This is a preamble.\r\n', epilogue: `and an epilogue${late}` }));
    const { fields } = await form(env);
    expect(bounded('fields.entries', () => fields.entries()), `fields.entries() of request.form() ${on(env)}`).toEqual([['x', '1']]);
  });

  test('refuses a multipart body that never closes: 400', {
    rules: ['M5'],
    points: 2,
    hint: 'A part ends at the next CRLF --boundary. If there is none, or the body stops right after a delimiter, or has no delimiter at all, it is incomplete: BadRequest.',
  }, async () => {
    const open = multipart('XyZ', [field('a', 'value')], { close: false });
    for (const body of [
      open.subarray(0, open.length - 2), // the last part's data runs to the end
      concatBytes([open, bytes('--XyZ')]), // a delimiter, then nothing
      bytes('no boundary anywhere'),
      bytes('pre --- amble, and no delimiter after it\r\n'),
      bytes('pre --- amble\r\n--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nthe data runs to the end'),
      new Uint8Array(0),
    ]) {
      const { status, label } = await refused(post(MULTIPART, body), (r) => r.form(), 'request.form()');
      expect(status, label).toBe(400);
    }
  });

  test('a part is headers, an empty line and data; without form-data and a name: 400', {
    rules: ['M6'],
    points: 2,
    hint: 'Each part needs a blank line after its headers (a part whose first line is blank has none), header lines of a name, a colon and a value, and Content-Disposition whose type is form-data, with a name (header names in any case).',
  }, async () => {
    for (const body of [
      bytes('--XyZ\r\nContent-Disposition: form-data; name="a"\r\n--XyZ--\r\n'), // no blank line
      bytes('--XyZ\r\n\r\nvalue\r\n--XyZ--\r\n'), // no headers at all
      multipart('XyZ', [{ headers: ['Content-Type: text/plain'], body: 'v' }]),
      multipart('XyZ', [{ headers: ['Content-Disposition: attachment; name="a"'], body: 'v' }]),
      multipart('XyZ', [{ headers: ['Content-Disposition: attachment; name="form-data"'], body: 'v' }]), // form-data is not the type
      bytes('--XyZ\r\n\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--XyZ--\r\n'), // no headers: the rest is data
      multipart('XyZ', [{ headers: ['Content-Disposition: form-data; name="a"', 'X-No-Colon'], body: 'v' }]),
      multipart('XyZ', [{ headers: [': no name', 'Content-Disposition: form-data; name="a"'], body: 'v' }]),
      multipart('XyZ', [{ headers: ['Content-Disposition: form-data; filename="a.txt"'], body: 'v' }]),
      multipart('XyZ', [{ headers: ['Content-Disposition: form-data'], body: 'v' }]),
    ]) {
      const { status, label } = await refused(post(MULTIPART, body), (r) => r.form(), 'request.form()');
      expect(status, label).toBe(400);
    }
    const env = post(MULTIPART, multipart('XyZ', [{ headers: ['CONTENT-DISPOSITION: Form-Data; name="low"', 'content-type: text/plain'], body: 'v' }]));
    const { fields } = await form(env);
    expect(bounded('fields.get', () => fields.get('low')), `fields.get('low') of request.form() ${on(env)}`).toBe('v');
  });

  test('a part with a filename is a file, others are text fields', {
    rules: ['M7'],
    points: 3,
    hint: 'A file keeps its name, filename, Content-Type (application/octet-stream if none) and its exact bytes; a text field is its bytes decoded as UTF-8.',
  }, async () => {
    const data = Uint8Array.of(0x89, 0x50, 0x00, 0xff, 13, 10, 0x2d, 0x2d, 13, 10, 13, 10, 7);
    const env = post(MULTIPART, multipart('XyZ', [
      field('title', 'Tea'),
      { headers: ['Content-Disposition: form-data; name="photo"; filename="cat.png"', 'Content-Type: image/png'], body: data },
      { headers: ['Content-Disposition: form-data; name="blob"; filename="x.bin"'], body: Uint8Array.of(1, 2) },
      { headers: ['Content-Disposition: form-data; name="note"'], body: utf8Bytes('thé à la menthe') },
      { headers: ['Content-Disposition: form-data; name="docs"; filename="a.txt"', 'Content-Type: text/plain'], body: 'first' },
      { headers: ['Content-Disposition: form-data; name="docs"; filename="b.txt"', 'Content-Type: text/plain'], body: 'second' },
    ]));
    const { fields, files } = await form(env);
    const where = `of request.form() ${on(env)}`;
    expect(bounded('fields.entries', () => fields.entries()), `fields.entries() ${where}`).toEqual([['title', 'Tea'], ['note', 'thé à la menthe']]);
    const describe = (name: string) => bounded('files.getAll', () => files.getAll(name)).map((f) => ({ name: f.name, filename: f.filename, contentType: f.contentType, data: [...f.data] }));
    expect(describe('photo'), `files.getAll('photo') ${where}`).toEqual([{ name: 'photo', filename: 'cat.png', contentType: 'image/png', data: [...data] }]);
    expect(describe('blob'), `files.getAll('blob') ${where}: no Content-Type`).toEqual([{ name: 'blob', filename: 'x.bin', contentType: 'application/octet-stream', data: [1, 2] }]);
    expect(describe('docs').map((f) => f.filename), `files.getAll('docs') ${where}`).toEqual(['a.txt', 'b.txt']);
    // filename="" is what a browser sends for a file input left empty: still a file.
    const empty = post(MULTIPART, multipart('XyZ', [
      { headers: ['Content-Disposition: form-data; name="upload"; filename=""', 'Content-Type: application/octet-stream'], body: '' },
    ]));
    const got = await form(empty);
    const whereEmpty = `of request.form() ${on(empty)}`;
    expect(bounded('fields.keys', () => got.fields.keys()), `fields.keys() ${whereEmpty}: a part with filename="" is a file`).toEqual([]);
    expect(bounded('files.getAll', () => got.files.getAll('upload')).map((f) => [f.filename, f.data.length]), `files.getAll('upload') ${whereEmpty}: [filename, bytes]`).toEqual([['', 0]]);
  });

  test('reads quoted and plain parameters, with escapes and UTF-8 bytes', {
    rules: ['M8'],
    hint: 'Look for the parameter after a ";" (filename= is not name=), its name in any case. A quoted value undoes its backslash escapes; the bytes of the value are UTF-8 (read the line one character per byte, latin1).',
  }, async () => {
    const env = post(MULTIPART, multipart('XyZ', [
      { headers: [asBytesText('Content-Disposition: form-data; name="thé"')], body: '1' },
      { headers: [asBytesText('Content-Disposition: form-data; name="cv"; filename="résumé.pdf"')], body: '%PDF' },
      { headers: ['Content-Disposition: form-data; filename="first.txt"; name="second"'], body: 'x' },
      { headers: ['Content-Disposition: form-data; name="say \\"hi\\""'], body: '2' },
      { headers: ['Content-Disposition: form-data; name=plain'], body: '3' },
      { headers: ['Content-Disposition: form-data; NAME="upper"'], body: '4' },
      { headers: [asBytesText('Content-Disposition: form-data; Name="doc"; FILENAME="€ś ☕.txt"')], body: 'y' },
    ]));
    const { fields, files } = await form(env);
    const where = `of request.form() ${on(env)}`;
    expect(bounded('fields.entries', () => fields.entries()), `fields.entries() ${where}`).toEqual([['thé', '1'], ['say "hi"', '2'], ['plain', '3'], ['upper', '4']]);
    expect(bounded('files.entries', () => files.entries()).map(([name, f]) => [name, f.filename]), `the names and filenames of files.entries() ${where}`).toEqual([
      ['cv', 'résumé.pdf'],
      ['second', 'first.txt'],
      ['doc', '€ś ☕.txt'],
    ]);
  });

  test('keeps the filename as sent, path and all', {
    rules: ['M9'],
    hint: "The filename is the client's text: hand it over unchanged and never use it as a path. Cleaning it is the application's job.",
  }, async () => {
    const names = ['../../etc/passwd', '<script>.png', ' spaced name .txt', '/abs/path/x'];
    const env = post(MULTIPART, multipart('XyZ', names.map((filename, i) => ({ headers: [`Content-Disposition: form-data; name="f${i}"; filename="${filename}"`], body: 'x' }))));
    const { files } = await form(env);
    expect(bounded('files.entries', () => files.entries()).map(([, f]) => f.filename), `the filenames of request.form() ${on(env)}`).toEqual(names);
  });

  test('too many parts: 413', {
    rules: ['M10'],
    points: 2,
    hint: 'Each part costs memory and work: count fields and files alike, and refuse with PayloadTooLarge past maxParts (default 100); exactly maxParts is fine.',
  }, async () => {
    const parts = (n: number, files = 0) => multipart('XyZ', Array.from({ length: n }, (_, i) => (i < files ? { headers: [`Content-Disposition: form-data; name="u${i}"; filename="${i}.txt"`], body: 'x' } : field(`f${i}`, String(i)))));
    const three = post(MULTIPART, parts(3));
    const { fields: few } = await form(three, { maxParts: 3 });
    expect(bounded('fields.keys', () => few.keys()), `fields.keys() of request.form() ${on(three, { maxParts: 3 })}`).toEqual(['f0', 'f1', 'f2']);
    for (const [env, options] of [[post(MULTIPART, parts(4)), { maxParts: 3 }], [post(MULTIPART, parts(4, 2)), { maxParts: 3 }], [post(MULTIPART, parts(101)), undefined]] as const) {
      const { status, label } = await refused(env, (r) => r.form(), 'request.form()', options);
      expect(status, label).toBe(413);
    }
    const hundred = post(MULTIPART, parts(100, 50));
    const { fields, files } = await form(hundred);
    expect(bounded('keys()', () => fields.keys().length + files.keys().length), `the number of fields and files of request.form() ${on(hundred)}`).toBe(100);
  });
});

