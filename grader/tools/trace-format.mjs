// @ts-check
// Turns the events of a traced request into the two tables lesson 0 draws: the execution table
// (step, action, input, output, notes) and the variable tracker (request, environ, status,
// headers, body). Pure functions of their input, so they are easy to test.

/** @typedef {import('./trace-run.ts').TraceEvent} TraceEvent */

/**
 * @typedef {object} Row
 * @property {string} action
 * @property {string} input
 * @property {string} output
 * @property {string} notes
 * @property {Partial<Record<'request' | 'environ' | 'status' | 'headers' | 'body', string>>} track
 *   what this step changes in the variable tracker
 *
 * @typedef {object} TraceContext
 * @property {string} method
 * @property {string} target
 * @property {(lab: number) => string} layer   `lab 1 (yours)`, `lab 2 (reference)`
 */

/** Bytes (latin1 text) with CR, LF, tabs and other non-printing bytes escaped; a line break after each \n. */
export function escapeBytes(/** @type {string} */ bytes) {
  return bytes.replace(/[\x00-\x1f\x7f-\xff\\]/g, (ch) => {
    if (ch === '\r') return '\\r';
    if (ch === '\n') return '\\n\n';
    if (ch === '\t') return '\\t';
    if (ch === '\\') return '\\\\';
    return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  }).replace(/\n$/, '');
}

/** `13 bytes: Hello, WSGI!\n` with the bytes escaped, and "(first N shown)" when cut. */
function bytesCell(/** @type {string} */ bytes, /** @type {number} */ size) {
  const cut = bytes.length < size ? ` (first ${bytes.length} shown)` : '';
  return `${size} bytes${cut}:\n${escapeBytes(bytes)}`;
}

/** @param {unknown} fields */
function fieldList(fields) {
  if (!Array.isArray(fields)) return JSON.stringify(fields);
  return `[${fields.map((f) => (Array.isArray(f) ? `['${f[0]}', '${f[1]}']` : JSON.stringify(f))).join(', ')}]`;
}

/**
 * The rows of the execution table, one per event (long runs of body chunks summed up in one).
 * @param {TraceEvent[]} events
 * @param {TraceContext} context
 * @returns {Row[]}
 */
