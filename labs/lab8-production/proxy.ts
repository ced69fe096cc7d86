import { once } from 'node:events';
import http from 'node:http';
import type { HeaderField } from '#contracts/http';
import type { ProxyOptions } from '#contracts/production';
import type { Handler, ServerResponse } from '#contracts/server';

/** Connection headers belong to one hop; a proxy must not pass them on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function withoutHopByHop(headers: HeaderField[]): HeaderField[] {
  // TODO(lab8): drop the fields HOP_BY_HOP names, and also every field that a Connection header
  // names (its value is a comma-separated list of field names), comparing names lowercased.
  throw new Error('TODO(lab8): withoutHopByHop is not written yet (lessons/08-production.md#the-reverse-proxy)');
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
  // TODO(lab8): refuse an empty list of upstreams. Return a handler that, per request:
  // - takes the next upstream in turn (round-robin);
  // - forwards the headers withoutHopByHop, minus the client's X-Forwarded-*, plus
  //   X-Forwarded-For (the client's values, then request.remoteAddress, joined with ', '),
  //   X-Forwarded-Proto: http and X-Forwarded-Host (the client's Host; none without a Host);
  // - sends it with http.request (method, path = the target, headers as a flat list, agent: false),
  //   plus Transfer-Encoding: chunked when the client's body came chunked (Node's client frames a
  //   GET body not at all), streaming request.body into it (wait for 'drain' when write()
  //   returns false), then end(); if reading request.body throws (the server's 413 or 408),
  //   reject with that error, so the server answers it, and destroy the upstream request;
  // - resolves, once, with the upstream's status, reason, headers withoutHopByHop and its body as
  //   an async iterable of Uint8Array (an error of the upstream's response comes out of it);
  //   an 'error' first: gatewayError(502, ...); no response head
  //   within timeoutMs (10000 by default): destroy the request and gatewayError(504, ...);
  // - destroys the upstream request if the client goes away (request.signal).
  throw new Error('TODO(lab8): proxyHandler is not written yet (lessons/08-production.md#the-reverse-proxy)');
}
