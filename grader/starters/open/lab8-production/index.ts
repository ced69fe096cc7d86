// Lab 8's public surface, at the open level: every export the grader uses, with its final
// signature, and nothing of the inside. Design the rest yourself, in this file or in files of your
// own (the worker processes included); keep these names and signatures. Each body throws until you
// write it. serve.ts, the program the tests start, is given and uses only Arbiter from here.
import type { Middleware, ProxyFixOptions, ProxyOptions, StaticOptions, ArbiterOptions, ArbiterStatus } from '#contracts/production';
import type { Handler } from '#contracts/server';

export { RequestTooLarge } from './request-too-large.ts';

/** The Common Log Format's time of a date, in UTC (lessons/08-production.md#access-logs, L2). */
export function clfDate(date: Date): string {
  throw new Error('TODO(lab8): clfDate is not written yet (lessons/08-production.md#access-logs)');
}

/** Middleware that writes one Common Log Format line per request (lessons/08-production.md#access-logs). */
export function accessLog(write: (line: string) => void = (line) => process.stdout.write(line)): Middleware {
  throw new Error('TODO(lab8): accessLog is not written yet (lessons/08-production.md#access-logs)');
}

/**
 * Middleware that serves the files of `root` under `prefix`, safely, with ETags and ranges.
 * Specified in lessons/08-production.md#static-files-and-path-traversal.
 */
export function staticFiles(options: StaticOptions): Middleware {
  throw new Error('TODO(lab8): staticFiles is not written yet (lessons/08-production.md#static-files-and-path-traversal)');
}

/** The real path of `name` under `root`, or null if it is not a file safely inside it (same section). */
export async function resolveInside(root: string, name: string): Promise<{ path: string; size: number; mtimeMs: number } | null> {
  throw new Error('TODO(lab8): resolveInside is not written yet (lessons/08-production.md#static-files-and-path-traversal)');
}

/** A Range header's one byte range as [start, end], null (send it all), or 'unsatisfiable' (same section). */
export function parseRange(header: unknown, size: number): [number, number] | null | 'unsatisfiable' {
  throw new Error('TODO(lab8): parseRange is not written yet (lessons/08-production.md#static-files-and-path-traversal)');
}

/** Whether an Accept-Encoding header allows gzip (lessons/08-production.md#compression-gzip-and-vary). */
export function acceptsGzip(header: unknown): boolean {
  throw new Error('TODO(lab8): acceptsGzip is not written yet (lessons/08-production.md#compression-gzip-and-vary)');
}

/** Middleware that compresses text responses for clients that accept gzip (same section). */
export function gzip(): Middleware {
  throw new Error('TODO(lab8): gzip is not written yet (lessons/08-production.md#compression-gzip-and-vary)');
}

/** Middleware that answers 413 to request bodies over `maxBytes` (lessons/08-production.md#request-size-limits). */
export function limitRequestSize(maxBytes: number): Middleware {
  throw new Error('TODO(lab8): limitRequestSize is not written yet (lessons/08-production.md#request-size-limits)');
}

/** Middleware that trusts X-Forwarded-* from as many proxies as you run (lessons/08-production.md#proxyfix-who-really-asked). */
export function proxyFix(options: ProxyFixOptions = {}): Middleware {
  throw new Error('TODO(lab8): proxyFix is not written yet (lessons/08-production.md#proxyfix-who-really-asked)');
}

/**
 * Gunicorn's arbiter: keeps worker processes serving one port, replaces the dead and the silent,
 * and answers signals. serve.ts drives it. Specified in lessons/08-production.md#gunicorns-arbiter.
 */
export class Arbiter {
  constructor(options: ArbiterOptions) {
    throw new Error('TODO(lab8): the Arbiter constructor is not written yet (lessons/08-production.md#gunicorns-arbiter)');
  }

  /** The workers serving now, the target and the port (lessons/08-production.md#gunicorns-arbiter). */
  status(): ArbiterStatus {
    throw new Error('TODO(lab8): Arbiter.status is not written yet (lessons/08-production.md#gunicorns-arbiter)');
  }

  /** Binds the port, starts the workers, resolves once each is ready to serve. */
  async start(): Promise<void> {
    throw new Error('TODO(lab8): Arbiter.start is not written yet (lessons/08-production.md#gunicorns-arbiter)');
  }

  /** HUP: a new set of workers, then the old ones finish and go (lessons/08-production.md#signals). */
  async reload(): Promise<void> {
    throw new Error('TODO(lab8): Arbiter.reload is not written yet (lessons/08-production.md#signals)');
  }

  /** TTIN: one worker more (lessons/08-production.md#signals). */
  async increment(): Promise<void> {
    throw new Error('TODO(lab8): Arbiter.increment is not written yet (lessons/08-production.md#signals)');
  }

  /** TTOU: one worker fewer, never fewer than one (lessons/08-production.md#signals). */
  async decrement(): Promise<void> {
    throw new Error('TODO(lab8): Arbiter.decrement is not written yet (lessons/08-production.md#signals)');
  }

  /** TERM (graceful) or INT and QUIT (at once): stops every worker (lessons/08-production.md#signals). */
  async stop(graceful = true): Promise<void> {
    throw new Error('TODO(lab8): Arbiter.stop is not written yet (lessons/08-production.md#signals)');
  }

  /** Wires the POSIX signals to the methods above; calls onStopped after a stop (lessons/08-production.md#signals). */
  handleSignals(onStopped: () => void = () => process.exit(0)): void {
    throw new Error('TODO(lab8): Arbiter.handleSignals is not written yet (lessons/08-production.md#signals)');
  }
}

/** A reverse proxy, nginx's job, as a lab 2 handler (lessons/08-production.md#the-reverse-proxy). */
export function proxyHandler(options: ProxyOptions): Handler {
  throw new Error('TODO(lab8): proxyHandler is not written yet (lessons/08-production.md#the-reverse-proxy)');
}
