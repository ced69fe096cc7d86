// Hidden tests for lab 1, the request side: request line, header fields, bodies, chunked bodies,
// incremental feeding and pipelining, limits and smuggling. Every call into the lab goes through
// `bounded`, so an endless loop fails one test instead of hanging the grade.
import { expect } from 'vitest';
import type { HeaderField, ParseEvent, ParserLimits, RequestHead } from '#contracts/http';
import {
  bodyFraming,
  parseChunkSize,
  parseHeaderField,
  parseRequestLine,
  RequestParser,
} from '@lab/http';
import { bounded, bytes, concatBytes, milestone, show, splits, test, text } from '../../harness/index.ts';

interface Parsed {
  method: string;
  target: string;
  version: string;
  headers: HeaderField[];
  body: string;
  trailers: HeaderField[] | null; // null while the request is not complete
}

/** Feeds the pieces to a fresh parser and gathers its events into requests. */
function parse(pieces: Uint8Array[] | string, limits?: Partial<ParserLimits>): Parsed[] {
  const input = typeof pieces === 'string' ? [bytes(pieces)] : pieces;
  const parser = bounded('new RequestParser()', () => new RequestParser(limits));
  const events: ParseEvent[] = [];
  for (const piece of input) events.push(...bounded('parser.feed()', () => parser.feed(piece)));
  return assemble(events);
}

/** Checks the event order the contract promises (head, body*, end) and builds requests from it. */
function assemble(events: ParseEvent[]): Parsed[] {
  const requests: Parsed[] = [];
  const bodies: Uint8Array[][] = [];
  for (const event of events) {
    const current = requests.at(-1);
    const open = current !== undefined && current.trailers === null;
    if (event.type === 'head') {
      if (open) throw new Error('feed() returned a head event before the previous request ended');
      const { method, target, version, headers } = event.head;
      requests.push({ method, target, version, headers, body: '', trailers: null });
      bodies.push([]);
    } else if (!open) {
      throw new Error(`feed() returned a ${event.type} event outside a request (no head before it)`);
    } else if (event.type === 'body') {
      bodies.at(-1)!.push(event.data);
      current.body = text(concatBytes(bodies.at(-1)!));
    } else {
      current.trailers = event.trailers;
    }
  }
  return requests;
}

/** The status of the HttpError the parser throws for this input, or 'accepted' if it throws none. */
function refusal(pieces: Uint8Array[] | string, limits?: Partial<ParserLimits>): number | 'accepted' {
  try {
    parse(pieces, limits);
    return 'accepted';
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number') return status;
    throw error;
  }
}

/** The status of the HttpError `fn` throws, or 'accepted'. */
function refusalOf(what: string, fn: () => unknown): number | 'accepted' {
  try {
    bounded(what, fn);
    return 'accepted';
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number') return status;
    throw error;
  }
}

const head = (lines: string[]): RequestHead => {
  const [method, target, version] = lines[0]!.split(' ') as [string, string, 'HTTP/1.1'];
  const field = (line: string): HeaderField => {
    const [name, value] = line.split(': ') as [string, string];
    return [name.toLowerCase(), value]; // as the parser gives them
  };
  return { method, target, version, headers: lines.slice(1).map(field) };
};

