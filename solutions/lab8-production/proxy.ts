import { once } from 'node:events';
import http from 'node:http';
import type { HeaderField } from '#contracts/http';
import type { ProxyOptions } from '#contracts/production';
import type { Handler, ServerResponse } from '#contracts/server';

/** Connection headers belong to one hop; a proxy must not pass them on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function withoutHopByHop(headers: HeaderField[]): HeaderField[] {
  // Connection may also name other headers that are hop-by-hop for this message.
  const named = headers
    .filter(([name]) => name.toLowerCase() === 'connection')
    .flatMap(([, value]) => value.split(',').map((v) => v.trim().toLowerCase()));
  return headers.filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()) && !named.includes(name.toLowerCase()));
}

const encoder = new TextEncoder();

function gatewayError(status: 502 | 504, message: string): ServerResponse {
  return { status, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: encoder.encode(`${status} ${message}\n`) };
}

/**
 * A reverse proxy as a lab 2 handler: nginx's job in front of the workers. Each request goes to
 * the next upstream in turn, with X-Forwarded-For/-Proto/-Host saying who really asked; the
 * response comes back as it streams. An upstream that refuses the connection is a 502; one that
 * doesn't answer within timeoutMs is a 504.
 */
export function proxyHandler(options: ProxyOptions): Handler {
  if (options.upstreams.length === 0) throw new Error('a proxy needs at least one upstream');
  const timeoutMs = options.timeoutMs ?? 10_000;
  let next = 0;
  return (request) =>
    new Promise<ServerResponse>((resolve, reject) => {
      const upstream = options.upstreams[next++ % options.upstreams.length]!;
      // resolve() counts only its first call: the response, an error or the timeout, whichever comes first.
      const settle = (response: ServerResponse) => {
        clearTimeout(timer);
        resolve(response);
      };
      const headers = withoutHopByHop(request.headers);
      // Every X-Forwarded-For line the client sent, as one list (RFC 9110 §5.3), then ours.
      const forwardedFor = request.headers.filter(([name]) => name === 'x-forwarded-for').map(([, value]) => value).join(', ');
      const host = request.headers.find(([name]) => name === 'host')?.[1];
      const outgoing = headers.filter(([name]) => !name.startsWith('x-forwarded-'));
      outgoing.push(
        ['x-forwarded-for', forwardedFor ? `${forwardedFor}, ${request.remoteAddress}` : request.remoteAddress],
        ['x-forwarded-proto', 'http'],
      );
      if (host !== undefined) outgoing.push(['x-forwarded-host', host]); // HTTP/1.0 may send no Host
      // Our own framing for our own hop: a body that came chunked goes on chunked. Node's client
      // frames a GET or DELETE body not at all, and the upstream would read it as a next request.
      if (request.headers.some(([name]) => name === 'transfer-encoding')) outgoing.push(['transfer-encoding', 'chunked']);
      const forward = http.request({
        host: upstream.host,
        port: upstream.port,
        method: request.method,
        path: request.target,
        headers: outgoing.flat(), // Node takes [name, value, name, value, ...] to keep repeats
        agent: false,
      });
      const timer = setTimeout(() => {
        forward.destroy();
        settle(gatewayError(504, 'Gateway Timeout: the upstream did not answer in time'));
      }, timeoutMs);
      forward.on('response', (response) => {
        const fields: HeaderField[] = [];
        for (let i = 0; i < response.rawHeaders.length; i += 2) fields.push([response.rawHeaders[i]!, response.rawHeaders[i + 1]!]);
        const body = (async function* () {
          for await (const chunk of response) yield new Uint8Array(chunk as Buffer);
        })();
        settle({ status: response.statusCode ?? 502, reason: response.statusMessage, headers: withoutHopByHop(fields), body });
      });
      forward.on('error', () => settle(gatewayError(502, 'Bad Gateway: the upstream is unreachable')));
      request.signal.addEventListener('abort', () => forward.destroy());
      void (async () => {
        try {
          // Backpressure: wait while the upstream is behind, instead of buffering the upload.
          for await (const chunk of request.body) if (!forward.write(chunk)) await once(forward, 'drain');
          forward.end();
        } catch (error) {
          // The client's body failed (lab 2's 413 or 408): the server answers it, and the upstream
          // request is destroyed, never ended, so that half an upload is not taken for the whole.
          clearTimeout(timer);
          reject(error);
          forward.destroy();
        }
      })();
    });
}
