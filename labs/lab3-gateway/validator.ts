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
  // TODO(lab3): return an app that checks the environ (checkEnviron), hands the app a
  // startResponse that checks its arguments (twice, status, checkHeaders) before passing them on,
  // and checks what the app returns (isBody, then checkedBody). Report each broken rule with
  // new TsgiViolation(rule, message): to options.onViolation if given, else throw it.
  throw new Error('TODO(lab3): validator is not written yet (lessons/03-gateway.md#the-validator)');
}

type Report = (rule: TsgiRule, message: string) => void;

function checkEnviron(environ: Environ, report: Report): void {
  // TODO(lab3): the environ.* rules of the lesson's list, one report per broken rule. A key that
  // is absent, or a CGI key that is not a string, is reported for that only, not for its format.
  throw new Error('TODO(lab3): checkEnviron is not written yet (lessons/03-gateway.md#the-validator)');
}

/** Checks the headers of a startResponse call; returns the Content-Length they declare, if any. */
function checkHeaders(headers: unknown, report: Report): number | null {
  // TODO(lab3): start-response.headers, .header-name, .header-value and .hop-by-hop.
  throw new Error('TODO(lab3): validator checkHeaders is not written yet (lessons/03-gateway.md#the-validator)');
}

function isBody(body: unknown): body is TsgiBody {
  // TODO(lab3): the same test as the gateway's checkBody, as a boolean.
  throw new Error('TODO(lab3): isBody is not written yet (lessons/03-gateway.md#the-validator)');
}

/** The body, passed through chunk by chunk with checks on both sides. */
function checkedBody(
  body: TsgiBody,
  state: () => { started: boolean; declaredLength: number | null },
  report: Report,
): TsgiBody {
  // TODO(lab3): an async iterable over the app's body whose next() checks start-response.missing
  // (empty chunks before startResponse are fine), body.chunk, body.length (those two: once per
  // response) and body.close (reading after close()), and whose return() passes on to the app's
  // iterator; plus a close() that reports a second call and closes the app's body, once.
  throw new Error('TODO(lab3): checkedBody is not written yet (lessons/03-gateway.md#the-validator)');
}
