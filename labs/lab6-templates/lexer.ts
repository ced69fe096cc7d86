import { TemplateError } from '#contracts/templates';
import type { Token, TokenType } from './nodes.ts';

/** Two-character operators first, so `//` is not read as two `/`. */
const OPERATORS = ['==', '!=', '<=', '>=', '//', '**', '+', '-', '*', '/', '%', '~', '<', '>', '=', '|', '.', ',', ':', '(', ')', '[', ']', '{', '}'];
const OPENERS = ['{{', '{%', '{#'];

/**
 * Cuts template source into tokens: runs of text, and inside `{{ }}` and `{% %}` the names,
 * literals and operators of an expression. Comments `{# #}` vanish. A `-` just inside a
 * delimiter (`{%-`, `-}}`) trims the whitespace on that side of the tag.
 */
export function tokenize(source: string, template = '<string>'): Token[] {
  // TODO(lab6): walk the source once, keeping the line and column (1-based) of where you are.
  //  - Text up to the next opener (nextOpener) is one 'text' token, unless it is empty. Trim its
  //    whitespace at the start if the previous tag ended with `-`, at the end if the next tag
  //    starts with `-`.
  //  - `{#` ... `#}` is a comment: no token at all.
  //  - `{{` and `{%` give 'variable-start' and 'block-start'. Inside, skip whitespace and read
  //    strings (readString), numbers, names and OPERATORS until `}}` or `%}` (or `-}}`, `-%}`),
  //    which give 'variable-end' and 'block-end'.
  //  - Finish with one 'end' token. Every token carries the line and column where it starts.
  //  - Throw TemplateError(message, template, line, column) for an unclosed tag, comment or
  //    string (at the tag or string's start) and for a character no token starts with.
  //  - Extension (lessons/06-templates.md#more-expressions-from-nunjucks): the operators === and
  //    !==, and 'regex' tokens for r/pattern/flags.
  throw new Error('TODO(lab6): tokenize is not written yet (lessons/06-templates.md#lexing-source-to-tokens)');
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
  // TODO(lab6): the quote at `start` (' or ") ends the string. A backslash escapes the next
  // character: \n, \t and \r are a newline, a tab and a carriage return; any other character
  // stands for itself. Return null if the string never ends.
  throw new Error('TODO(lab6): readString is not written yet (lessons/06-templates.md#lexing-source-to-tokens)');
}
