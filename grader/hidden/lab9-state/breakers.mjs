// @ts-check
// Rule breakers for lab 9 (see grader/breakers.mjs), one file per part of the lab.
import auth from './breakers-auth.mjs';
import https from './breakers-https.mjs';
import sql from './breakers-sql.mjs';

/** @type {import('../../breakers.mjs').Breaker[]} */
export default [...sql, ...auth, ...https];
