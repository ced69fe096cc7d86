import a from './breakers-auth.mjs';
export default [...a];