milestone('request-line', () => {
  test('splits a request line into method, target and version', { points: 2 }, () => {
    expect(bounded('parseRequestLine', () => parseRequestLine('GET /index.html HTTP/1.1'))).toEqual({
      method: 'GET',
      target: '/index.html',
      version: 'HTTP/1.1',
    });
  });

  test('keeps the target exactly as sent, query and percent-escapes included', {}, () => {
    const target = '/search?q=caf%C3%A9&page=2#frag';
    expect(bounded('parseRequestLine', () => parseRequestLine(`GET ${target} HTTP/1.1`)).target).toBe(target);
  });

  test('reads HTTP/1.0 as HTTP/1.0', {}, () => {
    expect(bounded('parseRequestLine', () => parseRequestLine('GET / HTTP/1.0')).version).toBe('HTTP/1.0');
  });

  test('accepts any method that is a token, in the case it was sent', {
    hint: 'Methods are case-sensitive tokens (RFC 9110 §9.1): keep them as they came, and do not limit them to a list.',
  }, () => {
    for (const method of ['PURGE', 'M-SEARCH', 'get']) {
      expect(bounded('parseRequestLine', () => parseRequestLine(`${method} / HTTP/1.1`)).method).toBe(method);
    }
  });

  test('accepts the asterisk and absolute forms of the target', {}, () => {
    expect(bounded('parseRequestLine', () => parseRequestLine('OPTIONS * HTTP/1.1')).target).toBe('*');
    const absolute = 'http://example.com:8080/a?b=c';
    expect(bounded('parseRequestLine', () => parseRequestLine(`GET ${absolute} HTTP/1.1`)).target).toBe(absolute);
  });

  test('refuses a line with missing parts (400)', {}, () => {
    for (const line of ['GET /', 'GET', '', '/ HTTP/1.1']) {
      expect(refusalOf('parseRequestLine', () => parseRequestLine(line)), show(line)).toBe(400);
    }
  });

  test('refuses extra or missing spaces (400)', {
    hint: 'Exactly one space separates the three parts. Splitting on /\\s+/ accepts lines a strict proxy would read differently.',
  }, () => {
    for (const line of ['GET  / HTTP/1.1', 'GET / HTTP/1.1 ', ' GET / HTTP/1.1', 'GET /a b HTTP/1.1', 'GET\t/ HTTP/1.1']) {
      expect(refusalOf('parseRequestLine', () => parseRequestLine(line)), show(line)).toBe(400);
    }
  });

  test('refuses a method that is not a token (400)', {}, () => {
    for (const line of ['G(ET / HTTP/1.1', 'GE"T / HTTP/1.1', 'G/T / HTTP/1.1']) {
      expect(refusalOf('parseRequestLine', () => parseRequestLine(line)), show(line)).toBe(400);
    }
  });

  test('refuses control characters in the target (400)', {}, () => {
    for (const line of ['GET /a\x01b HTTP/1.1', 'GET /a\x7fb HTTP/1.1', 'GET /\x00 HTTP/1.1']) {
      expect(refusalOf('parseRequestLine', () => parseRequestLine(line)), show(line)).toBe(400);
    }
  });

  test('refuses a malformed version (400)', {}, () => {
    for (const version of ['HTTP/1', 'HTTP/1.1.1', 'http/1.1', 'HTTX/1.1', 'HTTP/a.b', 'HTTP/11']) {
      expect(refusalOf('parseRequestLine', () => parseRequestLine(`GET / ${version}`)), version).toBe(400);
    }
  });

  test('answers 505 to a well-formed version other than 1.x', {
    hint: 'HTTP/2.0 is not a syntax error: the client spoke correctly, in a version we do not support.',
  }, () => {
    for (const version of ['HTTP/2.0', 'HTTP/3.0', 'HTTP/0.9']) {
      expect(refusalOf('parseRequestLine', () => parseRequestLine(`GET / ${version}`)), version).toBe(505);
    }
  });
});

milestone('headers', () => {
  test('splits a field line into a lowercased name and its value', { points: 2 }, () => {
    expect(bounded('parseHeaderField', () => parseHeaderField('Content-Type: text/html'))).toEqual([
      'content-type',
      'text/html',
    ]);
  });

  test('trims spaces and tabs around the value, not inside it', {}, () => {
    expect(bounded('parseHeaderField', () => parseHeaderField('X-Note: \t a  b \t '))).toEqual(['x-note', 'a  b']);
    expect(bounded('parseHeaderField', () => parseHeaderField('X-Tight:value'))).toEqual(['x-tight', 'value']);
  });

  test('accepts an empty value and a value with colons', {}, () => {
    expect(bounded('parseHeaderField', () => parseHeaderField('X-Empty:'))).toEqual(['x-empty', '']);
    expect(bounded('parseHeaderField', () => parseHeaderField('Host: example.com:8080'))).toEqual([
      'host',
      'example.com:8080',
    ]);
  });

  test('refuses whitespace between the name and the colon (400)', {
    hint: 'RFC 9112 §5.1 requires a 400 here: "Host : evil" is read differently by different servers.',
  }, () => {
    for (const line of ['Host : example.com', 'Host\t: example.com']) {
      expect(refusalOf('parseHeaderField', () => parseHeaderField(line)), show(line)).toBe(400);
    }
  });

  test('refuses a folded line that starts with whitespace (400)', {
    hint: 'A field line that begins with a space or tab continues the previous one (obs-fold), a form RFC 9112 lets servers refuse.',
  }, () => {
    for (const line of [' continued', '\tcontinued']) {
      expect(refusalOf('parseHeaderField', () => parseHeaderField(line)), show(line)).toBe(400);
    }
  });

  test('refuses a line without a colon or with a bad name (400)', {}, () => {
    for (const line of ['NoColonHere', ': empty-name', 'Bad Name: x', 'X(y): z', 'X@: y']) {
      expect(refusalOf('parseHeaderField', () => parseHeaderField(line)), show(line)).toBe(400);
    }
  });

  test('refuses control characters in a value (400)', {}, () => {
    for (const line of ['X: a\x00b', 'X: a\rb', 'X: a\x1bb']) {
      expect(refusalOf('parseHeaderField', () => parseHeaderField(line)), show(line)).toBe(400);
    }
  });

  test('gives the head with every field, in order, repeats kept', { points: 2, lesson: '01-http.md#header-fields' }, () => {
    const [request] = parse('GET / HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nX-A: 1\r\naccept: text/plain\r\n\r\n');
    expect(request?.headers).toEqual([
      ['host', 'x'],
      ['accept', 'text/html'],
      ['x-a', '1'],
      ['accept', 'text/plain'],
    ]);
  });

  test('keeps bytes above 127 in a value, one character per byte', {}, () => {
    const [request] = parse([bytes('GET / HTTP/1.1\r\nHost: x\r\nX-Name: caf\xe9\r\n\r\n')]);
    expect(request?.headers[1]).toEqual(['x-name', 'caf\xe9']);
  });

  test('requires exactly one Host header in HTTP/1.1 (400)', {
    hint: 'RFC 9112 §3.2: an HTTP/1.1 request without Host, or with two, gets a 400.',
  }, () => {
    expect(refusal('GET / HTTP/1.1\r\n\r\n')).toBe(400);
    expect(refusal('GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n')).toBe(400);
    expect(refusal('GET / HTTP/1.0\r\n\r\n')).toBe('accepted');
  });
});

