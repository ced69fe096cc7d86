// Hidden tests for lab 1, the response side. The output is read back loosely (header names in
// any case, in any order where order is free) so that any correct serializer passes; only what
// the wire format fixes (status line, CRLFs, framing) is compared exactly.
import { expect } from 'vitest';
import { encodeChunk, lastChunk, reasonPhrase, serializeHead, serializeResponse } from '@lab/http';
import { bounded, bytes, milestone, show, test, text } from '../../harness/index.ts';

interface Wire {
  statusLine: string;
  headers: [string, string][];
  body: string;
}

/** Splits serialized bytes into status line, headers (names lowercased) and body. */
function read(message: Uint8Array): Wire {
  const raw = text(message);
  const end = raw.indexOf('\r\n\r\n');
  expect(end, `no empty line (CRLF CRLF) ends the head: ${show(raw)}`).toBeGreaterThan(-1);
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    expect(colon, `field line without a colon: ${show(line)}`).toBeGreaterThan(0);
    return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
  });
  return { statusLine: statusLine ?? '', headers, body: raw.slice(end + 4) };
}

const values = (wire: Wire, name: string) => wire.headers.filter(([n]) => n === name).map(([, v]) => v);

/**
 * True if `fn` throws (an Error of any kind): the serializer refused its input. `control` is the
 * same call with valid input, which must work, so a serializer that throws on everything fails.
 */
function refuses(what: string, fn: () => unknown, control: () => unknown): boolean {
  bounded(what, control);
  try {
    bounded(what, fn);
    return false;
  } catch (error) {
    if ((error as Error)?.message?.startsWith('TODO(')) throw error;
    if ((error as Error)?.name === 'TimeoutError') throw error;
    return true;
  }
}

