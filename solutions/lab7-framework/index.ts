// Lab 7's public surface.
export { App } from './app.ts';
export { Config } from './config.ts';
export { makeResponse } from './results.ts';
export { JsonFileSource, CsvFileSource } from './data.ts';
export { createDemo } from './demo/app.ts';
