// Hidden tests for lab 1, the request side: lines, request line, header fields, bodies, chunked
// bodies, incremental feeding and pipelining, refusals, limits. Every call into the lab goes
// through `bounded`, so an endless loop fails one test instead of hanging the grade. Every test
// names the rules of lessons/01-http.md it checks; failures show the bytes fed, with CR and LF
// visible.
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
  // One time bound for the whole parse: the calls inside share it (the harness's `bounded`).
  const events = bounded('parsing', () => {
    const parser = bounded('new RequestParser()', () => new RequestParser(limits));
    const all: ParseEvent[] = [];
    for (const piece of input) all.push(...bounded('parser.feed()', () => parser.feed(piece)));
    return all;
  });
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
    } else if (event.type === 'end') {
      current.trailers = event.trailers;
    } else {
      throw new Error(`feed() returned an event of type ${JSON.stringify((event as { type: unknown }).type)}: the types are 'head', 'body' and 'end'`);
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

/** What one feed() call does: the events it returns, or the status and events of the error it throws. */
function feedOnce(parser: RequestParser, piece: string): { events: ParseEvent[] } | { status: number; events: unknown } {
  try {
    return { events: bounded('parser.feed()', () => parser.feed(bytes(piece))) };
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status !== 'number') throw error;
    return { status, events: (error as { events?: unknown }).events };
  }
}

/** Events as short readable strings: `head GET /a`, `body "hi"`, `end []`. */
function listed(events: unknown): string[] | unknown {
  if (!Array.isArray(events)) return events;
  return (events as ParseEvent[]).map((event) =>
    event.type === 'head'
      ? `head ${event.head.method} ${event.head.target}`
      : event.type === 'body'
        ? `body ${show(event.data)}`
        : `end ${JSON.stringify(event.trailers)}`,
  );
}

const head = (lines: string[]): RequestHead => {
  const [method, target, version] = lines[0]!.split(' ') as [string, string, 'HTTP/1.1'];
  const field = (line: string): HeaderField => {
    const [name, value] = line.split(': ') as [string, string];
    return [name.toLowerCase(), value]; // as the parser gives them
  };
  return { method, target, version, headers: lines.slice(1).map(field) };
};

const requestLine = (line: string) => bounded('parseRequestLine', () => parseRequestLine(line));
const field = (line: string) => bounded('parseHeaderField', () => parseHeaderField(line));
const chunkSize = (line: string) => bounded('parseChunkSize', () => parseChunkSize(line));
const chunkedPost = (chunks: string) => `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`;

milestone('request-line', () => {
  test('splits a request line into method, target and version', { rules: ['R1'], points: 2 }, () => {
    expect(requestLine('GET /index.html HTTP/1.1'), show('GET /index.html HTTP/1.1')).toEqual({
      method: 'GET',
      target: '/index.html',
      version: 'HTTP/1.1',
    });
  });

  test('refuses a line with missing parts (400)', { rules: ['R1'] }, () => {
    for (const line of ['GET /', 'GET', '', '/ HTTP/1.1']) {
      expect(refusalOf('parseRequestLine', () => parseRequestLine(line)), `should refuse ${show(line)} with 400`).toBe(400);
    }
  });

  test('refuses extra or missing spaces (400)', {
    rules: ['R1'],
    hint: 'Exactly one space separates the three parts. Splitting on /\\s+/ accepts lines a strict proxy would read differently.',
  }, () => {
    for (const line of ['GET  / HTTP/1.1', 'GET / HTTP/1.1 ', ' GET / HTTP/1.1', 'GET /a b HTTP/1.1', 'GET\t/ HTTP/1.1']) {
      expect(refusalOf('parseRequestLine', () => parseRequestLine(line)), `should refuse ${show(line)} with 400`).toBe(400);
    }
  });

  test('refuses a method that is not a token (400)', { rules: ['R2'] }, () => {
    for (const line of ['G(ET / HTTP/1.1', 'GE"T / HTTP/1.1', 'G/T / HTTP/1.1', 'GE@T / HTTP/1.1', 'G,ET / HTTP/1.1']) {
      expect(refusalOf('parseRequestLine', () => parseRequestLine(line)), `should refuse ${show(line)} with 400`).toBe(400);
    }
  });

  test('accepts any method that is a token, in the case it was sent', {
    rules: ['R3'],
    hint: 'Methods are case-sensitive tokens (RFC 9110 §9.1): keep them as they came, and do not limit them to a list.',
  }, () => {
    for (const method of ['PURGE', 'M-SEARCH', 'get', 'MKCOL', 'Patch']) {
      expect(requestLine(`${method} / HTTP/1.1`).method, `the method of ${show(`${method} / HTTP/1.1`)}`).toBe(method);
    }
  });

  test('keeps the target exactly as sent, query and percent-escapes included', { rules: ['R4'] }, () => {
    for (const target of ['/search?q=caf%C3%A9&page=2#frag', '/~user/!a~', '/!']) {
      expect(requestLine(`GET ${target} HTTP/1.1`).target, `the target of ${show(`GET ${target} HTTP/1.1`)} (! and ~ are the ends of visible ASCII)`).toBe(target);
    }
  });

  test('refuses a target with control characters or bytes above 127 (400)', { rules: ['R4'] }, () => {
    for (const line of ['GET /a\x01b HTTP/1.1', 'GET /a\x7fb HTTP/1.1', 'GET /\x00 HTTP/1.1', 'GET /caf\xe9 HTTP/1.1']) {
      expect(refusalOf('parseRequestLine', () => parseRequestLine(line)), `should refuse ${show(line)} with 400`).toBe(400);
    }
  });

  test('accepts each target form with the methods that may use it', {
    rules: ['R5'],
    hint: 'origin-form (/...) and absolute-form (scheme://authority...) for any method but CONNECT; * for OPTIONS; host:port for CONNECT only.',
  }, () => {
    for (const [method, target] of [
      ['GET', '/'],
      ['OPTIONS', '*'],
      ['OPTIONS', '/x'],
      ['GET', 'http://example.com:8080/a?b=c'],
      ['GET', 'http://example.com'],
      ['POST', 'https://example.com?q=1'],
      ['CONNECT', 'example.com:443'],
      ['CONNECT', '[::1]:8443'],
    ]) {
      const line = `${method} ${target} HTTP/1.1`;
      expect(requestLine(line).target, `should accept ${show(line)}`).toBe(target);
    }
  });

  test('refuses a target whose form its method may not use (400)', {
    rules: ['R5'],
    hint: 'A target that is not /..., scheme://authority..., * (OPTIONS only) or host:port (CONNECT only) is 400 (RFC 9112 §3.2).',
  }, () => {
    for (const line of [
      'GET foo/bar HTTP/1.1',
      'GET * HTTP/1.1',
      'GET example.com:443 HTTP/1.1',
      'GET mailto:a HTTP/1.1',
      'GET http:///path HTTP/1.1',
      'GET http://user@example.com/ HTTP/1.1',
      'CONNECT / HTTP/1.1',
      'CONNECT http://example.com/ HTTP/1.1',
      'CONNECT example.com HTTP/1.1',
      'CONNECT * HTTP/1.1',
      'CONNECT user@example.com:443 HTTP/1.1',
      'CONNECT /example.com:443 HTTP/1.1',
      'CONNECT example.com:443/a HTTP/1.1',
      'CONNECT example.com: HTTP/1.1',
      'connect example.com:443 HTTP/1.1',
      'GET 1http://example.com/ HTTP/1.1',
      'GET .http://example.com/ HTTP/1.1',
      'OPTIONS foo HTTP/1.1',
      'OPTIONS example.com:443 HTTP/1.1',
    ]) {
      expect(refusalOf('parseRequestLine', () => parseRequestLine(line)), `should refuse ${show(line)} with 400`).toBe(400);
    }
  });

  test('refuses a malformed version (400)', { rules: ['R6'] }, () => {
    for (const version of ['HTTP/1', 'HTTP/1.1.1', 'http/1.1', 'Http/1.1', 'HTTX/1.1', 'HTTP/a.b', 'HTTP/11', 'HTTP/1.10', 'HTTP/10.1', 'XHTTP/1.1', '1HTTP/1.1']) {
      const line = `GET / ${version}`;
      expect(refusalOf('parseRequestLine', () => parseRequestLine(line)), `should refuse ${show(line)} with 400`).toBe(400);
    }
  });

  test('answers 505 to a well-formed version other than 1.x', {
    rules: ['R7'],
    hint: 'HTTP/2.0 is not a syntax error: the client spoke correctly, in a version we do not support.',
  }, () => {
    for (const version of ['HTTP/2.0', 'HTTP/3.0', 'HTTP/0.9']) {
      const line = `GET / ${version}`;
      expect(refusalOf('parseRequestLine', () => parseRequestLine(line)), `should refuse ${show(line)} with 505`).toBe(505);
    }
  });

  test('checks the parts in order: a bad method or target is 400 even with an unsupported version', {
    rules: ['R9'],
    hint: 'Check the method and the target before the version: the first problem decides, and 505 would say only the version was wrong.',
  }, () => {
    for (const line of ['GET foo HTTP/2.0', 'G(T / HTTP/2.0', 'GET * HTTP/3.0', 'CONNECT / HTTP/2.0', 'GET /a\x7fb HTTP/2.0']) {
      expect(refusalOf('parseRequestLine', () => parseRequestLine(line)), `should refuse ${show(line)} with 400 (its target or method is wrong before its version)`).toBe(400);
    }
  });

  test('reads HTTP/1.0 as HTTP/1.0, and any other 1.x as HTTP/1.1', { rules: ['R8'] }, () => {
    for (const [version, read] of [
      ['HTTP/1.0', 'HTTP/1.0'],
      ['HTTP/1.1', 'HTTP/1.1'],
      ['HTTP/1.7', 'HTTP/1.1'],
      ['HTTP/1.9', 'HTTP/1.1'],
    ]) {
      expect(requestLine(`GET / ${version}`).version, `the version of ${show(`GET / ${version}`)}`).toBe(read);
    }
  });
});

