import type { Filter } from '#contracts/templates';
import { escape, escapeHtml, markSafe, SafeString } from './runtime.ts';
import { builtInTests } from './tests.ts';

/** Results of string filters stay safe if their input was (nunjucks's copySafeness). */
function keepSafety(input: unknown, result: string): string | SafeString {
  return input instanceof SafeString ? new SafeString(result) : result;
}

/**
 * An argument a filter puts into its result, as text. When the value is a SafeString the result
 * will be one too, so the argument must be escaped like the value was (unless it is safe itself):
 * else `{{ s|e|replace("a", x) }}` would print x unescaped. nunjucks forgets this; Jinja2 does not.
 */
function argText(value: unknown, arg: unknown): string {
  if (!(value instanceof SafeString)) return String(arg);
  return arg instanceof SafeString ? arg.value : escapeHtml(String(arg));
}

/** `a.b.c` of an item: each step one attribute, undefined once one is missing. */
function attributeOf(item: unknown, path: unknown): unknown {
  let value = item;
  // A name that is not text (a number, say) is one key, as nunjucks reads it.
  for (const key of typeof path === 'string' ? path.split('.') : [String(path)]) value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[key];
  return value;
}

/** Strings compare in lower case unless case matters: the key sort, min, max and unique compare by. */
function caseKey(value: unknown, caseSensitive: boolean): unknown {
  return !caseSensitive && typeof value === 'string' ? value.toLowerCase() : value;
}

/** JSON as Python's json.dumps writes it (Jinja2's tojson): keys sorted, `, ` and `: ` between items. */
function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object' && !(value instanceof SafeString)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}: ${pythonJson((value as Record<string, unknown>)[key])}`).join(', ')}}`;
  }
  return JSON.stringify(value instanceof SafeString ? value.value : value ?? null);
}

/** The same value with its objects' keys sorted, for JSON.stringify's indented layout. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value instanceof SafeString) return value.value;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
}

/**
 * What JSON may hold that HTML must not see raw: `</script>` would end the script the JSON sits in,
 * and `'` would end a single-quoted attribute. `\u003c` and friends mean the same to JSON.
 */
const JSON_IN_HTML: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', "'": '\\u0027' };

