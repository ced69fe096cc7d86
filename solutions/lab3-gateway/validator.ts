import {
  HOP_BY_HOP_HEADERS,
  TsgiViolation,
  type Environ,
  type StartResponse,
  type TsgiApp,
  type TsgiBody,
  type TsgiRule,
} from '#contracts/tsgi';

export interface ValidatorOptions {
  /** Called with each violation. The default throws it, as wsgiref.validate does. */
  onViolation?: (violation: TsgiViolation) => void;
}

const REQUIRED = ['REQUEST_METHOD', 'SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING', 'SERVER_NAME', 'SERVER_PORT', 'SERVER_PROTOCOL'];
const TSGI_KEYS = ['tsgi.version', 'tsgi.url_scheme', 'tsgi.input', 'tsgi.errors', 'tsgi.multithread', 'tsgi.multiprocess', 'tsgi.run_once'];
const STATUS = /^[1-5]\d\d [\t\x20-\x7e\x80-\xff]*$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Wraps an application and checks both sides of every call against the TSGI rules: the environ
 * the server built, each startResponse call and each chunk the application produces, and how the
 * server treats the body. Put it between any server and any app while developing either.
 */
export function validator(app: TsgiApp, options: ValidatorOptions = {}): TsgiApp {
  const report = (rule: TsgiRule, message: string) => {
    const violation = new TsgiViolation(rule, message);
    if (options.onViolation) options.onViolation(violation);
    else throw violation;
  };
  return async (environ, startResponse) => {
    checkEnviron(environ, report);
    let started = false;
    let declaredLength: number | null = null;
    const checkedStart: StartResponse = (status, headers, excInfo) => {
      // Any call counts as a call, even one that breaks a rule below (rule V23).
      const again = started;
      started = true;
      if (again && excInfo === undefined) report('start-response.twice', 'startResponse was called again without excInfo');
      if (typeof status !== 'string' || !STATUS.test(status)) {
        report('start-response.status', `status must be a string like '200 OK', got ${JSON.stringify(status)}`);
      }
      declaredLength = checkHeaders(headers, report);
      // A HEAD response, a 1xx, 204 or 304 may announce a length and send no body (RFC 9110 §8.6).
      const bodyless = environ.REQUEST_METHOD === 'HEAD' || /^(1\d\d|204|304) /.test(status);
      if (bodyless) declaredLength = null;
      return startResponse(status, headers, excInfo);
    };
    const body = await app(environ, checkedStart);
    if (!isBody(body)) {
      report('body.type', 'the application must return an iterable of Uint8Array chunks, such as [bytes]');
      return body;
    }
    return checkedBody(body, () => ({ started, declaredLength }), report);
  };
}

type Report = (rule: TsgiRule, message: string) => void;

function checkEnviron(environ: Environ, report: Report): void {
  for (const key of [...REQUIRED, ...TSGI_KEYS]) {
    if (!(key in environ)) report('environ.missing-key', `environ has no ${key}`);
  }
  for (const [key, value] of Object.entries(environ)) {
    const cgi = REQUIRED.includes(key) || key.startsWith('HTTP_') || ['CONTENT_TYPE', 'CONTENT_LENGTH', 'REMOTE_ADDR', 'REMOTE_PORT'].includes(key);
    if (cgi && typeof value !== 'string') report('environ.not-a-string', `${key} must be a string, got ${typeof value}`);
  }
  // Each key is judged once: a key that is absent, or a CGI key that is not a string, was reported
  // above, so the checks of its format below only look at keys that are there (and strings).
  const has = (key: string) => key in environ;
  const text = (key: string) => (typeof environ[key] === 'string' ? (environ[key] as string) : null);
  const version = environ['tsgi.version'];
  if (has('tsgi.version') && !(Array.isArray(version) && version.length === 2 && version[0] === 1 && version[1] === 0)) {
    report('environ.version', 'tsgi.version must be [1, 0]');
  }
  if (has('tsgi.url_scheme') && !['http', 'https'].includes(environ['tsgi.url_scheme'])) {
    report('environ.url-scheme', "tsgi.url_scheme must be 'http' or 'https'");
  }
  if (text('REQUEST_METHOD') === '') report('environ.method', 'REQUEST_METHOD is empty');
  const script = text('SCRIPT_NAME');
  if (script !== null && script !== '' && (!script.startsWith('/') || script.endsWith('/'))) {
    report('environ.script-name', `SCRIPT_NAME must be '' or start with '/' and not end with it, got ${JSON.stringify(script)}`);
  }
  const path = text('PATH_INFO');
  if (path !== null && path !== '' && !path.startsWith('/')) {
    report('environ.path-info', `PATH_INFO must be '' or start with '/', got ${JSON.stringify(path)}`);
  }
  const length = text('CONTENT_LENGTH');
  if (length !== null && !/^\d+$/.test(length)) {
    report('environ.content-length', `CONTENT_LENGTH must be decimal digits, got ${JSON.stringify(length)}`);
  }
  for (const key of ['HTTP_CONTENT_TYPE', 'HTTP_CONTENT_LENGTH']) {
    if (has(key)) report('environ.content-header', `${key} must not be set: CGI names this header without HTTP_`);
  }
  const input = environ['tsgi.input'] as Partial<Environ['tsgi.input']> | undefined;
  if (has('tsgi.input') && (!input || typeof input.read !== 'function' || typeof input[Symbol.asyncIterator] !== 'function')) {
    report('environ.input', 'tsgi.input must be an async iterable with a read() method');
  }
  const errors = environ['tsgi.errors'] as Partial<Environ['tsgi.errors']> | undefined;
  if (has('tsgi.errors') && (!errors || typeof errors.write !== 'function' || typeof errors.flush !== 'function')) {
    report('environ.errors', 'tsgi.errors must have write() and flush()');
  }
}

