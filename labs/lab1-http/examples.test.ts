// Visible examples for lab 1: run them with `npm run examples lab1`. Each milestone has an example
// or two, declared like the hidden tests (milestone(), and test() with the lesson's rules it shows
// and a hint). They show the shape of the API; the hidden tests (`npm run grade lab1`) check much
// more. Add your own tests here freely.
import { expect } from 'vitest';
import { milestone, test } from '../../grader/harness/index.ts';
import type { ParseEvent } from '#contracts/http';
import {
  RequestParser,
  bodyFraming,
  encodeChunk,
  lastChunk,
  parseChunkSize,
  parseHeaderField,
  parseRequestLine,
  reasonPhrase,
  serializeHead,
  serializeResponse,
} from './index.ts';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Events as short strings, easy to compare: 'head POST /notes', 'body "hi"', 'end'. */
function describeEvents(events: ParseEvent[]): string[] {
  return events.map((event) => {
    if (event.type === 'head') return `head ${event.head.method} ${event.head.target}`;
    if (event.type === 'body') return `body ${JSON.stringify(decode(event.data))}`;
    return event.trailers.length > 0 ? `end ${JSON.stringify(event.trailers)}` : 'end';
  });
}

/** The status of the HttpError that `fn` throws (400, 413, ...), or what happened instead. */
function statusOf(fn: () => unknown): number | string {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return (error as { status?: number }).status ?? String(error);
  }
}

milestone('request-line', () => {
  test('splits a request line into method, target and version', {
    rules: ['R1', 'R3', 'R4'],
    hint: 'Split on single spaces: exactly three parts. Keep the method and the target exactly as sent.',
  }, () => {
    expect(parseRequestLine('DELETE /cart/items/7?undo=no HTTP/1.1')).toEqual({
      method: 'DELETE',
      target: '/cart/items/7?undo=no',
      version: 'HTTP/1.1',
    });
  });

  test('a malformed version is 400, a version that is not 1.x is 505', {
    rules: ['R6', 'R7', 'R8'],
    hint: 'Check the shape HTTP/DIGIT.DIGIT first (400), then the major number (505).',
  }, () => {
    expect(parseRequestLine('HEAD /books HTTP/1.0').version).toBe('HTTP/1.0');
    expect(statusOf(() => parseRequestLine('HEAD /books HTTP/one'))).toBe(400);
    expect(statusOf(() => parseRequestLine('HEAD /books HTTP/4.2'))).toBe(505);
  });
});

milestone('headers', () => {
  test('parseHeaderField lowercases the name and trims the value', {
    rules: ['H5', 'H7'],
    hint: 'The name is everything before the first colon; the value is the rest, without spaces and tabs around it.',
  }, () => {
    expect(parseHeaderField('X-Shelf-Id:   b-12  ')).toEqual(['x-shelf-id', 'b-12']);
    expect(statusOf(() => parseHeaderField('X-Shelf-Id b-12'))).toBe(400);
  });

  test('the head event lists every field, in order, repeats kept', {
    rules: ['H8', 'H9'],
    hint: 'Collect the field lines until the empty line, then emit one head event with all of them.',
  }, () => {
    const parser = new RequestParser();
    const events = parser.feed(encode('GET /shelf HTTP/1.1\r\nHost: library.test\r\nTag: new\r\nTag: sale\r\n\r\n'));
    expect(describeEvents(events)).toEqual(['head GET /shelf', 'end']);
    const head = events[0];
    expect(head?.type === 'head' && head.head.headers).toEqual([
      ['host', 'library.test'],
      ['tag', 'new'],
      ['tag', 'sale'],
    ]);
    // HTTP/1.1 needs a Host field.
    expect(statusOf(() => new RequestParser().feed(encode('GET /shelf HTTP/1.1\r\nTag: new\r\n\r\n')))).toBe(400);
  });
});

milestone('bodies', () => {
  test('reads exactly Content-Length bytes of body', {
    rules: ['B2', 'B3'],
    hint: 'After the head, bodyFraming says how many bytes belong to the body; count them down as they arrive.',
  }, () => {
    const parser = new RequestParser();
    const events = parser.feed(encode('PUT /notes/3 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nmilk!'));
    expect(describeEvents(events)).toEqual(['head PUT /notes/3', 'body "milk!"', 'end']);
  });

  test('bodyFraming reads the framing, and refuses a Content-Length that is not digits', {
    rules: ['B2', 'B4'],
    hint: 'No Content-Length (or 0) is no body; a value must be decimal digits and nothing else.',
  }, () => {
    const head = (headers: Array<[string, string]>) => ({ method: 'POST', target: '/', version: 'HTTP/1.1' as const, headers });
    expect(bodyFraming(head([['host', 'x']]))).toEqual({ kind: 'none' });
    expect(bodyFraming(head([['host', 'x'], ['content-length', '1200']]))).toEqual({ kind: 'length', length: 1200 });
    expect(statusOf(() => bodyFraming(head([['host', 'x'], ['content-length', '12kb']])))).toBe(400);
  });
});

