// Lab 8's public surface.
export { accessLog, clfDate } from './access-log.ts';
export { staticFiles, parseRange, resolveInside } from './static-files.ts';
export { gzip, acceptsGzip } from './gzip.ts';
export { limitRequestSize } from './size-limit.ts';
export { RequestTooLarge } from './request-too-large.ts';
export { proxyFix } from './proxy-fix.ts';
export { Arbiter } from './arbiter.ts';
export { proxyHandler } from './proxy.ts';
