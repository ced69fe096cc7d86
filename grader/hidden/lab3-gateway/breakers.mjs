// @ts-check
// Rule breakers for lab 3 (see grader/breakers.mjs): one small edit of the reference per rule.
/** @type {import('../../breakers.mjs').Breaker[]} */
export default [
  { rule: 'E7', why: 'decodes QUERY_STRING', file: 'environ.ts', find: 'QUERY_STRING: query,', replace: 'QUERY_STRING: decodeURIComponent(query),' },
];
