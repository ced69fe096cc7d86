// @ts-check
// Rule breakers for lab 4 (see grader/breakers.mjs): for each rule of lessons/04-routing.md, the
// small edits of the reference a learner is likely to make that break it, one way each.
/** @type {import('../../breakers.mjs').Breaker[]} */
export default [
  // Rules and variables
  { rule: 'R1', why: '<name> has no default converter', file: 'rule.ts',
    find: "const [, converterName = 'string', argText = ''] = match;", replace: "const [, converterName = '', argText = ''] = match;" },
  { rule: 'R1', why: 'reads <converter:name> the other way round', file: 'rule.ts',
    find: `const [, converterName = 'string', argText = ''] = match;
  const name = match[3]!;`, replace: `const [, name = '', argText = '', converterName = 'string'] = match;` },
  { rule: 'R2', why: 'the pattern is not anchored', file: 'rule.ts',
    find: 'regex = new RegExp(`^(?:${converter.pattern})$`);', replace: 'regex = new RegExp(converter.pattern);' },
  { rule: 'R2', why: 'anchors without a group: ^a|b$', file: 'rule.ts',
    find: 'regex = new RegExp(`^(?:${converter.pattern})$`);', replace: 'regex = new RegExp(`^${converter.pattern}$`);' },

  // Converters
  { rule: 'C1', why: 'string accepts an empty segment (minlength defaults to 0)', file: 'converters.ts',
    find: "numberArg(args, 'minlength') ?? 1;", replace: "numberArg(args, 'minlength') ?? 0;" },
  { rule: 'C1', why: 'string decodes its text again (decodeURIComponent)', file: 'converters.ts',
    find: 'return { pattern: `[^/]{${min},${max ?? \'\'}}`, toValue: (text) => text,', replace: 'return { pattern: `[^/]{${min},${max ?? \'\'}}`, toValue: (text) => decodeURIComponent(text),' },
  { rule: 'C1', why: "string's value is trimmed", file: 'converters.ts',
    find: "toValue: (text) => text, toUrl: (value) => String(value) };", replace: "toValue: (text) => text.trim(), toUrl: (value) => String(value) };" },
  { rule: 'C2', why: 'string ignores length', file: 'converters.ts',
    find: "const exact = numberArg(args, 'length');", replace: 'const exact = undefined as number | undefined;' },
  { rule: 'C2', why: 'string ignores minlength', file: 'converters.ts',
    find: "const min = exact ?? numberArg(args, 'minlength') ?? 1;", replace: 'const min = exact ?? 1;' },
  { rule: 'C2', why: 'string ignores maxlength', file: 'converters.ts',
    find: "const max = exact ?? numberArg(args, 'maxlength');", replace: 'const max = exact;' },
  { rule: 'C3', why: 'int always allows a minus sign', file: 'converters.ts',
    find: String.raw`pattern: args.signed === true ? '-?\\d+' : '\\d+',`, replace: String.raw`pattern: '-?\\d+',` },
  { rule: 'C3', why: 'signed int also accepts a plus sign (+5)', file: 'converters.ts',
    find: String.raw`pattern: args.signed === true ? '-?\\d+' : '\\d+',`, replace: String.raw`pattern: args.signed === true ? '[-+]?\\d+' : '\\d+',` },
  { rule: 'C3', why: 'int gives the text, not a number', file: 'converters.ts',
    find: '      return inRange(value);\n', replace: '      inRange(value);\n      return text;\n' },
  { rule: 'C3', why: 'an int too large for a number to hold is read all the same', file: 'converters.ts',
    find: "      if (!Number.isSafeInteger(value)) throw new RangeError(`${text} is too large to be read exactly`);\n", replace: '' },
  { rule: 'C4', why: 'min itself is refused (<= instead of <)', file: 'converters.ts',
    find: 'if (value < min || value > max)', replace: 'if (value <= min || value > max)' },
  { rule: 'C4', why: 'max itself is refused (>= instead of >)', file: 'converters.ts',
    find: 'if (value < min || value > max)', replace: 'if (value < min || value >= max)' },
  { rule: 'C4', why: 'float is not bounded', file: 'converters.ts',
    find: 'toValue: (text) => inRange(Number(text)),', replace: 'toValue: (text) => Number(text),' },
  { rule: 'C5', why: 'float makes the dot optional', file: 'converters.ts',
    find: String.raw`args.signed === true ? '-?\\d+\\.\\d+' : '\\d+\\.\\d+'`, replace: String.raw`args.signed === true ? '-?\\d+(?:\\.\\d+)?' : '\\d+(?:\\.\\d+)?'` },
  { rule: 'C5', why: 'float always allows a minus sign', file: 'converters.ts',
    find: String.raw`args.signed === true ? '-?\\d+\\.\\d+' : '\\d+\\.\\d+'`, replace: String.raw`'-?\\d+\\.\\d+'` },
  { rule: 'C5', why: "float's toUrl writes 2, not 2.0", file: 'converters.ts',
    find: "return text.includes('.') ? text : `${text}.0`;", replace: 'return text;' },
  { rule: 'C5', why: "float's toUrl adds .0 to non-negative whole numbers only (-2 stays -2)", file: 'converters.ts',
    find: "return text.includes('.') ? text : `${text}.0`;", replace: "return /^\\d+$/.test(text) ? `${text}.0` : text;" },
  { rule: 'C6', why: 'uuid accepts lowercase digits only', file: 'converters.ts',
    find: "'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'", replace: "'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'" },
  { rule: 'C6', why: "uuid's toValue does not lowercase", file: 'converters.ts',
    find: 'toValue: (text) => text.toLowerCase(),', replace: 'toValue: (text) => text,' },
  { rule: 'C6', why: "uuid's toUrl does not lowercase", file: 'converters.ts',
    find: 'toUrl: (value) => String(value).toLowerCase(),', replace: 'toUrl: (value) => String(value),' },
  { rule: 'C7', why: 'any does not escape its words', file: 'converters.ts',
    find: 'args._.map((item) => escapeRegExp(String(item)))', replace: 'args._.map((item) => String(item))' },
  { rule: 'C8', why: 'path accepts a value that starts with "/"', file: 'converters.ts',
    find: String.raw`pattern: '[^/][\\s\\S]*',`, replace: "pattern: '.+'," },
  { rule: 'C8', why: 'path uses "." (no line breaks)', file: 'converters.ts',
    find: String.raw`pattern: '[^/][\\s\\S]*',`, replace: "pattern: '[^/].*'," },
  { rule: 'C9', why: 'a throw in toValue escapes match', file: 'router.ts',
    find: `    try {
      params[segment.name] = segment.converter.toValue(text);
    } catch {
      return null; // the converter refused the text (an int out of range, say)
    }`, replace: '    params[segment.name] = segment.converter.toValue(text);' },
  { rule: 'C10', why: 'keys and values of key=value are not trimmed', file: 'rule.ts',
    find: 'else args[item.slice(0, eq).trim()] = literal(item.slice(eq + 1).trim());', replace: 'else args[item.slice(0, eq)] = literal(item.slice(eq + 1));' },
  { rule: 'C10', why: 'arguments split at ", " only', file: 'rule.ts',
    find: "for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {", replace: "for (const item of text.split(', ').map((s) => s.trim()).filter(Boolean)) {" },
  { rule: 'C10', why: 'an empty argument is kept (<hex():c> gives [""])', file: 'rule.ts',
    find: "text.split(',').map((s) => s.trim()).filter(Boolean)", replace: "text.split(',').map((s) => s.trim())" },
  { rule: 'C10', why: 'a variable without parentheses gives the factory {} (no _)', file: 'rule.ts',
    find: 'converter = converters[converterName]!(parseArgs(argText));', replace: 'converter = converters[converterName]!(match[2] === undefined ? ({} as ConverterArgs) : parseArgs(argText));' },
  { rule: 'C11', why: 'only lowercase true is a boolean', file: 'rule.ts',
    find: 'if (/^(true|True)$/.test(text)) return true;', replace: "if (text === 'true') return true;" },
  { rule: 'C11', why: 'only lowercase false is a boolean', file: 'rule.ts',
    find: 'if (/^(false|False)$/.test(text)) return false;', replace: "if (text === 'false') return false;" },
  { rule: 'C11', why: 'negative and decimal numbers stay text', file: 'rule.ts',
    find: String.raw`if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);`, replace: String.raw`if (/^\d+$/.test(text)) return Number(text);` },
  { rule: 'C11', why: 'anything Number() reads is a number (0x1f, 1e3)', file: 'rule.ts',
    find: String.raw`if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);`, replace: "if (text !== '' && !Number.isNaN(Number(text))) return Number(text);" },
  { rule: 'C11', why: 'quotes are kept', file: 'rule.ts',
    find: "return text.replace(/^(['\"])(.*)\\1$/, '$2');", replace: 'return text;' },
  { rule: 'C11', why: 'any quote at either end is dropped, paired or not', file: 'rule.ts',
    find: "return text.replace(/^(['\"])(.*)\\1$/, '$2');", replace: "return text.replace(/^['\"]|['\"]$/g, '');" },
  { rule: 'C11', why: "a quoted value is read again ('2' becomes the number 2)", file: 'rule.ts',
    find: String.raw`return text.replace(/^(['"])(.*)\1$/, '$2');`, replace: String.raw`const quoted = /^(['"])(.*)\1$/.exec(text);
  return quoted ? literal(quoted[2]!) : text;` },
  { rule: 'C11', why: 'TRUE is true too (case ignored)', file: 'rule.ts',
    find: 'if (/^(true|True)$/.test(text)) return true;', replace: "if (text.toLowerCase() === 'true') return true;" },
  { rule: 'C11', why: 'a value that starts like a number is a number (parseFloat)', file: 'rule.ts',
    find: String.raw`if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);`, replace: 'if (!Number.isNaN(parseFloat(text))) return parseFloat(text);' },
  { rule: 'C12', why: 'add parses with the built-in converters only', file: 'router.ts',
    find: 'const parsed = parseRule(rule, this.#converters);', replace: 'const parsed = parseRule(rule, builtInConverters);' },
  { rule: 'C12', why: 'a path variable may span no segment (a custom path pattern accepts "")', file: 'router.ts',
    find: 'if (take < 1) return null;', replace: 'if (take < 0) return null;' },
  { rule: 'C12', why: 'a built-in converter wins over a custom one of the same name', file: 'router.ts',
    find: 'this.#converters = { ...builtInConverters, ...options.converters };', replace: 'this.#converters = { ...options.converters, ...builtInConverters };' },

  { rule: 'C13', why: 'an argument that is not a number is ignored', file: 'converters.ts',
    find: `  if (value === undefined || typeof value === 'number') return value;
  throw new TypeError(\`\${name} must be a number, got \${String(value)}\`);`, replace: "  return typeof value === 'number' ? value : undefined;" },
  { rule: 'C13', why: 'min and max are read only when a value is checked (a wrong type refuses every match)', file: 'converters.ts',
    find: `  const min = numberArg(args, 'min') ?? -Infinity;
  const max = numberArg(args, 'max') ?? Infinity;
  return (value) => {`, replace: `  return (value) => {
    const min = numberArg(args, 'min') ?? -Infinity;
    const max = numberArg(args, 'max') ?? Infinity;` },

  // Matching segment by segment
  { rule: 'P1', why: 'a match does not give its rule', file: 'router.ts',
    find: "return { kind: 'match', endpoint: entry.endpoint, params: fit.params, rule: entry.rule.text };", replace: "return { kind: 'match', endpoint: entry.endpoint, params: fit.params } as MatchResult;" },
  { rule: 'P2', why: '"/" counts as a trailing slash', file: 'router.ts',
    find: "const trailingSlash = path.length > 1 && path.endsWith('/');", replace: "const trailingSlash = path.endsWith('/');" },
  { rule: 'P2', why: '"/" has one empty segment', file: 'router.ts',
    find: "return { segments: body === '' ? [] : body.split('/'), trailingSlash };", replace: "return { segments: body.split('/'), trailingSlash };" },
  { rule: 'P3', why: 'a rule matches a longer path (prefix)', file: 'router.ts',
    find: 'if (texts.length !== rule.segments.length) return null;', replace: 'if (texts.length < rule.segments.length) return null;' },
  { rule: 'P4', why: 'the segments after a path variable are miscounted', file: 'router.ts',
    find: 'const after = rule.segments.length - rule.pathIndex - 1;', replace: 'const after = rule.segments.length - rule.pathIndex;' },
  { rule: 'P4', why: 'a path variable takes the rest of the path, leaving nothing for the segments after it', file: 'router.ts',
    find: 'const take = texts.length - rule.pathIndex - after;', replace: 'const take = texts.length - rule.pathIndex;' },
  { rule: 'P4', why: 'a path too short for the rule is not refused (a negative span)', file: 'router.ts',
    find: '    if (take < 1) return null;\n', replace: '' },
  { rule: 'P5', why: 'fixed text is compared without case', file: 'router.ts',
    find: 'if (text !== segment.text) return null;', replace: 'if (text.toLowerCase() !== segment.text.toLowerCase()) return null;' },
  { rule: 'P5', why: 'fixed text is used as a regular expression', file: 'router.ts',
    find: 'if (text !== segment.text) return null;', replace: 'if (!new RegExp(`^${segment.text}$`).test(text)) return null;' },
  { rule: 'P5', why: 'fixed text is compared after trimming', file: 'router.ts',
    find: 'if (text !== segment.text) return null;', replace: 'if (text.trim() !== segment.text) return null;' },
  { rule: 'P6', why: 'a redirect is answered at once, before a later exact match', file: 'router.ts',
    find: "redirect ??= `${rooted(`${encodePath(path)}/`)}${query ? `?${query}` : ''}`;", replace: "return { kind: 'redirect', status: 308, location: `${encodePath(path)}/${query ? `?${query}` : ''}` };" },
  { rule: 'P6', why: 'a 405 is answered at once, before a later match', file: 'router.ts',
    find: 'for (const m of entry.methods) allowed.add(m);', replace: "return { kind: 'method-not-allowed', allowed: [...entry.methods].sort() };" },
  { rule: 'P6', why: 'a 405 beats a redirect', file: 'router.ts',
    find: `    if (redirect !== null) return { kind: 'redirect', status: 308, location: redirect };
    if (allowed.size > 0) return { kind: 'method-not-allowed', allowed: [...allowed].sort() };`,
    replace: `    if (allowed.size > 0) return { kind: 'method-not-allowed', allowed: [...allowed].sort() };
    if (redirect !== null) return { kind: 'redirect', status: 308, location: redirect };` },
  { rule: 'P7', why: 'the path pattern backtracks: (?:[^/]+/?)+', file: 'converters.ts',
    find: String.raw`pattern: '[^/][\\s\\S]*',`, replace: "pattern: '(?:[^/]+/?)+'," },

  // Methods, 404 and 405
  { rule: 'M1', why: 'no methods option means no method', file: 'router.ts',
    find: "(options.methods ?? ['GET'])", replace: '(options.methods ?? [])' },
  { rule: 'M1', why: 'the methods option is ignored', file: 'router.ts',
    find: "(options.methods ?? ['GET'])", replace: "['GET']" },
  { rule: 'M7', why: 'methods: [] is accepted (a rule that answers nothing)', file: 'router.ts',
    find: '    if (options.methods?.length === 0) throw new RuleError(`the rule ${rule} answers no method: leave methods out for GET`);\n', replace: '' },
  { rule: 'M7', why: 'methods: [] means GET', edits: [
    { file: 'router.ts', find: '    if (options.methods?.length === 0) throw new RuleError(`the rule ${rule} answers no method: leave methods out for GET`);\n', replace: '' },
    { file: 'router.ts', find: "(options.methods ?? ['GET'])", replace: "(options.methods?.length ? options.methods : ['GET'])" },
  ] },
  { rule: 'M7', why: 'methods: [] is refused only for a new endpoint', file: 'router.ts',
    find: 'if (options.methods?.length === 0) throw', replace: 'if (options.methods?.length === 0 && !this.#endpoints.has(options.endpoint)) throw' },
  { rule: 'M2', why: "the rule's methods are not uppercased", file: 'router.ts',
    find: "new Set((options.methods ?? ['GET']).map((m) => m.toUpperCase()));", replace: "new Set(options.methods ?? ['GET']);" },
  { rule: 'M2', why: "the request's method is not uppercased", file: 'router.ts',
    find: 'if (!entry.methods.has(method.toUpperCase())) {', replace: 'if (!entry.methods.has(method)) {' },
  { rule: 'M3', why: 'GET does not bring HEAD', file: 'router.ts',
    find: "if (methods.has('GET')) methods.add('HEAD'); // a HEAD is a GET without the body", replace: '' },
  { rule: 'M3', why: 'every rule answers HEAD', file: 'router.ts',
    find: "if (methods.has('GET')) methods.add('HEAD');", replace: "methods.add('HEAD');" },
  { rule: 'M4', why: 'a wrong method on a known path is 404', file: 'router.ts',
    find: "    if (allowed.size > 0) return { kind: 'method-not-allowed', allowed: [...allowed].sort() };\n", replace: '' },
  { rule: 'M4', why: 'methods are collected from rules that do not fit the path', file: 'router.ts',
    find: `      if (!fit) continue;
      if (!entry.methods.has(method.toUpperCase())) {`, replace: `      if (!entry.methods.has(method.toUpperCase())) for (const m of entry.methods) allowed.add(m);
      if (!fit) continue;
      if (!entry.methods.has(method.toUpperCase())) {` },
  { rule: 'M5', why: 'allowed is not sorted', file: 'router.ts',
    find: "return { kind: 'method-not-allowed', allowed: [...allowed].sort() };", replace: "return { kind: 'method-not-allowed', allowed: [...allowed] };" },
  { rule: 'M5', why: 'allowed lists a method twice', edits: [
    { file: 'router.ts', find: 'const allowed = new Set<string>();', replace: 'const allowed: string[] = [];' },
    { file: 'router.ts', find: 'for (const m of entry.methods) allowed.add(m);', replace: 'for (const m of entry.methods) allowed.push(m);' },
    { file: 'router.ts', find: 'if (allowed.size > 0)', replace: 'if (allowed.length > 0)' },
  ] },
  { rule: 'M5', why: 'allowed lists the methods of the first rule that fits only', file: 'router.ts',
    find: 'for (const m of entry.methods) allowed.add(m);', replace: 'if (allowed.size === 0) for (const m of entry.methods) allowed.add(m);' },
  { rule: 'M6', why: 'adding the same endpoint and rule replaces the methods', file: 'router.ts',
    find: 'for (const method of methods) existing.methods.add(method);', replace: 'existing.methods = methods;' },
  { rule: 'M6', why: 'adding the same endpoint and rule again is refused', file: 'router.ts',
    find: 'if (existing.rule.text !== rule) {', replace: 'if (existing.endpoint === options.endpoint) {' },
  { rule: 'M6', why: 'a re-add with another strictSlashes is accepted (and its methods added)', file: 'router.ts',
    find: 'if ((options.strictSlashes ?? true) !== existing.strictSlashes) {', replace: 'if (false) {' },

  // Which rule wins
  { rule: 'O1', why: 'rules are not sorted', file: 'router.ts',
    find: '    this.#entries.sort(bySpecificity);\n', replace: '' },
  { rule: 'O2', why: 'a custom converter weighs 0', file: 'rule.ts',
    find: 'weight: Object.hasOwn(WEIGHTS, converterName) ? WEIGHTS[converterName]! : CUSTOM_WEIGHT,', replace: 'weight: Object.hasOwn(WEIGHTS, converterName) ? WEIGHTS[converterName]! : 0,' },
  { rule: 'O2', why: 'a custom converter under a built-in name weighs CUSTOM_WEIGHT', edits: [
    { file: 'rule.ts', find: "import { CUSTOM_WEIGHT, WEIGHTS } from './converters.ts';", replace: "import { CUSTOM_WEIGHT, WEIGHTS, builtInConverters } from './converters.ts';" },
    { file: 'rule.ts', find: 'weight: Object.hasOwn(WEIGHTS, converterName) ? WEIGHTS[converterName]! : CUSTOM_WEIGHT,', replace: 'weight: converters[converterName] === builtInConverters[converterName] ? WEIGHTS[converterName]! : CUSTOM_WEIGHT,' },
  ] },
  { rule: 'O2', why: 'the weight is looked up by the variable name', file: 'rule.ts',
    find: 'weight: Object.hasOwn(WEIGHTS, converterName) ? WEIGHTS[converterName]! : CUSTOM_WEIGHT,', replace: 'weight: WEIGHTS[name] ?? CUSTOM_WEIGHT,' },
  { rule: 'O2', why: 'any and uuid weigh the other way round', file: 'converters.ts',
    find: 'any: 1, uuid: 2,', replace: 'any: 2, uuid: 1,' },
  { rule: 'O2', why: 'path weighs as much as string', file: 'converters.ts',
    find: 'string: 4, path: 5 }', replace: 'string: 4, path: 4 }' },
  { rule: 'O2', why: 'static text weighs like any', file: 'rule.ts',
    find: "segments.push({ kind: 'static', text: part, weight: WEIGHTS.static! });", replace: "segments.push({ kind: 'static', text: part, weight: 1 });" },
  { rule: 'O3', why: 'weights compared right to left', file: 'router.ts',
    find: 'for (let i = 0; i < Math.min(wa.length, wb.length); i++) {', replace: 'for (let i = Math.min(wa.length, wb.length) - 1; i >= 0; i--) {' },
  { rule: 'O3', why: 'the higher weight first', file: 'router.ts',
    find: 'if (wa[i] !== wb[i]) return wa[i]! - wb[i]!;', replace: 'if (wa[i] !== wb[i]) return wb[i]! - wa[i]!;' },
  { rule: 'O3', why: 'the total weight decides', file: 'router.ts',
    find: 'for (let i = 0; i < Math.min(wa.length, wb.length); i++) {', replace: `const total = (w: number[]) => w.reduce((sum, x) => sum + x, 0);
  if (total(wa) !== total(wb)) return total(wa) - total(wb);
  for (let i = 0; i < Math.min(wa.length, wb.length); i++) {` },
  { rule: 'O4', why: 'the shorter rule first', file: 'router.ts',
    find: 'return wb.length - wa.length || a.order - b.order;', replace: 'return wa.length - wb.length || a.order - b.order;' },
  { rule: 'O5', why: 'the rule added last first', file: 'router.ts',
    find: 'return wb.length - wa.length || a.order - b.order;', replace: 'return wb.length - wa.length || b.order - a.order;' },

  // Trailing slashes
  { rule: 'T1', why: 'strictSlashes is off by default', file: 'router.ts',
    find: 'strictSlashes: options.strictSlashes ?? true,', replace: 'strictSlashes: options.strictSlashes ?? false,' },
  { rule: 'T1', why: 'a missing slash is not found, not redirected', file: 'router.ts',
    find: 'return rule.trailingSlash ? { params, needsSlash: true } : null;', replace: 'return null;' },
  { rule: 'T1', why: 'the redirect is a 301', file: 'router.ts',
    find: "if (redirect !== null) return { kind: 'redirect', status: 308, location: redirect };", replace: "if (redirect !== null) return { kind: 'redirect', status: 301 as 308, location: redirect };" },
  { rule: 'T2', why: 'an extra final slash is accepted', file: 'router.ts',
    find: 'return rule.trailingSlash ? { params, needsSlash: true } : null;', replace: 'return { params, needsSlash: rule.trailingSlash };' },
  { rule: 'T2', why: 'a path variable anywhere takes the final slash', file: 'router.ts',
    find: 'if (after === 0 && trailingSlash && !rule.trailingSlash) {', replace: 'if (trailingSlash && !rule.trailingSlash) {' },
  { rule: 'T3', why: 'strictSlashes is ignored', file: 'router.ts',
    find: '  if (!entry.strictSlashes) return { params, needsSlash: false };\n', replace: '' },
  { rule: 'T3', why: 'strictSlashes: false only stops the redirect', file: 'router.ts',
    find: 'if (!entry.strictSlashes) return { params, needsSlash: false };', replace: 'if (!entry.strictSlashes && rule.trailingSlash) return { params, needsSlash: false };' },
  { rule: 'T4', why: 'the path is not encoded', file: 'router.ts',
    find: "redirect ??= `${rooted(`${encodePath(path)}/`)}${query ? `?${query}` : ''}`;", replace: "redirect ??= `${path}/${query ? `?${query}` : ''}`;" },
  { rule: 'T4', why: 'the path is encoded with encodeURI (? and # stay)', file: 'router.ts',
    find: "redirect ??= `${rooted(`${encodePath(path)}/`)}${query ? `?${query}` : ''}`;", replace: "redirect ??= `${encodeURI(path)}/${query ? `?${query}` : ''}`;" },
  { rule: 'T4', why: 'the query string is dropped', file: 'router.ts',
    find: "redirect ??= `${rooted(`${encodePath(path)}/`)}${query ? `?${query}` : ''}`;", replace: 'redirect ??= rooted(`${encodePath(path)}/`);' },
  { rule: 'T4', why: 'the query string is encoded again', file: 'router.ts',
    find: "redirect ??= `${rooted(`${encodePath(path)}/`)}${query ? `?${query}` : ''}`;", replace: "redirect ??= `${rooted(`${encodePath(path)}/`)}${query ? `?${encodeURIComponent(query)}` : ''}`;" },
  { rule: 'T4', why: 'a "?" even without a query string', file: 'router.ts',
    find: "redirect ??= `${rooted(`${encodePath(path)}/`)}${query ? `?${query}` : ''}`;", replace: 'redirect ??= `${rooted(`${encodePath(path)}/`)}?${query}`;' },
  { rule: 'T5', why: 'the slash is checked before the method', file: 'router.ts',
    find: `      if (!entry.methods.has(method.toUpperCase())) {
        for (const m of entry.methods) allowed.add(m);
      } else if (fit.needsSlash) {`, replace: `      if (fit.needsSlash) {
        redirect ??= \`\${rooted(\`\${encodePath(path)}/\`)}\${query ? \`?\${query}\` : ''}\`;
      } else if (!entry.methods.has(method.toUpperCase())) {
        for (const m of entry.methods) allowed.add(m);
      } else if (fit.needsSlash) {` },
  { rule: 'T6', why: 'a path variable at the end loses the final slash', file: 'router.ts',
    find: "      texts[rule.pathIndex] += '/'; // a path at the end keeps the request's final slash\n", replace: '' },
  { rule: 'T6', why: 'a path variable keeps the final slash only with strictSlashes on', file: 'router.ts',
    find: 'if (after === 0 && trailingSlash && !rule.trailingSlash) {', replace: 'if (after === 0 && trailingSlash && !rule.trailingSlash && entry.strictSlashes) {' },
  { rule: 'T7', why: 'a location may start with "//" (open redirect)', file: 'router.ts',
    find: "redirect ??= `${rooted(`${encodePath(path)}/`)}${query ? `?${query}` : ''}`;", replace: "redirect ??= `${encodePath(path)}/${query ? `?${query}` : ''}`;" },
  { rule: 'T7', why: 'the empty first segment is dropped (//x redirects to /x/)', file: 'router.ts',
    find: "return url.startsWith('//') ? `/%2F${url.slice(2)}` : url;", replace: "return url.replace(/^\\/+/, '/');" },
  { rule: 'T6', why: 'a path variable takes the slash its rule ends with', file: 'router.ts',
    find: 'if (after === 0 && trailingSlash && !rule.trailingSlash) {', replace: 'if (after === 0 && trailingSlash) {' },

  // Building URLs
  { rule: 'B1', why: 'the trailing slash is left out', file: 'router.ts',
    find: "const url = rooted(`/${parts.join('/')}${entry.rule.trailingSlash ? '/' : ''}`);", replace: "const url = rooted(`/${parts.join('/')}`);" },
  { rule: 'B1', why: 'the rule "/" builds ""', file: 'router.ts',
    find: "const url = rooted(`/${parts.join('/')}${entry.rule.trailingSlash ? '/' : ''}`);", replace: "const url = rooted(`${parts.map((p) => `/${p}`).join('')}${entry.rule.trailingSlash ? '/' : ''}`);" },
  { rule: 'B2', why: 'an unknown endpoint is a plain Error', file: 'router.ts',
    find: 'if (!entry) throw new BuildError(`no endpoint', replace: 'if (!entry) throw new Error(`no endpoint' },
  { rule: 'B2', why: 'no max(2, ...) for short names', file: 'router.ts',
    find: 'let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;', replace: 'let bestDistance = Math.floor(name.length / 3) + 1;' },
  { rule: 'B2', why: 'the limit itself is too far (off by one)', file: 'router.ts',
    find: 'let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;', replace: 'let bestDistance = Math.max(2, Math.floor(name.length / 3));' },
  { rule: 'B2', why: 'suggests the first close name, not the closest', file: 'router.ts',
    find: 'if (distance < bestDistance) [best, bestDistance] = [candidate, distance];', replace: 'if (distance < bestDistance && best === null) best = candidate;' },
  { rule: 'B2', why: 'the limit rounds up (Math.ceil)', file: 'router.ts',
    find: 'Math.max(2, Math.floor(name.length / 3))', replace: 'Math.max(2, Math.ceil(name.length / 3))' },
  { rule: 'B2', why: 'of two as close, the first in the sorted order, not the first added', file: 'router.ts',
    find: 'suggest(endpoint, [...this.#endpoints.keys()])', replace: 'suggest(endpoint, this.#entries.map((e) => e.endpoint))' },
  { rule: 'B2', why: 'of two as close, the last one', file: 'router.ts',
    find: 'if (distance < bestDistance) [best, bestDistance] = [candidate, distance];', replace: 'if (distance <= bestDistance && distance <= Math.max(2, Math.floor(name.length / 3))) [best, bestDistance] = [candidate, distance];' },
  { rule: 'B3', why: 'null counts as a value', file: 'router.ts',
    find: 'const missing = variables.filter((name) => given(name) === undefined || given(name) === null);', replace: 'const missing = variables.filter((name) => given(name) === undefined);' },
  { rule: 'B3', why: 'only an absent key is missing', file: 'router.ts',
    find: 'const missing = variables.filter((name) => given(name) === undefined || given(name) === null);', replace: 'const missing = variables.filter((name) => !(name in values));' },
  { rule: 'B3', why: 'values are read through the prototype (constructor is Object)', file: 'router.ts',
    find: 'const given = (name: string) => (Object.hasOwn(values, name) ? values[name] : undefined);', replace: 'const given = (name: string) => values[name];' },
  { rule: 'B3', why: 'no check for missing values: a plain <name> builds /users/undefined', file: 'router.ts',
    find: `    const missing = variables.filter((name) => given(name) === undefined || given(name) === null);
    if (missing.length > 0) {
      throw new BuildError(\`urlFor("\${endpoint}") needs \${missing.join(', ')} for the rule \${entry.rule.text}\`);
    }
`, replace: '' },
  { rule: 'B3', why: 'falsy values (0) count as missing', file: 'router.ts',
    find: 'variables.filter((name) => given(name) === undefined || given(name) === null);', replace: 'variables.filter((name) => !given(name));' },
  { rule: 'B4', why: "the converter's text is not checked against the pattern", file: 'router.ts',
    find: 'if (segment.regex.test(text)) {', replace: '{' },
  { rule: 'B4', why: "toValue is not asked (an int's min and max are ignored)", file: 'router.ts',
    find: '          segment.converter.toValue(text);\n', replace: '' },
  { rule: 'B5', why: 'a throw in toUrl escapes as it is', file: 'router.ts',
    find: `      try {
        // The text must read back as match would read it: its pattern, then toValue (min, max).
        const text = segment.converter.toUrl(given(segment.name));`, replace: `      const text = segment.converter.toUrl(given(segment.name));
      try {` },
  { rule: 'B5', why: 'the encoding is outside the try: a lone surrogate throws a URIError', edits: [
    { file: 'router.ts', find: `          segment.converter.toValue(text);
          return encodePath(text); // a path value keeps its slashes; a lone surrogate throws
        }`, replace: `          segment.converter.toValue(text);
          ok = text;
        }` },
    { file: 'router.ts', find: `      if (segment.kind === 'static') return encodeURIComponent(segment.text);
      try {`, replace: `      if (segment.kind === 'static') return encodeURIComponent(segment.text);
      let ok: string | undefined;
      try {` },
    { file: 'router.ts', find: `        // toUrl, toValue or the encoding refused it: the same BuildError as a text that doesn't fit
      }`, replace: `        // toUrl, toValue or the encoding refused it: the same BuildError as a text that doesn't fit
      }
      if (ok !== undefined) return encodePath(ok);` },
  ] },
  { rule: 'B6', why: 'fixed text is not encoded', file: 'router.ts',
    find: "if (segment.kind === 'static') return encodeURIComponent(segment.text);", replace: "if (segment.kind === 'static') return segment.text;" },
  { rule: 'B6', why: "a path value's slashes are encoded", file: 'router.ts',
    find: 'return encodePath(text);', replace: 'return encodeURIComponent(text);' },
  { rule: 'B6', why: 'values are encoded with encodeURI (? and # stay)', file: 'router.ts',
    find: 'return encodePath(text);', replace: 'return encodeURI(text);' },
  { rule: 'B8', why: 'a URL may start with "//"', file: 'router.ts',
    find: "const url = rooted(`/${parts.join('/')}${entry.rule.trailingSlash ? '/' : ''}`);", replace: "const url = `/${parts.join('/')}${entry.rule.trailingSlash ? '/' : ''}`;" },
  { rule: 'B7', why: 'an array is written as one value', file: 'router.ts',
    find: 'for (const item of Array.isArray(value) ? value : [value]) {', replace: 'for (const item of [value]) {' },
  { rule: 'B7', why: 'null and undefined are left out as values, but written as items of an array', edits: [
    { file: 'router.ts', find: 'if (variables.includes(key)) continue;', replace: 'if (variables.includes(key) || value === undefined || value === null) continue;' },
    { file: 'router.ts', find: 'if (item !== undefined && item !== null) query.append(key, String(item));', replace: 'query.append(key, String(item));' },
  ] },
  { rule: 'B7', why: 'null goes into the query string', file: 'router.ts',
    find: 'if (item !== undefined && item !== null) query.append', replace: 'if (item !== undefined) query.append' },
  { rule: 'B7', why: "the rule's own variables go into the query string too", file: 'router.ts',
    find: '      if (variables.includes(key)) continue;\n', replace: '' },

  // Groups
  { rule: 'G1', why: "the group's name is ignored", file: 'router.ts',
    find: 'endpoint: name ? `${name}.${options.endpoint}` : options.endpoint', replace: 'endpoint: options.endpoint' },
  { rule: 'G1', why: 'no dot between the name and the endpoint', file: 'router.ts',
    find: 'endpoint: name ? `${name}.${options.endpoint}` : options.endpoint', replace: 'endpoint: name ? `${name}${options.endpoint}` : options.endpoint' },
  { rule: 'G1', why: 'a group without a name prefixes "undefined."', file: 'router.ts',
    find: 'endpoint: name ? `${name}.${options.endpoint}` : options.endpoint', replace: 'endpoint: `${name}.${options.endpoint}`' },
  { rule: 'G2', why: 'a prefix without a leading "/" is accepted', file: 'router.ts',
    find: "if (!prefix.startsWith('/') || prefix.endsWith('/')) {", replace: "if (prefix.endsWith('/')) {" },
  { rule: 'G2', why: 'a prefix ending in "/" is accepted', file: 'router.ts',
    find: "if (!prefix.startsWith('/') || prefix.endsWith('/')) {", replace: "if (!prefix.startsWith('/')) {" },
  { rule: 'G4', why: "a group's rule without a leading '/' is glued to the prefix (/apiusers)", file: 'router.ts',
    find: `        if (!rule.startsWith('/')) throw new RuleError(\`a rule must start with "/", got "\${rule}"\`, 0); // not /apiusers\n`, replace: '' },
  { rule: 'G4', why: "a group's rule without a leading '/' is given one (/api/users)", file: 'router.ts',
    find: `        if (!rule.startsWith('/')) throw new RuleError(\`a rule must start with "/", got "\${rule}"\`, 0); // not /apiusers\n`, replace: "        if (!rule.startsWith('/')) rule = `/${rule}`;\n" },
  { rule: 'G3', why: "a group's '/' becomes the bare prefix", file: 'router.ts',
    find: 'this.add(prefix + rule, {', replace: "this.add(rule === '/' ? prefix : prefix + rule, {" },

  // Rule errors
  { rule: 'E1', why: 'the caret line is not indented like the rule line', file: 'rule.ts',
    find: "return new RuleError(`${message}\\n  ${text}\\n  ${' '.repeat(Math.max(0, position))}^`, position);", replace: "return new RuleError(`${message}\\n  ${text}\\n${' '.repeat(Math.max(0, position))}^`, position);" },
  { rule: 'E1', why: 'the caret is one character late', file: 'rule.ts',
    find: "${' '.repeat(Math.max(0, position))}^`", replace: "${' '.repeat(Math.max(0, position + 1))}^`" },
  { rule: 'E2', why: 'a rule without a leading "/" is accepted', file: 'rule.ts',
    find: "  if (!text.startsWith('/')) throw ruleError(text, 0, 'a rule must start with \"/\"');\n", replace: '' },
  { rule: 'E3', why: 'an empty segment is accepted', file: 'rule.ts',
    find: "  if (text.includes('//')) throw ruleError(text, text.indexOf('//') + 1, 'empty segment (\"//\")');\n", replace: '' },
  { rule: 'E3', why: 'the position is the first slash of "//"', file: 'rule.ts',
    find: "text.indexOf('//') + 1", replace: "text.indexOf('//')" },
  { rule: 'E3', why: 'the position is in the last "//", not the first', file: 'rule.ts',
    find: "text.indexOf('//') + 1", replace: "text.lastIndexOf('//') + 1" },
  { rule: 'E4', why: "the position is the variable's '<'", file: 'rule.ts',
    find: 'throw ruleError(text, offset + 1, `unknown converter', replace: 'throw ruleError(text, offset, `unknown converter' },
  { rule: 'E4', why: 'converters are looked up through the prototype (toString is known)', file: 'rule.ts',
    find: 'if (!Object.hasOwn(converters, converterName)) {', replace: 'if (!converters[converterName]) {' },
  { rule: 'E5', why: 'a variable name used twice is accepted', file: 'rule.ts',
    find: '      if (names.has(segment.name)) throw ruleError(text, offset, `the variable "${segment.name}" appears twice`);\n', replace: '' },
  { rule: 'E5', why: 'the position is the name, not the "<"', file: 'rule.ts',
    find: 'if (names.has(segment.name)) throw ruleError(text, offset,', replace: 'if (names.has(segment.name)) throw ruleError(text, offset + 1,' },
  { rule: 'E6', why: 'a second path variable is accepted', file: 'rule.ts',
    find: `      if (segment.converterName === 'path' && segments.some(isPath)) {
        throw ruleError(text, offset, 'a rule may have only one path variable');
      }
`, replace: '' },
  { rule: 'E6', why: 'the position is the first path variable', file: 'rule.ts',
    find: "throw ruleError(text, offset, 'a rule may have only one path variable');", replace: "throw ruleError(text, segments.findIndex(isPath) + 1, 'a rule may have only one path variable');" },
  { rule: 'E6', why: 'any variable before a path variable counts as a path', file: 'rule.ts',
    find: "if (segment.converterName === 'path' && segments.some(isPath)) {", replace: "if (segment.converterName === 'path' && segments.some((s) => s.kind === 'variable')) {" },
  { rule: 'E7', why: 'the position is the slash before the segment', file: 'rule.ts',
    find: 'if (!match) throw ruleError(text, offset,', replace: 'if (!match) throw ruleError(text, offset - 1,' },
  { rule: 'E7', why: 'the position is one past the end of the segment', file: 'rule.ts',
    find: 'if (!match) throw ruleError(text, offset,', replace: 'if (!match) throw ruleError(text, offset + part.length + 1,' },
  { rule: 'E7', why: 'the variable pattern is not anchored at its end: <a>b is the variable a', file: 'rule.ts',
    find: 'const VARIABLE = /^<(?:([A-Za-z_][A-Za-z0-9_]*)(?:\\((.*)\\))?:)?([^<>:()]*)>$/;', replace: 'const VARIABLE = /^<(?:([A-Za-z_][A-Za-z0-9_]*)(?:\\((.*)\\))?:)?([^<>:()]*)>/;' },
  { rule: 'E8', why: 'a name that is not an identifier is accepted', file: 'rule.ts',
    find: `  if (!NAME.test(name)) {
    const at = offset + Math.max(part.lastIndexOf(':'), 0) + 1; // just after ':' or '<'
    throw ruleError(text, at, \`invalid variable name "\${name}"\`);
  }
`, replace: '' },
  { rule: 'E8', why: "the position is the variable's '<'", file: 'rule.ts',
    find: "const at = offset + Math.max(part.lastIndexOf(':'), 0) + 1; // just after ':' or '<'", replace: 'const at = offset;' },
  { rule: 'E8', why: '__proto__ is accepted as a variable name', file: 'rule.ts',
    find: 'const NAME = /^(?!__proto__$)[A-Za-z_][A-Za-z0-9_]*$/;', replace: 'const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;' },
  { rule: 'E9', why: 'an endpoint clash is given position 0', file: 'router.ts',
    find: 'is already used by the rule ${existing.rule.text}`);', replace: 'is already used by the rule ${existing.rule.text}`, 0);' },
  { rule: 'E9', why: 'the message does not name the endpoint', file: 'router.ts',
    find: 'throw new RuleError(`endpoint "${options.endpoint}" is already used', replace: 'throw new RuleError(`this endpoint is already used' },
  { rule: 'E9', why: 'an endpoint clash is not refused', file: 'router.ts',
    find: `      if (existing.rule.text !== rule) {
        throw new RuleError(\`endpoint "\${options.endpoint}" is already used by the rule \${existing.rule.text}\`);
      }
`, replace: '' },
  { rule: 'E10', why: 'the new rule is stored before the endpoint clash is found', file: 'router.ts',
    find: `      if (existing.rule.text !== rule) {
        throw`, replace: `      if (existing.rule.text !== rule) {
        this.#entries.push({ rule: parsed, endpoint: options.endpoint, methods, strictSlashes: true, order: this.#entries.length });
        this.#entries.sort(bySpecificity);
        throw` },

  { rule: 'E10', why: 'the methods are merged before the endpoint clash is found', file: 'router.ts',
    find: `    if (existing) {
      if (existing.rule.text !== rule) {`, replace: `    if (existing) {
      for (const method of methods) existing.methods.add(method);
      if (existing.rule.text !== rule) {` },
  { rule: 'E11', why: "a factory's error escapes as it is", edits: [
    { file: 'rule.ts', find: `  let converter: Converter;
  let regex: RegExp;
  try {
    converter = converters[converterName]!(parseArgs(argText));`, replace: `  const converter: Converter = converters[converterName]!(parseArgs(argText));
  let regex: RegExp;
  try {` },
  ] },
  { rule: 'E11', why: 'an invalid pattern escapes as a SyntaxError', edits: [
    { file: 'rule.ts', find: `  let regex: RegExp;
  try {
    converter = converters[converterName]!(parseArgs(argText));
    regex = new RegExp(\`^(?:\${converter.pattern})$\`);
  } catch`, replace: `  try {
    converter = converters[converterName]!(parseArgs(argText));
  } catch` },
    { file: 'rule.ts', find: `    regex,
    weight:`, replace: `    regex: new RegExp(\`^(?:\${converter.pattern})$\`),
    weight:` },
  ] },

  // The dispatcher
  { rule: 'D1', why: 'PATH_INFO is matched as bytes', file: 'dispatch.ts',
    find: 'const path = utf8(environ.PATH_INFO);', replace: 'const path = environ.PATH_INFO;' },
  { rule: 'D1', why: 'PATH_INFO is decoded with decodeURIComponent', file: 'dispatch.ts',
    find: 'const path = utf8(environ.PATH_INFO);', replace: 'const path = decodeURIComponent(environ.PATH_INFO);' },
  { rule: 'D1', why: "utf8 reads the text as UTF-8, not latin1", file: 'dispatch.ts',
    find: "return Buffer.from(bytesAsText, 'latin1').toString('utf8');", replace: "return Buffer.from(bytesAsText).toString('utf8');" },
  { rule: 'D1', why: 'a fatal decoder: bytes that are not UTF-8 throw', file: 'dispatch.ts',
    find: "return Buffer.from(bytesAsText, 'latin1').toString('utf8');", replace: "return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(bytesAsText, 'latin1'));" },
  { rule: 'D2', why: 'the view gets no params', file: 'dispatch.ts',
    find: 'return view(environ, startResponse, result.params);', replace: 'return view(environ, startResponse, {});' },
  { rule: 'D2', why: 'the dispatcher is async: a promise of the body, not the body', file: 'dispatch.ts',
    find: '  return (environ, startResponse) => {', replace: '  return async (environ, startResponse) => {' },
  { rule: 'D2', why: "the view's body is copied into an array (its close() is lost)", file: 'dispatch.ts',
    find: 'return view(environ, startResponse, result.params);', replace: `const body = view(environ, startResponse, result.params);
        return body instanceof Promise ? body : [...(body as Iterable<Uint8Array>)];` },
  { rule: 'D2', why: 'an array body is copied (its close() is lost)', file: 'dispatch.ts',
    find: 'return view(environ, startResponse, result.params);', replace: `const body = view(environ, startResponse, result.params);
        return Array.isArray(body) ? [...body] : body;` },
  { rule: 'D7', why: 'views are looked up through the prototype (constructor finds Object)', file: 'dispatch.ts',
    find: 'const view = Object.hasOwn(views, result.endpoint) ? views[result.endpoint] : undefined;', replace: 'const view = views[result.endpoint];' },
  { rule: 'D7', why: 'a missing view is called anyway (a TypeError that names nothing)', file: 'dispatch.ts',
    find: '        if (!view) throw new Error(`no view for the endpoint "${result.endpoint}"`);\n', replace: '' },
  { rule: 'D7', why: 'a missing view is a 404', file: 'dispatch.ts',
    find: '        if (!view) throw new Error(`no view for the endpoint "${result.endpoint}"`);', replace: "        if (!view) return plain(startResponse, '404 Not Found', []);" },
  { rule: 'D3', why: 'the mount point is left out', file: 'dispatch.ts',
    find: 'const location = encodePath(utf8(environ.SCRIPT_NAME)) + result.location;', replace: 'const location = result.location;' },
  { rule: 'D3', why: 'the mount point is not encoded', file: 'dispatch.ts',
    find: 'const location = encodePath(utf8(environ.SCRIPT_NAME)) + result.location;', replace: 'const location = utf8(environ.SCRIPT_NAME) + result.location;' },
  { rule: 'D3', why: 'the mount point is encoded from its bytes as text, not decoded first', file: 'dispatch.ts',
    find: 'const location = encodePath(utf8(environ.SCRIPT_NAME)) + result.location;', replace: 'const location = encodePath(environ.SCRIPT_NAME) + result.location;' },
  { rule: 'D3', why: "the router's location is encoded again (encodeURI)", file: 'dispatch.ts',
    find: 'const location = encodePath(utf8(environ.SCRIPT_NAME)) + result.location;', replace: 'const location = encodeURI(utf8(environ.SCRIPT_NAME) + result.location);' },
  { rule: 'D3', why: 'the redirect is a 301', file: 'dispatch.ts',
    find: "'308 Permanent Redirect'", replace: "'301 Moved Permanently'" },
  { rule: 'D4', why: 'Allow joined without a space', file: 'dispatch.ts',
    find: "[['Allow', result.allowed.join(', ')]]", replace: "[['Allow', result.allowed.join(',')]]" },
  { rule: 'D4', why: 'no Allow header', file: 'dispatch.ts',
    find: "[['Allow', result.allowed.join(', ')]]", replace: '[]' },
  { rule: 'D4', why: 'the 405 status has no reason phrase', file: 'dispatch.ts',
    find: "'405 Method Not Allowed'", replace: "'405'" },
  { rule: 'D5', why: 'the 404 status has no reason phrase', file: 'dispatch.ts',
    find: "'404 Not Found'", replace: "'404'" },
  { rule: 'D6', why: 'no Content-Type', file: 'dispatch.ts',
    find: "startResponse(status, [['Content-Type', 'text/plain; charset=utf-8'], ...headers]);", replace: 'startResponse(status, headers);' },
  { rule: 'D6', why: 'a Content-Type without its charset', file: 'dispatch.ts',
    find: "['Content-Type', 'text/plain; charset=utf-8']", replace: "['Content-Type', 'text/plain']" },
  { rule: 'D6', why: 'the 404 carries an empty Allow header', file: 'dispatch.ts',
    find: "return plain(startResponse, '404 Not Found', []);", replace: "return plain(startResponse, '404 Not Found', [['Allow', '']]);" },
  { rule: 'D6', why: 'the body is a string, not bytes', file: 'dispatch.ts',
    find: 'return [encoder.encode(`${status}\\n`)];', replace: 'return [`${status}\\n`] as never;' },
];