milestone('chunked', () => {
  test('parseChunkSize reads a size in hexadecimal', {
    rules: ['C1', 'C2'],
    hint: 'Hex digits in either case, then an optional ;extension that you check and ignore.',
  }, () => {
    expect(parseChunkSize('ff')).toBe(255);
    expect(parseChunkSize('1C;lang=en')).toBe(28);
    expect(statusOf(() => parseChunkSize('twelve'))).toBe(400);
  });

  test('decodes a chunked body, trailers included', {
    rules: ['C1', 'C3', 'C4'],
    hint: 'Size line, that many bytes, CRLF; repeat until the size 0, then read trailer lines up to an empty line.',
  }, () => {
    const parser = new RequestParser();
    const raw = 'POST /log HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nDigest: ok\r\n\r\n';
    expect(describeEvents(parser.feed(encode(raw)))).toEqual([
      'head POST /log',
      'body "abc"',
      'body "de"',
      'end [["digest","ok"]]',
    ]);
  });
});

milestone('pipelining', () => {
  test('waits for the rest of a request that arrives in pieces', {
    rules: ['P1', 'P2'],
    hint: 'Keep the bytes you could not use yet in a buffer, and go on from there at the next feed.',
  }, () => {
    const parser = new RequestParser();
    expect(parser.feed(encode('GET /ma'))).toEqual([]);
    expect(parser.feed(encode('ps HTTP/1.1\r\nHo'))).toEqual([]);
    expect(describeEvents(parser.feed(encode('st: x\r\n\r\n')))).toEqual(['head GET /maps', 'end']);
  });

  test('reads requests sent back to back, in order', {
    rules: ['P3'],
    hint: 'After one request ends, go on reading the buffer: the next request may already be there.',
  }, () => {
    const parser = new RequestParser();
    const raw =
      'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nokGET /b HTTP/1.1\r\nHost: x\r\n\r\n';
    expect(describeEvents(parser.feed(encode(raw)))).toEqual(['head POST /a', 'body "ok"', 'end', 'head GET /b', 'end']);
  });
});

milestone('limits', () => {
  test('a request line longer than maxRequestLineBytes is 414', {
    rules: ['L1', 'L2'],
    hint: 'Compare the length of the line with this.limits.maxRequestLineBytes before you parse it.',
  }, () => {
    const parser = new RequestParser({ maxRequestLineBytes: 20 });
    expect(statusOf(() => parser.feed(encode('GET /a-rather-long-path HTTP/1.1\r\nHost: x\r\n\r\n')))).toBe(414);
  });

  test('a body bigger than maxBodyBytes is 413, a request with two framings is 400', {
    rules: ['L6', 'B1'],
    hint: 'Check Content-Length against maxBodyBytes as soon as the head is complete; Content-Length with Transfer-Encoding is ambiguous.',
  }, () => {
    const small = new RequestParser({ maxBodyBytes: 10 });
    expect(statusOf(() => small.feed(encode('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n')))).toBe(413);
    const both = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n';
    expect(statusOf(() => new RequestParser().feed(encode(both)))).toBe(400);
  });
});

milestone('serializer', () => {
  test('writes a response with its Content-Length', {
    rules: ['W1', 'W2', 'W3', 'W7'],
    hint: 'Status line, then each field as "name: value" CRLF, then Content-Length (in bytes), an empty line and the body.',
  }, () => {
    expect(reasonPhrase(418)).toBe("I'm a Teapot");
    const bytes = serializeResponse({ status: 201, headers: [['Location', '/notes/4']], body: encode('made') });
    expect(decode(bytes)).toBe('HTTP/1.1 201 Created\r\nLocation: /notes/4\r\nContent-Length: 4\r\n\r\nmade');
  });

  test('writes a head alone, and chunks', {
    rules: ['W2', 'W12', 'W13'],
    hint: 'A chunk is its size in hex, CRLF, the data, CRLF; the last chunk is 0, CRLF, the trailers, CRLF.',
  }, () => {
    const head = serializeHead({ status: 200, reason: 'Fine', headers: [['Transfer-Encoding', 'chunked']] });
    expect(decode(head)).toBe('HTTP/1.1 200 Fine\r\nTransfer-Encoding: chunked\r\n\r\n');
    expect(decode(encodeChunk(encode('0123456789abcdef!')))).toBe('11\r\n0123456789abcdef!\r\n');
    expect(decode(lastChunk())).toBe('0\r\n\r\n');
  });
});
