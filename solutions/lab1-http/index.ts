// Lab 1's public surface: everything other labs and the grader may use. Nothing else is imported
// from this folder by anyone.
export { parseRequestLine } from './request-line.ts';
export { parseHeaderField, bodyFraming } from './headers.ts';
export { parseChunkSize } from './chunked.ts';
export { RequestParser } from './parser.ts';
export { reasonPhrase, serializeHead, serializeResponse, encodeChunk, lastChunk } from './serializer.ts';