milestone('serializer', () => {
  test('reasonPhrase knows the standard phrases', {}, () => {
    const phrase = (status: number) => bounded('reasonPhrase', () => reasonPhrase(status));
    expect([phrase(200), phrase(404), phrase(500), phrase(301)]).toEqual([
      'OK',
      'Not Found',
      'Internal Server Error',
      'Moved Permanently',
    ]);
  });

  test('writes the status line, the fields and the empty line', { points: 3 }, () => {
    const head = bounded('serializeHead', () =>
      serializeHead({ status: 404, headers: [['Content-Type', 'text/plain']] }),
    );
    expect(show(text(head).split('\r\n')[0] ?? '')).toBe(show('HTTP/1.1 404 Not Found'));
    expect(read(head).headers).toEqual([['content-type', 'text/plain']]);
    expect(text(head).endsWith('\r\n\r\n'), `the head must end with CRLF CRLF: ${show(head)}`).toBe(true);
    expect(read(head).body).toBe('');
  });

  test('uses a reason phrase given with the status', {}, () => {
    const head = bounded('serializeHead', () => serializeHead({ status: 200, reason: 'Fine', headers: [] }));
    expect(show(read(head).statusLine)).toBe(show('HTTP/1.1 200 Fine'));
  });

  test('keeps the order of fields and repeated fields', { points: 2 }, () => {
    const head = bounded('serializeHead', () =>
      serializeHead({
        status: 200,
        headers: [
          ['Set-Cookie', 'a=1'],
          ['X-Middle', 'm'],
          ['Set-Cookie', 'b=2'],
        ],
      }),
    );
    expect(read(head).headers).toEqual([
      ['set-cookie', 'a=1'],
      ['x-middle', 'm'],
      ['set-cookie', 'b=2'],
    ]);
  });

  test('refuses CR or LF in a header value (response splitting)', {
    points: 2,
    hint: 'A value like "x\\r\\nSet-Cookie: admin=1" would add a header of the attacker\'s choosing. Throw instead.',
    lesson: '01-http.md#writing-a-response',
  }, () => {
    for (const value of ['a\r\nSet-Cookie: admin=1', 'a\nb', 'a\rb', 'a\x00b']) {
      const refused = refuses(
        'serializeHead',
        () => serializeHead({ status: 200, headers: [['X-Echo', value]] }),
        () => serializeHead({ status: 200, headers: [['X-Echo', 'fine']] }),
      );
      expect(refused, `value ${show(value)} was written out`).toBe(true);
    }
  });

  test('refuses header names that are not tokens', {}, () => {
    for (const name of ['Bad Name', 'X:Y', '', 'X\r\nY']) {
      const refused = refuses(
        'serializeHead',
        () => serializeHead({ status: 200, headers: [[name, 'v']] }),
        () => serializeHead({ status: 200, headers: [['X-Fine', 'v']] }),
      );
      expect(refused, `name ${show(name)} was written out`).toBe(true);
    }
  });

  test('refuses a status outside 100-599', {}, () => {
    for (const status of [99, 600, 200.5, -1]) {
      const refused = refuses(
        'serializeHead',
        () => serializeHead({ status, headers: [] }),
        () => serializeHead({ status: 599, headers: [] }),
      );
      expect(refused, `status ${status}`).toBe(true);
    }
  });

  test('serializeResponse frames the body with Content-Length in bytes', { points: 3 }, () => {
    const body = bytes('h\xc3\xa9llo'); // "héllo" in UTF-8: 6 bytes, 5 characters
    const wire = read(
      bounded('serializeResponse', () =>
        serializeResponse({ status: 200, headers: [['Content-Type', 'text/plain; charset=utf-8']], body }),
      ),
    );
    expect(show(wire.statusLine)).toBe(show('HTTP/1.1 200 OK'));
    expect(values(wire, 'content-length')).toEqual(['6']);
    expect(values(wire, 'content-type')).toEqual(['text/plain; charset=utf-8']);
    expect(show(wire.body)).toBe(show(body));
  });

  test('serializeResponse keeps a correct Content-Length without repeating it', {}, () => {
    const wire = read(
      bounded('serializeResponse', () =>
        serializeResponse({ status: 200, headers: [['Content-Length', '2']], body: bytes('ok') }),
      ),
    );
    expect(values(wire, 'content-length')).toEqual(['2']);
    expect(wire.body).toBe('ok');
  });

  test('serializeResponse sends neither body nor Content-Length with 204', {
    hint: 'RFC 9110 §8.6: a server must not send Content-Length in a 204 response.',
  }, () => {
    const wire = read(
      bounded('serializeResponse', () => serializeResponse({ status: 204, headers: [], body: new Uint8Array(0) })),
    );
    expect(show(wire.statusLine)).toBe(show('HTTP/1.1 204 No Content'));
    expect(values(wire, 'content-length')).toEqual([]);
    expect(wire.body).toBe('');
  });

  test('encodeChunk writes the size in hex, CRLF, the data, CRLF', { points: 2 }, () => {
    expect(show(bounded('encodeChunk', () => encodeChunk(bytes('hello'))))).toBe(show('5\r\nhello\r\n'));
    const big = bytes('x'.repeat(26));
    const encoded = text(bounded('encodeChunk', () => encodeChunk(big)));
    const [size, ...rest] = encoded.split('\r\n');
    expect(parseInt(size ?? '', 16), `size line ${show(size ?? '')}`).toBe(26);
    expect(show(rest.join('\r\n'))).toBe(show('x'.repeat(26) + '\r\n'));
  });

  test('encodeChunk of nothing is nothing (a zero-size chunk would end the body)', {}, () => {
    expect(bounded('encodeChunk', () => encodeChunk(new Uint8Array(0))).length).toBe(0);
  });

  test('lastChunk ends the body, with optional trailers', { points: 2 }, () => {
    expect(show(bounded('lastChunk', () => lastChunk()))).toBe(show('0\r\n\r\n'));
    const ended = text(bounded('lastChunk', () => lastChunk([['X-Checksum', '42']])));
    expect(ended.startsWith('0\r\n'), show(ended)).toBe(true);
    expect(ended.endsWith('\r\n\r\n'), show(ended)).toBe(true);
    expect(ended.slice(3, -4).toLowerCase().replace(/:\s*/, ': ')).toBe('x-checksum: 42');
  });
});
