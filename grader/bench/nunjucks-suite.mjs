// @ts-nocheck -- drives nunjucks' untyped test files through duck-typed stand-ins for its API (and its
// untyped src/ modules): nearly every value here crosses that boundary as `any`.
// How far does lab 6's engine agree with nunjucks' own test suite? (issue #20)
//
//   node grader/bench/nunjucks-suite.mjs <suite> [--engine <index.ts>] [--json <file>] [--verbose]
//
// <suite> is a checkout of nunjucks' repository (the folder holding tests/), or its tests/ folder:
//   git -C /work/.mirror/mozilla+nunjucks/repo archive HEAD tests | tar -x -C /tmp/nj
//   node grader/bench/nunjucks-suite.mjs /tmp/nj
// --engine: the lab's public surface to grade (default solutions/lab6-templates/index.ts; a
// learner's is labs/lab6-templates/index.ts). The suite is read at run time and never copied here.
//
// WHAT A CASE IS. nunjucks' tests are mocha files that render through a few helpers of their
// tests/util.js: equal(template, ctx, opts, expected, env), render(template, ctx, opts, env, cb),
// jinjaEqual, finish(done), plus some direct `new Template(src, env).render(ctx, cb)`. This script
// evaluates each test file with its own describe/it, its own expect, and its own versions of those
// helpers, then runs every `it` twice: once with the installed nunjucks behind the helpers, once
// with the course's engine. Every top-level render a test asks for is one case; the assertions the
// test makes about that render (its expected output, or the error it expects) decide it. A case
// passes when every assertion about it holds and nothing it did not expect went wrong. Running the
// test's own code, rather than pattern-matching its source, keeps contexts with functions, Maps,
// generators and SafeStrings exactly as the test builds them.
//
// WHICH FILES COUNT. compiler.js, filters.js, tests.js, globals.js, runtime.js, jinja-compat.js:
// the files that render templates. Left out, because they test nunjucks' JavaScript API or its
// internals rather than what a template renders: api.js, core.js, loader.js, precompile.js,
// express.js, cli.js (environment and loader API, caching, precompiling, tooling) and lexer.js,
// parser.js (nunjucks' own token and node objects). A test that renders nothing (getGlobal...)
// makes no case.
//
// AGAINST WHAT. The suite's assertions, checked with nunjucks itself first: a case the installed
// nunjucks (3.2.4) fails is reported and left out of both figures (the suite tracks nunjucks'
// main branch). One relaxation, counted in the report: an assertion on an error's wording passes
// when the engine throws too, its message names what nunjucks' names from the template (the
// variable, the template, the token), and the case uses nothing the engine lacks: the course words
// its own errors (lesson 6, "Errors that say where"). Nothing else is relaxed. Whether the engine's
// output is byte-identical to nunjucks' is reported too. The same render repeated within one test
// (the `random` filter's loop of 100) is one case.
//
// THE COURSE SUBSET, mechanically: a case is in it when
//   1. every tag, filter and `is` test its template and the templates it loads use (read from the
//      source; the loaded ones are those nunjucks' loader served for that case), and every
//      nunjucks built-in global it calls (range, cycler, joiner: read from nunjucks), is one the
//      engine knows. "Knows" is asked of the engine itself: `{% name %}` (and inside an if, for
//      else/elif), `{{ x | name }}`, `{{ x is name }}`, `{{ name() }}` must not fail the way a
//      made-up name fails. So a tag, filter or test the other branches add joins the subset as
//      soon as the engine has it, with no list here to edit. Filters the case itself adds through
//      the API count as known (the course's Environment has addFilter);
//   2. and it uses no nunjucks-only API: async filters, custom extensions, installJinjaCompat
//      (jinjaEqual), Environment methods the course's Environment lacks (addGlobal today), options
//      the course's EnvironmentOptions (labs/contracts/templates.ts) lacks, Template objects passed
//      in the context, custom filters or globals that read nunjucks' context through `this`.
// Syntax that is none of these (slices, regex literals, `===`, `{% set %}...{% endset %}`) does not
// take a case out of the subset: the engine claims `set`, so a set block is a claim it must keep.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { tsImport } from 'tsx/esm/api';

const FILES = ['compiler.js', 'filters.js', 'tests.js', 'globals.js', 'runtime.js', 'jinja-compat.js'];
const COURSE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SKIP = Symbol('skip');
const BOGUS = 'zqxjvw'; // letters no engine's names are made of, to learn how "unknown" fails
const IT_TIMEOUT_MS = 5000;

// ---- command line ----

function usage(message) {
  if (message) console.error(message);
  console.error('usage: node grader/bench/nunjucks-suite.mjs <nunjucks checkout or its tests/> [--engine <index.ts>] [--json <file>] [--verbose]');
  process.exit(2);
}

