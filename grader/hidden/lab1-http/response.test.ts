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
 * What `fn` throws, as the name of its class ('TypeError', 'RangeError', ...), or 'nothing'.
 * `control` is the same call with valid input, which must work, so a serializer that throws on
 * everything fails.
 */
function thrown(what: string, fn: () => unknown, control: () => unknown): string {
  bounded(what, control);
  try {
    bounded(what, fn);
    return 'nothing';
  } catch (error) {
    if ((error as Error)?.message?.startsWith('TODO(')) throw error;
    if ((error as Error)?.name === 'TimeoutError') throw error;
    if (error instanceof RangeError) return 'RangeError';
    if (error instanceof TypeError) return 'TypeError';
    return `${(error as Error)?.name ?? typeof error} (not a TypeError or RangeError)`;
  }
}

const empty = new Uint8Array(0);
const response = (r: Parameters<typeof serializeResponse>[0]) => bounded('serializeResponse', () => serializeResponse(r));
/** A response as the test gave it, for a failure message. */
const given = (r: { status: number; reason?: string; headers: [string, string][]; body?: Uint8Array }) =>
  show(JSON.stringify({ ...r, body: r.body === undefined ? undefined : text(r.body) }));

milestone('serializer', () => {
  test('reasonPhrase knows the standard phrases, and gives "" for others', { rules: ['W1'] }, () => {
    const phrase = (status: number) => bounded('reasonPhrase', () => reasonPhrase(status));
    for (const [status, text] of [
      [200, 'OK'],
      [404, 'Not Found'],
      [500, 'Internal Server Error'],
      [301, 'Moved Permanently'],
      [418, "I'm a Teapot"],
      [103, 'Early Hints'],
      [299, ''],
      [599, ''],
    ] as const) {
      expect(phrase(status), `reasonPhrase(${status})`).toBe(text);
    }
  });

  test('writes the status line, the fields and the empty line', { rules: ['W2', 'W3'], points: 3 }, () => {
    const head = bounded('serializeHead', () => serializeHead({ status: 404, headers: [['Content-Type', 'text/plain']] }));
    expect(show(head), 'serializeHead({ status: 404, headers: [[Content-Type, text/plain]] })').toBe(
      show('HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\n'),
    );
  });

  test('uses a reason phrase given with the status, and keeps the space when the phrase is empty', { rules: ['W2'] }, () => {
    const line = (head: Parameters<typeof serializeHead>[0]) => read(bounded('serializeHead', () => serializeHead(head))).statusLine;
    expect(show(line({ status: 200, reason: 'Fine', headers: [] })), "the status line of { status: 200, reason: 'Fine' }").toBe(show('HTTP/1.1 200 Fine'));
    expect(show(line({ status: 404, reason: '', headers: [] })), "the status line of { status: 404, reason: '' }").toBe(show('HTTP/1.1 404 '));
    expect(show(line({ status: 599, headers: [] })), 'the status line of { status: 599 } (no standard phrase)').toBe(show('HTTP/1.1 599 '));
  });

  test('keeps the order of fields, repeated fields, and the names as given', { rules: ['W3'], points: 2 }, () => {
    const headers: [string, string][] = [
      ['Set-Cookie', 'a=1'],
      ['X-Middle', 'm'],
      ['set-cookie', 'b=2'],
      ['X-Empty', ''],
      ['Set-Cookie', 'a=1'],
    ];
    const head = bounded('serializeHead', () => serializeHead({ status: 200, headers }));
    expect(show(head), `serializeHead of ${given({ status: 200, headers })}`).toBe(
      show('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-Middle: m\r\nset-cookie: b=2\r\nX-Empty: \r\nSet-Cookie: a=1\r\n\r\n'),
    );
  });

  test('writes text as latin1: one byte per character, 0x80 to 0xFF included', {
    rules: ['W3'],
    hint: 'Buffer.from(text, "latin1"), not TextEncoder: UTF-8 would write é as two bytes, and the value would not come out as the parser read it.',
  }, () => {
    const head = bounded('serializeHead', () => serializeHead({ status: 200, reason: 'Caf\xe9', headers: [['X-Name', 'caf\xe9 \xff']] }));
    expect(show(head), 'serializeHead of { status: 200, reason: "Café", headers: [X-Name: "café ÿ"] }, each character one byte').toBe(
      show('HTTP/1.1 200 Caf\xe9\r\nX-Name: caf\xe9 \xff\r\n\r\n'),
    );
    expect(head.length, 'its length in bytes: one byte per character').toBe('HTTP/1.1 200 Caf\xe9\r\nX-Name: caf\xe9 \xff\r\n\r\n'.length);
  });

  test('refuses a status outside 100-599 with a RangeError', { rules: ['W4'] }, () => {
    for (const status of [99, 600, 1000, 200.5, -1, Number.NaN]) {
      const error = thrown(
        'serializeHead',
        () => serializeHead({ status, headers: [] }),
        () => serializeHead({ status: 599, headers: [] }),
      );
      expect(error, `serializeHead with status ${status} should throw a RangeError`).toBe('RangeError');
    }
  });

  test('serializeResponse refuses a status below 100 with a RangeError, even with a body', { rules: ['W4', 'W9'] }, () => {
    const body = bytes('hello');
    for (const status of [99, 0, -1]) {
      const error = thrown(
        'serializeResponse',
        () => serializeResponse({ status, headers: [], body }),
        () => serializeResponse({ status: 200, headers: [], body }),
      );
      expect(error, `serializeResponse ${given({ status, headers: [], body })} should throw a RangeError (a status below 100 is no 1xx)`).toBe('RangeError');
    }
  });

  test('refuses CR or LF in a header value (response splitting)', {
    rules: ['W5'],
    points: 2,
    hint: 'A value like "x\\r\\nSet-Cookie: admin=1" would add a header of the attacker\'s choosing. Throw instead.',
  }, () => {
    // A character above 0xFF is no byte: latin1 keeps its low byte, and U+010D U+010A become CR LF.
    for (const value of ['a\r\nSet-Cookie: admin=1', 'a\nb', 'a\rb', 'a\x00b', 'a\x7fb', 'a\u010d\u010aSet-Cookie: admin=1']) {
      const error = thrown(
        'serializeHead',
        () => serializeHead({ status: 200, headers: [['X-Echo', value]] }),
        () => serializeHead({ status: 200, headers: [['X-Echo', 'fine']] }),
      );
      expect(error, `serializeHead with the value ${show(value)} should throw a TypeError`).toBe('TypeError');
    }
  });

  test('refuses header names that are not tokens', { rules: ['W5'] }, () => {
    for (const name of ['Bad Name', 'X:Y', '', 'X\r\nY', 'X\nY']) {
      const error = thrown(
        'serializeHead',
        () => serializeHead({ status: 200, headers: [[name, 'v']] }),
        () => serializeHead({ status: 200, headers: [['X-Fine', 'v']] }),
      );
      expect(error, `serializeHead with the name ${show(name)} should throw a TypeError`).toBe('TypeError');
    }
  });

  test('refuses CR, LF or a control character in the reason phrase', {
    rules: ['W6'],
    hint: 'The reason is written into the status line: "OK\\r\\nSet-Cookie: x" would split the response just like a header value.',
  }, () => {
    for (const reason of ['OK\r\nSet-Cookie: admin=1', 'OK\n', 'O\rK', 'O\x00K', 'OK\u010d\u010aSet-Cookie: admin=1']) {
      const error = thrown(
        'serializeHead',
        () => serializeHead({ status: 200, reason, headers: [] }),
        () => serializeHead({ status: 200, reason: 'All\tfine, caf\xe9', headers: [] }),
      );
      expect(error, `serializeHead with the reason ${show(reason)} should throw a TypeError`).toBe('TypeError');
    }
  });

  test('serializeResponse frames the body with Content-Length in bytes', { rules: ['W7'], points: 3 }, () => {
    const body = bytes('h\xc3\xa9llo'); // "héllo" in UTF-8: 6 bytes, 5 characters
    const input = { status: 200, headers: [['Content-Type', 'text/plain; charset=utf-8']] as [string, string][], body };
    const wire = read(response(input));
    expect(show(wire.statusLine), `the status line for ${given(input)}`).toBe(show('HTTP/1.1 200 OK'));
    expect(wire.headers, `the fields for ${given(input)}: the given ones, then Content-Length`).toEqual([
      ['content-type', 'text/plain; charset=utf-8'],
      ['content-length', '6'],
    ]);
    expect(show(wire.body), `the body for ${given(input)}`).toBe(show(body));
  });

  test('serializeResponse keeps a correct Content-Length without repeating it', { rules: ['W7'] }, () => {
    const input = { status: 200, headers: [['Content-Length', '2']] as [string, string][], body: bytes('ok') };
    const wire = read(response(input));
    expect(values(wire, 'content-length'), `the Content-Length fields for ${given(input)}`).toEqual(['2']);
    expect(wire.body, `the body for ${given(input)}`).toBe('ok');
    const lower = { status: 200, headers: [['content-length', '2']] as [string, string][], body: bytes('ok') };
    expect(values(read(response(lower)), 'content-length'), `the Content-Length fields for ${given(lower)} (the name in any case is the field)`).toEqual(['2']);
    const twice = { status: 200, headers: [['Content-Length', '2'], ['X-A', 'a'], ['Content-Length', '2']] as [string, string][], body: bytes('ok') };
    expect(read(response(twice)).headers, `the fields for ${given(twice)}: both right, both kept as given`).toEqual([
      ['content-length', '2'],
      ['x-a', 'a'],
      ['content-length', '2'],
    ]);
    const none = read(response({ status: 200, headers: [], body: empty }));
    expect(values(none, 'content-length'), 'the Content-Length fields of a 200 with an empty body').toEqual(['0']);
  });

  test('serializeResponse refuses a Content-Length that disagrees with the body', { rules: ['W8'] }, () => {
    // Only the count as String(5) writes it agrees: no sign, leading zeros or trailing junk.
    for (const length of ['10', '4', '0', 'five', '5abc', '05', '+5', '5.0']) {
      const input = { status: 200, headers: [['Content-Length', length]] as [string, string][], body: bytes('hello') };
      const error = thrown('serializeResponse', () => serializeResponse(input), () => serializeResponse({ ...input, headers: [['Content-Length', '5']] }));
      expect(error, `serializeResponse of ${given(input)} should throw a TypeError`).toBe('TypeError');
    }
    // Every Content-Length field is checked, not only the first.
    const second = { status: 200, headers: [['Content-Length', '5'], ['content-length', '6']] as [string, string][], body: bytes('hello') };
    const error = thrown('serializeResponse', () => serializeResponse(second), () => serializeResponse({ ...second, headers: [['Content-Length', '5'], ['content-length', '5']] }));
    expect(error, `serializeResponse of ${given(second)} should throw a TypeError`).toBe('TypeError');
  });

  test('serializeResponse refuses a Content-Length with spaces around the count', {
    rules: ['W8'],
    hint: 'The value must be exactly String(body.length): compare without trimming.',
  }, () => {
    for (const length of [' 5', '5 ', '\t5']) {
      const input = { status: 200, headers: [['Content-Length', length]] as [string, string][], body: bytes('hello') };
      const error = thrown('serializeResponse', () => serializeResponse(input), () => serializeResponse({ ...input, headers: [['Content-Length', '5']] }));
      expect(error, `serializeResponse of ${given(input)} should throw a TypeError`).toBe('TypeError');
    }
  });

  test('serializeResponse sends neither body nor Content-Length with 1xx, 204 or 304', {
    rules: ['W9'],
    hint: 'RFC 9110 §6.4.1: these responses end with their head. Add no Content-Length.',
  }, () => {
    for (const [status, line] of [
      [204, 'HTTP/1.1 204 No Content'],
      [304, 'HTTP/1.1 304 Not Modified'],
      [103, 'HTTP/1.1 103 Early Hints'],
      [199, 'HTTP/1.1 199 '],
    ] as const) {
      const bytesOut = response({ status, headers: [], body: empty });
      expect(show(bytesOut), `serializeResponse({ status: ${status}, headers: [], body: empty })`).toBe(show(`${line}\r\n\r\n`));
    }
  });

  test('serializeResponse refuses a body with 1xx, 204 or 304', { rules: ['W9'] }, () => {
    for (const status of [100, 103, 199, 204, 304]) {
      const error = thrown(
        'serializeResponse',
        () => serializeResponse({ status, headers: [], body: bytes('x') }),
        () => serializeResponse({ status, headers: [], body: empty }),
      );
      expect(error, `serializeResponse with status ${status} and a 1-byte body should throw a TypeError`).toBe('TypeError');
    }
  });

  test('serializeResponse refuses a Content-Length on 1xx or 204, keeps one on 304', {
    rules: ['W10'],
    hint: 'RFC 9110 §8.6: a server must not send Content-Length in a 1xx or 204 response; a 304 may carry the length the resource would have.',
  }, () => {
    for (const status of [103, 204]) {
      const error = thrown(
        'serializeResponse',
        () => serializeResponse({ status, headers: [['Content-Length', '0']], body: empty }),
        () => serializeResponse({ status, headers: [], body: empty }),
      );
      expect(error, `serializeResponse with status ${status} and Content-Length: 0 should throw a TypeError`).toBe('TypeError');
    }
    const wire = read(response({ status: 304, headers: [['Content-Length', '1234']], body: empty }));
    expect(values(wire, 'content-length'), 'the Content-Length of a 304 that gave Content-Length: 1234').toEqual(['1234']);
    expect(wire.body, 'the body of that 304').toBe('');
  });

  test('serializeResponse and serializeHead leave the response they are given unchanged', {
    rules: ['W14'],
    hint: 'Add Content-Length to a copy of the header list ([...response.headers]), never to the caller\'s array.',
  }, () => {
    const headers: [string, string][] = [['Content-Type', 'text/plain']];
    const input = { status: 200, headers, body: bytes('hello') };
    const first = show(response(input));
    expect(headers, `the caller's header array after serializeResponse of ${given(input)}`).toEqual([['Content-Type', 'text/plain']]);
    expect(input.headers, 'the response\'s headers property after serializeResponse: the same array').toBe(headers);
    expect(show(response(input)), 'serializeResponse of the same response a second time').toBe(first);
    const headInput = { status: 404, headers: [['X-A', '1']] as [string, string][] };
    bounded('serializeHead', () => serializeHead(headInput));
    expect(headInput, 'the head after serializeHead').toEqual({ status: 404, headers: [['X-A', '1']] });
  });

  test('serializeResponse refuses a Transfer-Encoding field', { rules: ['W11'] }, () => {
    for (const name of ['Transfer-Encoding', 'transfer-encoding']) {
      const error = thrown(
        'serializeResponse',
        () => serializeResponse({ status: 200, headers: [[name, 'chunked']], body: bytes('5\r\nhello\r\n0\r\n\r\n') }),
        () => serializeResponse({ status: 200, headers: [], body: bytes('hello') }),
      );
      expect(error, `serializeResponse with ${name}: chunked should throw a TypeError`).toBe('TypeError');
    }
  });

  test('encodeChunk writes the size in hex, CRLF, the data, CRLF', { rules: ['W12'], points: 2 }, () => {
    expect(show(bounded('encodeChunk', () => encodeChunk(bytes('hello')))), 'encodeChunk("hello")').toBe(show('5\r\nhello\r\n'));
    const big = 'x'.repeat(26);
    const encoded = text(bounded('encodeChunk', () => encodeChunk(bytes(big))));
    const [size, ...rest] = encoded.split('\r\n');
    expect(parseInt(size ?? '', 16), `the size line of encodeChunk of 26 bytes: ${show(size ?? '')}`).toBe(26);
    expect(/^[0-9a-fA-F]+$/.test(size ?? ''), `the size line ${show(size ?? '')} should be hex digits only`).toBe(true);
    expect(show(rest.join('\r\n')), 'the data and CRLF after the size line').toBe(show(big + '\r\n'));
  });

  test('encodeChunk of nothing is nothing (a zero-size chunk would end the body)', { rules: ['W12'] }, () => {
    expect(show(bounded('encodeChunk', () => encodeChunk(empty))), 'encodeChunk(empty)').toBe(show(''));
  });

  test('lastChunk ends the body, with optional trailers', { rules: ['W13'], points: 2 }, () => {
    expect(show(bounded('lastChunk', () => lastChunk())), 'lastChunk()').toBe(show('0\r\n\r\n'));
    const ended = text(bounded('lastChunk', () => lastChunk([['X-Checksum', '42'], ['X-More', 'yes']])));
    expect(ended.startsWith('0\r\n'), `lastChunk([X-Checksum: 42, X-More: yes]) should start with "0\\r\\n": ${show(ended)}`).toBe(true);
    expect(ended.endsWith('\r\n\r\n'), `it should end with an empty line: ${show(ended)}`).toBe(true);
    expect(show(ended), 'lastChunk([X-Checksum: 42, X-More: yes]): each trailer as "name: value", as serializeHead writes a field').toBe(
      show('0\r\nX-Checksum: 42\r\nX-More: yes\r\n\r\n'),
    );
  });

  test('lastChunk refuses a trailer that would break the framing', { rules: ['W13'] }, () => {
    for (const trailer of [['X-T', 'a\r\nX-Evil: 1'], ['X-T', 'a\nb'], ['Bad Name', 'v'], ['X:Y', 'v'], ['X-T', 'a\u010d\u010aX-Evil: 1']] as [string, string][]) {
      const error = thrown('lastChunk', () => lastChunk([trailer]), () => lastChunk([['X-T', 'fine']]));
      expect(error, `lastChunk with the trailer ${show(trailer.join(': '))} should throw a TypeError`).toBe('TypeError');
    }
  });
});
