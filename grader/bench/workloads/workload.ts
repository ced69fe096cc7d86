/** A CPU benchmark: one call of `subject` or `peer` is one operation (a page, a request mix). */
export interface Workload {
  subject: () => unknown;
  peer: () => unknown;
  /** What one operation per second is called in the table: `pages/CPU-s`. */
  unit: string;
  /** Operations per call (a mix of 100 requests is 100 operations). Default 1. */
  perCall?: number;
  /** Throws when subject and peer don't do the same work (different output, different matches). */
  check: () => void;
}