export function buildRows(events, context) {
  /** @type {Row[]} */
  const rows = [];
  const { layer } = context;
  let resolved = false;
  let chunksBeforeHead = 0;
  let streamed = 0;
  /** @type {{ count: number, bytes: number } | null} */
  let skipped = null;
  let appHeaders = /** @type {string[]} */ ([]);
  const row = (/** @type {Omit<Row, 'track'> & { track?: Row['track'] }} */ r) => rows.push({ track: {}, ...r });

  for (const event of events) {
    const streaming = event.kind === 'chunk' || event.kind === 'server-chunk';
    if (streaming && resolved && streamed >= 4) {
      skipped ??= { count: 0, bytes: 0 };
      if (event.kind === 'server-chunk') {
        skipped.count += 1;
        skipped.bytes += event.size;
      }
      continue;
    }
    if (!streaming && skipped) {
      row({ action: `… ${skipped.count} more chunks the same way`, input: '', output: `${skipped.bytes} bytes in all`, notes: 'The gateway reads each chunk from the app; lab 2 writes it.' });
      skipped = null;
    }
    switch (event.kind) {
      case 'send':
        row({
          action: 'The client (node:net) connects and sends the request',
          input: `${context.method} ${context.target}`,
          output: bytesCell(event.bytes, event.size),
          notes: '\\r\\n is two bytes, CR and LF. The empty line ends the head.',
          track: { request: `${event.size} bytes on the wire` },
        });
        break;
      case 'parse': {
        const head = event.events.find((e) => e.type === 'head');
        const bodies = event.events.filter((e) => e.type === 'body');
        const output = event.events.map((e) => {
          if (e.type === 'head') return `head: ${e.method} ${e.target} ${e.version}, headers ${fieldList(e.headers)}`;
          if (e.type === 'body') return `body: ${bytesCell(e.bytes, e.size)}`;
          return `end${e.trailers.length > 0 ? `, trailers ${fieldList(e.trailers)}` : ''}`;
        });
        row({
          action: `${layer(1)} parses the bytes: RequestParser.feed`,
          input: 'the request bytes',
          output: output.join('\n'),
          notes:
            (bodies.length === 0 ? 'No Content-Length, no Transfer-Encoding: a request without a body. ' : '') +
            'The server parses the same bytes inside; the trace feeds them to lab 1 to show its events.',
          track: head && head.type === 'head' ? { request: `RequestHead: ${head.method} ${head.target} ${head.version}, ${head.headers.length} fields` } : {},
        });
        break;
      }
      case 'parse-error':
        row({
          action: `${layer(1)} parses the bytes: RequestParser.feed`,
          input: 'the request bytes',
          output: `throws ${event.status ? `HttpError ${event.status}: ` : ''}${event.message}`,
          notes: 'The server answers a request it cannot parse with this status.',
        });
        break;
      case 'handler':
        row({
          action: `${layer(2)} accepts the connection, reads the bytes and calls its handler, tsgiHandler(app)`,
          input: 'the parsed head; the socket\'s addresses',
          output: `ServerRequest: ${event.request.method}, target ${event.request.target}, ${event.request.version}, headers ${fieldList(event.request.headers)}, ${event.request.remote} to ${event.request.local}`,
          notes: 'Header names arrive lowercased: lab 1 did that. The body, if any, is a stream.',
          track: { request: `ServerRequest ${event.request.method} ${event.request.target}, ${event.request.headers.length} headers` },
        });
        break;
      case 'app-call': {
        const cgi = event.environ.filter(([key]) => !key.startsWith('tsgi.')).map(([key, value]) => `${key} ${value}`);
        const tsgi = event.environ.filter(([key]) => key.startsWith('tsgi.')).map(([key, value]) => `${key} ${value}`);
        const headers = event.environ.filter(([key]) => key.startsWith('HTTP_')).map(([key]) => key);
        const pick = ['REQUEST_METHOD', 'PATH_INFO', headers[0]];
        const brief = event.environ.filter(([key]) => pick.includes(key)).map(([key, value]) => `${key}: ${value}`).join(', ');
        row({
          action: `${layer(3)}: the gateway builds environ and calls ${event.app}(environ, startResponse)`,
          input: 'the ServerRequest',
          output: `environ, ${event.environ.length} keys:\n${cgi.join('\n')}${tsgi.length > 0 ? `\n${tsgi.join(', ')}` : ''}`,
          notes: `${headers.length > 0 ? `Headers became ${headers.join(', ')}. ` : ''}Ports are strings; everything below the gateway sees only environ.`,
          track: { request: '(now carried by environ)', environ: `{ ${brief}, … } (${event.environ.length} keys)` },
        });
        break;
      }
      case 'route': {
        const result = /** @type {any} */ (event.result);
        const output =
          result?.kind === 'match'
            ? `match: endpoint '${result.endpoint}', params ${JSON.stringify(result.params)}, rule ${result.rule}`
            : result?.kind === 'method-not-allowed'
              ? `method not allowed: allowed ${JSON.stringify(result.allowed)}`
              : result?.kind === 'redirect'
                ? `redirect ${result.status} to ${result.location}`
                : String(result?.kind ?? JSON.stringify(result));
        row({
          action: `${layer(4)}: the router matches the path`,
          input: `router.match('${event.path}', '${event.method}')`,
          output,
          notes: 'Routing looks at the method and the path only (PATH_INFO, decoded as UTF-8).',
        });
        break;
      }
      case 'start-response':
        appHeaders = Array.isArray(event.headers) ? event.headers.map((/** @type {any} */ h) => String(h?.[0]).toLowerCase()) : [];
        row({
          action: `The app calls startResponse${event.excInfo ? ' (with excInfo)' : ''}`,
          input: `${typeof event.status === 'string' ? `'${event.status}'` : JSON.stringify(event.status)}, ${fieldList(event.headers)}`,
          output: event.error ? `throws: ${event.error}` : `stored: status ${String(event.status)}, ${Array.isArray(event.headers) ? event.headers.length : '?'} header(s)`,
          notes: event.error ? 'startResponse checks its arguments when it is called.' : 'Checked and stored. Nothing is sent yet.',
          track: event.error ? {} : { status: `'${String(event.status)}' stored`, headers: `${fieldList(event.headers)} stored` },
        });
        break;
      case 'app-return':
        row({
          action: 'The app returns its body',
          input: '',
          output: event.body,
          notes: event.body.startsWith('[') ? 'A list is an iterable of byte chunks.' : '',
          track: { body: `${event.body}, not read yet` },
        });
        break;
      case 'app-error':
        row({ action: 'The app throws', input: '', output: event.message, notes: resolved ? 'After the head: the connection is cut.' : 'Before the first chunk: the gateway can still answer 500.' });
        break;
      case 'chunk': {
        if (resolved) streamed += 1;
        const first = !resolved && chunksBeforeHead === 0 && event.size > 0;
        if (!resolved && event.size > 0) chunksBeforeHead += 1;
        row({
          action: resolved ? 'The gateway reads the next chunk from the app\'s body, for lab 2' : 'The gateway reads the app\'s body',
          input: '',
          output: event.note ?? (event.size === 0 ? 'an empty chunk (skipped)' : bytesCell(event.bytes, event.size)),
          notes: first ? 'The first non-empty chunk: startResponse was called, so the head is final now. An error up to here is still a clean 500.' : '',
          track: { body: first ? `first chunk read (${event.size} bytes)` : `chunk read (${event.size} bytes)` },
        });
        break;
      }
      case 'body-end':
        row({ action: 'The app\'s body is exhausted', input: '', output: 'done', notes: '', track: { body: 'exhausted' } });
        break;
      case 'iterator-return':
        row({ action: 'The gateway stops the app\'s iterator (return())', input: '', output: '', notes: 'Runs the generator\'s finally blocks.' });
        break;
      case 'close':
        row({ action: 'The gateway calls the body\'s close()', input: '', output: '', notes: 'Exactly once, however the response ends (read to the end, failed, HEAD, or a client that left).', track: { body: 'closed' } });
        break;
      case 'handler-resolve':
        resolved = true;
        row({
          action: `${layer(3)}: the handler resolves`,
          input: 'status, reason, headers; the first chunk',
          output: `{ status: ${event.status}, reason: ${event.reason === undefined ? 'undefined' : `'${event.reason}'`}, headers: ${fieldList(event.headers)}, body: ${event.body} }`,
          notes: `${layer(2)} writes the head now, adding what only a server knows (Date, Server, the framing).`,
          track: { status: `${event.status} '${event.reason ?? ''}' in the ServerResponse`, headers: 'in the ServerResponse' },
        });
        break;
      case 'handler-error':
        row({ action: `${layer(3)}: the handler rejects`, input: '', output: event.message, notes: 'A handler should never reject for what the app did: lab 2 answers 500.' });
        break;
      case 'server-chunk':
        streamed += 1;
        row({
          action: `${layer(2)} asks the body for a chunk and writes it`,
          input: '',
          output: bytesCell(event.bytes, event.size),
          notes: streamed === 1 && chunksBeforeHead > 0 ? 'The gateway hands over the chunk it already read.' : '',
          track: { body: `${event.size} bytes on the wire` },
        });
        break;
      case 'server-end':
        row({ action: `${layer(2)} asks again: the body is done`, input: '', output: 'done', notes: 'The response is complete.', track: { body: 'finished' } });
        break;
      case 'server-return':
        row({ action: `${layer(2)} stops reading the body (return())`, input: '', output: '', notes: 'A HEAD request, or a client that went away.' });
        break;
      case 'errors':
        row({ action: 'Written to tsgi.errors', input: '', output: event.text.trimEnd(), notes: 'The server\'s error log.' });
        break;
      case 'receive': {
        const text = event.bytes;
        const headEnd = text.indexOf('\r\n\r\n');
        const headLines = (headEnd >= 0 ? text.slice(0, headEnd) : text).split('\r\n');
        const names = headLines.slice(1).map((line) => line.split(':')[0].toLowerCase());
        const added = names.filter((name) => !appHeaders.includes(name)).map((name) => headLines.slice(1).find((l) => l.toLowerCase().startsWith(`${name}:`))?.split(':')[0]);
        const framing = names.includes('transfer-encoding') ? 'Chunked framing: the app gave no Content-Length.' : names.includes('content-length') ? 'Framed by Content-Length.' : '';
        const bodySize = headEnd >= 0 ? event.size - headEnd - 4 : 0;
        row({
          action: 'The client receives the response',
          input: '',
          output: bytesCell(event.bytes, event.size),
          notes: [
            event.complete ? '' : `Incomplete: ${event.why ?? 'the response did not finish'}.`,
            added.length > 0 ? `Lab 2 added ${added.join(', ')}.` : '',
            framing,
          ].filter(Boolean).join(' '),
          track: {
            request: 'finished',
            status: `${headLines[0] ?? ''} on the wire`,
            headers: `${headLines.length - 1} lines on the wire`,
            body: `${bodySize} bytes on the wire${names.includes('transfer-encoding') ? ' (with chunk framing)' : ''}`,
          },
        });
        break;
      }
      case 'error':
        row({ action: `Error while ${event.where}`, input: '', output: event.message, notes: '' });
        break;
      default:
        break;
    }
  }
  if (skipped) row({ action: `… ${skipped.count} more chunks the same way`, input: '', output: `${skipped.bytes} bytes in all`, notes: '' });
  return rows;
}

