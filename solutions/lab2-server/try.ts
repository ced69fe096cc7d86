// Try the server by hand. From the course folder:
//
//   npx tsx --conditions=reference labs/lab2-server/try.ts     (your lab 2 on the reference lab 1)
//   npx tsx labs/lab2-server/try.ts                            (your lab 2 on your own lab 1)
//
// then open http://127.0.0.1:8000/ in a browser, or run: curl -v http://127.0.0.1:8000/
// Try /stream for a chunked response, and curl -v -d 'some data' http://127.0.0.1:8000/echo for a
// request body. Set PORT to use another port. Ctrl+C closes the server gracefully.
//
// HTTPS (the extension): set TLS_KEY and TLS_CERT to the files of a key and certificate, say
// TLS_KEY=labs/lab9-state/dev-cert/key.pem TLS_CERT=labs/lab9-state/dev-cert/cert.pem, then run:
// curl -v --cacert labs/lab9-state/dev-cert/cert.pem https://127.0.0.1:8000/
import { readFileSync } from 'node:fs';
import type { ServerResponse } from '#contracts/server';
import { createServer } from './index.ts';

const encoder = new TextEncoder();
const text = (body: string): ServerResponse => ({
  status: 200,
  headers: [['Content-Type', 'text/plain; charset=utf-8']],
  body: encoder.encode(body),
});

const { TLS_KEY, TLS_CERT } = process.env;
const tls = TLS_KEY && TLS_CERT ? { key: readFileSync(TLS_KEY), cert: readFileSync(TLS_CERT) } : undefined;

const server = createServer(async (request) => {
  console.log(`${request.method} ${request.target} from ${request.remoteAddress}:${request.remotePort}`);
  if (request.target === '/stream') {
    // No length known in advance: HTTP/1.1 clients get it chunked, one line every half second.
    const lines = async function* () {
      for (let i = 1; i <= 5; i++) {
        yield encoder.encode(`line ${i}\n`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    };
    return { ...text(''), body: lines() };
  }
  let received = 0;
  for await (const chunk of request.body) received += chunk.length;
  return text(`Hello, world! You asked for ${request.target} and sent ${received} bytes of body.\n`);
}, { tls });

const { address, port } = await server.listen(Number(process.env.PORT ?? 8000));
console.log(`listening on ${tls ? 'https' : 'http'}://${address}:${port}/  (Ctrl+C to stop)`);
process.once('SIGINT', () => {
  console.log('closing: finishing the requests in flight');
  void server.close().then(() => console.log('closed'));
});
