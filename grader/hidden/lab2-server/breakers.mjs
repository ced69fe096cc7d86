// @ts-check
// Rule breakers for lab 2 (see grader/breakers.mjs): each is the smallest edit of the reference
// that breaks one rule of lessons/02-server.md, the mistake a learner would make. A rule with
// several ways to go wrong has one breaker per way.
/** @type {import('../../breakers.mjs').Breaker[]} */
export default [
  // What a web server does; sockets and the event loop; one process, many clients
  { rule: 'S1', why: 'decodes the target before the handler sees it', file: 'connection.ts', find: '    this.target = head.target;\n', replace: '    this.target = decodeURIComponent(head.target);\n' },
  { rule: 'S1', why: 'lowercases the header values too', file: 'connection.ts', find: '    this.headers = head.headers;\n', replace: '    this.headers = head.headers.map(([name, value]) => [name, value.toLowerCase()]);\n' },
  { rule: 'S1', why: 'gives the handler the head without its headers', file: 'connection.ts', find: '    this.headers = head.headers;\n', replace: '    this.headers = [];\n' },
  {
    rule: 'S2', why: "swaps the client's end and the server's", file: 'connection.ts',
    find: "    this.remoteAddress = socket.remoteAddress ?? '';\n    this.remotePort = socket.remotePort ?? 0;",
    replace: "    this.remoteAddress = socket.localAddress ?? '';\n    this.remotePort = socket.localPort ?? 0;",
  },
  {
    rule: 'S3', why: "uses the handler's promise as if it were the response",
    edits: [
      { file: 'connection.ts', find: 'async #callHandler(exchange: Exchange): Promise<ServerResponse> {', replace: '#callHandler(exchange: Exchange): any {' },
      { file: 'connection.ts', find: 'return await this.#handler(new HandlerRequest(exchange, this.#socket));', replace: 'return this.#handler(new HandlerRequest(exchange, this.#socket));' },
      { file: 'connection.ts', find: 'const response = await this.#callHandler(exchange);', replace: 'const response = this.#callHandler(exchange);' },
    ],
  },
  { rule: 'S4', why: "does not listen for 'error' on the socket", file: 'connection.ts', find: "    socket.on('error', () => {}); // a reset by the client; 'close' follows and cleans up\n", replace: '' },
  { rule: 'S5', why: "closes its side as soon as the client's FIN arrives (no allowHalfOpen)", file: 'server.ts', find: '{ allowHalfOpen: true, noDelay: true }', replace: '{ noDelay: true }' },
  { rule: 'S6', why: 'listens on every interface instead of the given host', file: 'server.ts', find: 'listener.listen(port, host, () => {', replace: 'listener.listen(port, () => {' },
  { rule: 'S6', why: 'resolves with the port asked for, not the one bound', file: 'server.ts', find: 'bound = { address: info.address, port: info.port };', replace: 'bound = { address: info.address, port };' },
  { rule: 'S7', why: 'does not reject when the port is taken', file: 'server.ts', find: "        listener.once('error', reject);\n", replace: '' },
  { rule: 'S8', why: 'keeps the address after close()', file: 'server.ts', find: '      bound = null;\n      return new Promise', replace: '      return new Promise' },
  {
    rule: 'S9', why: 'serves one request at a time across all connections',
    edits: [
      {
        file: 'server.ts', find: '  const connections = new Set<Connection>();',
        replace: '  const connections = new Set<Connection>();\n  let turn: Promise<unknown> = Promise.resolve();\n  const oneAtATime = (request: any): any => {\n    const next = turn.then(() => handler(request));\n    turn = next.catch(() => {});\n    return next;\n  };',
      },
      { file: 'server.ts', find: '    const connection = new Connection(socket, handler, settings);', replace: '    const connection = new Connection(socket, oneAtATime, settings);' },
    ],
  },

  // Keep-alive and pipelining
  { rule: 'K1', why: 'reads only the first Connection line, unsplit', file: 'keep-alive.ts', find: 'const tokens = connectionTokens(head.headers);', replace: "const tokens = [head.headers.find(([name]) => name === 'connection')?.[1] ?? ''];" },
  {
    rule: 'K1', why: 'lets HTTP/1.0 keep-alive win over close', file: 'keep-alive.ts',
    find: "  if (tokens.includes('close')) return false;\n  if (head.version === 'HTTP/1.0') return tokens.includes('keep-alive');",
    replace: "  if (head.version === 'HTTP/1.0') return tokens.includes('keep-alive');\n  if (tokens.includes('close')) return false;",
  },
  { rule: 'K2', why: 'keeps HTTP/1.0 connections by default', file: 'keep-alive.ts', find: "  if (head.version === 'HTTP/1.0') return tokens.includes('keep-alive');\n", replace: '' },
  {
    rule: 'K2', why: 'reads the options of every header, not only Connection', file: 'keep-alive.ts',
    find: 'const tokens = connectionTokens(head.headers);',
    replace: "const tokens = head.headers.flatMap(([, value]) => value.split(',')).map((token) => token.trim().toLowerCase());",
  },
  { rule: 'K3', why: "ignores the client's wish to close", file: 'connection.ts', find: '        wantsKeepAlive(head) &&\n', replace: '' },
  { rule: 'K3', why: 'parses what still arrives after it ended the connection', file: 'connection.ts', find: 'if (this.#ended || this.#refused) return;', replace: 'if (this.#refused) return;' },
  { rule: 'K4', why: 'always closes HTTP/1.0 connections', file: 'connection.ts', find: '        wantsKeepAlive(head) &&\n', replace: "        wantsKeepAlive(head) && head.version === 'HTTP/1.1' &&\n" },
  { rule: 'K5', why: 'says Connection only when it closes', file: 'respond.ts', find: "    headers.push(['Connection', keepAlive ? 'keep-alive' : 'close']);\n    const bytes", replace: "    if (!keepAlive) headers.push(['Connection', 'close']);\n    const bytes" },
  { rule: 'K5', why: 'says Connection only when it closes, on a streamed response', file: 'respond.ts', find: "  headers.push(['Connection', keepAlive ? 'keep-alive' : 'close']);\n\n", replace: "  if (!keepAlive) headers.push(['Connection', 'close']);\n\n" },
  {
    rule: 'K5', why: 'says keep-alive on a refusal, then closes', file: 'connection.ts',
    find: "      keepAlive: false,\n      serverName: this.#options.serverName,\n      headSent: false,\n    };\n    await writeResponse(this.#socket, errorResponse(error.status)",
    replace: "      keepAlive: true,\n      serverName: this.#options.serverName,\n      headSent: false,\n    };\n    await writeResponse(this.#socket, errorResponse(error.status)",
  },
  { rule: 'K6', why: 'serves one request more than maxRequestsPerConnection', file: 'connection.ts', find: 'this.#served < this.#options.maxRequestsPerConnection', replace: 'this.#served <= this.#options.maxRequestsPerConnection' },
  { rule: 'K6', why: 'closes one request before maxRequestsPerConnection', file: 'connection.ts', find: 'this.#served < this.#options.maxRequestsPerConnection', replace: 'this.#served + 1 < this.#options.maxRequestsPerConnection' },
  { rule: 'K7', why: "ignores the handler's Connection: close", file: 'respond.ts', find: "let keepAlive = context.keepAlive && !connectionTokens(response.headers).includes('close');", replace: 'let keepAlive = context.keepAlive;' },
  { rule: 'K7', why: "keeps the handler's Connection field next to its own", file: 'respond.ts', find: "const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);", replace: "const HOP_BY_HOP = new Set(['keep-alive', 'transfer-encoding']);" },
  { rule: 'K8', why: 'leaves an idle connection open after the client closed its side', file: 'connection.ts', find: "    }\n    if (this.idle) this.#end();\n  }\n\n  /**\n   * Ends our side", replace: "    }\n  }\n\n  /**\n   * Ends our side" },
  { rule: 'K8', why: "says keep-alive on the last answer to a client that closed its side", file: 'connection.ts', find: '        !(this.#clientEnded && this.#queue.length === 0) &&\n', replace: '' },
  { rule: 'K8', why: 'closes at the next answer once the client closed its side, with requests still queued', file: 'connection.ts', find: '        !(this.#clientEnded && this.#queue.length === 0) &&\n', replace: '        !this.#clientEnded &&\n' },
  {
    rule: 'K9', why: 'hands every queued request to the handler at once', file: 'connection.ts',
    find: '    if (this.#serving || this.#queue.length === 0) return;',
    replace: "    while (this.#queue.length > 1 && !('error' in this.#queue[0]!)) void this.#serve(this.#queue.shift() as Exchange);\n    if (this.#serving || this.#queue.length === 0) return;",
  },
  { rule: 'K10', why: 'reads a client that pipelines without bound', file: 'connection.ts', find: ' || this.#queue.length > MAX_QUEUED;', replace: ';' },

  // Framing a response
  { rule: 'F1', why: 'sends no Content-Length for a response without a body', file: 'respond.ts', find: '    if (noBody) {\n      // HEAD', replace: '    if (noBody || body === undefined) {\n      // HEAD' },
  { rule: 'F2', why: "chunks a stream that has the handler's Content-Length", file: 'respond.ts', find: "const chunked = declared === undefined && !noBody && context.version === 'HTTP/1.1';", replace: "const chunked = !noBody && context.version === 'HTTP/1.1';" },
  { rule: 'F3', why: 'announces chunks but writes the pieces bare', file: 'respond.ts', find: 'await write(socket, chunked ? encodeChunk(chunk) : chunk);', replace: 'await write(socket, chunk);' },
  { rule: 'F3', why: 'forgets the last chunk', file: 'respond.ts', find: '    if (chunked) await write(socket, lastChunk());\n', replace: '' },
  { rule: 'F4', why: 'sends chunks to HTTP/1.0', file: 'respond.ts', find: "const chunked = declared === undefined && !noBody && context.version === 'HTTP/1.1';", replace: 'const chunked = declared === undefined && !noBody;' },
  { rule: 'F4', why: 'keeps an HTTP/1.0 connection whose body ends with the close', file: 'respond.ts', find: '  if (declared === undefined && !noBody && !chunked) keepAlive = false;\n', replace: '' },
  {
    rule: 'F5', why: 'collects the whole stream before writing it',
    edits: [
      { file: 'respond.ts', find: '    let sent = 0;\n', replace: '    let sent = 0;\n    const collected: Uint8Array[] = [];\n' },
      {
        file: 'respond.ts', find: '      await write(socket, chunked ? encodeChunk(chunk) : chunk);\n    }\n    finished = true;',
        replace: '      collected.push(chunked ? encodeChunk(chunk) : chunk);\n    }\n    for (const piece of collected) await write(socket, piece);\n    finished = true;',
      },
    ],
  },
  { rule: 'F6', why: 'sends the body after a HEAD response', file: 'respond.ts', find: "const noBody = context.method === 'HEAD' || status === 204", replace: 'const noBody = status === 204' },
  { rule: 'F6', why: 'leaves Content-Length out of a HEAD response', file: 'respond.ts', find: "      if (context.method === 'HEAD' && !has(headers, 'content-length')) headers.push(['Content-Length', String(bytes.length)]);\n", replace: '' },
  { rule: 'F6', why: "adds its own Content-Length to a HEAD response that had the handler's", file: 'respond.ts', find: "if (context.method === 'HEAD' && !has(headers, 'content-length'))", replace: "if (context.method === 'HEAD')" },
  { rule: 'F7', why: 'forgets that 304 has no body', file: 'respond.ts', find: 'status === 204 || status === 304 || status < 200;', replace: 'status === 204 || status < 200;' },
  { rule: 'F7', why: 'forgets that 204 has no body', file: 'respond.ts', find: 'status === 204 || status === 304 || status < 200;', replace: 'status === 304 || status < 200;' },
  { rule: 'F7', why: 'forgets that 1xx has no body', file: 'respond.ts', find: 'status === 204 || status === 304 || status < 200;', replace: 'status === 204 || status === 304;' },
  { rule: 'F8', why: 'drops the body of a response the client left before, unfinished', file: 'connection.ts', find: '        await dropBody(response.body);\n', replace: '' },
  { rule: 'F8', why: 'never returns an iterator it stops reading', file: 'respond.ts', find: '    if (!finished) await iterator.return?.().catch(() => {});\n', replace: '' },
  { rule: 'F8', why: 'calls return() on an iterator it read to its end', file: 'respond.ts', find: '    if (!finished) await iterator.return?.().catch(() => {});', replace: '    await iterator.return?.().catch(() => {});' },
  { rule: 'F8', why: 'calls return() on an iterator that has none', file: 'respond.ts', find: '    if (!finished) await iterator.return?.().catch(() => {});', replace: '    if (!finished) await iterator.return!().catch(() => {});' },
  { rule: 'F9', why: "adds a Date even when the handler gave one", file: 'respond.ts', find: "  if (!has(headers, 'date')) headers.push(['Date', httpDate()]);", replace: "  headers.push(['Date', httpDate()]);" },
  { rule: 'F10', why: "adds its own Server next to the handler's", file: 'respond.ts', find: "  if (!has(headers, 'server')) headers.push(['Server', context.serverName]);", replace: "  headers.push(['Server', context.serverName]);" },
  { rule: 'F11', why: "keeps the handler's Transfer-Encoding", file: 'respond.ts', find: "const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);", replace: "const HOP_BY_HOP = new Set(['connection', 'keep-alive']);" },
  { rule: 'F11', why: "keeps the handler's Keep-Alive", file: 'respond.ts', find: "const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);", replace: "const HOP_BY_HOP = new Set(['connection', 'transfer-encoding']);" },

  // Request bodies and backpressure
  { rule: 'Q1', why: 'calls the handler only once the whole body has arrived', file: 'connection.ts', find: '    if (this.#serving || this.#queue.length === 0) return;', replace: '    if (this.#serving || this.#queue.length === 0 || this.#queue[0] === this.#parsing) return;' },
  { rule: 'Q2', why: 'stops at the end of the body before handing out the last chunks', file: 'body.ts', find: "    while (true) {\n      const chunk = this.#chunks.shift();\n      if (chunk) {", replace: "    while (true) {\n      if (this.#ended && !this.#error) return;\n      const chunk = this.#chunks.shift();\n      if (chunk) {" },
  { rule: 'Q2', why: 'hands out the chunks last first', file: 'body.ts', find: 'const chunk = this.#chunks.shift();', replace: 'const chunk = this.#chunks.pop();' },
  { rule: 'Q3', why: 'never stops reading for a full body', file: 'connection.ts', find: '(this.#parsing?.body.full ?? false) || ', replace: '' },
  { rule: 'Q3', why: 'does not read again when the handler catches up', file: 'connection.ts', find: '        onDrain: () => this.#flow(),', replace: '        onDrain: () => {},' },
  { rule: 'Q4', why: "does not wait for 'drain'", file: 'respond.ts', find: '    if (socket.write(bytes)) {\n      resolve();\n      return;\n    }', replace: '    socket.write(bytes);\n    resolve();\n    return;' },
  { rule: 'Q5', why: 'keeps the connection open after leaving a body unread', file: 'connection.ts', find: 'if (!exchange.body.ended || this.#closing) context.keepAlive = false;', replace: 'if (this.#closing) context.keepAlive = false;' },
  { rule: 'X1', why: 'matches the Expect value case-sensitively', file: 'connection.ts', find: "awaitingContinue: expect?.toLowerCase() === '100-continue'", replace: "awaitingContinue: expect === '100-continue'" },
  { rule: 'X2', why: 'sends 100 Continue before the handler runs', file: 'connection.ts', find: '  async #callHandler(exchange: Exchange): Promise<ServerResponse> {\n', replace: '  async #callHandler(exchange: Exchange): Promise<ServerResponse> {\n    this.#sendContinue(exchange);\n' },
  { rule: 'X3', why: 'sends 100 Continue without being asked', file: 'connection.ts', find: "awaitingContinue: expect?.toLowerCase() === '100-continue' && head.version === 'HTTP/1.1',", replace: "awaitingContinue: head.version === 'HTTP/1.1' && head.method !== 'GET'," },
  { rule: 'X4', why: 'sends 100 Continue to HTTP/1.0', file: 'connection.ts', find: "awaitingContinue: expect?.toLowerCase() === '100-continue' && head.version === 'HTTP/1.1',", replace: "awaitingContinue: expect?.toLowerCase() === '100-continue'," },
  { rule: 'X5', why: 'sends 100 Continue after the final response started', file: 'connection.ts', find: 'if (!exchange.awaitingContinue || exchange.context) return;', replace: 'if (!exchange.awaitingContinue) return;' },

  // When things go wrong
  { rule: 'E1', why: 'answers every refusal with 400', file: 'connection.ts', find: 'await writeResponse(this.#socket, errorResponse(error.status), context).catch(() => {});', replace: 'await writeResponse(this.#socket, errorResponse(400), context).catch(() => {});' },
  { rule: 'E1', why: 'answers a refusal but keeps the connection open', file: 'connection.ts', find: "    await writeResponse(this.#socket, errorResponse(error.status), context).catch(() => {});\n    this.#end();", replace: '    await writeResponse(this.#socket, errorResponse(error.status), context).catch(() => {});' },
  { rule: 'E1', why: 'reads on after a refusal', file: 'connection.ts', find: 'this.#reading = this.#ended || !(this.#refused || full);', replace: 'this.#reading = this.#ended || !full;' },
  { rule: 'E2', why: 'drops the requests completed before the refusal', file: 'connection.ts', find: '      events = error.events;', replace: '      events = [];' },
  { rule: 'E3', why: "answers a handler's HttpError with 500", file: 'connection.ts', find: 'const status = error instanceof HttpError ? error.status : 500;', replace: 'const status = 500;' },
  { rule: 'E3', why: "reports the client's HttpError to onError", file: 'connection.ts', find: '      if (status === 500) this.#options.onError(error);', replace: '      this.#options.onError(error);' },
  { rule: 'E4', why: 'does not call onError for a failed handler', file: 'connection.ts', find: '      if (status === 500) this.#options.onError(error);\n', replace: '' },
  {
    rule: 'E5', why: "puts the error's stack in the 500's body", file: 'connection.ts',
    find: 'await writeResponse(this.#socket, errorResponse(status), context).catch(() => {});\n    } finally {',
    replace: "await writeResponse(this.#socket, { ...errorResponse(status), body: encoder.encode(String((error as Error)?.stack ?? error)) }, context).catch(() => {});\n    } finally {",
  },
  { rule: 'E6', why: 'says keep-alive on a 500', file: 'connection.ts', find: '      context.keepAlive = false;\n      exchange.context = context;', replace: '      exchange.context = context;' },
  {
    rule: 'E6', why: 'goes on serving the connection after a 500', file: 'connection.ts',
    find: '      await writeResponse(this.#socket, errorResponse(status), context).catch(() => {});\n    } finally {',
    replace: '      keepAlive = await writeResponse(this.#socket, errorResponse(status), { ...context, keepAlive: true }).catch(() => false);\n    } finally {',
  },
  { rule: 'E7', why: 'does not report a body that failed after the head', file: 'connection.ts', find: '        this.#options.onError(error);\n        this.#abort();', replace: '        this.#abort();' },
  { rule: 'E7', why: 'ends the connection cleanly after a body failed', file: 'connection.ts', find: '        this.#options.onError(error);\n        this.#abort();', replace: '        this.#options.onError(error);\n        this.#end();' },
  {
    rule: 'E8', why: 'writes bytes past the declared Content-Length', file: 'respond.ts',
    find: '      if (declared !== undefined && sent > Number(declared)) {\n        throw new Error(`the body is longer than its Content-Length of ${declared}`);\n      }\n',
    replace: '',
  },
  {
    rule: 'E8', why: 'passes off a body shorter than its Content-Length as whole', file: 'respond.ts',
    find: '    if (declared !== undefined && String(sent) !== declared) {\n      throw new Error(`Content-Length said ${declared} but the body had ${sent} bytes`);\n    }\n',
    replace: '',
  },
  { rule: 'E9', why: "writes the handler's answer to a client that left mid-body", file: 'connection.ts', find: '      if (exchange.gone) {\n', replace: '      if (false) {\n' },
  { rule: 'E9', why: 'answers a client that went away with a 500 and onError', file: 'connection.ts', find: '      if (exchange.gone || this.#socket.destroyed) {', replace: '      if (this.#socket.destroyed) {' },
  {
    rule: 'E9', why: 'only fails the body when the client leaves mid-body, without aborting the request', file: 'connection.ts',
    find: '      abandon(abandoned, gone);\n', replace: '',
  },
  {
    rule: 'E9', why: 'hands an abandoned queued request to the handler', file: 'connection.ts',
    find: '        this.#queue.splice(this.#queue.indexOf(abandoned), 1);\n', replace: '',
  },
  {
    rule: 'E9', why: 'logs a client gone through onError, with its stack', file: 'connection.ts',
    find: "        this.#options.log(`${head.method} ${head.target}: the client went away before the response was complete`);",
    replace: '        this.#options.onError(error);',
  },

  // Timeouts and limits
  { rule: 'T1', why: 'makes the parser with the default limits', file: 'connection.ts', find: 'this.#parser = new RequestParser(options.limits);', replace: 'this.#parser = new RequestParser();' },
  { rule: 'T2', why: 'counts the connection it turns away until that one closes', file: 'server.ts',
    find: '    if (connections.size >= settings.maxConnections) {\n      connection.turnAway();\n      return;\n    }\n    connections.add(connection);\n    socket.on(\'close\', () => connections.delete(connection));\n',
    replace: '    const full = connections.size >= settings.maxConnections;\n    connections.add(connection);\n    socket.on(\'close\', () => connections.delete(connection));\n    if (full) connection.turnAway();\n' },
  { rule: 'T2', why: 'has no limit on connections', file: 'server.ts', find: '    if (connections.size >= settings.maxConnections) {', replace: '    if (false) {' },
  { rule: 'T2', why: 'lets one connection more than maxConnections in', file: 'server.ts', find: 'if (connections.size >= settings.maxConnections) {', replace: 'if (connections.size > settings.maxConnections) {' },
  { rule: 'T2', why: 'turns away one connection too early', file: 'server.ts', find: 'if (connections.size >= settings.maxConnections) {', replace: 'if (connections.size >= settings.maxConnections - 1) {' },
  {
    rule: 'T2', why: 'never forgets a closed connection, so the limit never frees', file: 'server.ts',
    find: '    if (connections.size >= settings.maxConnections) {\n      connection.turnAway();\n      return;\n    }\n    connections.add(connection);\n    socket.on(\'close\', () => connections.delete(connection));',
    replace: '    if (connections.size >= settings.maxConnections) {\n      connection.turnAway();\n      return;\n    }\n    connections.add(connection);',
  },
  { rule: 'T3', why: 'restarts the header timer on every byte', file: 'connection.ts', find: "    if (this.#timing === 'head') return; // timed from the first byte, not the latest\n", replace: '' },
  { rule: 'T4', why: 'starts no header timer when the connection opens', file: 'connection.ts', find: '    // A client that connects and sends nothing is held to the header timeout too.\n    this.#startHeaderTimer();\n', replace: '' },
  { rule: 'T5', why: 'closes a slow head without a 408', file: 'connection.ts', find: "    this.#refuse(new HttpError(408, 'the request head took too long to arrive'));", replace: '    this.#end();' },
  {
    rule: 'T6', why: 'times the handler with the header timer too (stops it only with the response)',
    edits: [
      { file: 'connection.ts', find: "    if (event.type === 'head') {\n      this.#stopTimers();", replace: "    if (event.type === 'head') {" },
      { file: 'connection.ts', find: "    } else if (event.type === 'end') {\n      this.#stopTimers();", replace: "    } else if (event.type === 'end') {" },
    ],
  },
  { rule: 'T6', why: 'never clears #awaitingHead: bytes after a head restart the header clock', file: 'connection.ts', find: '      this.#awaitingHead = false;\n', replace: '' },
  { rule: 'T7', why: 'times only the first head of a connection', file: 'connection.ts', find: '    if (this.#awaitingHead && events.length === 0) this.#startHeaderTimer();\n', replace: '' },
  { rule: 'T8', why: 'never closes an idle kept-alive connection', file: 'connection.ts', find: '    else if (this.#timing === null) this.#startIdleTimer();\n', replace: '' },
  { rule: 'T8', why: 'starts the header clock after every chunk, even one that held a whole request, so the idle clock never runs', file: 'connection.ts', find: '    if (this.#awaitingHead && events.length === 0) this.#startHeaderTimer();', replace: '    if (this.#awaitingHead) this.#startHeaderTimer();' },
  { rule: 'T9', why: 'has no body timer', file: 'connection.ts', find: '    if (this.#parsing && !this.#parsing.awaitingContinue) this.#startBodyTimer();\n', replace: '' },
  { rule: 'T9', why: 'times the whole body from its head, not from its latest bytes', file: 'connection.ts', find: "    if (this.#parsing && !this.#parsing.awaitingContinue) this.#startBodyTimer();", replace: "    if (this.#parsing && !this.#parsing.awaitingContinue && this.#timing !== 'body') this.#startBodyTimer();" },
  { rule: 'T9', why: 'blames the client for a body the server stopped reading', file: 'connection.ts', find: '    if (!this.#reading) return this.#startBodyTimer();\n', replace: '' },
  { rule: 'T9', why: 'runs the body clock while the client waits for 100 Continue', file: 'connection.ts', find: '    if (this.#parsing && !this.#parsing.awaitingContinue) this.#startBodyTimer();', replace: '    if (this.#parsing) this.#startBodyTimer();' },
  { rule: 'T9', why: 'does not start the body clock at the 100 Continue', file: 'connection.ts', find: '    if (exchange === this.#parsing) this.#startBodyTimer(); // now the body is ours to wait for\n', replace: '' },
  {
    rule: 'T10', why: 'destroys the socket instead of ending it', file: 'connection.ts',
    find: "    this.#socket.end(() => {\n      if (!this.#socket.destroyed) this.#setTimer('linger', LINGER_MS, () => this.#socket.destroy());\n    });",
    replace: '    this.#socket.destroy();',
  },
  { rule: 'T11', why: 'waits forever for a client that never closes its side', file: 'connection.ts', find: "      if (!this.#socket.destroyed) this.#setTimer('linger', LINGER_MS, () => this.#socket.destroy());\n", replace: '' },
  { rule: 'T12', why: 'leaves an ended socket paused', file: 'connection.ts', find: 'this.#reading = this.#ended || !(this.#refused || full);', replace: 'this.#reading = !(this.#refused || full);' },

  // Graceful shutdown
  {
    rule: 'G1', why: 'stops accepting only once the busy connections are done', file: 'server.ts',
    find: '        listener.close(() => resolve());\n        for (const connection of connections) connection.shutDown();',
    replace: '        for (const connection of connections) connection.shutDown();\n        const wait = () => (connections.size === 0 ? listener.close(() => resolve()) : setTimeout(wait, 10));\n        wait();',
  },
  { rule: 'G2', why: 'lets idle connections wait for their keep-alive timeout', file: 'connection.ts', find: '    this.#closing = true;\n    if (this.idle) this.#end();', replace: '    this.#closing = true;' },
  { rule: 'G3', why: 'says keep-alive on the response in flight during close()', file: 'connection.ts', find: 'if (!exchange.body.ended || this.#closing) context.keepAlive = false;', replace: 'if (!exchange.body.ended) context.keepAlive = false;' },
  { rule: 'G4', why: 'resolves close() at once, before the connections are closed', file: 'server.ts', find: '        listener.close(() => resolve());', replace: '        listener.close();\n        resolve();' },
  { rule: 'G5', why: 'does not abort request.signal when the client leaves', file: 'connection.ts', find: '        abandon(exchange, gone);\n        exchange.body.fail(gone);\n      }\n    }\n    this.#queue.length = 0;', replace: '        exchange.body.fail(gone);\n      }\n    }\n    this.#queue.length = 0;' },
  { rule: 'G5', why: 'records that the client left, but never aborts a signal the handler already holds', file: 'connection.ts', find: '  exchange.abort?.abort(reason);\n', replace: '' },
  { rule: 'G5', why: 'hands a live signal to a handler that first asks for it after the client left', file: 'connection.ts', find: '    if (exchange.gone) exchange.abort.abort(exchange.gone);\n', replace: '' },
  { rule: 'G5', why: 'skips abandoning when no request is queued, forgetting the one being served', file: 'connection.ts', find: '    if (this.idle) return;\n', replace: '    if (this.#queue.length === 0) return;\n' },
  { rule: 'G5', why: "gives the handler a fresh signal of its own, not the request's", file: 'connection.ts', find: '    return signalOf(this.#exchange);', replace: '    return new AbortController().signal;' },
  { rule: 'G6', why: "waits for a 'drain' that never comes when the socket closes", file: 'respond.ts', find: "    socket.on('close', onClose);\n", replace: '' },
  {
    rule: 'G6', why: 'writes to a socket that is already closed, and waits for its drain', file: 'respond.ts',
    find: "    if (socket.destroyed || !socket.writable) {\n      reject(new Error('the connection is closed'));\n      return;\n    }\n",
    replace: '',
  },
  // Extension: HTTPS
  {
    rule: 'W1', why: "serves the TLS server's raw 'connection' sockets, still encrypted, instead of the secure ones",
    edits: [
      { file: 'server.ts', find: 'handshakeTimeout: settings.headerTimeoutMs }, accept);', replace: "handshakeTimeout: settings.headerTimeoutMs });\n  listener.on('connection', accept);" },
    ],
  },
  { rule: 'W1', why: 'ignores the tls option and always listens on plain TCP', file: 'server.ts', find: '  if (!settings.tls) return net.createServer(socketOptions, accept);', replace: '  return net.createServer(socketOptions, accept);' },
  { rule: 'W2', why: 'makes the TLS server without allowHalfOpen', file: 'server.ts', find: '{ ...settings.tls, ...socketOptions, handshakeTimeout', replace: '{ ...settings.tls, noDelay: true, handshakeTimeout' },
  { rule: 'W3', why: "leaves the handshake to tls.Server's default timeout of two minutes", file: 'server.ts', find: ', handshakeTimeout: settings.headerTimeoutMs }', replace: ' }' },
  { rule: 'W3', why: 'logs a failed or timed-out handshake but leaves its connection open', file: 'server.ts', find: '    socket.destroy();\n  });\n  return listener;', replace: '  });\n  return listener;' },
];