const argv = process.argv.slice(2);
let suiteArg = null;
let engineArg = join(COURSE_ROOT, 'solutions/lab6-templates/index.ts');
let jsonOut = null;
let verbose = false;
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '--engine') engineArg = argv[++i] ?? usage('--engine needs a path');
  else if (arg === '--json') jsonOut = argv[++i] ?? usage('--json needs a file');
  else if (arg === '--verbose') verbose = true;
  else if (arg === '--help' || arg === '-h') usage();
  else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
  else suiteArg = arg;
}
if (!suiteArg) usage('the path of nunjucks\' tests is missing');
// Paths from the command line are the caller's; resolve them before moving to the suite's root.
const enginePath = resolve(engineArg);
if (jsonOut) jsonOut = resolve(jsonOut);
let suiteRoot = resolve(suiteArg);
if (!existsSync(join(suiteRoot, 'tests', 'util.js')) && existsSync(join(suiteRoot, 'util.js'))) suiteRoot = dirname(suiteRoot);
const TESTS = join(suiteRoot, 'tests');
const TEMPLATES = join(TESTS, 'templates');
if (!existsSync(join(TESTS, 'util.js'))) usage(`no tests/util.js under ${suiteRoot}`);
if (!existsSync(enginePath)) usage(`no engine at ${enginePath}`);
// The tests name files relative to the repository (fs.readFile('tests/templates/...')), as mocha
// runs them from there.
process.chdir(suiteRoot);

const require = createRequire(import.meta.url);
const nj = require('nunjucks');
const njVersion = require('nunjucks/package.json').version;
const njRuntime = require('nunjucks/src/runtime');
const njLib = require('nunjucks/src/lib');
const NJ_GLOBALS = Object.keys(new nj.Environment().globals);

const E = await tsImport(pathToFileURL(enginePath).href, import.meta.url).catch((error) => {
  console.error(`cannot import the engine ${enginePath}:\n${error.stack ?? error}`);
  process.exit(1);
});

// ---- the mocha side: files to lists of tests ----

/** Evaluates one test file with a world's modules; returns its tests in order. */
function collectTests(file, world) {
  const tests = [];
  const path = [];
  const describe = (name, body) => {
    path.push(name);
    try {
      body.call({});
    } finally {
      path.pop();
    }
  };
  const it = (title, fn) => tests.push({ file, path: [...path], title, fn });
  const skipped = () => {};
  Object.assign(describe, { skip: skipped, only: describe });
  Object.assign(it, { skip: skipped, only: it });
  const hook = () => {}; // the suite's own hooks only reset util.js's state, which ours does not share
  const fakeRequire = (name) => world.require(name, file);
  const source = readFileSync(join(TESTS, file), 'utf8');
  const params = ['require', 'module', 'exports', 'describe', 'it', 'xit', 'xdescribe', 'before', 'after', 'beforeEach', 'afterEach'];
  const fn = vm.compileFunction(source, params, { filename: join(TESTS, file) });
  const module = { exports: {} };
  fn(fakeRequire, module, module.exports, describe, it, skipped, skipped, hook, hook, hook, hook);
  return tests;
}

// ---- assertions: a small expect.js, which records instead of throwing ----

function show(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof RegExp) return String(value);
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value, safeReplacer()) ?? String(value);
  } catch {
    return String(value);
  }
}

function looseEqual(a, b) {
  // expect.js's eql: == for primitives, key by key for objects
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a == b; // eslint-disable-line eqeqeq
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => looseEqual(a[k], b[k]));
}

const isErrorLike = (v) => v instanceof Error || (v !== null && typeof v === 'object' && typeof v.message === 'string');

/** `expect(subject)` bound to a world: each matcher records an assertion on the case it is about. */
function makeExpect(world) {
  return function expect(subject) {
    const chain = (negate) => {
      const record = (matcher, expected, holds, relaxed = false) => {
        const pass = negate ? !holds : holds;
        world.assert(subject, { matcher: (negate ? 'not ' : '') + matcher, expected: show(expected), pass, relaxedPass: pass || (!negate && relaxed) });
      };
      const be = (expected) => record('to be', expected, subject === expected);
      const a = (type) =>
        record('to be a', typeof type === 'function' ? type.name : type, typeof type === 'function' ? subject instanceof type : typeof subject === type);
      const throwException = (matcher) => {
        const { threw, error } = world.watchThrow(subject);
        let holds = threw;
        if (threw && matcher instanceof RegExp) holds = matcher.test(error?.message ?? String(error));
        else if (threw && typeof matcher === 'function') matcher(error);
        // Wording aside, the engine threw where nunjucks throws.
        world.assertThrow({ matcher: (negate ? 'not ' : '') + 'to throw', expected: matcher ? String(matcher) : 'an error', pass: negate ? !holds : holds, relaxedPass: negate ? !threw : threw });
      };
      Object.assign(be, {
        a,
        an: a,
        equal: be,
        within: (low, high) => record('to be within', [low, high], subject >= low && subject <= high),
        ok: () => record('to be ok', true, !!subject),
        empty: () => record('to be empty', [], subject?.length === 0 || (subject && typeof subject === 'object' && Object.keys(subject).length === 0)),
      });
      const to = {
        be,
        equal: be,
        eql: (expected) => record('to eql', expected, looseEqual(subject, expected)),
        match: (re) => record('to match', re, re.test(subject), world.kind === 'engine' && isErrorLike(subject)),
        contain: (item) => record('to contain', item, subject?.indexOf?.(item) > -1),
        throwException,
        throwError: throwException,
        within: (low, high) => record('to be within', [low, high], subject >= low && subject <= high),
        have: { length: (n) => record('to have length', n, subject?.length === n) },
        length: (n) => record('to have length', n, subject?.length === n),
      };
      return to;
    };
    const to = chain(false);
    return { to: Object.assign(to, { not: chain(true) }), not: { to: chain(true) } };
  };
}

