// Hidden tests for lab 5, the request body: bytes with a size limit (honest, lying and absent
// Content-Length), text and JSON, url-encoded and multipart forms, and multipart bodies built to
// break a parser. The input counts the bytes it hands out, so "413 before reading past the limit"
// is checked, not assumed.
import { expect } from 'vitest';
import { Request } from '@lab/toolkit';
import type { RequestOptions } from '#contracts/toolkit';
import type { Environ } from '#contracts/tsgi';
import { bounded, bytes, concatBytes, milestone, test, text } from '../../harness/index.ts';
import { asBytesText, environ, field, inputOf, multipart, post, refusal, stream, utf8Bytes } from './helpers.ts';

const request = (env: Environ, options?: RequestOptions) => bounded('new Request(environ)', () => new Request(env, options));
const FORM = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data; boundary=XyZ';
/** How far past the limit a reader may have read when it stops: one read of up to 64 KiB. */
const SLACK = 64 * 1024;

async function form(env: Environ, options?: RequestOptions) {
  const r = request(env, options);
  return await bounded('request.form()', () => r.form());
}

milestone('bodies', () => {
  test('bytes() gives the whole body, however it arrives in chunks', { points: 2 }, async () => {
    const r = request(post('text/plain', 'hello, body'));
    expect(text(await bounded('request.bytes()', () => r.bytes()))).toBe('hello, body');
  });

  test('the body is read once: later calls give the same bytes', {
    hint: 'tsgi.input can be read only once. Keep what bytes() read (or the promise of it) and hand it out again.',
  }, async () => {
    const env = post('text/plain', 'read me once');
    const r = request(env);
    const first = await bounded('request.bytes()', () => r.bytes());
    const second = await bounded('request.bytes()', () => r.bytes());
    expect(text(second)).toBe(text(first));
    expect(await bounded('request.text()', () => r.text())).toBe('read me once');
    expect(inputOf(env).delivered).toBe(12);
  });

  test('text() decodes UTF-8, or the charset the Content-Type names', {}, async () => {
    const utf8 = request(post('text/plain', utf8Bytes('café €')));
    expect(await bounded('request.text()', () => utf8.text())).toBe('café €');
    const latin1 = request(post('text/plain; charset=ISO-8859-1', bytes('caf\xe9')));
    expect(await bounded('request.text()', () => latin1.text())).toBe('café');
  });

  test('json() parses a JSON body', { points: 2 }, async () => {
    const r = request(post('application/json', utf8Bytes('{"title":"thé","tags":["a","b"],"n":1}')));
    expect(await bounded('request.json()', () => r.json())).toEqual({ title: 'thé', tags: ['a', 'b'], n: 1 });
  });

  test('json() answers 400 to a body that is not JSON', {
    hint: 'JSON.parse throws a SyntaxError; turn it into a BadRequest, so the client learns it sent something wrong (400), not that the server broke (500).',
  }, async () => {
    for (const body of ['{"title":', 'not json', '', "{'a':1}"]) {
      const r = request(post('application/json', body));
      expect(await refusal('request.json()', () => r.json()), JSON.stringify(body)).toBe(400);
    }
  });

  test('a Content-Length over the limit: 413 before reading a byte', {
    points: 2,
    hint: 'Compare CONTENT_LENGTH with maxBodyBytes before touching tsgi.input: there is no point reading what you will refuse.',
  }, async () => {
    const env = environ({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: '5000' }, stream(5, 1000));
    const r = request(env, { maxBodyBytes: 1000 });
    expect(await refusal('request.bytes()', () => r.bytes())).toBe(413);
    expect(inputOf(env).delivered, 'bytes read from tsgi.input').toBe(0);
  });

  test('a lying Content-Length: 413 as soon as the body passes the limit', {
    points: 2,
    hint: 'Content-Length is the client\'s claim. Count the bytes as they come and stop at the limit, whatever the header said.',
  }, async () => {
    const env = environ({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: '10' }, stream(1024, 1024));
    const r = request(env, { maxBodyBytes: 4096 });
    expect(await refusal('request.bytes()', () => r.bytes())).toBe(413);
    expect(inputOf(env).delivered, 'bytes read from a 1 MiB stream with a limit of 4096').toBeLessThanOrEqual(4096 + SLACK);
  });

  test('no Content-Length and a long stream: 413, not a full memory', {
    hint: 'Without Content-Length the only defence is counting while reading: stop the moment the count passes maxBodyBytes.',
  }, async () => {
    const env = environ({ REQUEST_METHOD: 'POST' }, stream(10_000, 100));
    const r = request(env, { maxBodyBytes: 2000 });
    expect(await refusal('request.bytes()', () => r.bytes())).toBe(413);
    expect(inputOf(env).delivered, 'bytes read from a 1 MB stream with a limit of 2000').toBeLessThanOrEqual(2000 + SLACK);
  });

  test('a body of exactly the limit is accepted; one byte more is not', {}, async () => {
    const exact = request(environ({ REQUEST_METHOD: 'POST' }, stream(4, 4)), { maxBodyBytes: 16 });
    expect((await bounded('request.bytes()', () => exact.bytes())).length).toBe(16);
    const over = request(environ({ REQUEST_METHOD: 'POST' }, [new Uint8Array(16), new Uint8Array(1)]), { maxBodyBytes: 16 });
    expect(await refusal('request.bytes()', () => over.bytes())).toBe(413);
  });

  test('the default limit is 1 MiB', {}, async () => {
    const mib = 1024 * 1024;
    const fits = request(environ({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: String(mib) }, stream(16, mib / 16)));
    expect((await bounded('request.bytes()', () => fits.bytes())).length).toBe(mib);
    const env = environ({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: String(mib + 1) }, stream(17, mib / 16));
    expect(await refusal('request.bytes()', () => request(env).bytes())).toBe(413);
    expect(inputOf(env).delivered).toBe(0);
  });
});

