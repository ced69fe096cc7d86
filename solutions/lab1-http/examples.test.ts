// Visible examples for lab 1: run them with `npm run examples lab1`. They show the shape of the
// API; the hidden tests (`npm run grade lab1`) check much more. Add your own tests here freely.
import { describe, expect, it } from 'vitest';
import { RequestParser, parseRequestLine, serializeResponse } from './index.ts';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('lab 1 examples', () => {
  it('parses a request line', () => {
    expect(parseRequestLine('GET /hello HTTP/1.1')).toEqual({ method: 'GET', target: '/hello', version: 'HTTP/1.1' });
  });

  it('turns the bytes of a request into events', () => {
    const parser = new RequestParser();
    const events = parser.feed(encode('POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi'));
    expect(events.map((event) => event.type)).toEqual(['head', 'body', 'end']);
    const head = events[0];
    expect(head?.type === 'head' && head.head.headers).toEqual([
      ['host', 'localhost'],
      ['content-length', '2'],
    ]);
  });

  it('waits for the rest of a request that arrives in pieces', () => {
    const parser = new RequestParser();
    expect(parser.feed(encode('GET / HTTP/1.1\r\nHo'))).toEqual([]);
    expect(parser.feed(encode('st: x\r\n\r\n')).map((event) => event.type)).toEqual(['head', 'end']);
  });

  it('writes a response', () => {
    const bytes = serializeResponse({ status: 200, headers: [['Content-Type', 'text/plain']], body: encode('Hello!') });
    expect(decode(bytes)).toBe('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nHello!');
  });
});