// ---- worlds: nunjucks, and the course's engine behind nunjucks' API ----

/** What every world shares: cases, the tests' helpers, and where assertions go. */
class World {
  /** @param {'nunjucks' | 'engine'} kind */
  constructor(kind) {
    this.kind = kind;
    this.run = null; // the test being run
    this.depth = 0; // >0 while a case renders: a Template.render inside it is no new case
    this.expect = makeExpect(this);
    this.util = this.#makeUtil();
  }

  /** The modules a test file requires, as this world provides them. */
  require(name, file) {
    if (name === 'expect.js') return this.expect;
    if (name === './util') return this.util;
    if (name === 'fs') return require('fs');
    if (name === '../nunjucks/src/lib') return njLib;
    if (name === '../nunjucks/src/runtime') return this.runtimeModule();
    if (name === '../nunjucks/src/environment') return this.environmentModule();
    if (name === '../nunjucks/index.js' || name === '../nunjucks') return this.nunjucksModule();
    throw new Error(`${file} requires ${name}, which this script does not provide`);
  }

  /** nunjucks' util.js, rewritten around cases: same signatures, same argument shuffling. */
  #makeUtil() {
    const world = this;
    function render(src, ctx, opts, env, cb) {
      if (typeof ctx === 'function') [cb, ctx, opts, env] = [ctx, null, null, null];
      else if (typeof opts === 'function') [cb, opts, env] = [opts, null, null];
      else if (typeof env === 'function') [cb, env] = [env, null];
      return world.runCase({ kind: 'render', src, ctx: ctx || {}, opts: opts || {}, env: env || null, cb: cb || null });
    }
    function equal(src, ctx, opts, expected, env) {
      if (typeof ctx === 'string') [env, expected, ctx, opts] = [opts, ctx, null, {}];
      else if (typeof opts === 'string') [env, expected, opts] = [expected, opts, {}];
      world.runCase({ kind: 'equal', src, ctx: ctx || {}, opts: opts || {}, env: env || null, cb: null, swallow: true });
      const c = world.run.cases.at(-1);
      const pass = c.unexpected === null && c.output === expected;
      c.assertions.push({ matcher: 'to be', expected: show(expected), pass, relaxedPass: pass });
    }
    function jinjaEqual(src, ctx, expected, env) {
      const uninstall = world.installJinjaCompat();
      try {
        return equal(src, ctx, expected, env);
      } finally {
        uninstall();
      }
    }
    function finish(done) {
      if (world.run.pending === 0) done();
      else world.run.whenIdle = done;
    }
    const normEOL = (s) => (s ? s.replace(/\r\n|\r/g, '\n') : s);
    return { render, equal, jinjaEqual, finish, normEOL, isSlim: false, Loader: this.loaderClass() };
  }

  /**
   * One top-level render. With no callback, returns the output or throws like nunjucks' util; with
   * one, calls it with (err, res). `spec.swallow` (equal) keeps errors on the case.
   */
  runCase(spec) {
    const run = this.run;
    const c = {
      index: run.cases.length,
      kind: spec.kind,
      src: spec.src,
      ctx: spec.ctx,
      opts: spec.opts,
      assertions: [],
      loaded: new Set(),
      flags: new Set(run.pendingFlags),
      output: undefined,
      error: null,
      unexpected: null, // an error the test did not ask for: the case fails
      threw: false, // the error reached the test's code
      returned: undefined,
      claimed: false,
    };
    run.pendingFlags.clear();
    run.cases.push(c);
    const noThrow = spec.kind === 'template' ? Boolean(spec.cb) : Boolean(spec.opts?.noThrow);

    let settled = false;
    let result;
    const settle = (err, res) => {
      settled = true;
      result = { err: err ?? null, res };
      c.error = err ?? null;
      c.output = typeof res === 'string' ? res.replace(/\r\n|\r/g, '\n') : res;
    };
    const callBack = () => {
      const previous = run.active;
      run.active = c;
      try {
        spec.cb(result.err, c.output);
      } catch (error) {
        c.unexpected ??= error; // the test's own code broke on what it got
      } finally {
        run.active = previous;
      }
    };

    // nunjucks answers a callback at once unless an async filter makes it wait; then `later`.
    let syncPhase = true;
    let answered = false;
    const onAnswer = (err, res) => {
      if (answered) return; // nunjucks may call back twice when the callback itself throws
      answered = true;
      if (syncPhase) settle(err, res);
      else later(err, res);
    };
    this.depth += 1;
    try {
      this.render(c, spec, spec.cb ? onAnswer : null, settle);
    } catch (error) {
      settle(error, undefined);
    } finally {
      this.depth -= 1;
      syncPhase = false;
      if (this.run) this.run.current = null;
    }

    if (!spec.cb) {
      if (result.err) return this.#failed(c, result.err, spec.swallow);
      c.returned = c.output;
      return c.output;
    }
    if (settled) {
      if (result.err && !noThrow) return this.#failed(c, result.err, false);
      callBack();
      return undefined;
    }
    // nunjucks with an async filter answers later: the test's finish(done) waits for it.
    run.pending += 1;
    c.waiting = true;
    return undefined;

    function later(err, res) {
      c.waiting = false;
      settle(err, res);
      if (result.err && !noThrow) c.unexpected ??= result.err;
      else callBack();
      run.pending -= 1;
      if (run.pending === 0 && run.whenIdle) run.whenIdle();
    }
  }

  /**
   * A render failed where the test expects no callback error. nunjucks throws into the test; the
   * engine throws only where nunjucks threw too (so the test's control flow stays the same and the
   * cases line up), and otherwise the case fails and the test goes on with a placeholder.
   */
  #failed(c, error, swallow) {
    if (!swallow && this.shouldThrow(c)) {
      c.threw = true;
      throw error;
    }
    c.unexpected = error;
    const placeholder = Object.assign(new String(`[render failed: ${error?.message ?? error}]`), { failedCase: c });
    c.returned = placeholder;
    return placeholder;
  }

  shouldThrow() {
    return true;
  }

  /** The case an `expect(subject)` is about. */
  caseFor(subject) {
    const run = this.run;
    if (run.active) return run.active;
    if (subject instanceof String && subject.failedCase) return subject.failedCase;
    // `var a = render(...); var b = render(...); expect(a)...; expect(b)...`: the oldest case
    // that returned this value and has no assertion yet.
    const owner = run.cases.find((c) => !c.claimed && c.returned !== undefined && c.returned === subject);
    if (owner) {
      owner.claimed = true;
      return owner;
    }
    return run.cases.at(-1) ?? null;
  }

  assert(subject, assertion) {
    const c = this.caseFor(subject);
    if (c) c.assertions.push(assertion);
  }

  /** Runs `fn` for `expect(fn).to.throwException()`: cases it starts are what the assertion is about. */
  watchThrow(fn) {
    const before = this.run.cases.length;
    let threw = false;
    let error;
    try {
      fn();
    } catch (e) {
      threw = true;
      error = e;
    }
    this.run.watched = this.run.cases.slice(before).at(-1) ?? null;
    return { threw, error };
  }

  assertThrow(assertion) {
    const c = this.run.watched;
    this.run.watched = null;
    if (c) {
      c.assertions.push(assertion);
      if (c.threw) c.unexpected = null; // the error was the point
    }
  }

  /** Runs one `it`: its body, then its callbacks and finish(done). */
  async runTest(test, counterpart = null) {
    const run = (this.run = { test, cases: [], counterpart, pending: 0, whenIdle: null, active: null, watched: null, pendingFlags: new Set(), skipped: false });
    let doneCalled = false;
    let resolveDone = () => {};
    const donePromise = new Promise((r) => (resolveDone = r));
    const done = () => {
      doneCalled = true;
      resolveDone();
    };
    const mochaThis = {
      skip() {
        throw SKIP;
      },
      timeout() {},
      slow() {},
    };
    const blame = (error) => {
      // An error that left the test: the case it came from (or the last one) fails with it.
      const c = run.cases.find((x) => x.threw && x.error === error) ?? run.cases.at(-1);
      if (c) c.unexpected ??= error;
    };
    try {
      const value = test.fn.call(mochaThis, done);
      if (value && typeof value.then === 'function') await value.catch(blame);
      // The engine answers at once: a done() it never reached (its render failed) will not come.
      if (test.fn.length > 0 && !doneCalled && this.kind === 'nunjucks') {
        let timer;
        await Promise.race([donePromise, new Promise((r) => (timer = setTimeout(r, IT_TIMEOUT_MS)))]);
        clearTimeout(timer); // a timer left behind would keep the process alive after the report
      }
    } catch (error) {
      if (error === SKIP) run.skipped = true;
      else blame(error);
    }
    const deadline = Date.now() + IT_TIMEOUT_MS;
    while (run.pending > 0 && Date.now() < deadline) await sleep(5);
    for (const c of run.cases) if (c.waiting) c.unexpected ??= new Error('no answer within 5 s');
    this.run = null;
    return run;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class NunjucksWorld extends World {
  constructor() {
    super('nunjucks');
    const world = this;
    /** nunjucks' FileSystemLoader, noting which templates each case loads (the subset reads them). */
    this.Loader = class RecordingLoader extends nj.FileSystemLoader {
      getSource(name) {
        const source = super.getSource(name);
        const c = world.run?.current;
        if (source && c) c.loaded.add(relative(TEMPLATES, source.path));
        return source;
      }
    };
    // Template objects render through runCase when the test renders them, not when nunjucks does.
    this.Template = function Template(src, env, path, eager) {
      const template = new nj.Template(src, env, path, eager);
      const original = template.render;
      template.render = function (ctx, frame, cb) {
        if (world.depth > 0) return original.apply(template, arguments);
        if (typeof frame === 'function') cb = frame;
        return world.runCase({ kind: 'template', src, ctx: ctx || {}, opts: {}, template, original, cb: cb || null });
      };
      return template;
    };
  }

  loaderClass() {
    return this.Loader;
  }

  runtimeModule() {
    return njRuntime;
  }

  environmentModule() {
    return { Environment: nj.Environment, Template: this.Template };
  }

  nunjucksModule() {
    return { ...nj, Template: this.Template, FileSystemLoader: this.Loader };
  }

  installJinjaCompat() {
    return nj.installJinjaCompat();
  }

  render(c, spec, cb, settle) {
    this.run.current = c;
    if (spec.kind === 'template') {
      if (cb) spec.original.call(spec.template, spec.ctx, cb);
      else settle(null, spec.original.call(spec.template, spec.ctx));
      return;
    }
    const opts = { ...spec.opts, dev: true };
    const env = spec.env ?? new nj.Environment(new this.Loader(TEMPLATES), opts);
    for (const [name, filter] of Object.entries(opts.filters ?? {})) env.addFilter(name, filter);
    for (const [name, filter] of Object.entries(opts.asyncFilters ?? {})) env.addFilter(name, filter, true);
    for (const [name, extension] of Object.entries(opts.extensions ?? {})) env.addExtension(name, extension);
    const template = new nj.Template(spec.src, env);
    if (cb) template.render(spec.ctx, cb);
    else settle(null, template.render(spec.ctx));
  }
}

/** The option names of the course's EnvironmentOptions, read from the contract next to the engine. */
function contractOptions() {
  for (let dir = dirname(enginePath); dir !== dirname(dir); dir = dirname(dir)) {
    const contract = join(dir, 'labs', 'contracts', 'templates.ts');
    if (!existsSync(contract)) continue;
    const body = /interface\s+EnvironmentOptions\s*\{([\s\S]*?)\n\}/.exec(readFileSync(contract, 'utf8'))?.[1] ?? '';
    return new Set([...body.matchAll(/^\s*(?:readonly\s+)?(\w+)\??\s*:/gm)].map((m) => m[1]));
  }
  return new Set(['loader', 'autoescape', 'filters']);
}

class EngineWorld extends World {
  constructor() {
    super('engine');
    const world = this;
    this.options = contractOptions();
    this.Loader = class EngineLoader {
      constructor(path) {
        this.inner = new E.FileSystemLoader(resolve(path));
      }
      getSource(name) {
        return this.inner.getSource(name);
      }
    };
    const readsThis = (fn) => typeof fn === 'function' && /\bthis\b/.test(Function.prototype.toString.call(fn));
    /** nunjucks' Environment API over the course's Environment; what has no counterpart is noted. */
    this.Environment = class EnvironmentShim {
      constructor(loaders, opts) {
        const loader = Array.isArray(loaders) ? loaders[0] : loaders;
        this.flags = new Set();
        const { dev, noThrow, filters, asyncFilters, extensions, ...settings } = opts ?? {};
        for (const key of Object.keys(settings)) if (!world.options.has(key)) this.flags.add(`option ${key}`);
        this.env = new E.Environment({ ...settings, loader: loader instanceof world.Loader ? loader.inner : loader });
      }
      addFilter(name, filter, isAsync) {
        if (readsThis(filter)) this.flags.add('filter reads `this`');
        if (isAsync) {
          // The course has no async filters: one called without its callback would throw later,
          // outside any case. The engine meets the name as an unknown filter instead.
          this.flags.add('async filter');
          return this;
        }
        if (typeof this.env.addFilter === 'function') this.env.addFilter(name, filter);
        else this.flags.add('Environment.addFilter');
        return this;
      }
      addGlobal(name, value) {
        if (readsThis(value)) this.flags.add('global reads `this`');
        if (typeof this.env.addGlobal === 'function') this.env.addGlobal(name, value);
        else this.flags.add('Environment.addGlobal');
        return this;
      }
      getGlobal(name) {
        if (typeof this.env.getGlobal === 'function') return this.env.getGlobal(name);
        throw new Error('the course\'s Environment has no getGlobal');
      }
      addExtension(name, extension) {
        this.flags.add('custom extension');
        if (typeof this.env.addExtension === 'function') this.env.addExtension(name, extension);
        return this;
      }
    };
    this.Template = class TemplateShim {
      constructor(src, env, path) {
        this.src = src;
        this.envShim = env ?? null;
        this.path = path;
      }
      render(ctx, frame, cb) {
        if (typeof frame === 'function') cb = frame;
        return world.runCase({ kind: 'template', src: this.src, ctx: ctx || {}, opts: {}, template: this, cb: cb || null });
      }
    };
  }

  loaderClass() {
    return this.Loader;
  }

  runtimeModule() {
    // SafeStrings in a test's context must be the engine's, as nunjucks' are nunjucks'.
    return { ...njRuntime, markSafe: E.markSafe, SafeString: E.SafeString };
  }

  environmentModule() {
    return { Environment: this.Environment, Template: this.Template };
  }

  nunjucksModule() {
    return { ...nj, Environment: this.Environment, Template: this.Template, FileSystemLoader: this.Loader, runtime: this.runtimeModule() };
  }

  installJinjaCompat() {
    if (typeof E.installJinjaCompat === 'function') return E.installJinjaCompat();
    this.run.pendingFlags.add('installJinjaCompat');
    return () => {};
  }

  /** The engine throws into the test only where nunjucks did, for the same case. */
  shouldThrow(c) {
    return this.run.counterpart?.[c.index]?.threw === true;
  }

  /** The engine renders synchronously: it answers through `settle` even when the test gave a callback. */
  render(c, spec, _callback, settle) {
    for (const value of Object.values(spec.ctx ?? {})) if (value instanceof this.Template) c.flags.add('Template object in the context');
    let output;
    if (spec.kind === 'template') {
      const shim = spec.template.envShim;
      for (const flag of shim?.flags ?? []) c.flags.add(flag);
      const env = shim ? shim.env : new E.Environment();
      output = env.fromString(spec.src, spec.template.path ?? undefined).render(spec.ctx);
    } else {
      const shim = spec.env ?? new this.Environment(new this.Loader(TEMPLATES), spec.opts);
      for (const [name, filter] of Object.entries(spec.opts.filters ?? {})) shim.addFilter(name, filter);
      for (const [name, filter] of Object.entries(spec.opts.asyncFilters ?? {})) shim.addFilter(name, filter, true);
      for (const [name, extension] of Object.entries(spec.opts.extensions ?? {})) shim.addExtension(name, extension);
      for (const flag of shim.flags) c.flags.add(flag);
      c.added = new Set([...Object.keys(spec.opts.filters ?? {}), ...(shim.env.filters ? Object.keys(shim.env.filters) : [])]);
      output = shim.env.renderString(spec.src, spec.ctx);
    }
    settle(null, output);
  }
}

// ---- what a template uses, and what the engine knows ----

/** Tags, filters, tests and nunjucks globals named in a template's source. */
function featuresOf(source) {
  const found = { tag: new Set(), filter: new Set(), test: new Set(), global: new Set() };
  const text = source.replace(/\{#[\s\S]*?#\}/g, '');
  for (const m of text.matchAll(/\{\{([\s\S]*?)\}\}|\{%-?\s*([A-Za-z_]\w*)([\s\S]*?)%\}/g)) {
    const tag = m[2];
    // End tags come with their opener; only the opener is a claim.
    if (tag && !tag.startsWith('end')) found.tag.add(tag);
    const inner = (m[1] ?? m[3] ?? '').replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
    if (tag === 'filter') {
      const name = /^\s*([A-Za-z_]\w*)/.exec(inner)?.[1];
      if (name) found.filter.add(name);
    }
    for (const f of inner.matchAll(/\|\s*([A-Za-z_]\w*)/g)) found.filter.add(f[1]);
    for (const t of inner.matchAll(/\bis\s+(?:not\s+)?([A-Za-z_]\w*)/g)) found.test.add(t[1]);
    for (const g of NJ_GLOBALS) if (new RegExp(`(^|[^\\w.])${g}\\s*\\(`).test(inner)) found.global.add(g);
  }
  return found;
}

/** Asks the engine whether it knows a name: it must not fail the way a made-up name fails. */
function makeProbe() {
  const known = new Map();
  const outcome = (source) => {
    try {
      return `ok ${new E.Environment().renderString(source, {})}`;
    } catch (error) {
      return `error ${error?.message ?? error}`;
    }
  };
  const shapes = {
    tag: ['{% NAME %}', '{% if true %}{% NAME %}{% endif %}', '{% if true %}{% NAME true %}{% endif %}'],
    filter: ['{{ x | NAME }}'],
    test: ['{{ x is NAME }}'],
    global: ['{{ NAME() }}'],
  };
  return (kind, name) => {
    const key = `${kind} ${name}`;
    if (!known.has(key)) {
      // A made-up name as long as the real one, so that positions in the messages match too.
      const bogus = BOGUS.repeat(Math.ceil(name.length / BOGUS.length)).slice(0, name.length);
      const differs = shapes[kind].some((shape) => {
        const unknown = outcome(shape.replaceAll('NAME', bogus)).split(bogus).join(name);
        return outcome(shape.replaceAll('NAME', name)) !== unknown;
      });
      known.set(key, differs);
    }
    return known.get(key);
  };
}

// ---- the run ----

const njWorld = new NunjucksWorld();
const engineWorld = new EngineWorld();
const probe = makeProbe();
const templateSource = (name) => {
  try {
    return readFileSync(join(TEMPLATES, name), 'utf8');
  } catch {
    return '';
  }
};

// A callback or timer of a test that fires after its test ended must not end the whole run.
process.on('uncaughtException', (error) => {
  const run = engineWorld.run ?? njWorld.run;
  const c = run?.cases.at(-1);
  if (c) c.unexpected ??= error;
  else console.error(`note: an error outside any case: ${error?.message ?? error}`);
});

const cases = [];
let testsRun = 0;
let testsWithoutCases = 0;
for (const file of FILES) {
  if (!existsSync(join(TESTS, file))) {
    console.error(`note: ${file} is not in this copy of the suite`);
    continue;
  }
  const njTests = collectTests(file, njWorld);
  const engineTests = collectTests(file, engineWorld);
  // Both evaluations of a file must declare the same tests, in the same order, to be paired.
  if (engineTests.length !== njTests.length || engineTests.some((t, i) => t.title !== njTests[i].title)) {
    console.error(`${file}: its tests differ between the two runs; skipped`);
    continue;
  }
  for (let i = 0; i < njTests.length; i++) {
    const test = njTests[i];
    const njRun = await njWorld.runTest(test);
    if (njRun.skipped) continue;
    testsRun += 1;
    if (njRun.cases.length === 0) testsWithoutCases += 1;
    const engineRun = await engineWorld.runTest(engineTests[i], njRun.cases);
    // The same render repeated in one test (random's loop of 100) is one case, passed when every
    // repetition passes.
    const groups = new Map();
    njRun.cases.forEach((n, k) => {
      const key = JSON.stringify([n.src, n.ctx, n.opts, n.assertions.map((a) => `${a.matcher} ${a.expected}`)], safeReplacer());
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(k);
    });
    let ordinal = 0;
    for (const indices of groups.values()) {
      const n = merge(indices.map((k) => njRun.cases[k]));
      const e = merge(indices.map((k) => engineRun.cases[k]));
      cases.push(judge(test, n, e, ordinal++, indices.length));
    }
  }
}

/** Repetitions of one render as one case: the first's output, every assertion, the first error. */
function merge(list) {
  if (list.some((c) => c === undefined)) return undefined;
  if (list.length === 1) return list[0];
  return {
    ...list[0],
    assertions: list.flatMap((c) => c.assertions),
    unexpected: list.find((c) => c.unexpected !== null)?.unexpected ?? null,
    flags: new Set(list.flatMap((c) => [...c.flags])),
    loaded: new Set(list.flatMap((c) => [...c.loaded])),
  };
}

/** One case, both outcomes, and whether it is in the subset. */
function judge(test, n, e, k, repeated) {
  const id = `${test.file} › ${[...test.path, test.title].join(' › ')}${k > 0 ? ` #${k + 1}` : ''}${repeated > 1 ? ` (×${repeated})` : ''}`;
  const passes = (c, field) => c !== undefined && c.unexpected === null && c.assertions.every((a) => a[field]);
  const sources = [n.src, ...[...n.loaded].map(templateSource)];
  const missing = [];
  const provided = e?.added ?? new Set(Object.keys(n.opts?.filters ?? {}));
  for (const source of sources) {
    const used = featuresOf(String(source ?? ''));
    for (const [kind, names] of Object.entries(used)) {
      for (const name of names) {
        if (kind === 'filter' && provided.has(name)) continue;
        const label = kind === 'global' ? `global ${name}()` : `${kind} "${name}"`;
        if (!probe(kind, name) && !missing.includes(label)) missing.push(label);
      }
    }
  }
  const api = [...(e?.flags ?? [])].map((f) => `API: ${f}`);
  const strict = passes(e, 'pass');
  // Error wording is the course's own, unless the error came from something the engine lacks.
  const relaxed = !strict && missing.length === 0 && api.length === 0 && passes(e, 'relaxedPass') && sameSubject(n.error, e?.error, sources);
  const aligned = e === undefined || e.src === n.src;
  const engineError = e?.unexpected ?? e?.error ?? null;
  return {
    id,
    file: test.file,
    template: n.src,
    loaded: [...n.loaded],
    context: JSON.parse(JSON.stringify(n.ctx ?? null, safeReplacer()) ?? 'null'),
    expected: n.assertions.map((a) => `${a.matcher} ${a.expected}`),
    nunjucks: { pass: passes(n, 'pass'), output: n.output, error: messageOf(n.unexpected ?? n.error) },
    engine: {
      pass: strict || relaxed,
      relaxed,
      output: e?.output,
      error: e === undefined ? 'not reached: the test stopped before this render' : messageOf(engineError),
      sameOutputAsNunjucks: e !== undefined && typeof e.output === 'string' && e.output === n.output,
    },
    missing,
    api,
    subset: missing.length === 0 && api.length === 0,
    aligned,
  };
}

/**
 * Does the engine's error speak of what nunjucks' does? The words of nunjucks' message that come
 * from the templates (`foo`, `missing.njk`, `}}`) must all be in the engine's: "cannot call
 * foo.bar" answers "Unable to call `foo[\"bar\"]`", a "not written yet" from a starter does not.
 */
function sameSubject(njError, engineError, sources) {
  if (!njError || !engineError) return false;
  const said = String(messageOf(engineError));
  // nunjucks puts the templates it passed through on lines of their own, the error on the last.
  const words = String(messageOf(njError)).split('\n').at(-1).split(/[\s`"'[\]().,:;]+/).filter((w) => w.length > 1);
  // Whole names only ("or" is not taken from "for"); a token like `}}` is looked for as it is.
  const names = new Set(sources.flatMap((s) => String(s ?? '').split(/\W+/)));
  const fromTemplates = (w) => (/^\w+$/.test(w) ? names.has(w) : sources.some((s) => String(s ?? '').includes(w)));
  return words.filter(fromTemplates).every((w) => said.includes(w));
}

function messageOf(error) {
  if (error === null || error === undefined) return null;
  return error instanceof Error ? error.message : String(error);
}

/** Why the engine failed a case: the missing feature its error names, else its first, else the error. */
function causeOf(c) {
  const error = c.engine.error;
  const named = c.missing.find((m) => error && error.includes(m.replace(/^\w+ |\(\)$/g, '').replace(/"/g, '')));
  if (named) return named;
  if (c.missing.length > 0) return c.missing[0];
  if (c.api.length > 0) return c.api[0];
  if (error) {
    // The template's name and position vary from case to case; the message is the cause.
    return `error: ${error.replace(/^\S*?:(\d+:\d+:)? /, '').replace(/\s+/g, ' ').slice(0, 120)}`;
  }
  return 'wrong output (no error)';
}

// ---- the report ----

const counted = cases.filter((c) => c.nunjucks.pass);
const nunjucksFails = cases.filter((c) => !c.nunjucks.pass);
const subset = counted.filter((c) => c.subset);
const pct = (a, b) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);
const passed = (list) => list.filter((c) => c.engine.pass).length;
const failures = counted.filter((c) => !c.engine.pass);
for (const c of failures) c.cause = causeOf(c);

const lines = [];
lines.push(`nunjucks' test suite in ${TESTS}, against ${relative(COURSE_ROOT, enginePath)}`);
lines.push(`files: ${FILES.join(', ')}; ${testsRun} tests, ${testsWithoutCases} of them render nothing (API only)`);
lines.push(`cases: ${cases.length}; nunjucks ${njVersion} fails ${nunjucksFails.length} of them (left out below)`);
lines.push('');
lines.push(`all cases      ${String(passed(counted)).padStart(4)}/${counted.length}  ${pct(passed(counted), counted.length)}`);
lines.push(`course subset  ${String(passed(subset)).padStart(4)}/${subset.length}  ${pct(passed(subset), subset.length)}`);
const relaxedCount = counted.filter((c) => c.engine.relaxed).length;
const sameBytes = counted.filter((c) => c.engine.sameOutputAsNunjucks).length;
lines.push(`  (${relaxedCount} pass with the error's wording not compared; ${sameBytes} give nunjucks' exact output)`);
const misaligned = cases.filter((c) => !c.aligned).length;
if (misaligned > 0) lines.push(`  warning: ${misaligned} cases did not line up between the two runs`);

const tally = (items) => {
  const counts = new Map();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
};
lines.push('');
lines.push('outside the subset, because of (a case may have several reasons):');
for (const [reason, n] of tally(counted.filter((c) => !c.subset).flatMap((c) => [...c.missing, ...c.api]))) lines.push(`  ${String(n).padStart(4)}  ${reason}`);

lines.push('');
lines.push(`failures by cause, most common first (${failures.length}; the second column: in the subset):`);
const subsetFailures = new Map(tally(failures.filter((c) => c.subset).map((c) => c.cause)));
for (const [cause, n] of tally(failures.map((c) => c.cause))) lines.push(`  ${String(n).padStart(4)} ${String(subsetFailures.get(cause) ?? '').padStart(4)}  ${cause}`);

const detail = (c) => {
  lines.push(`  - ${c.id}`);
  lines.push(`      template: ${JSON.stringify(c.template)}${c.loaded.length ? ` (loads ${c.loaded.join(', ')})` : ''}`);
  lines.push(`      expected: ${c.expected.join('; ') || '(no assertion: it must not fail)'}`);
  lines.push(`      nunjucks: ${c.nunjucks.error ? `error ${c.nunjucks.error}` : JSON.stringify(c.nunjucks.output)}`);
  lines.push(`      engine:   ${c.engine.error ? `error ${c.engine.error}` : JSON.stringify(c.engine.output)}`);
};
const shownFailures = verbose ? failures : failures.filter((c) => c.subset);
if (shownFailures.length > 0) {
  lines.push('');
  lines.push(verbose ? 'every failure:' : 'failures in the subset (--verbose shows all):');
  shownFailures.forEach(detail);
}
if (verbose && nunjucksFails.length > 0) {
  lines.push('');
  lines.push(`cases nunjucks ${njVersion} fails itself:`);
  nunjucksFails.forEach(detail);
}
console.log(lines.join('\n'));

if (jsonOut) {
  const summary = {
    suite: TESTS,
    engine: enginePath,
    nunjucks: njVersion,
    files: FILES,
    cases: cases.length,
    nunjucksFails: nunjucksFails.length,
    all: { passed: passed(counted), total: counted.length },
    subset: { passed: passed(subset), total: subset.length },
    relaxed: relaxedCount,
    sameOutputAsNunjucks: sameBytes,
    causes: Object.fromEntries(tally(failures.map((c) => c.cause))),
  };
  writeFileSync(jsonOut, JSON.stringify({ summary, cases }, safeReplacer(), 2) + '\n');
  console.log(`\nwrote ${jsonOut}`);
}

/** JSON for one context: functions, Maps, Sets, SafeStrings, undefined and cycles as readable stand-ins. */
function safeReplacer() {
  const seen = new WeakSet();
  return function (key, value) {
    if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
    if (value === undefined) return key === '' ? value : '[undefined]';
    if (typeof value === 'bigint') return String(value);
    if (value instanceof RegExp) return String(value);
    if (value === null || typeof value !== 'object') return value;
    if ((typeof E.SafeString === 'function' && value instanceof E.SafeString) || value instanceof njRuntime.SafeString) return { safe: String(value) };
    if (value instanceof Map) return { Map: [...value] };
    if (value instanceof Set) return { Set: [...value] };
    if (value instanceof Error) return { error: value.message };
    if (seen.has(value)) return '[seen above]'; // a cycle, or the same object twice
    seen.add(value);
    if (typeof value[Symbol.iterator] === 'function' && !Array.isArray(value)) return '[iterator]';
    return value;
  };
}