milestone('headers', () => {
  test('refuses a line that ends in a bare LF, wherever it is (400)', {
    rules: ['M1'],
    hint: 'When you find the LF, look at the byte before it: it must be a CR.',
  }, () => {
    for (const raw of [
      'GET / HTTP/1.1\nHost: x\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\n\n',
      '\nGET / HTTP/1.1\r\nHost: x\r\n\r\n',
      chunkedPost('2\nhi\r\n0\r\n\r\n'),
      chunkedPost('2\r\nhi\r\n0\r\nX-T: 1\n\r\n'),
    ]) {
      expect(refusal(raw), `should refuse ${show(raw)} with 400`).toBe(400);
    }
  });

  test('skips empty lines before a request line', { rules: ['M2'] }, () => {
    const raw = '\r\n\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n';
    expect(parse(raw).map((r) => r.target), `the targets read from ${show(raw)}`).toEqual(['/a', '/b']);
  });

  test('refuses a folded line that starts with whitespace (400)', {
    rules: ['H1'],
    hint: 'A field line that begins with a space or tab continues the previous one (obs-fold), a form RFC 9112 lets servers refuse.',
  }, () => {
    for (const line of [' continued', '\tcontinued', ' X-Folded: value', '\tX-Folded: value']) {
      expect(refusalOf('parseHeaderField', () => parseHeaderField(line)), `should refuse ${show(line)} with 400`).toBe(400);
    }
    const raw = 'GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n';
    expect(refusal(raw), `should refuse ${show(raw)} with 400, not join the lines`).toBe(400);
  });

  test('refuses a field line without a colon (400)', { rules: ['H2'] }, () => {
    for (const line of ['NoColonHere', 'X-Name value']) {
      expect(refusalOf('parseHeaderField', () => parseHeaderField(line)), `should refuse ${show(line)} with 400`).toBe(400);
    }
  });

  test('refuses whitespace between the name and the colon (400)', {
    rules: ['H3'],
    hint: 'RFC 9112 §5.1 requires a 400 here: "Host : evil" is read differently by different servers.',
  }, () => {
    for (const line of ['Host : example.com', 'Host\t: example.com', 'Transfer-Encoding  : chunked']) {
      expect(refusalOf('parseHeaderField', () => parseHeaderField(line)), `should refuse ${show(line)} with 400`).toBe(400);
    }
  });

  test('refuses a name that is empty or not a token (400)', { rules: ['H4'] }, () => {
    for (const line of [': empty-name', 'Bad Name: x', 'X(y): z', 'X@: y', 'X\x7f: y']) {
      expect(refusalOf('parseHeaderField', () => parseHeaderField(line)), `should refuse ${show(line)} with 400`).toBe(400);
    }
  });

  test('the value is what follows the first colon, without the spaces and tabs around it', { rules: ['H5'], points: 2 }, () => {
    for (const [line, value] of [
      ['Content-Type: text/html', 'text/html'],
      ['X-Note: \t a  b \t ', 'a  b'],
      ['X-Tight:value', 'value'],
      ['X-Empty:', ''],
      ['X-Blank:   ', ''],
      ['Host: example.com:8080', 'example.com:8080'],
      ['X-Nbsp: \xa0a\xa0', '\xa0a\xa0'],
      ['X-Case: MiXeD Case', 'MiXeD Case'],
    ]) {
      expect(field(line)[1], `the value of ${show(line)}`).toBe(value);
    }
  });

  test('refuses control characters in a value (400)', { rules: ['H6'] }, () => {
    for (const line of ['X: a\x00b', 'X: a\rb', 'X: a\x1bb', 'X: a\x7fb']) {
      expect(refusalOf('parseHeaderField', () => parseHeaderField(line)), `should refuse ${show(line)} with 400`).toBe(400);
    }
  });

  test('keeps bytes above 127 in a value, one character per byte', { rules: ['H6'] }, () => {
    const raw = 'GET / HTTP/1.1\r\nHost: x\r\nX-Name: caf\xe9\r\n\r\n';
    const [request] = parse([bytes(raw)]);
    expect(request?.headers[1], `the second field of ${show(raw)}`).toEqual(['x-name', 'caf\xe9']);
  });

  test('lowercases the field name', { rules: ['H7'] }, () => {
    for (const [line, name] of [
      ['Content-Type: text/html', 'content-type'],
      ['CONTENT-LENGTH: 5', 'content-length'],
      ['x-already: y', 'x-already'],
    ]) {
      expect(field(line)[0], `the name of ${show(line)}`).toBe(name);
    }
  });

  test('gives the head with every field, in order, repeats kept', { rules: ['H8'], points: 2 }, () => {
    const raw = 'GET / HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nX-A: 1\r\naccept: text/plain\r\nX-A: 2\r\n\r\n';
    const [request] = parse(raw);
    expect(request?.headers, `the headers of ${show(raw)}`).toEqual([
      ['host', 'x'],
      ['accept', 'text/html'],
      ['x-a', '1'],
      ['accept', 'text/plain'],
      ['x-a', '2'],
    ]);
  });

  test('requires exactly one Host header in HTTP/1.1, at most one in HTTP/1.0 (400)', {
    rules: ['H9'],
    hint: 'RFC 9112 §3.2: an HTTP/1.1 request without Host, or any request with two, gets a 400.',
  }, () => {
    for (const [raw, expected] of [
      ['GET / HTTP/1.1\r\n\r\n', 400],
      ['GET http://example.com/ HTTP/1.1\r\n\r\n', 400],
      ['GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400],
      ['GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n', 400],
      ['GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n', 400],
      ['GET / HTTP/1.0\r\n\r\n', 'accepted'],
      ['GET / HTTP/1.1\r\nHost: a\r\n\r\n', 'accepted'],
    ] as const) {
      expect(refusal(raw), `${show(raw)} should be ${expected === 400 ? 'refused with 400' : 'accepted'}`).toBe(expected);
    }
  });

  test("an absolute-form target's authority becomes the host", {
    rules: ['H10'],
    hint: 'RFC 9112 §3.2.2: with GET http://authority/... the Host field is ignored and the authority is the host. Replace the value of the host entry, in its place.',
  }, () => {
    const raw = 'GET http://example.com:8080/a?b HTTP/1.1\r\nAccept: */*\r\nHost: other.test\r\nX-A: 1\r\n\r\n';
    const [request] = parse(raw);
    expect(request?.target, `the target of ${show(raw)}`).toBe('http://example.com:8080/a?b');
    expect(request?.headers, `the headers of ${show(raw)}`).toEqual([
      ['accept', '*/*'],
      ['host', 'example.com:8080'],
      ['x-a', '1'],
    ]);
    const old = 'GET http://example.com/ HTTP/1.0\r\nAccept: */*\r\n\r\n';
    expect(parse(old)[0]?.headers, `the headers of ${show(old)}`).toEqual([
      ['accept', '*/*'],
      ['host', 'example.com'],
    ]);
    const exact = 'GET http://Example.COM:80/a HTTP/1.1\r\nHost: x\r\n\r\n';
    expect(parse(exact)[0]?.headers, `the headers of ${show(exact)} (the authority as written: case and port kept)`).toEqual([['host', 'Example.COM:80']]);
    const plain = 'GET /a HTTP/1.1\r\nHost: other.test\r\n\r\n';
    expect(parse(plain)[0]?.headers, `the headers of ${show(plain)} (origin-form: Host as sent)`).toEqual([['host', 'other.test']]);
  });

  test('a URL inside an origin-form target does not change the host', {
    rules: ['H10'],
    hint: 'Only a target that is absolute-form from its first character names a host: anchor the pattern at the start of the target.',
  }, () => {
    for (const target of ['/go?to=http://evil.test/', '/http://evil.test/a']) {
      const raw = `GET ${target} HTTP/1.1\r\nHost: shop.test\r\n\r\n`;
      expect(parse(raw)[0]?.headers, `the headers of ${show(raw)}`).toEqual([['host', 'shop.test']]);
    }
  });
});

milestone('bodies', () => {
  test('refuses Content-Length together with Transfer-Encoding (400)', {
    rules: ['B1'],
    points: 2,
    hint: 'Two servers that pick different framings read different requests from the same bytes. Refuse the ambiguity.',
  }, () => {
    for (const raw of [
      // 0\r\n\r\n is 5 bytes: read either way, the body ends cleanly, so only a refusal passes.
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n',
    ]) {
      expect(refusal(raw), `should refuse ${show(raw)} with 400`).toBe(400);
    }
  });

  test('a request without a body is a head, then an end', { rules: ['B2'], points: 2 }, () => {
    const raw = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
    expect(parse(raw), `the requests read from ${show(raw)}`).toEqual([
      { method: 'GET', target: '/', version: 'HTTP/1.1', headers: [['host', 'x']], body: '', trailers: [] },
    ]);
  });

  test('Content-Length: 0 means no body', { rules: ['B2'] }, () => {
    const raw = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n';
    const requests = parse(raw);
    expect(requests.map((r) => [r.target, r.body, r.trailers]), `the requests read from ${show(raw)}`).toEqual([
      ['/', '', []],
      ['/next', '', []],
    ]);
  });

  test('reads exactly Content-Length bytes of body', { rules: ['B3'], points: 2 }, () => {
    const raw = 'POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello worldGET /next HTTP/1.1\r\nHost: x\r\n\r\n';
    const requests = parse(raw);
    expect(requests.map((r) => [r.target, r.body, r.trailers]), `the requests read from ${show(raw)}`).toEqual([
      ['/form', 'hello world', []],
      ['/next', '', []],
    ]);
  });

  test('bodyFraming reads the framing from a head', { rules: ['B2', 'B3', 'C5'], points: 2 }, () => {
    const frame = (lines: string[]) => bounded('bodyFraming', () => bodyFraming(head(lines)));
    expect(frame(['GET / HTTP/1.1', 'Host: x']), 'a head without body fields').toEqual({ kind: 'none' });
    expect(frame(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 0']), 'Content-Length: 0').toEqual({ kind: 'none' });
    expect(frame(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 42']), 'Content-Length: 42').toEqual({ kind: 'length', length: 42 });
    expect(frame(['POST / HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked']), 'Transfer-Encoding: chunked').toEqual({ kind: 'chunked' });
  });

  test('checks every Content-Length value, not only the first or one of them (400)', {
    rules: ['B4'],
    hint: 'Each value must be decimal digits on its own: +5 next to 5 is not "the same value", and an empty one is not 0.',
  }, () => {
    for (const raw of [
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, +5\r\n\r\nhello',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5.0\r\n\r\nhello',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: \r\n\r\n',
    ]) {
      expect(refusal(raw), `should refuse ${show(raw)} with 400`).toBe(400);
    }
  });

  test('refuses a Content-Length that is not a decimal number (400)', { rules: ['B4'] }, () => {
    // 0xA0 is not a space to HTTP: only spaces and tabs are trimmed from a list item (B6).
    for (const value of ['abc', '-1', '1.5', '+5', '0x10', '5 5', '', '1e3', ' ', '\xa05', '5\xa0']) {
      const raw = `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${value}\r\n\r\n`;
      expect(refusal(raw), `should refuse ${show(raw)} with 400`).toBe(400);
    }
  });

  test('refuses an empty Content-Length wherever it is, even next to a good one (400)', {
    rules: ['B4'],
    hint: 'Keep the empty items of the list: an empty value is not a length, and dropping it lets another line decide the framing.',
  }, () => {
    for (const raw of [
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \r\nContent-Length: 5\r\n\r\nhello',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length:\r\n\r\nhello',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5,\r\n\r\nhello',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: , 5\r\n\r\nhello',
    ]) {
      expect(refusal(raw), `should refuse ${show(raw)} with 400`).toBe(400);
    }
  });

  test('refuses a Content-Length too big to hold exactly (400)', { rules: ['B5'] }, () => {
    const frame = (value: string) =>
      refusalOf('bodyFraming', () => bodyFraming(head(['POST / HTTP/1.1', 'Host: x', `Content-Length: ${value}`])));
    for (const value of ['9007199254740992', '99999999999999999999']) {
      expect(frame(value), `bodyFraming should refuse Content-Length: ${value} with 400`).toBe(400);
    }
    expect(frame('9007199254740991'), 'bodyFraming should accept Content-Length: 9007199254740991').toBe('accepted');
  });

  test('accepts a Content-Length repeated with the same value, refuses different values (400)', {
    rules: ['B6'],
    points: 2,
    hint: 'RFC 9112 §6.3 lets a recipient accept "5, 5" or two lines of 5: the value is not in doubt. Two different values are an attack.',
  }, () => {
    for (const raw of [
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 005\r\n\r\nhello',
    ]) {
      expect(parse(raw)[0]?.body, `the body read from ${show(raw)}`).toBe('hello');
    }
    for (const raw of [
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nContent-Length: 5, 5\r\n\r\nhello!',
    ]) {
      expect(refusal(raw), `should refuse ${show(raw)} with 400`).toBe(400);
    }
  });

  test('passes body bytes on as they arrive, before the body is complete', {
    rules: ['B7'],
    points: 2,
    hint: 'Emit a body event for the bytes you have; a server must be able to stream a large upload instead of holding it in memory.',
  }, () => {
    const pieces = ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n', 'abc'];
    const [request] = parse(pieces.map(bytes));
    expect(request?.body, `the body passed on after ${pieces.map((p) => show(p)).join(' then ')}`).toBe('abc');
    expect(request?.trailers, 'the request should not be complete yet (no end event)').toBe(null);
  });

  test('never emits an empty body event, whatever the pieces', {
    rules: ['B7'],
    hint: 'A body event carries the bytes that arrived: when a piece brings none (the head alone, a size line alone), emit no body event.',
  }, () => {
    const inputs = [
      ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n', 'a', '', 'bc'],
      ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', '3\r\n', 'abc', '\r\n', '2\r\n', '', 'de\r\n0\r\n\r\n'],
    ];
    for (const pieces of inputs) {
      const parser = bounded('new RequestParser()', () => new RequestParser());
      for (const piece of pieces) {
        const events = bounded('parser.feed()', () => parser.feed(bytes(piece)));
        const empty = events.filter((event) => event.type === 'body' && event.data.length === 0);
        expect(empty.length, `feeding ${pieces.map(show).join(', ')}: the piece ${show(piece)} gave ${empty.length} empty body event(s)`).toBe(0);
      }
    }
  });

  test('keeps every byte value of a binary body', { rules: ['B7'] }, () => {
    const body = Uint8Array.from({ length: 256 }, (_, i) => i);
    const [request] = parse([bytes(`PUT /blob HTTP/1.1\r\nHost: x\r\nContent-Length: 256\r\n\r\n`), body]);
    expect(show(request?.body ?? ''), 'the 256 byte values 0 to 255, in order').toBe(show(body));
  });
});

milestone('chunked', () => {
  test('parseChunkSize reads hexadecimal sizes in either case', { rules: ['C1'], points: 2 }, () => {
    for (const [line, size] of [
      ['0', 0],
      ['5', 5],
      ['a', 10],
      ['1A', 26],
      ['1a', 26],
      ['ff', 255],
      ['FF', 255],
      ['00010', 16],
      ['fffffffffffff', 0xfffffffffffff],
    ] as const) {
      expect(chunkSize(line), `the size of ${show(line)}`).toBe(size);
    }
  });

  test('parseChunkSize refuses sizes that are not hex digits, or too big to hold exactly (400)', { rules: ['C1'] }, () => {
    for (const line of ['', 'xyz', '-5', '0x5', ' 5', '5.0', ';ext', '+5', 'fffffffffffffffffff']) {
      expect(refusalOf('parseChunkSize', () => parseChunkSize(line)), `should refuse ${show(line)} with 400`).toBe(400);
    }
  });

  test('parseChunkSize ignores well-formed chunk extensions', {
    rules: ['C2'],
    hint: 'An extension is BWS ";" BWS token, optionally BWS "=" BWS and a token or a quoted-string (RFC 9112 §7.1.1).',
  }, () => {
    for (const [line, size] of [
      ['5;name=value', 5],
      ['5;flag', 5],
      ['1a;a=1;b="two"', 26],
      ['5 ;ext', 5],
      ['5\t;\text\t=\tv', 5],
      ['5;a="x; y"', 5],
      ['5 ; a = "say \\"hi\\""', 5],
      ['5;a=""', 5],
      ['5;a="tab\there"', 5],
    ] as const) {
      expect(chunkSize(line), `the size of ${show(line)}`).toBe(size);
    }
  });

  test('parseChunkSize refuses malformed chunk extensions (400)', {
    rules: ['C2'],
    hint: 'After the size: only extensions, each with a token name; a value is a token or a closed quoted-string; no space without an extension after it, no CR.',
  }, () => {
    for (const line of ['5 ', '5\t', '5;', '5; ', '5;=v', '5;a=', '5;a="open', '5;a="x"y', '5;a=b c', '5;a=\rb', '5\r', '5;a="\r"', '5;a="\x00"', '5;a b']) {
      expect(refusalOf('parseChunkSize', () => parseChunkSize(line)), `should refuse ${show(line)} with 400`).toBe(400);
    }
  });

  test('decodes a chunked body', { rules: ['C1'], points: 3 }, () => {
    const raw = chunkedPost('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
    const [request] = parse(raw);
    expect(request?.body, `the body read from ${show(raw)}`).toBe('hello world');
    expect(request?.trailers, `the trailers read from ${show(raw)}`).toEqual([]);
  });

  test('ignores chunk extensions inside a body, and refuses a malformed one (400)', { rules: ['C2'] }, () => {
    const raw = chunkedPost('3;sig=abc\r\nabc\r\n0;last\r\n\r\n');
    expect(parse(raw)[0]?.body, `the body read from ${show(raw)}`).toBe('abc');
    const bad = chunkedPost('3;sig="abc\r\nabc\r\n0\r\n\r\n');
    expect(refusal(bad), `should refuse ${show(bad)} with 400`).toBe(400);
  });

  test('refuses chunk data not followed by CRLF (400)', {
    rules: ['C3'],
    hint: 'After exactly size bytes of data comes CRLF. Anything else means the size was a lie.',
  }, () => {
    for (const chunks of ['5\r\nhelloXX0\r\n\r\n', '5\r\nhello!\r\n0\r\n\r\n', '5\r\nhello\n0\r\n\r\n', '5\r\nhello\rX0\r\n\r\n', '5\r\nhelloX\n0\r\n\r\n']) {
      const raw = chunkedPost(chunks);
      expect(refusal(raw), `should refuse ${show(raw)} with 400`).toBe(400);
    }
  });

  test('refuses the wrong bytes after chunk data as soon as both have arrived (400)', {
    rules: ['C3'],
    hint: 'After the data, wait for two bytes, not for a line: if they are not CR LF, refuse now. An LF may never come.',
  }, () => {
    const raw = chunkedPost('5\r\nhelloXY');
    expect(refusal([bytes(raw)]), `should refuse ${show(raw)} with 400 (nothing more will come)`).toBe(400);
  });

  test('refuses a bad chunk size inside a body (400)', { rules: ['C1'] }, () => {
    const raw = chunkedPost('zz\r\nhello\r\n0\r\n\r\n');
    expect(refusal(raw), `should refuse ${show(raw)} with 400`).toBe(400);
  });

  test('reports trailer fields with the end of the request', { rules: ['C4'], points: 2 }, () => {
    const raw = chunkedPost('2\r\nok\r\n0\r\nX-Checksum:  42 \r\nX-More: yes\r\n\r\n');
    const [request] = parse(raw);
    expect(request?.trailers, `the trailers read from ${show(raw)}`).toEqual([
      ['x-checksum', '42'],
      ['x-more', 'yes'],
    ]);
    expect(request?.headers, `the head's own fields, untouched by the trailers, from ${show(raw)}`).toEqual([
      ['host', 'x'],
      ['transfer-encoding', 'chunked'],
    ]);
  });

  test('refuses a malformed trailer line like a header line (400)', {
    rules: ['C4'],
    hint: 'Trailer lines are field lines: parse each with parseHeaderField.',
  }, () => {
    for (const trailer of ['No colon', 'X-Bad : 1', ' folded: x', 'X-Ctl: a\x01b', 'Bad Name: v']) {
      const raw = chunkedPost(`2\r\nok\r\n0\r\n${trailer}\r\n\r\n`);
      expect(refusal(raw), `should refuse ${show(raw)} with 400`).toBe(400);
    }
  });

  test('matches the coding name case-insensitively', { rules: ['C5'] }, () => {
    for (const coding of ['Chunked', 'CHUNKED']) {
      const raw = `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${coding}\r\n\r\n2\r\nhi\r\n0\r\n\r\n`;
      expect(parse(raw)[0]?.body, `the body read from ${show(raw)}`).toBe('hi');
    }
  });

  test('refuses a request whose last coding is not chunked (400)', {
    rules: ['C6'],
    hint: 'RFC 9112 §6.3: without chunked last, the end of a request body cannot be found, and the server must answer 400.',
  }, () => {
    for (const value of ['gzip', 'chunked, gzip', 'chunked, ', '']) {
      const raw = `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${value}\r\n\r\n`;
      expect(refusal(raw), `should refuse ${show(raw)} with 400`).toBe(400);
    }
  });

  test('refuses chunked applied twice (400)', { rules: ['C7'] }, () => {
    for (const raw of [
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked, CHUNKED\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n',
    ]) {
      expect(refusal(raw), `should refuse ${show(raw)} with 400`).toBe(400);
    }
  });

  test('refuses Transfer-Encoding in an HTTP/1.0 request (400)', { rules: ['C8'] }, () => {
    for (const value of ['chunked', 'gzip, chunked']) {
      // The head alone: a parser that ignores the field would accept it as a request without body.
      const raw = `POST / HTTP/1.0\r\nTransfer-Encoding: ${value}\r\n\r\n`;
      expect(refusal(raw), `should refuse ${show(raw)} with 400`).toBe(400);
    }
  });

  test('answers 501 to a transfer coding it does not implement', {
    rules: ['C9'],
    hint: 'The request is well-formed, but "gzip, chunked" asks the server to undo a coding it does not know: 501 Not Implemented.',
  }, () => {
    for (const raw of [
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n',
    ]) {
      expect(refusal(raw), `should refuse ${show(raw)} with 501`).toBe(501);
    }
  });
});

const FIXTURES = [
  'GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n',
  'POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nline1\r\nline2',
  'PUT /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\nX-T: 1\r\n\r\n',
];

milestone('pipelining', () => {
  test('returns nothing until a head is complete, and keeps the rest for the next call', { rules: ['P1'] }, () => {
    const parser = bounded('new RequestParser()', () => new RequestParser());
    const pieces = ['GET /index.ht', 'ml HTTP/1.1\r\nHost: x\r\n', '\r\n'];
    expect(bounded('parser.feed()', () => parser.feed(bytes(pieces[0]!))), `feeding ${show(pieces[0]!)}`).toEqual([]);
    expect(bounded('parser.feed()', () => parser.feed(bytes(pieces[1]!))), `then ${show(pieces[1]!)}`).toEqual([]);
    const events = bounded('parser.feed()', () => parser.feed(bytes(pieces[2]!)));
    expect(listed(events), `then ${show(pieces[2]!)}`).toEqual(['head GET /index.html', 'end []']);
  });

  test('finishes a request as soon as its last byte arrives', { rules: ['P1'] }, () => {
    const parser = bounded('new RequestParser()', () => new RequestParser());
    const first = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /next HT';
    const events = bounded('parser.feed()', () => parser.feed(bytes(first)));
    expect(listed(events), `feeding ${show(first)}`).toEqual(['head POST /', 'body "hi"', 'end []']);
    const rest = 'TP/1.1\r\nHost: x\r\n\r\n';
    expect(listed(bounded('parser.feed()', () => parser.feed(bytes(rest)))), `then ${show(rest)}`).toEqual(['head GET /next', 'end []']);
  });

  test('gives the same requests however the bytes are cut', {
    rules: ['P2'],
    points: 3,
    hint: 'Keep unconsumed bytes in a buffer between calls: a line, a CRLF or a chunk size can be split anywhere, even between CR and LF.',
  }, () => {
    for (const fixture of FIXTURES) {
      const whole = parse(fixture);
      expect(whole, `one request from ${show(fixture)}`).toHaveLength(1);
      for (const { name, pieces } of splits(bytes(fixture))) {
        expect(parse(pieces), `${name}: ${show(fixture)}`).toEqual(whole);
      }
    }
  });

  test('reads two requests sent in one piece, in order', { rules: ['P3'], points: 2 }, () => {
    const raw = 'GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n';
    const requests = parse(raw);
    expect(requests.map((r) => [r.target, r.trailers !== null]), `the complete requests read from ${show(raw)}`).toEqual([
      ['/one', true],
      ['/two', true],
    ]);
  });

  test('each request of a connection has its own fields: nothing left over from the one before', {
    rules: ['P3', 'H8'],
    hint: 'When a request ends, start the next one with a new, empty header list (and byte count): the trailers of a chunked request are not the next head.',
  }, () => {
    const raw =
      chunkedPost('2\r\nhi\r\n0\r\nX-Trailer: t\r\n\r\n') +
      'GET /two HTTP/1.1\r\nHost: y\r\nAccept: */*\r\n\r\nGET /three HTTP/1.1\r\nHost: z\r\n\r\n';
    expect(parse(raw), `the requests read from ${show(raw)}`).toEqual([
      { method: 'POST', target: '/', version: 'HTTP/1.1', headers: [['host', 'x'], ['transfer-encoding', 'chunked']], body: 'hi', trailers: [['x-trailer', 't']] },
      { method: 'GET', target: '/two', version: 'HTTP/1.1', headers: [['host', 'y'], ['accept', '*/*']], body: '', trailers: [] },
      { method: 'GET', target: '/three', version: 'HTTP/1.1', headers: [['host', 'z']], body: '', trailers: [] },
    ]);
  });

  test('keeps each body to its own request', {
    rules: ['P3', 'B7'],
    points: 3,
    hint: 'A body ends where its framing says; the bytes after it are the next request, not more body.',
  }, () => {
    const all = FIXTURES.join('') + 'DELETE /x HTTP/1.1\r\nHost: x\r\n\r\n';
    for (const { name, pieces } of splits(bytes(all))) {
      const requests = parse(pieces);
      expect(requests.map((r) => [r.method, r.body]), `${name}: ${show(all)}`).toEqual([
        ['GET', ''],
        ['POST', 'line1\r\nline2'],
        ['PUT', 'Wikipedia'],
        ['DELETE', ''],
      ]);
    }
  });

  test('reads a hundred pipelined requests', { rules: ['P3'] }, () => {
    const many = Array.from({ length: 100 }, (_, i) => `GET /${i} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
    const targets = parse(many).map((r) => r.target);
    expect(targets, 'the targets /0 to /99, in order').toEqual(Array.from({ length: 100 }, (_, i) => `/${i}`));
  });

  test('a refusal carries the events completed before it in the same feed', {
    rules: ['P4'],
    points: 2,
    hint: 'Catch the HttpError a step throws and throw new ParseError(error, events) with the events collected so far: the requests before the bad one must still be answered.',
  }, () => {
    const cases: Array<[string, number, string[]]> = [
      ['GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nNo colon\r\n\r\n', 400, ['head GET /a', 'end []']],
      [
        'GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET / HTTP/9.0\r\n',
        505,
        ['head GET /a', 'end []', 'head POST /b', 'body "hi"', 'end []'],
      ],
      [chunkedPost('2\r\nhi\r\nzz\r\n'), 400, ['head POST /', 'body "hi"']],
      ['GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n', 413, ['head GET /a', 'end []']],
      ['GET / HTTP/1.1\r\nFolded\r\n\r\n', 400, []],
    ];
    for (const [raw, status, events] of cases) {
      const parser = bounded('new RequestParser()', () => new RequestParser());
      const outcome = feedOnce(parser, raw);
      expect('status' in outcome ? outcome.status : 'accepted', `feeding ${show(raw)} should throw a ${status}`).toBe(status);
      expect(listed(outcome.events), `the events of the ParseError thrown for ${show(raw)}`).toEqual(events);
    }
  });

  test('after a refusal the parser is spent: every later feed throws again, with no events', { rules: ['P5'] }, () => {
    const parser = bounded('new RequestParser()', () => new RequestParser());
    const bad = 'GET / HTTP/1.1\r\nHost: x\r\nNo colon\r\n';
    const first = feedOnce(parser, bad);
    expect('status' in first ? first.status : 'accepted', `feeding ${show(bad)}`).toBe(400);
    for (const next of ['\r\n', 'GET /next HTTP/1.1\r\nHost: x\r\n\r\n']) {
      const later = feedOnce(parser, next);
      expect('status' in later ? later.status : listed(later.events), `then feeding ${show(next)} should throw a 400 again`).toBe(400);
      expect(listed(later.events), `the events of that ParseError`).toEqual([]);
    }
    // Not always 400: the spent parser repeats the refusal's own status.
    for (const [limits, refused, status] of [
      [{}, 'GET / HTTP/2.0\r\n', 505],
      [{ maxHeaderBytes: 16 }, `GET / HTTP/1.1\r\nHost: x\r\nX-Long: ${'l'.repeat(20)}\r\n`, 431],
    ] as const) {
      const spent = bounded('new RequestParser()', () => new RequestParser(limits));
      const firstOutcome = feedOnce(spent, refused);
      expect('status' in firstOutcome ? firstOutcome.status : 'accepted', `feeding ${show(refused)} with ${JSON.stringify(limits)}`).toBe(status);
      const next = 'GET /next HTTP/1.1\r\nHost: x\r\n\r\n';
      const later = feedOnce(spent, next);
      expect('status' in later ? later.status : listed(later.events), `then feeding ${show(next)} should throw a ${status} again`).toBe(status);
    }
  });
});

milestone('limits', () => {
  const small: Partial<ParserLimits> = { maxRequestLineBytes: 64, maxHeaderBytes: 128, maxBodyBytes: 16 };
  const limitsShown = JSON.stringify(small);
  /** A request line of exactly `size` bytes: `GET /aaa... HTTP/1.1`. */
  const lineOf = (size: number) => `GET /${'a'.repeat(size - 14)} HTTP/1.1`;

  test('new RequestParser(limits) keeps the defaults for the limits it is not given', {
    rules: ['L1'],
    hint: 'Merge: { ...DEFAULT_LIMITS, ...limits }.',
  }, () => {
    const body = { maxBodyBytes: 16 };
    expect(refusal(`${lineOf(9000)}\r\nHost: x\r\n\r\n`, body), 'a 9000-byte request line with only maxBodyBytes given: 414 by the default 8192').toBe(414);
    expect(refusal(`${lineOf(8000)}\r\nHost: x\r\n\r\n`, body), 'an 8000-byte request line with only maxBodyBytes given').toBe('accepted');
    const big = `POST / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(15_000)}\r\nContent-Length: 17\r\n\r\n`;
    expect(refusal(big, body), 'a 15,000-byte header with maxBodyBytes 16 and Content-Length 17: 413, the header fits the default').toBe(413);
    expect(refusal(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(17_000)}\r\n\r\n`), 'a 17,000-byte header, default limits').toBe(431);
    expect(refusal(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${1024 * 1024 + 1}\r\n\r\n`), 'a body of 1 MiB + 1, default limits').toBe(413);
  });

  test('answers 414 to a request line over maxRequestLineBytes, reads one of exactly that length', { rules: ['L2'], points: 2 }, () => {
    expect(refusal(`${lineOf(64)}\r\nHost: x\r\n\r\n`, small), `a 64-byte request line with ${limitsShown}`).toBe('accepted');
    expect(refusal(`${lineOf(65)}\r\nHost: x\r\n\r\n`, small), `a 65-byte request line with ${limitsShown}`).toBe(414);
    expect(refusal(`${lineOf(10_000)}\r\nHost: x\r\n\r\n`), 'a 10,000-byte request line, default limits').toBe(414);
  });

  test('answers 414 before a long request line even ends', {
    rules: ['L3'],
    points: 2,
    hint: 'If no LF has come yet but the buffer already holds more than the limit plus one (a CR may wait for its LF), refuse now: waiting lets a client fill your memory.',
  }, () => {
    expect(refusal([bytes(`GET /${'a'.repeat(200)}`)], small), `200 bytes of request line and no LF, with ${limitsShown}`).toBe(414);
    expect(refusal([bytes(lineOf(64))], small), `a 64-byte line, no CR or LF yet, with ${limitsShown}: wait`).toBe('accepted');
    expect(refusal([bytes(lineOf(64) + '\r')], small), `a 64-byte line and its CR, no LF yet, with ${limitsShown}: wait`).toBe('accepted');
    expect(refusal([bytes(lineOf(66))], small), `66 bytes and no LF, with ${limitsShown}`).toBe(414);
    const split = [bytes(lineOf(64) + '\r'), bytes('\nHost: x\r\n\r\n')];
    expect(parse(split, small)[0]?.target, `a 64-byte line whose LF comes in the next piece, with ${limitsShown}`).toBe(`/${'a'.repeat(50)}`);
  });

  test('answers 431 to a header section over maxHeaderBytes, reads one of exactly that size', { rules: ['L4'], points: 2 }, () => {
    // "Host: x\r\n" is 9 bytes; "X-Fill: " + n + "\r\n" is n + 10.
    const withFill = (fill: number) => `GET / HTTP/1.1\r\nHost: x\r\nX-Fill: ${'f'.repeat(fill)}\r\n\r\n`;
    expect(refusal(withFill(109), small), `field lines of 128 bytes with ${limitsShown}: ${show(withFill(109))}`).toBe('accepted');
    expect(refusal(withFill(110), small), `field lines of 129 bytes with ${limitsShown}`).toBe(431);
    const many = Array.from({ length: 20 }, (_, i) => `X-${i}: value\r\n`).join('');
    expect(refusal(`GET / HTTP/1.1\r\nHost: x\r\n${many}\r\n`, small), `twenty short fields with ${limitsShown}`).toBe(431);
  });

  test('answers 431 at the field line that passes maxHeaderBytes, before the head ends', {
    rules: ['L4'],
    hint: 'Add each field line (with its CRLF) to the count as it arrives, and refuse as soon as the count passes the limit: do not wait for the empty line.',
  }, () => {
    // "Host: x\r\n" is 9 bytes, "X-Fill: " + 110 bytes + "\r\n" is 120: 129 in all, one over.
    const raw = `GET / HTTP/1.1\r\nHost: x\r\nX-Fill: ${'f'.repeat(110)}\r\n`;
    expect(refusal([bytes(raw)], small), `field lines of 129 bytes and no empty line yet, with ${limitsShown}: ${show(raw)}`).toBe(431);
  });

  test('answers 431 before an endless header line ends', {
    rules: ['L5'],
    points: 2,
    hint: 'The budget left is maxHeaderBytes minus the field lines so far; a line with no LF yet that is longer than that (plus one) is refused now.',
  }, () => {
    expect(refusal([bytes(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(500)}`)], small), `an unended 500-byte field line with ${limitsShown}`).toBe(431);
    const fieldLines = 'Host: x\r\nX-A: 0123456789012345678901234567890123456789\r\n';
    const left = 128 - fieldLines.length;
    const start = `GET / HTTP/1.1\r\n${fieldLines}`;
    // A field line of left - 2 bytes fits exactly with its CRLF: with its CR alone it must wait.
    expect(refusal([bytes(start + 'X'.repeat(left - 4) + ': \r')], small), `a ${left - 2}-byte field line and its CR, no LF yet, when ${left} are left, with ${limitsShown}: wait`).toBe('accepted');
    const exactly = [bytes(start + 'X'.repeat(left - 4) + ': \r'), bytes('\n\r\n')];
    expect(refusal(exactly, small), `a ${left - 2}-byte field line whose LF comes in the next piece, when ${left} are left, with ${limitsShown}`).toBe('accepted');
    expect(refusal([bytes(start + 'X'.repeat(left + 2))], small), `${left + 2} bytes of an unended line when ${left} are left, with ${limitsShown}`).toBe(431);
  });

  test('answers 413 to a Content-Length over maxBodyBytes, before the body arrives', {
    rules: ['L6'],
    points: 2,
    hint: 'The head announces the size: refuse as soon as you read it, without waiting for the bytes.',
  }, () => {
    expect(refusal('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n', small), `Content-Length: 17 and no body yet, with ${limitsShown}`).toBe(413);
  });

  test('at the empty line, checks Host, then the framing, then the body limit: the first problem decides', {
    rules: ['H11'],
    hint: 'When the empty line arrives: the Host check first (400), then bodyFraming (400 or 501), then the Content-Length limit (413).',
  }, () => {
    for (const [raw, expected, why] of [
      ['POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 400, 'no Host (400) before an unsupported coding (501)'],
      ['POST / HTTP/1.1\r\nContent-Length: 17\r\n\r\n', 400, 'no Host (400) before a body over the limit (413)'],
      ['POST / HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Length: 17\r\n\r\n', 400, 'two Hosts (400) before a body over the limit (413)'],
      ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 17, 5\r\n\r\n', 400, 'two different lengths (400) before a body over the limit (413)'],
      ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\nTransfer-Encoding: chunked\r\n\r\n', 400, 'both framings (400) before a body over the limit (413)'],
    ] as const) {
      expect(refusal(raw, small), `${show(raw)} with ${limitsShown}: ${why}`).toBe(expected);
    }
  });

  test('accepts a body of exactly maxBodyBytes', { rules: ['L6'] }, () => {
    const [request] = parse(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n${'z'.repeat(16)}`, small);
    expect(request?.body, `a 16-byte body with ${limitsShown}`).toBe('z'.repeat(16));
  });

  test('answers 413 when chunks would add up to more than maxBodyBytes, at the size line', { rules: ['L7'], points: 2 }, () => {
    const chunks = '8\r\n12345678\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n';
    expect(refusal(chunkedPost(chunks), small), `three chunks of 8 with ${limitsShown}`).toBe(413);
    expect(refusal(chunkedPost('8\r\n12345678\r\n9\r\n'), small), `8 bytes, then a size line of 9 and no data yet, with ${limitsShown}`).toBe(413);
    expect(refusal(chunkedPost('11\r\n'), small), `a size line of 17 and no data yet, with ${limitsShown}`).toBe(413);
    const exact = chunkedPost('8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n');
    expect(parse(exact, small)[0]?.body, `two chunks of 8 with ${limitsShown}`).toBe('1234567812345678');
  });

  test('trailers get a header budget of their own', { rules: ['L8'] }, () => {
    const fill = (n: number) => `X-Fill: ${'f'.repeat(n)}\r\n`; // n + 10 bytes
    const raw = `POST / HTTP/1.1\r\nHost: x\r\n${fill(60)}Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n${fill(100)}\r\n`;
    expect(parse(raw, small)[0]?.trailers, `head fields of 107 bytes, trailers of 110, with ${limitsShown}`).toEqual([['x-fill', 'f'.repeat(100)]]);
    const over = chunkedPost(`2\r\nok\r\n0\r\n${fill(60)}${fill(60)}\r\n`);
    expect(refusal(over, small), `trailers of 140 bytes with ${limitsShown}`).toBe(431);
  });

  test('refuses a chunk-size line over 1024 bytes (400)', { rules: ['L9'] }, () => {
    const line = (size: number) => `5;x="${'e'.repeat(size - 6)}"`;
    expect(refusal(chunkedPost(`${line(1025)}\r\nhello\r\n0\r\n\r\n`)), 'a 1025-byte chunk-size line').toBe(400);
    expect(refusal([bytes(chunkedPost(line(2000)))]), 'a chunk-size line of 2000 bytes, no LF yet').toBe(400);
    expect(parse(chunkedPost(`${line(1024)}\r\nhello\r\n0\r\n\r\n`))[0]?.body, 'the body after a 1024-byte chunk-size line').toBe('hello');
  });

  test('refuses a smuggled request hidden behind whitespace before a colon (400)', { rules: ['H3', 'B1'], lesson: '01-http.md#header-fields' }, () => {
    const raw = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n';
    expect(refusal(raw), `should refuse ${show(raw)} with 400`).toBe(400);
  });
});