milestone('bodies', () => {
  test('a request without a body is a head, then an end', { points: 2 }, () => {
    expect(parse('GET / HTTP/1.1\r\nHost: x\r\n\r\n')).toEqual([
      { method: 'GET', target: '/', version: 'HTTP/1.1', headers: [['host', 'x']], body: '', trailers: [] },
    ]);
  });

  test('reads exactly Content-Length bytes of body', { points: 2 }, () => {
    const [request] = parse('POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world');
    expect(request?.body).toBe('hello world');
    expect(request?.trailers).toEqual([]);
  });

  test('Content-Length: 0 means no body', {}, () => {
    const [request] = parse('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n');
    expect(request).toMatchObject({ body: '', trailers: [] });
  });

  test('passes body bytes on as they arrive, before the body is complete', {
    points: 2,
    hint: 'Emit a body event for the bytes you have; a server must be able to stream a large upload instead of holding it in memory.',
  }, () => {
    const [request] = parse([bytes('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n'), bytes('abc')]);
    expect(request?.body).toBe('abc');
    expect(request?.trailers, 'the request is not complete yet').toBe(null);
  });

  test('keeps every byte value of a binary body', {}, () => {
    const body = Uint8Array.from({ length: 256 }, (_, i) => i);
    const [request] = parse([bytes(`PUT /blob HTTP/1.1\r\nHost: x\r\nContent-Length: 256\r\n\r\n`), body]);
    expect(show(request?.body ?? '')).toBe(show(body));
  });

  test('bodyFraming reads the framing from a head', { points: 2 }, () => {
    const frame = (lines: string[]) => bounded('bodyFraming', () => bodyFraming(head(lines)));
    expect(frame(['GET / HTTP/1.1', 'Host: x'])).toEqual({ kind: 'none' });
    expect(frame(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 42'])).toEqual({ kind: 'length', length: 42 });
    expect(frame(['POST / HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked'])).toEqual({ kind: 'chunked' });
  });

  test('refuses a Content-Length that is not a decimal number (400)', {}, () => {
    for (const value of ['abc', '-1', '1.5', '+5', '0x10', '5 5', '']) {
      const raw = `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${value}\r\n\r\n`;
      expect(refusal(raw), `Content-Length: ${value}`).toBe(400);
    }
  });

  test('accepts a Content-Length repeated with the same value', {
    hint: 'RFC 9112 §6.3 lets a recipient accept "5, 5" or two lines of 5: the value is not in doubt.',
  }, () => {
    const twice = parse('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello');
    expect(twice[0]?.body).toBe('hello');
    const listed = parse('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello');
    expect(listed[0]?.body).toBe('hello');
  });
});

milestone('chunked', () => {
  test('parseChunkSize reads hexadecimal sizes', { points: 2 }, () => {
    const size = (line: string) => bounded('parseChunkSize', () => parseChunkSize(line));
    expect([size('0'), size('5'), size('a'), size('1A'), size('ff'), size('00010')]).toEqual([0, 5, 10, 26, 255, 16]);
  });

  test('parseChunkSize ignores chunk extensions', {}, () => {
    const size = (line: string) => bounded('parseChunkSize', () => parseChunkSize(line));
    expect(size('5;name=value')).toBe(5);
    expect(size('1a;a=1;b="two"')).toBe(26);
    expect(size('5 ;ext')).toBe(5);
  });

  test('parseChunkSize refuses sizes that are not hex digits (400)', {}, () => {
    for (const line of ['', 'xyz', '-5', '0x5', ' 5', '5.0', ';ext']) {
      expect(refusalOf('parseChunkSize', () => parseChunkSize(line)), show(line)).toBe(400);
    }
  });

  test('decodes a chunked body', { points: 3 }, () => {
    const [request] = parse(
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    );
    expect(request?.body).toBe('hello world');
    expect(request?.trailers).toEqual([]);
  });

  test('ignores chunk extensions inside a body', {}, () => {
    const [request] = parse(
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;sig=abc\r\nabc\r\n0;last\r\n\r\n',
    );
    expect(request?.body).toBe('abc');
  });

  test('reports trailer fields with the end of the request', { points: 2 }, () => {
    const [request] = parse(
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Checksum: 42\r\nX-More: yes\r\n\r\n',
    );
    expect(request?.trailers).toEqual([
      ['x-checksum', '42'],
      ['x-more', 'yes'],
    ]);
    expect(request?.headers).toEqual([
      ['host', 'x'],
      ['transfer-encoding', 'chunked'],
    ]);
  });

  test('matches the coding name case-insensitively', {}, () => {
    const [request] = parse('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n');
    expect(request?.body).toBe('hi');
  });

  test('refuses chunk data not followed by CRLF (400)', {
    hint: 'After exactly size bytes of data comes CRLF. Anything else means the size was a lie.',
  }, () => {
    expect(refusal('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n')).toBe(400);
  });

  test('refuses a bad chunk size inside a body (400)', {}, () => {
    expect(refusal('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n')).toBe(400);
  });

  test('answers 501 to a transfer coding it does not implement', {
    hint: 'The request is well-formed, but "gzip, chunked" asks the server to undo a coding it does not know: 501 Not Implemented.',
  }, () => {
    expect(refusal('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n')).toBe(501);
  });

  test('refuses a request whose last coding is not chunked (400)', {
    hint: 'RFC 9112 §6.3: without chunked last, the end of a request body cannot be found, and the server must answer 400.',
  }, () => {
    expect(refusal('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n')).toBe(400);
    expect(refusal('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n')).toBe(400);
  });
});

const FIXTURES = [
  'GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n',
  'POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nline1\r\nline2',
  'PUT /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\nX-T: 1\r\n\r\n',
];

milestone('pipelining', () => {
  test('gives the same requests however the bytes are cut', {
    points: 3,
    hint: 'Keep unconsumed bytes in a buffer between calls: a line, a CRLF or a chunk size can be split anywhere, even between CR and LF.',
  }, () => {
    for (const fixture of FIXTURES) {
      const whole = parse(fixture);
      expect(whole).toHaveLength(1);
      for (const { name, pieces } of splits(bytes(fixture))) {
        expect(parse(pieces), `${name}: ${show(fixture)}`).toEqual(whole);
      }
    }
  });

  test('returns nothing until a head is complete', {}, () => {
    const parser = bounded('new RequestParser()', () => new RequestParser());
    expect(bounded('parser.feed()', () => parser.feed(bytes('GET /index.ht')))).toEqual([]);
    expect(bounded('parser.feed()', () => parser.feed(bytes('ml HTTP/1.1\r\nHost: x\r\n')))).toEqual([]);
    const events = bounded('parser.feed()', () => parser.feed(bytes('\r\n')));
    expect(events.map((e) => e.type)).toEqual(['head', 'end']);
  });

  test('reads two requests sent in one piece, in order', { points: 2 }, () => {
    const requests = parse('GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(requests.map((r) => r.target)).toEqual(['/one', '/two']);
    expect(requests.every((r) => r.trailers !== null)).toBe(true);
  });

  test('keeps each body to its own request', {
    points: 3,
    hint: 'A body ends where its framing says; the bytes after it are the next request, not more body.',
  }, () => {
    const all = FIXTURES.join('') + 'DELETE /x HTTP/1.1\r\nHost: x\r\n\r\n';
    for (const { name, pieces } of splits(bytes(all))) {
      const requests = parse(pieces);
      expect(requests.map((r) => [r.method, r.body]), name).toEqual([
        ['GET', ''],
        ['POST', 'line1\r\nline2'],
        ['PUT', 'Wikipedia'],
        ['DELETE', ''],
      ]);
    }
  });

  test('finishes a request as soon as its last byte arrives', {}, () => {
    const parser = bounded('new RequestParser()', () => new RequestParser());
    const first = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi';
    const events = bounded('parser.feed()', () => parser.feed(bytes(first + 'GET /next HT')));
    expect(events.map((e) => e.type)).toEqual(['head', 'body', 'end']);
    const rest = bounded('parser.feed()', () => parser.feed(bytes('TP/1.1\r\nHost: x\r\n\r\n')));
    expect(assemble(rest).map((r) => r.target)).toEqual(['/next']);
  });

  test('reads a hundred pipelined requests', {}, () => {
    const many = Array.from({ length: 100 }, (_, i) => `GET /${i} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
    const targets = parse(many).map((r) => r.target);
    expect(targets).toEqual(Array.from({ length: 100 }, (_, i) => `/${i}`));
  });
});

milestone('limits', () => {
  const small: Partial<ParserLimits> = { maxRequestLineBytes: 64, maxHeaderBytes: 128, maxBodyBytes: 16 };

  test('answers 414 to a request line over maxRequestLineBytes', { points: 2 }, () => {
    expect(refusal(`GET /${'a'.repeat(100)} HTTP/1.1\r\nHost: x\r\n\r\n`, small)).toBe(414);
    expect(refusal(`GET /${'a'.repeat(40)} HTTP/1.1\r\nHost: x\r\n\r\n`, small)).toBe('accepted');
  });

  test('answers 414 before a long request line even ends', {
    points: 2,
    hint: 'If no CRLF has come yet but the buffer already holds more than the limit, refuse now: waiting lets a client fill your memory.',
  }, () => {
    expect(refusal([bytes(`GET /${'a'.repeat(200)}`)], small)).toBe(414);
  });

  test('the default request-line limit refuses a 10,000-byte target (414)', {}, () => {
    expect(refusal(`GET /${'a'.repeat(10_000)} HTTP/1.1\r\nHost: x\r\n\r\n`)).toBe(414);
  });

  test('answers 431 to a header section over maxHeaderBytes', { points: 2 }, () => {
    const many = Array.from({ length: 20 }, (_, i) => `X-${i}: value\r\n`).join('');
    expect(refusal(`GET / HTTP/1.1\r\nHost: x\r\n${many}\r\n`, small)).toBe(431);
    expect(refusal(`GET / HTTP/1.1\r\nHost: x\r\nX-1: a\r\n\r\n`, small)).toBe('accepted');
  });

  test('answers 431 before an endless header line ends', { points: 2 }, () => {
    expect(refusal([bytes(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(500)}`)], small)).toBe(431);
  });

  test('answers 413 to a Content-Length over maxBodyBytes, before the body arrives', {
    points: 2,
    hint: 'The head announces the size: refuse as soon as you read it, without waiting for the bytes.',
  }, () => {
    expect(refusal('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n', small)).toBe(413);
  });

  test('accepts a body of exactly maxBodyBytes', {}, () => {
    const [request] = parse(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n${'z'.repeat(16)}`, small);
    expect(request?.body).toBe('z'.repeat(16));
  });

  test('answers 413 when chunks add up to more than maxBodyBytes', { points: 2 }, () => {
    const chunks = '8\r\n12345678\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n';
    expect(refusal(`POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`, small)).toBe(413);
  });

  test('refuses Content-Length together with Transfer-Encoding (400)', {
    points: 2,
    hint: 'Two servers that pick different framings read different requests from the same bytes. Refuse the ambiguity.',
    lesson: '01-http.md#limits-and-smuggling',
  }, () => {
    const raw = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n';
    expect(refusal(raw)).toBe(400);
  });

  test('refuses conflicting Content-Length values (400)', { points: 2 }, () => {
    expect(refusal('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!')).toBe(400);
    expect(refusal('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!')).toBe(400);
  });

  test('refuses a smuggled request hidden behind whitespace before a colon (400)', {}, () => {
    const raw = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n';
    expect(refusal(raw)).toBe(400);
  });
});
