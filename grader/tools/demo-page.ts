// What `npm run serve` changes in the demo's pages on their way out: a viewport tag, so a phone
// lays the page out at its own width, and a footer that says which layers served the page (the
// demo's template cannot know: serve.mjs chooses the stack). A TSGI middleware, as lab 8 writes
// them, kept apart from serve-run.ts so that its tests can import it without starting a server.
import type { TsgiApp } from '#contracts/tsgi';

export interface LayerInfo {
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