/** The entities escapeHtml writes, and the characters they stand for. */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** encodeURIComponent, and the five characters it leaves that mean something in HTML or JavaScript. */
function percentEncode(value: unknown): string {
  return encodeURIComponent(String(value)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The smallest item, or with `largest` the largest: the first of equal ones, undefined for none. */
function extreme(items: unknown[], largest: boolean, caseSensitive: boolean, attribute?: string): unknown {
  const key = (item: unknown) => caseKey(attribute ? attributeOf(item, attribute) : item, caseSensitive) as number;
  let best: unknown;
  for (const [i, item] of items.entries()) {
    if (i === 0 || (largest ? key(item) > key(best) : key(item) < key(best))) best = item;
  }
  return best;
}

/**
 * The items whose value (the item itself, or one of its attributes) passes the built-in test
 * `name`, or with `keep` false fails it; without a name, the test is the value's truth.
 */
function selectBy(items: unknown[], keep: boolean, valueOf: (item: unknown) => unknown, name: string | undefined, args: unknown[]): unknown[] {
  if (name !== undefined && !Object.hasOwn(builtInTests, name)) throw new TypeError(`there is no built-in test "${name}"`);
  const test = name === undefined ? (value: unknown) => value : builtInTests[name]!;
  return items.filter((item) => Boolean(test(valueOf(item), ...args)) === keep);
}

/** null, undefined and false become the fallback; anything else its string. */
function text(value: unknown): string {
  return value === null || value === undefined || value === false ? '' : String(value);
}

function capitalize(value: unknown): string | SafeString {
  const lower = text(value).toLowerCase();
  return keepSafety(value, lower.charAt(0).toUpperCase() + lower.slice(1));
}

/**
 * Every word capitalized (words are separated by spaces). Word by word: its first character in
 * upper case, then the rest up to the next space in one slice. Fewer new strings than adding the
 * characters one at a time (one string each) or a split, a map and a join (an array, and two
 * strings a word).
 */
function title(value: unknown): string | SafeString {
  const lower = text(value).toLowerCase();
  let out = '';
  let start = 0; // where the current word starts
  for (;;) {
    const space = lower.indexOf(' ', start);
    const end = space === -1 ? lower.length : space + 1;
    out += lower.charAt(start).toUpperCase() + lower.slice(start + 1, end);
    if (space === -1) return keepSafety(value, out);
    start = end;
  }
}

/**
 * How urlize reads a word, as nunjucks does: one opening `(`, `<` or `&lt;` and one closing `.`,
 * `,`, `)` or `&gt;` around it are left out, and what is between is the candidate URL.
 */
const AROUND_URL = /^(?:\(|<|&lt;)?(.*?)(?:\.|,|\)|&gt;)?$/;
const WEB_URL = /^https?:\/\//;
const EMAIL = /^[\w.!#$%&'*+\-/=?^`{|}~]+@[a-z\d-]+(\.[a-z\d-]+)+$/i;
/** A name ending in .com, .org or .net, then a port, a path or nothing: `example.com/about`. */
const KNOWN_DOMAIN = /\.(?:org|net|com)(?::|\/|$)/;

/**
 * urlize's result: links made of one word each, every other word kept. Plain text is escaped
 * piece by piece as it goes into the HTML (URLs in `href` too); a SafeString is HTML already and
 * goes in as it is. Either way the result is HTML, so it is returned safe (Jinja2's way).
 */
function urlize(value: unknown, limit?: number, nofollow = false): SafeString {
  const put = value instanceof SafeString ? (html: string) => html : escapeHtml;
  const rel = nofollow === true ? ' rel="nofollow"' : '';
  const words = text(value).split(/(\s+)/); // the whitespace between words is kept, as it was
  const linked = words.map((word) => {
    const url = AROUND_URL.exec(word)?.[1] ?? '';
    const shown = put(typeof limit === 'number' ? url.slice(0, limit) : url);
    if (WEB_URL.test(url)) return `<a href="${put(url)}"${rel}>${shown}</a>`;
    if (url.startsWith('www.')) return `<a href="http://${put(url)}"${rel}>${shown}</a>`;
    if (EMAIL.test(url)) return `<a href="mailto:${put(url)}">${put(url)}</a>`;
    if (KNOWN_DOMAIN.test(url)) return `<a href="http://${put(url)}"${rel}>${shown}</a>`;
    return put(word);
  });
  return new SafeString(linked.join(''));
}

/**
 * The built-in filters, with nunjucks's semantics (the engine is checked against it). Where those
 * differ from Jinja2's, lessons/06-templates.md shows both.
 */
export const builtInFilters: Record<string, Filter> = {
  upper: (value) => text(value).toUpperCase(),
  lower: (value) => text(value).toLowerCase(),
  capitalize,
  title,
  trim: (value) => keepSafety(value, text(value).replace(/^\s*|\s*$/g, '')),

  length(value) {
    if (value === null || value === undefined || value === false) return 0;
    if (value instanceof Map || value instanceof Set) return value.size;
    if (typeof value === 'object' && !(value instanceof SafeString) && !Array.isArray(value)) return Object.keys(value).length;
    return (value as { length?: number }).length;
  },

  /** The fallback when the value is undefined; with `boolean` true, when it is falsy. */
  default: (value, fallback, boolean = false) => (boolean ? value || fallback : value !== undefined ? value : fallback),

  join(value, separator = '', attribute?: string) {
    const items = attribute ? (value as Array<Record<string, unknown>>).map((item) => item[attribute]) : (value as unknown[]);
    return items.join(separator || '');
  },

  replace(value, old, replacement, maxCount = -1) {
    const source = typeof value === 'number' ? String(value) : value;
    if (typeof source !== 'string' && !(source instanceof SafeString)) return value;
    const haystack = String(source);
    // nunjucks's regular expression literal: JavaScript's replace, so its flags decide how many
    // matches are replaced (maxCount is not used) and `$1` in the new text is the first group.
    if (old instanceof RegExp) return keepSafety(value, haystack.replace(old, argText(value, replacement)));
    if (typeof old !== 'string' && typeof old !== 'number' && !(old instanceof SafeString)) return value;
    // Into safe text, the old and the new text go escaped (see argText).
    const needle = argText(value, old);
    const insert = argText(value, replacement);
    if (needle === '') return keepSafety(value, insert + [...haystack].join(insert) + insert);
    let result = '';
    let position = 0;
    let count = 0;
    for (let at = haystack.indexOf(needle); at !== -1 && (maxCount === -1 || count < maxCount); at = haystack.indexOf(needle, position)) {
      result += haystack.slice(position, at) + insert;
      position = at + needle.length;
      count += 1;
    }
    if (count === 0) return value;
    return keepSafety(value, result + haystack.slice(position));
  },

  escape,
  e: escape,
  safe: markSafe,

  first: (value) => (value as ArrayLike<unknown>)[0],
  last: (value) => {
    const items = value as ArrayLike<unknown>;
    return items[items.length - 1];
  },

  reverse(value) {
    if (typeof value === 'string' || value instanceof SafeString) return keepSafety(value, [...String(value)].reverse().join(''));
    return [...(value as unknown[])].reverse();
  },

  sort: Object.assign(function sort(value: unknown, reverse = false, caseSensitive = false, attribute?: string) {
    const key = (item: unknown) => {
      const v = attribute ? attributeOf(item, attribute) : item;
      return caseKey(v, caseSensitive);
    };
    return [...(value as unknown[])].sort((a, b) => {
      const [x, y] = [key(a) as number, key(b) as number];
      return x < y ? (reverse ? 1 : -1) : x > y ? (reverse ? -1 : 1) : 0;
    });
  }, { params: ['reverse', 'case_sensitive', 'attribute'] }),

  round(value, precision = 0, method = 'common') {
    const factor = Math.pow(10, precision || 0);
    const rounder = method === 'ceil' ? Math.ceil : method === 'floor' ? Math.floor : Math.round;
    return rounder((value as number) * factor) / factor;
  },

  int: Object.assign(function int(value: unknown, fallback?: unknown, base = 10) {
    const result = parseInt(value as string, base);
    return Number.isNaN(result) ? fallback : result;
  }, { params: ['default', 'base'] }),

  float(value, fallback?: unknown) {
    const result = parseFloat(value as string);
    return Number.isNaN(result) ? fallback : result;
  },

  list(value) {
    if (typeof value === 'string') return value.split('');
    if (Array.isArray(value)) return value;
    if (value !== null && typeof value === 'object') return Object.entries(value).map(([key, v]) => ({ key, value: v }));
    throw new TypeError('list filter: the value is not iterable');
  },

  /** Cuts at a word boundary (or mid-word with killwords) and adds `end`. */
  truncate(value, length = 255, killwords = false, end?: string) {
    const input = text(value);
    const limit = length || 255;
    if (input.length <= limit) return keepSafety(value, input);
    let cut: string;
    if (killwords) {
      cut = input.slice(0, limit);
    } else {
      const space = input.lastIndexOf(' ', limit);
      cut = input.slice(0, space === -1 ? limit : space);
    }
    return keepSafety(value, cut + argText(value, end ?? '...'));
  },

  // Extension filters (lessons/06-templates.md#extensions-optional): Flask's everyday filters.
  // nunjucks's behaviour where nunjucks has the filter, Jinja2's where only Jinja2 has it, and
  // Jinja2's where it is the safer of the two.

  /** An object's [key, value] pairs, sorted by key or by value; strings in upper case, as nunjucks. */
  dictsort: Object.assign(function dictsort(value: unknown, caseSensitive = false, by = 'key') {
    if (value === null || typeof value !== 'object') throw new TypeError('dictsort filter: the value is not an object');
    if (by !== 'key' && by !== 'value') throw new TypeError('dictsort filter: by must be "key" or "value"');
    const at = by === 'key' ? 0 : 1;
    const key = (pair: [string, unknown]) => (!caseSensitive && typeof pair[at] === 'string' ? (pair[at] as string).toUpperCase() : pair[at]) as string;
    return Object.entries(value).sort((a, b) => (key(a) > key(b) ? 1 : key(a) === key(b) ? 0 : -1));
  }, { params: ['case_sensitive', 'by'] }),

  /** An object from each value of the attribute (as text) to the items that have it, in order. */
  groupby: Object.assign(function groupby(value: unknown, attribute: string) {
    // No prototype: a group named __proto__ or constructor is a key like any other.
    const groups: Record<string, unknown[]> = Object.create(null);
    for (const item of value as unknown[]) {
      const key = String(attributeOf(item, attribute));
      if (!Object.hasOwn(groups, key)) groups[key] = [];
      groups[key]!.push(item);
    }
    return groups;
  }, { params: ['attribute'] }),

  sum: Object.assign(function sum(value: unknown, attribute?: string, start = 0) {
    const items = attribute ? (value as unknown[]).map((item) => attributeOf(item, attribute)) : (value as unknown[]);
    return start + (items as number[]).reduce((total, item) => total + item, 0);
  }, { params: ['attribute', 'start'] }),

  /** Rows of `size` items; the last row is padded with `fill` when one is given (and not falsy, as nunjucks). */
  batch: Object.assign(function batch(value: unknown, size: number, fill?: unknown) {
    const rows: unknown[][] = [];
    for (const [i, item] of (value as unknown[]).entries()) {
      // A new row every `size` items (and a first one even when `size` is 0, as nunjucks has it).
      if (i % size === 0 || rows.length === 0) rows.push([]);
      rows.at(-1)!.push(item);
    }
    const last = rows.at(-1);
    if (fill && last) while (last.length < size) last.push(fill);
    return rows;
  }, { params: ['linecount', 'fill_with'] }),

  min: Object.assign(function min(value: unknown, caseSensitive = false, attribute?: string) {
    return extreme(value as unknown[], false, caseSensitive, attribute);
  }, { params: ['case_sensitive', 'attribute'] }),

  max: Object.assign(function max(value: unknown, caseSensitive = false, attribute?: string) {
    return extreme(value as unknown[], true, caseSensitive, attribute);
  }, { params: ['case_sensitive', 'attribute'] }),

  /** Each item whose key (the item, or its attribute) was not seen before, in order. */
  unique: Object.assign(function unique(value: unknown, caseSensitive = false, attribute?: string) {
    const seen = new Set<unknown>();
    return (value as unknown[]).filter((item) => {
      const key = caseKey(attribute ? attributeOf(item, attribute) : item, caseSensitive);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }, { params: ['case_sensitive', 'attribute'] }),

  items(value) {
    if (value === undefined || value === null) return [];
    if (typeof value !== 'object' || Array.isArray(value)) throw new TypeError('items filter: the value is not an object');
    return Object.entries(value);
  },

  /**
   * `map(attribute="x", default=d)`: that attribute of each item. `map("name", args...)`: each item
   * through the built-in filter of that name. The filter's name comes first, so an attribute
   * given by keyword leaves it undefined.
   */
  map: Object.assign(function map(value: unknown, filter?: string, ...rest: unknown[]) {
    const items = value as unknown[];
    if (filter === undefined) {
      const [attribute, fallback] = rest as [string, unknown];
      return items.map((item) => {
        const found = attributeOf(item, attribute);
        return found === undefined ? fallback : found;
      });
    }
    if (!Object.hasOwn(builtInFilters, filter)) throw new TypeError(`map filter: there is no built-in filter "${filter}"`);
    const apply = builtInFilters[filter]!;
    return items.map((item) => apply(item, ...rest));
  }, { params: ['filter', 'attribute', 'default'] }),

  /** JSON as Jinja2 writes it, safe inside <script> and in attributes of either quote. */
  tojson: Object.assign(function tojson(value: unknown, indent?: number) {
    const json = indent ? JSON.stringify(sortedKeys(value ?? null), null, indent) : pythonJson(value);
    // Python writes every character beyond ASCII as \uXXXX (ensure_ascii), Jinja2 with it.
    const ascii = json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return new SafeString(ascii.replace(/[<>&']/g, (c) => JSON_IN_HTML[c]!));
  }, { params: ['indent'] }),

  /**
   * Tags and comments removed, whitespace squeezed. The result is plain text even for safe
   * input: one pass leaves `<script>` from `<<b>script>`, and only escaping makes that harmless.
   */
  striptags: Object.assign(function striptags(value: unknown, preserveLinebreaks = false) {
    const stripped = text(value).replace(/<\/?([a-z][a-z0-9]*)\b[^>]*>|<!--[\s\S]*?-->/gi, '').trim();
    // Kept line breaks: each line trimmed, spaces squeezed, at most one blank line in a row.
    const squeezed = preserveLinebreaks
      ? stripped.replace(/^ +| +$/gm, '').replace(/ +/g, ' ').replace(/\r\n/g, '\n').replace(/\n{3,}/g, '\n\n')
      : stripped.replace(/\s+/g, ' ');
    // Safe input is HTML: its text has the characters its entities stand for (output escapes them again).
    return value instanceof SafeString ? squeezed.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name]!) : squeezed;
  }, { params: ['preserve_linebreaks'] }),

  /** Percent-encoded text, or `key=value` pairs joined by `&`; plain text, so `&` prints as `&amp;`. */
  urlencode(value) {
    if (typeof value === 'string' || value instanceof SafeString) return percentEncode(value);
    const pairs = Array.isArray(value) ? (value as Array<[unknown, unknown]>) : Object.entries(value as object);
    return pairs.map(([key, item]) => `${percentEncode(key)}=${percentEncode(item)}`).join('&');
  },

  /** Runs of ASCII letters, digits and `_`, as nunjucks counts them; undefined when there are none. */
  wordcount(value) {
    const words = text(value).match(/\w+/g);
    return words ? words.length : undefined;
  },

  indent: Object.assign(function indent(value: unknown, width = 4, first = false) {
    const input = text(value);
    if (input === '') return '';
    const pad = ' '.repeat(width);
    return keepSafety(value, input.split('\n').map((line, i) => (i === 0 && !first ? line : pad + line)).join('\n'));
  }, { params: ['width', 'first'] }),

  abs: (value) => Math.abs(value as number),

  // Filters that call tests: the item, or its attribute, through a built-in test by name.
  select: (value, test?: string, ...args: unknown[]) => selectBy(value as unknown[], true, (item) => item, test, args),
  reject: (value, test?: string, ...args: unknown[]) => selectBy(value as unknown[], false, (item) => item, test, args),
  selectattr: (value, attribute: string, test?: string, ...args: unknown[]) => selectBy(value as unknown[], true, (item) => attributeOf(item, attribute), test, args),
  rejectattr: (value, attribute: string, test?: string, ...args: unknown[]) => selectBy(value as unknown[], false, (item) => attributeOf(item, attribute), test, args),

  // Extension filters (lessons/06-templates.md#more-filters-from-nunjucks): the rest of
  // nunjucks's built-in filters.

  /** The text in the middle of `width` characters, spaces around it, the odd one on the right. */
  center: Object.assign(function center(value: unknown, width = 80) {
    const input = text(value);
    const spaces = (width || 80) - input.length;
    if (spaces <= 0) return keepSafety(value, input);
    const left = Math.floor(spaces / 2);
    return keepSafety(value, ' '.repeat(left) + input + ' '.repeat(spaces - left));
  }, { params: ['width'] }),

  /**
   * `<br />` before each line end. Plain text stays plain, so output escapes the `<br />` along
   * with the rest: `text|e|nl2br` escapes the text first, and then the breaks stay breaks.
   */
  nl2br: (value) => (value === null || value === undefined ? '' : keepSafety(value, String(value).replace(/\r\n|\n/g, '<br />\n'))),

  urlize: Object.assign(urlize, { params: ['trim_url_limit', 'nofollow'] }),

  /** JSON.stringify's JSON, for reading: plain text, escaped on output (in a script, use tojson). */
  dump: Object.assign(function dump(value: unknown, indent?: number | string) {
    return JSON.stringify(value, (_key, item: unknown) => (item instanceof SafeString ? item.value : item), indent);
  }, { params: ['indent'] }),

  /** Escaped even when it is safe already: `&lt;` becomes `&amp;lt;`. */
  forceescape: (value) => new SafeString(escapeHtml(value === null || value === undefined ? '' : String(value))),

  /**
   * `slices` lists, as equal in length as they can be: the first `length % slices` of them have
   * one item more. The others get `fill` at the end when one is given (and not falsy, as nunjucks).
   */
  slice: Object.assign(function slice(value: unknown, slices: number, fill?: unknown) {
    const items = value as unknown[];
    const size = Math.floor(items.length / slices);
    const longer = items.length % slices;
    const result: unknown[][] = [];
    let start = 0;
    for (let i = 0; i < slices; i++) {
      const end = start + size + (i < longer ? 1 : 0);
      const part = items.slice(start, end);
      if (fill && i >= longer) part.push(fill);
      result.push(part);
      start = end;
    }
    return result;
  }, { params: ['slices', 'fill_with'] }),

  random(value) {
    const items = value as ArrayLike<unknown>;
    return items[Math.floor(Math.random() * items.length)];
  },

  /** The value as text; none and undefined as the empty text. Keeps safeness. */
  string: (value) => keepSafety(value, value === null || value === undefined ? '' : String(value)),

  /** nunjucks's short name for default. */
  d: (value, fallback, boolean = false) => builtInFilters.default!(value, fallback, boolean),
};
