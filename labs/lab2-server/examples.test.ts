// Visible examples for lab 2: run them with `npm run examples lab2`. They show the shape of the
// API; the hidden tests (`npm run grade lab2`) check much more. Add your own tests here freely.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { RequestHead } from '#contracts/http';
import { createServer, wantsKeepAlive } from './index.ts';

const encode = (text: string) => new TextEncoder().encode(text);

describe('lab 2 examples', () => {
  it('decides from the request whether to keep the connection open', () => {
    const head: RequestHead = { method: 'GET', target: '/', version: 'HTTP/1.1', headers: [['host', 'x']] };
    expect(wantsKeepAlive(head)).toBe(true);
    expect(wantsKeepAlive({ ...head, headers: [['connection', 'close']] })).toBe(false);
    expect(wantsKeepAlive({ ...head, version: 'HTTP/1.0' })).toBe(false);
  });

  it('serves a request from fetch', async () => {
    const server = createServer((request) => ({
      status: 200,
      headers: [['Content-Type', 'text/plain']],
      body: encode(`Hello from ${request.target}`),
    }));
    const { port } = await server.listen(0);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/examples`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe('20');
      expect(await response.text()).toBe('Hello from /examples');
    } finally {
      await server.close();
    }
  });

  it('streams a body of unknown length in chunks, and reads a request body', async () => {
    const server = createServer(async (request) => {
      let size = 0;
      for await (const chunk of request.body) size += chunk.length;
      async function* body() {
        yield encode('you sent ');
        yield encode(`${size} bytes`);
      }
      return { status: 200, headers: [], body: body() };
    });
    const { port } = await server.listen(0);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'twelve bytes' });
      expect(response.headers.get('transfer-encoding')).toBe('chunked');
      expect(await response.text()).toBe('you sent 12 bytes');
    } finally {
      await server.close();
    }
  });

  it('answers two requests on one connection, in order', async () => {
    const server = createServer((request) => ({ status: 200, headers: [], body: encode(request.target) }));
    const { port } = await server.listen(0);
    const socket = net.connect(port, '127.0.0.1');
    try {
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      // Two requests in one write (pipelining); the second says it is the last.
      socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      await new Promise((resolve) => socket.on('close', resolve));
      expect(received.match(/HTTP\/1\.1 200 /g)).toHaveLength(2);
      expect(received.indexOf('/first')).toBeLessThan(received.indexOf('/second'));
    } finally {
      socket.destroy();
      await server.close();
    }
  });
});
