// The bookshelf demo, run in a child process of `npm run serve` with the stack's --conditions:
// lab 7's createDemo() on lab 3's serve(), over whichever labs 1 to 6 the conditions chose; or,
// with SERVE_LAB=9, lab 9's createDemo() (PGlite in memory) over HTTPS with lab 9's serveHttps. It
// logs one line per request, tells the parent where it listens, and closes its server when told
// to stop (SIGTERM or SIGINT) or when the parent goes away.
import type { StartResponse, TsgiApp } from '#contracts/tsgi';
import { type LayerInfo, servedByLine, truthful } from './demo-page.ts';

export type ServeMessage = { kind: 'listening'; url: string } | { kind: 'failed'; message: string };

function tell(message: ServeMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send) process.send(message, undefined, undefined, () => resolve());
    else {
      process.stdout.write(`${JSON.stringify(message)}\n`);
      resolve();
    }
  });
}

/** The app, printing `GET /books/1 -> 200 OK` for each request. */
function logged(app: TsgiApp): TsgiApp {
  return (environ, startResponse) => {
    const logging: StartResponse = (...args) => {
      const target = environ.QUERY_STRING ? `${environ.PATH_INFO}?${environ.QUERY_STRING}` : environ.PATH_INFO;
      process.stdout.write(`${environ.REQUEST_METHOD} ${target} -> ${args[0]}\n`);
      return startResponse(...args);
    };
    return app(environ, logging);
  };
}

/** An address as a URL shows it: 'localhost' for any address, brackets around IPv6. */
function shown(address: string): string {
  if (address === '0.0.0.0' || address === '::') return 'localhost';
  return address.includes(':') ? `[${address}]` : address;
}

async function main(): Promise<void> {
  const port = Number(process.env.SERVE_PORT ?? 5000);
  const host = process.env.SERVE_HOST ?? '127.0.0.1';
  const layers: LayerInfo[] = JSON.parse(process.env.SERVE_LAYERS ?? '[]');
  let server: { close(): Promise<void> };
  let url: string;
  try {
    if (process.env.SERVE_LAB === '9') {
      const { createDemo, devCertificate, serveHttps } = await import('#state');
      const app = await createDemo();
      // A short HSTS max-age: a development certificate is no reason to pin a browser to https.
      const servers = await serveHttps(logged(truthful(app.tsgi, servedByLine(layers))), {
        ...devCertificate(),
        host,
        port: Number(process.env.SERVE_HTTPS_PORT ?? 5443),
        httpPort: port,
        hstsMaxAge: 300,
      });
      server = servers;
      url = `https://${shown(host)}:${servers.https.port}/ (http on port ${servers.http?.port} redirects there; the certificate is the course's own, so the browser warns once)`;
    } else {
      const { createDemo } = await import('#framework');
      const { serve } = await import('#gateway');
      const plain = await serve(logged(truthful(createDemo().tsgi, servedByLine(layers))), { port, host });
      server = plain;
      url = `http://${shown(plain.address()?.address ?? host)}:${plain.address()?.port ?? port}/`;
    }
  } catch (error) {
    const code = (error as { code?: string })?.code;
    const message =
      code === 'EADDRINUSE'
        ? `a port is in use: stop what runs there, or choose another with npm run serve -- --port ${port + 1}`
        : error instanceof Error ? error.message : String(error);
    await tell({ kind: 'failed', message });
    process.exit(1);
  }
  await tell({ kind: 'listening', url });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // close() lets requests in flight finish; a browser's idle keep-alive connection must not
    // keep us waiting, so there is a bound.
    const bound = setTimeout(() => process.exit(0), 1500);
    bound.unref();
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop); // the parent went away
}

main().catch(async (error: unknown) => {
  await tell({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