milestone('forms', () => {
  test('reads an url-encoded form', { points: 2 }, async () => {
    const { fields, files } = await form(post(FORM, 'title=Tea+time&tags=a&tags=b&note=100%25'));
    expect(bounded('fields.get', () => fields.get('title'))).toBe('Tea time');
    expect(bounded('fields.getAll', () => fields.getAll('tags'))).toEqual(['a', 'b']);
    expect(bounded('fields.get', () => fields.get('note'))).toBe('100%');
    expect(bounded('files.keys', () => files.keys())).toEqual([]);
  });

  test('accepts the form type in any case, with parameters', { hint: 'Media types are case-insensitive, and parameters follow a ; (RFC 9110 §8.3.1).' }, async () => {
    const { fields } = await form(post('Application/X-WWW-Form-Urlencoded; charset=UTF-8', 'a=1'));
    expect(bounded('fields.get', () => fields.get('a'))).toBe('1');
  });

  test('decodes raw UTF-8 in an url-encoded body as UTF-8', {
    hint: 'curl -d "name=café" sends é as two raw bytes, not %C3%A9. Percent-decoding and UTF-8 decoding must each happen once.',
  }, async () => {
    const { fields } = await form(post(FORM, utf8Bytes('name=café&city=S%C3%A3o+Paulo&mood=😀')));
    expect(bounded('fields.get', () => fields.get('name'))).toBe('café');
    expect(bounded('fields.get', () => fields.get('mood'))).toBe('😀');
    expect(bounded('fields.get', () => fields.get('city'))).toBe('São Paulo');
  });

  test('refuses a body that is not a form: 415', {}, async () => {
    for (const type of ['application/json', 'text/plain', undefined]) {
      const r = request(post(type, 'a=1'));
      expect(await refusal('request.form()', () => r.form()), String(type)).toBe(415);
    }
  });

  test('refuses a Content-Type that names two media types', {
    hint: 'A proxy may join two Content-Type headers with a comma. Which one did the client mean? Refuse, do not guess.',
  }, async () => {
    for (const type of [`${FORM}, ${MULTIPART}`, `text/plain, ${FORM}`]) {
      const r = request(post(type, 'a=1'));
      expect([400, 415], type).toContain(await refusal('request.form()', () => r.form()));
    }
  });

  test('reads multipart fields and files', { points: 3, hint: 'Parts start after a line --boundary; each has headers, a blank line, then its bytes up to CRLF --boundary.' }, async () => {
    const data = Uint8Array.of(0x89, 0x50, 0x00, 0xff, 13, 10, 0x2d, 0x2d, 13, 10, 13, 10, 7);
    const body = multipart('XyZ', [
      field('title', 'Tea'),
      { headers: ['Content-Disposition: form-data; name="photo"; filename="cat.png"', 'Content-Type: image/png'], body: data },
    ]);
    const { fields, files } = await form(post(MULTIPART, body));
    expect(bounded('fields.entries', () => fields.entries())).toEqual([['title', 'Tea']]);
    const photo = bounded('files.get', () => files.get('photo'));
    expect(photo && { name: photo.name, filename: photo.filename, contentType: photo.contentType }).toEqual({
      name: 'photo',
      filename: 'cat.png',
      contentType: 'image/png',
    });
    expect(photo && [...photo.data], 'the file\'s bytes, CR LF and -- included').toEqual([...data]);
  });

  test('keeps repeated fields and several files under one name', {}, async () => {
    const file = (filename: string, content: string) => ({
      headers: [`Content-Disposition: form-data; name="docs"; filename="${filename}"`, 'Content-Type: text/plain'],
      body: content,
    });
    const body = multipart('XyZ', [field('tag', 'a'), file('a.txt', 'first'), field('tag', 'b'), file('b.txt', 'second')]);
    const { fields, files } = await form(post(MULTIPART, body));
    expect(bounded('fields.getAll', () => fields.getAll('tag'))).toEqual(['a', 'b']);
    const docs = bounded('files.getAll', () => files.getAll('docs'));
    expect(docs.map((f) => [f.filename, text(f.data)])).toEqual([['a.txt', 'first'], ['b.txt', 'second']]);
  });

  test('a boundary counts only at the start of a line', {
    hint: 'The delimiter is CRLF --boundary. The same characters in the middle of a line are data.',
  }, async () => {
    const body = multipart('XyZ', [field('note', 'see --XyZ here\r\nand x--XyZ--')]);
    const { fields } = await form(post(MULTIPART, body));
    expect(bounded('fields.get', () => fields.get('note'))).toBe('see --XyZ here\r\nand x--XyZ--');
  });

  test('decodes UTF-8 names; keeps the filename as sent, path and all', {
    lesson: '05-toolkit.md#forms-url-encoded-and-multipart',
    hint: 'Part headers carry UTF-8 bytes. The filename is the client\'s text: hand it over unchanged and never use it as a path.',
  }, async () => {
    const body = multipart('XyZ', [
      { headers: [asBytesText('Content-Disposition: form-data; name="note"')], body: utf8Bytes('thé à la menthe') },
      { headers: [asBytesText('Content-Disposition: form-data; name="cv"; filename="résumé.pdf"')], body: '%PDF' },
      { headers: ['Content-Disposition: form-data; name="evil"; filename="../../etc/passwd"'], body: 'x' },
    ]);
    const { fields, files } = await form(post(MULTIPART, body));
    expect(bounded('fields.get', () => fields.get('note'))).toBe('thé à la menthe');
    expect(bounded('files.get', () => files.get('cv'))?.filename).toBe('résumé.pdf');
    expect(bounded('files.get', () => files.get('evil'))?.filename).toBe('../../etc/passwd');
  });

  test('reads a quoted boundary and ignores the preamble and epilogue', {}, async () => {
    const body = multipart('a b:c', [field('x', '1')], { preamble: 'This is a preamble.\r\n', epilogue: 'and an epilogue' });
    const { fields } = await form(post('multipart/form-data; boundary="a b:c"', body));
    expect(bounded('fields.entries', () => fields.entries())).toEqual([['x', '1']]);
  });

  test('refuses multipart without a boundary: 400', {}, async () => {
    const body = multipart('XyZ', [field('x', '1')]);
    for (const type of ['multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; charset=utf-8']) {
      const r = request(post(type, body));
      expect(await refusal('request.form()', () => r.form()), type).toBe(400);
    }
  });

  test('refuses a multipart body that never closes: 400', {
    points: 2,
    hint: 'A part ends at the next CRLF --boundary. If there is none, or the body stops right after a delimiter, the body is incomplete: refuse it.',
  }, async () => {
    const open = multipart('XyZ', [field('a', 'value')], { close: false });
    const cases = [
      concatBytes([open.subarray(0, open.length - 2)]), // the last part's data runs to the end
      concatBytes([open, bytes('--XyZ')]), // a delimiter, then nothing
      bytes('no boundary anywhere'),
    ];
    for (const body of cases) {
      const r = request(post(MULTIPART, body));
      expect(await refusal('request.form()', () => r.form()), text(body)).toBe(400);
    }
  });

  test('refuses a part without headers, without form-data or without a name: 400', {
    hint: 'Each part needs Content-Disposition: form-data with a name, and a blank line after its headers.',
  }, async () => {
    const cases = [
      bytes('--XyZ\r\nContent-Disposition: form-data; name="a"\r\n--XyZ--\r\n'), // no blank line
      bytes('--XyZ\r\n\r\nvalue\r\n--XyZ--\r\n'), // no headers at all
      multipart('XyZ', [{ headers: ['Content-Type: text/plain'], body: 'v' }]),
      multipart('XyZ', [{ headers: ['Content-Disposition: attachment; name="a"'], body: 'v' }]),
      multipart('XyZ', [{ headers: ['Content-Disposition: form-data; filename="a.txt"'], body: 'v' }]),
    ];
    for (const body of cases) {
      const r = request(post(MULTIPART, body));
      expect(await refusal('request.form()', () => r.form()), text(body)).toBe(400);
    }
  });

  test('too many parts: 413', {
    points: 2,
    hint: 'Each part costs memory and work: count them as you go and refuse with 413 past maxParts (default 100).',
  }, async () => {
    const parts = (n: number) => multipart('XyZ', Array.from({ length: n }, (_, i) => field(`f${i}`, String(i))));
    const three = await form(post(MULTIPART, parts(3)), { maxParts: 3 });
    expect(bounded('fields.keys', () => three.fields.keys())).toEqual(['f0', 'f1', 'f2']);
    const four = request(post(MULTIPART, parts(4)), { maxParts: 3 });
    expect(await refusal('request.form()', () => four.form())).toBe(413);
    const hundred = await form(post(MULTIPART, parts(100)));
    expect(bounded('fields.keys', () => hundred.fields.keys()).length).toBe(100);
    const many = request(post(MULTIPART, parts(101)));
    expect(await refusal('request.form()', () => many.form())).toBe(413);
  });

  test('a form body over the size limit: 413', {}, async () => {
    const big = multipart('XyZ', [{ headers: ['Content-Disposition: form-data; name="f"; filename="big.bin"'], body: new Uint8Array(2000) }]);
    const r = request(post(MULTIPART, big), { maxBodyBytes: 1000 });
    expect(await refusal('request.form()', () => r.form())).toBe(413);
    const urlencoded = request(post(FORM, `a=${'x'.repeat(2000)}`), { maxBodyBytes: 1000 });
    expect(await refusal('request.form()', () => urlencoded.form())).toBe(413);
  });
});
