// @ts-check
// The starter code as a source of hints: the function a failure points at, its signature and the
// TODO comments that say what to write, and the contract types it names. Only the starters (as
// shipped, from git's object store; else the learner's own files) and labs/contracts/ are read:
// a hint never shows a line of the reference solution.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../course.mjs';
import { blobId, readManifest } from '../starters.mjs';

/**
 * @typedef {object} StarterFunction
 * @property {string} name        `BodyReader.next`, `splitTarget`
 * @property {string} file        `labs/lab3-gateway/gateway.ts`
 * @property {number} line        1-based line of its declaration
 * @property {string[]} doc       its doc comment, as written
 * @property {string[]} signature its declaration up to the opening brace
 * @property {string[]} todos     the TODO comments in its body
 */

/** The starter's files of a lab: path under labs/<folder> -> text. */
export function starterFiles(/** @type {string} */ folder) {
  /** @type {Map<string, string>} */
  const files = new Map();
  const manifest = readManifest()[folder];
  const dir = join(ROOT, 'labs', folder);
  const paths = manifest ? Object.keys(manifest) : existsSync(dir) ? listTs(dir) : [];
  for (const path of paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.test.ts'))) {
    const text = (manifest && readBlob(manifest[path], join(dir, path))) ?? readIfExists(join(dir, path));
    if (text !== undefined) files.set(path, text.replace(/\r\n/g, '\n'));
  }
  return files;
}

/**
 * The starter functions a failure is about, best guess first: the function its TODO message
 * names, else the one around the line it failed at (looked up in the starter by name), else
 * the functions named for its milestone in the lesson's task table.
 * @param {import('../course.mjs').LabInfo} lab
 * @param {{ message?: string, location?: string }} failure
 * @param {string[]} milestoneNames  from the lesson's "Your tasks" table
 * @returns {StarterFunction[]}
 */
export function functionsFor(lab, failure, milestoneNames) {
  const files = starterFiles(lab.folder);
  const todo = /TODO\(lab\d+\): (.+?) is not written yet/.exec(failure.message ?? '');
  if (todo) {
    const found = findByName(files, lab, todo[1]);
    if (found.length > 0) return found.slice(0, 1);
  }
  const at = /^labs\/([^/]+)\/(.+?):(\d+)(?::\d+)?$/.exec(failure.location ?? '');
  if (at && at[1] === lab.folder) {
    const own = readIfExists(join(ROOT, 'labs', at[1], at[2]));
    const name = own === undefined ? undefined : nameAt(own.replace(/\r\n/g, '\n').split('\n'), Number(at[3]) - 1);
    if (name) {
      const found = findByName(files, lab, name);
      if (found.length > 0) return found.slice(0, 1);
    }
  }
  /** @type {StarterFunction[]} */
  const listed = [];
  for (const name of milestoneNames) {
    for (const f of findByName(files, lab, name)) {
      if (!listed.some((l) => l.name === f.name)) listed.push(f);
    }
  }
  return listed;
}

/**
 * Starter functions by the name a message or the lesson uses. The stub of each throws
 * `TODO(labN): <name> is not written yet`, which finds it exactly; a class name finds its
 * methods; failing that, a declaration with that name.
 * @param {Map<string, string>} files
 * @param {import('../course.mjs').LabInfo} lab
 * @param {string} name
 */