/**
 * The variable tracker: after each step, the five values; '-' before they exist, 'unchanged'
 * while a step leaves them as they were.
 * @param {Row[]} rows
 */
export function trackerRows(rows) {
  /** @type {Array<'request' | 'environ' | 'status' | 'headers' | 'body'>} */
  const columns = ['request', 'environ', 'status', 'headers', 'body'];
  /** @type {Record<string, boolean>} */
  const seen = {};
  return rows.map((row, index) => [
    String(index + 1),
    ...columns.map((column) => {
      const value = row.track[column];
      if (value !== undefined) {
        seen[column] = true;
        return value;
      }
      return seen[column] ? 'unchanged' : '-';
    }),
  ]);
}

/**
 * A table in plain text: each cell wrapped to its column (long words cut), at most `maxLines`
 * lines per cell (then …), columns separated by │.
 * @param {string[]} header
 * @param {string[][]} rows
 * @param {number[]} widths
 * @param {{ maxLines?: number, bold?: (s: string) => string, dim?: (s: string) => string }} [style]
 */
export function renderTable(header, rows, widths, style = {}) {
  const maxLines = style.maxLines ?? 10;
  const bold = style.bold ?? ((s) => s);
  const dim = style.dim ?? ((s) => s);
  const separator = dim(' │ ');
  const line = (/** @type {string[][]} */ cells, /** @type {(s: string) => string} */ paint) => {
    const height = Math.max(...cells.map((c) => c.length));
    const out = [];
    for (let i = 0; i < height; i++) {
      out.push(cells.map((c, j) => paint((c[i] ?? '').padEnd(widths[j]))).join(separator).trimEnd());
    }
    return out.join('\n');
  };
  const out = [line(header.map((h, j) => [h.slice(0, widths[j])]), bold)];
  out.push(dim(widths.map((w) => '─'.repeat(w)).join('─┼─')));
  for (const row of rows) {
    out.push(line(row.map((cell, j) => wrapCell(cell, widths[j], maxLines)), (s) => s));
    out.push(dim(widths.map((w) => ' '.repeat(w)).join(' │ ').trimEnd()));
  }
  out.pop();
  return out.join('\n');
}

/** A cell's text as lines of at most `width` characters, at most `maxLines` of them. */
export function wrapCell(/** @type {string} */ text, /** @type {number} */ width, /** @type {number} */ maxLines) {
  /** @type {string[]} */
  const lines = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/(?<= )/)) {
      let rest = word;
      while (line.length + rest.trimEnd().length > width) {
        if (line.length > 0) {
          lines.push(line.trimEnd());
          line = '';
        } else {
          lines.push(rest.slice(0, width));
          rest = rest.slice(width);
        }
      }
      line += rest;
    }
    lines.push(line.trimEnd());
  }
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    const last = kept[maxLines - 1];
    kept[maxLines - 1] = `${last.length >= width ? last.slice(0, width - 1) : last}…`;
    return kept;
  }
  return lines;
}

/**
 * Column widths that fill `total` characters (separators included) in the given proportions,
 * the first column fixed.
 * @param {number} total @param {number} first @param {number[]} shares
 */
export function columnWidths(total, first, shares) {
  const free = Math.max(shares.length * 8, total - first - 3 * shares.length);
  const sum = shares.reduce((a, b) => a + b, 0);
  const widths = shares.map((s) => Math.max(8, Math.floor((free * s) / sum)));
  return [first, ...widths];
}
