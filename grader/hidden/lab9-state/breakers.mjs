// @ts-check
// Rule breakers for lab 9, one file per part (the lead merges them here).
import https from './breakers-https.mjs';

/** @type {import('../../breakers.mjs').Breaker[]} */
export default [...https];
