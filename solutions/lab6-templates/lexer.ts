import { TemplateError } from '#contracts/templates';
import type { Token, TokenType } from './nodes.ts';

/** Longest operators first, so `//` is not read as two `/`, nor nunjucks's `===` as `==` and `=`. */
const OPERATORS = ['===', '!==', '==', '!=', '<=', '>=', '//', '**', '+', '-', '*', '/', '%', '~', '<', '>', '=', '|', '.', ',', ':', '(', ')', '[', ']', '{', '}'];
const OPENERS = ['{{', '{%', '{#'];

/**
 * Cuts template source into tokens: runs of text, and inside `{{ }}` and `{% %}` the names,
 * literals and operators of an expression. Comments `{# #}` vanish. A `-` just inside a
 * delimiter (`{%-`, `-}}`) trims the whitespace on that side of the tag.
 */
export function tokenize(source: string, template = '<string>'): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let column = 1;
  let trimNext = false; // the previous tag ended with `-`: trim the start of the next text

  /** Moves `pos` forward by `count` characters, keeping line and column. */
  const advance = (count: number) => {
    for (const char of source.slice(pos, pos + count)) {
      if (char === '\n') {
        line += 1;
        column = 1;
      } else {
        column += 1;
      }
    }
    pos += count;
  };
  const push = (type: TokenType, value: string, at: { line: number; column: number }) =>
    tokens.push({ type, value, line: at.line, column: at.column });
  const fail = (message: string): never => {
    throw new TemplateError(message, template, line, column);
  };

  while (pos < source.length) {
    // Text, up to the next tag opener.
    const next = nextOpener(source, pos);
    let text = source.slice(pos, next === -1 ? source.length : next);
    const textAt = { line, column };
    if (trimNext) text = text.replace(/^\s+/, '');
    const trimBefore = next !== -1 && source[next + 2] === '-';
    if (trimBefore) text = text.replace(/\s+$/, '');
    trimNext = false;
    if (text !== '') push('text', text, textAt);
    advance((next === -1 ? source.length : next) - pos);
    if (next === -1) break;

    const opener = source.slice(pos, pos + 2);
    const tagAt = { line, column };
    advance(trimBefore ? 3 : 2);
    if (opener === '{#') {
      const close = source.indexOf('#}', pos);
      if (close === -1) {
        line = tagAt.line;
        column = tagAt.column;
        fail('unclosed comment: expected "#}"');
      }
      trimNext = source[close - 1] === '-';
      advance(close + 2 - pos);
      continue;
    }
    const closer = opener === '{{' ? '}}' : '%}';
    push(opener === '{{' ? 'variable-start' : 'block-start', opener, tagAt);
    // The expression inside the tag.
    while (true) {
      while (pos < source.length && /\s/.test(source[pos]!)) advance(1);
      if (pos >= source.length) {
        line = tagAt.line;
        column = tagAt.column;
        fail(`unclosed tag: expected "${closer}"`);
      }
      const at = { line, column };
      const rest = source.slice(pos, pos + 3);
      if (rest.startsWith(closer) || (rest[0] === '-' && rest.slice(1) === closer)) {
        trimNext = rest[0] === '-';
        advance(trimNext ? 3 : 2);
        push(opener === '{{' ? 'variable-end' : 'block-end', closer, at);
        break;
      }
      const char = source[pos]!;
      if (char === '"' || char === "'") {
        const { value, length } = readString(source, pos) ?? fail('unclosed string literal');
        push('string', value, at);
        advance(length);
      } else if (char === 'r' && source[pos + 1] === '/') {
        // nunjucks's regular expression literal, r/pattern/flags (not Jinja2's).
        const { pattern, flags, length } = readRegex(source, pos) ?? fail('unclosed regular expression: expected "/"');
        try {
          new RegExp(pattern, flags); // refused now, at the literal, rather than at every render
        } catch (error) {
          fail(`invalid regular expression: ${(error as Error).message}`);
        }
        push('regex', `/${pattern}/${flags}`, at);
        advance(length);
      } else if (/[0-9]/.test(char)) {
        const number = /^\d+(\.\d+)?/.exec(source.slice(pos))![0];
        push('number', number, at);
        advance(number.length);
      } else if (/[A-Za-z_]/.test(char)) {
        const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(pos))![0];
        push('name', name, at);
        advance(name.length);
      } else {
        const operator = OPERATORS.find((op) => source.startsWith(op, pos)) ?? fail(`unexpected character ${JSON.stringify(char)}`);
        push('operator', operator, at);
        advance(operator.length);
      }
    }
  }
  tokens.push({ type: 'end', value: '', line, column });
  return tokens;
}

/** Where the next `{{`, `{%` or `{#` starts, or -1. */
function nextOpener(source: string, from: number): number {
  let best = -1;
  for (const opener of OPENERS) {
    const at = source.indexOf(opener, from);
    if (at !== -1 && (best === -1 || at < best)) best = at;
  }
  return best;
}

/** A quoted string at `start`: its value with `\n`, `\"`... resolved, and its length in the source. */
function readString(source: string, start: number): { value: string; length: number } | null {
  const quote = source[start];
  let value = '';
  for (let i = start + 1; i < source.length; i++) {
    const char = source[i]!;
    if (char === quote) return { value, length: i + 1 - start };
    if (char === '\\' && i + 1 < source.length) {
      const escaped = source[++i]!;
      value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped === 'r' ? '\r' : escaped;
    } else {
      value += char;
    }
  }
  return null;
}

/**
 * `r/pattern/flags` at `start`, or null when no `/` closes it. The pattern runs to the next `/` that
 * no backslash escapes and is kept as written (`\/` stays `\/`, as RegExp wants it); the flags are
 * the letters right after it.
 */
function readRegex(source: string, start: number): { pattern: string; flags: string; length: number } | null {
  for (let i = start + 2; i < source.length; i++) {
    if (source[i] === '\\') {
      i += 1;
    } else if (source[i] === '/') {
      const flags = /^[a-z]*/.exec(source.slice(i + 1))![0];
      return { pattern: source.slice(start + 2, i), flags, length: i + 1 + flags.length - start };
    }
  }
  return null;
}