function findByName(files, lab, name) {
  const bare = name.replace(/^the\s+/, '').replace(/\s+constructor$/, '');
  /** @type {StarterFunction[]} */
  const exact = [];
  /** @type {StarterFunction[]} */
  const loose = [];
  for (const [path, text] of files) {
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      const stub = new RegExp(`TODO\\(lab${lab.number}\\): (.+?) is not written yet`).exec(line);
      if (!stub || !/\bthrow\b/.test(line)) return;
      const thrown = stub[1].replace(/^the\s+/, '').replace(/\s+constructor$/, '');
      if (stub[1] === name || thrown === bare) exact.push(describe(lines, index, `labs/${lab.folder}/${path}`, stub[1]));
      else if (thrown.endsWith(`.${bare}`) || thrown.startsWith(`${bare}.`) || thrown.startsWith(`${bare}[`)) {
        loose.push(describe(lines, index, `labs/${lab.folder}/${path}`, stub[1]));
      }
    });
  }
  if (exact.length > 0) return exact;
  if (loose.length > 0) return loose;
  const last = bare.split('.').pop() ?? bare;
  for (const [path, text] of files) {
    const lines = text.split('\n');
    const index = lines.findIndex((line) => declaredName(line) === last);
    if (index >= 0) return [describe(lines, index + 1, `labs/${lab.folder}/${path}`, name)];
  }
  return [];
}

/**
 * The function around line `index` (0-based, a line of its body): its declaration, doc comment
 * and the TODO comments of its body.
 * @param {string[]} lines
 * @param {number} index
 * @param {string} file
 * @param {string} name
 * @returns {StarterFunction}
 */
function describe(lines, index, file, name) {
  const bodyIndent = indentOf(lines[index]);
  let end = index - 1;
  while (end >= 0 && (isComment(lines[end]) || lines[end].trim() === '' || indentOf(lines[end]) >= bodyIndent)) end--;
  let start = end;
  // A declaration over several lines ends with `): Type {`; its first line has the same indent.
  while (start > 0 && /^\s*[)\]}]/.test(lines[start])) {
    start--;
    while (start > 0 && indentOf(lines[start]) > indentOf(lines[end])) start--;
  }
  let docStart = start;
  while (docStart > 0 && isComment(lines[docStart - 1])) docStart--;
  /** @type {string[]} */
  const todos = [];
  const closing = lines.findIndex((line, i) => i > end && indentOf(line) <= indentOf(lines[start]) && line.trim() !== '');
  let inTodo = false;
  for (const line of lines.slice(end + 1, closing === -1 ? undefined : closing)) {
    const comment = /^\s*\/\/\s?(.*)$/.exec(line);
    if (comment && /^TODO\(/.test(comment[1])) inTodo = true;
    else if (!comment) inTodo = false;
    if (inTodo && comment) todos.push(comment[1]);
  }
  return {
    name,
    file,
    line: start + 1,
    doc: lines.slice(docStart, start).map((l) => l.trimEnd()),
    signature: lines.slice(start, end + 1).map((l) => l.trimEnd()),
    todos,
  };
}

/** The name of the function or method whose body holds line `index` (0-based), with its class. */
function nameAt(/** @type {string[]} */ lines, /** @type {number} */ index) {
  let indent = indentOf(lines[index] ?? '');
  /** @type {string | undefined} */
  let method = declaredName(lines[index] ?? '');
  if (method && indent === 0) return method;
  for (let i = index - 1; i >= 0; i--) {
    const line = lines[i];
    if (line.trim() === '' || isComment(line) || indentOf(line) >= indent) continue;
    indent = indentOf(line);
    const name = declaredName(line);
    const klass = /\bclass\s+(\w+)/.exec(line)?.[1];
    if (klass) return method ? `${klass}.${method}` : klass;
    if (name && !method) {
      if (indent === 0) return name;
      method = name;
    }
  }
  return method;
}