/** Checks the headers of a startResponse call; returns the Content-Length they declare, if any. */
function checkHeaders(headers: unknown, report: Report): number | null {
  if (!Array.isArray(headers)) {
    report('start-response.headers', 'headers must be an array of [name, value] pairs');
    return null;
  }
  let length: number | null = null;
  for (const pair of headers) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      report('start-response.headers', `each header must be a [name, value] pair of strings, got ${JSON.stringify(pair)}`);
      continue;
    }
    const [name, value] = pair;
    if (!TOKEN.test(name)) report('start-response.header-name', `invalid header name ${JSON.stringify(name)}`);
    if (!FIELD_VALUE.test(value)) report('start-response.header-value', `the value of ${name} holds a control character`);
    if (HOP_BY_HOP_HEADERS.has(name.toLowerCase())) report('start-response.hop-by-hop', `${name} is hop-by-hop: the server's to set`);
    if (name.toLowerCase() === 'content-length' && /^\d+$/.test(value)) length = Number(value);
  }
  return length;
}

function isBody(body: unknown): body is TsgiBody {
  if (body === null || typeof body !== 'object' || body instanceof Uint8Array) return false;
  return Symbol.iterator in body || Symbol.asyncIterator in body;
}

/** The body, passed through chunk by chunk with checks on both sides. */
function checkedBody(
  body: TsgiBody,
  state: () => { started: boolean; declaredLength: number | null },
  report: Report,
): TsgiBody {
  const iterator = Symbol.asyncIterator in body ? body[Symbol.asyncIterator]() : body[Symbol.iterator]();
  let sent = 0;
  let closed = false;
  // These two are reported once per response, not at every chunk after the first offence.
  let missingReported = false;
  let lengthReported = false;
  const lengthWrong = (message: string) => {
    if (lengthReported) return;
    lengthReported = true;
    report('body.length', message);
  };
  const checked: AsyncIterator<Uint8Array> = {
    async next() {
      if (closed) report('body.close', 'the server read the body after calling close()');
      const step = await iterator.next();
      // Empty chunks may come before startResponse (A3): anything else, or the end, may not.
      const emptyChunk = !step.done && step.value instanceof Uint8Array && step.value.length === 0;
      if (!state().started && !emptyChunk && !missingReported) {
        missingReported = true;
        report('start-response.missing', 'the body produced a chunk or ended before startResponse was called');
      }
      const declared = state().declaredLength;
      if (step.done) {
        if (declared !== null && sent < declared) lengthWrong(`Content-Length is ${declared} but the body had only ${sent} bytes`);
        return step;
      }
      if (!(step.value instanceof Uint8Array)) {
        report('body.chunk', 'a chunk must be a Uint8Array (encode strings first)');
      } else {
        sent += step.value.length;
        if (declared !== null && sent > declared) lengthWrong(`the body passed its Content-Length of ${declared}`);
      }
      return step;
    },
    async return() {
      // Passed on even after the end: a finished iterator ignores it, and an array's has none.
      await iterator.return?.();
      return { done: true, value: undefined };
    },
  };
  return {
    [Symbol.asyncIterator]: () => checked,
    close() {
      if (closed) {
        report('body.close', 'close() was called twice');
        return;
      }
      closed = true;
      body.close?.();
    },
  };
}
