// Lab 6's public surface: the pipeline's stages, and the engine they make together.
export { tokenize } from './lexer.ts';
export { parse } from './parser.ts';
export { compile } from './compiler.ts';
export { SafeString, markSafe } from './safe.ts';
export { escape } from './runtime.ts';
export { builtInFilters } from './filters.ts';
export { builtInTests, type Test } from './tests.ts';
export { builtInGlobals } from './globals.ts';
export { Environment, Template } from './environment.ts';
export { FileSystemLoader, DictLoader } from './loaders.ts';
export type { Token, TokenType, Expression, Node, TemplateAst, Position } from './nodes.ts';