/** The name a line declares, if it starts a function, method, class or const. */
function declaredName(/** @type {string} */ line) {
  const fn = /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*(\w+)/.exec(line);
  if (fn) return fn[1];
  const constant = /^\s*(?:export\s+)?(?:const|let)\s+(\w+)\s*(?::[^=]+)?=\s*(?:async\s*)?(?:\(|function|\w+\s*=>)/.exec(line);
  if (constant) return constant[1];
  const klass = /^\s*(?:export\s+)?(?:abstract\s+)?class\s+(\w+)/.exec(line);
  if (klass) return klass[1];
  const method =
    /^\s+(?:(?:public|private|protected|static|async|override|get|set)\s+)*\*?\s*(#?\w+|\[Symbol\.\w+\])\s*(?:<[^>]*>)?\(/.exec(line);
  if (method && !/^(if|for|while|switch|catch|return|function)$/.test(method[1])) return method[1];
  return undefined;
}

/**
 * The declarations of labs/contracts/ that a function's signature, doc comment or TODO comments
 * name (types, interfaces, classes, constants), each with its doc comment.
 * @param {StarterFunction[]} functions
 * @param {string} starterText  the text of the functions' files, for the contract imports they use
 * @returns {{ name: string, file: string, line: number, lines: string[] }[]}
 */
export function contractTypesFor(functions, starterText) {
  const declarations = contractDeclarations();
  const words = new Set(
    functions.flatMap((f) => [...f.signature, ...f.doc, ...f.todos].join(' ').match(/\b[A-Z]\w+\b/g) ?? []),
  );
  const imported = new Set(
    [...starterText.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'#contracts\/\w+'/g)].flatMap((m) =>
      m[1].split(',').map((part) => part.replace(/\btype\b/, '').trim().split(/\s+as\s+/)[0]),
    ),
  );
  return declarations.filter((d) => words.has(d.name) && (imported.has(d.name) || functions.some((f) => f.signature.join(' ').includes(d.name))));
}

/** Every exported declaration of labs/contracts/*.ts, with its doc comment and its lines. */
function contractDeclarations() {
  const dir = join(ROOT, 'labs', 'contracts');
  if (!existsSync(dir)) return [];
  /** @type {{ name: string, file: string, line: number, lines: string[] }[]} */
  const found = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts')).sort()) {
    const lines = readFileSync(join(dir, name), 'utf8').replace(/\r\n/g, '\n').split('\n');
    lines.forEach((line, index) => {
      const declared = /^export\s+(?:declare\s+)?(interface|type|class|const|function|enum)\s+(\w+)/.exec(line);
      if (!declared) return;
      let docStart = index;
      while (docStart > 0 && isComment(lines[docStart - 1])) docStart--;
      let end = index;
      let depth = 0;
      for (; end < lines.length; end++) {
        const code = lines[end].replace(/\s\/\/.*$/, '').replace(/'[^']*'/g, "''");
        depth += (code.match(/[{([]/g) ?? []).length - (code.match(/[})\]]/g) ?? []).length;
        // A type or constant ends with its semicolon; an interface, class or function with its brace.
        if (depth <= 0 && (/;\s*$/.test(code) || (/}\s*$/.test(code) && !/^(type|const)$/.test(declared[1])))) break;
      }
      found.push({ name: declared[2], file: `labs/contracts/${name}`, line: index + 1, lines: lines.slice(docStart, end + 1) });
    });
  }
  return found;
}

function isComment(/** @type {string} */ line) {
  return /^\s*(\/\/|\/\*|\*)/.test(line);
}

function indentOf(/** @type {string} */ line) {
  return /^\s*/.exec(line)?.[0].length ?? 0;
}

function listTs(/** @type {string} */ dir) {
  /** @type {string[]} */
  const out = [];
  const walk = (/** @type {string} */ d, /** @type {string} */ prefix) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(d, entry.name), `${prefix}${entry.name}/`);
      else if (entry.name.endsWith('.ts')) out.push(prefix + entry.name);
    }
  };
  walk(dir, '');
  return out;
}

function readIfExists(/** @type {string} */ path) {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** A starter file as shipped: from git by its blob id, or from disk while it is unchanged. */
function readBlob(/** @type {string} */ id, /** @type {string} */ path) {
  if (existsSync(path)) {
    const content = readFileSync(path);
    if (blobId(content) === id) return content.toString('utf8');
  }
  try {
    return execFileSync('git', ['cat-file', 'blob', id], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString('utf8');
  } catch {
    return undefined;
  }
}
