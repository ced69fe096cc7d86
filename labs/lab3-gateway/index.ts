// Lab 3's public surface.
export type { GatewayOptions, ServeOptions } from './options.ts';
export { buildEnviron, decodePath, splitTarget } from './environ.ts';
export { Input } from './input.ts';
export { tsgiHandler } from './gateway.ts';
export { validator, type ValidatorOptions } from './validator.ts';
export { helloApp, environApp } from './apps.ts';
export { serve } from './serve.ts';
