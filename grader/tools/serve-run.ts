// The bookshelf demo, run in a child process of `npm run serve` with the stack's --conditions:
// lab 7's createDemo() on lab 3's serve(), over whichever labs 1 to 6 the conditions chose. It
// logs one line per request, tells the parent where it listens, and closes its server when told
// to stop (SIGTERM or SIGINT) or when the parent goes away.
import type { StartResponse, TsgiApp } from '#contracts/tsgi';

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

interface LayerInfo {
  lab: number;
  title: string;
  source: 'yours' | 'reference';
}

/** "labs 1, 2 and 4", "lab 3", "labs 1-7". */
function labList(numbers: number[]): string {
  const consecutive = numbers.every((n, i) => i === 0 || n === (numbers[i - 1] ?? 0) + 1);
  if (numbers.length === 1) return `lab ${numbers[0]}`;
  if (consecutive && numbers.length > 2) return `labs ${numbers[0]}-${numbers.at(-1)}`;
  return `labs ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`;
}

/** What the demo's footer should say about the layers that serve it (serve.mjs passes them). */
export function servedByLine(layers: LayerInfo[]): string {
  const yours = layers.filter((l) => l.source === 'yours').map((l) => l.lab);
  const reference = layers.filter((l) => l.source === 'reference').map((l) => l.lab);
  if (reference.length === 0) return `Served by a stack you built: your ${labList(yours)}, from the HTTP parser to the framework.`;
  if (yours.length === 0) return `Served by the course's reference ${labList(reference)}: yours take over as each passes its tests (npm run serve).`;
  return `Served by your ${labList(yours)} and the course's reference ${labList(reference)}.`;
}

/**
 * The demo's pages as a phone and the truth want them: a viewport tag (without one a phone lays
 * the page out 980 px wide and shrinks it), and a footer that names the layers serving it, which
 * the demo's own template cannot know. HTML responses only, rewritten whole (they are small).
 */
export function truthful(app: TsgiApp, footer: string): TsgiApp {
  return async (environ, startResponse) => {
    let status = '';
    let headers: Array<[string, string]> = [];
    // Nothing is sent before the body is complete, so a second call (with excInfo, after an error)
    // simply replaces the first, as PEP 3333 allows before the head is sent.
    const body = await app(environ, (s, h) => {
      status = s;
      headers = h;
    });
    const chunks: Uint8Array[] = [];
    try {
      for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
    } finally {
      body.close?.();
    }
    const type = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
    let bytes = Buffer.concat(chunks);
    if (/^text\/html\b/i.test(type)) {
      let html = bytes.toString('utf8');
      if (!/<meta[^>]+name=["']?viewport/i.test(html)) {
        html = html.replace(/<head>/i, '<head>\n  <meta name="viewport" content="width=device-width, initial-scale=1">');
      }
      const text = footer.replace(/[&<>]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[ch] ?? ch);
      html = /<footer>[\s\S]*?<\/footer>/i.test(html) ? html.replace(/<footer>[\s\S]*?<\/footer>/i, `<footer>${text}</footer>`) : html.replace(/<\/body>/i, `<footer>${text}</footer>\n</body>`);
      bytes = Buffer.from(html, 'utf8');
      headers = headers.map(([name, value]) => (name.toLowerCase() === 'content-length' ? [name, String(bytes.length)] : [name, value]));
    }
    startResponse(status, headers);
    return [new Uint8Array(bytes)];
  };
}

async function main(): Promise<void> {
  const port = Number(process.env.SERVE_PORT ?? 5000);
  const host = process.env.SERVE_HOST ?? '127.0.0.1';
  const { createDemo } = await import('#framework');
  const { serve } = await import('#gateway');
  let server;
  try {
    const layers: LayerInfo[] = JSON.parse(process.env.SERVE_LAYERS ?? '[]');
    server = await serve(logged(truthful(createDemo().tsgi, servedByLine(layers))), { port, host });
  } catch (error) {
    const code = (error as { code?: string })?.code;
    const message =
      code === 'EADDRINUSE'
        ? `port ${port} is in use: stop what runs there, or choose another with npm run serve -- --port ${port + 1}`
        : error instanceof Error ? error.message : String(error);
    await tell({ kind: 'failed', message });
    process.exit(1);
  }
  const address = server.address();
  const shownHost = !address || address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.address.includes(':') ? `[${address.address}]` : address.address;
  await tell({ kind: 'listening', url: `http://${shownHost}:${address?.port ?? port}/` });

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
