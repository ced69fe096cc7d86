import type { TsgiApp } from '#contracts/tsgi';

/** The seeds' first application: the smallest thing TSGI can serve. */
export const helloApp: TsgiApp = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [new TextEncoder().encode('Hello, WSGI!\n')];
};

/**
 * Shows the request as the application sees it: every string entry of the environ, one per line,
 * sorted. Environ strings are bytes as text, so they are written back as bytes (latin1).
 */
export const environApp: TsgiApp = (environ, startResponse) => {
  const lines = Object.keys(environ)
    .sort()
    .filter((key) => typeof environ[key] === 'string')
    .map((key) => `${key}: ${environ[key] as string}\n`);
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from(lines.join(''), 'latin1')];
};
