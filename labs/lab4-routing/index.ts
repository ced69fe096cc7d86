// Lab 4's public surface.
export { Router, type RouteGroup } from './router.ts';
export { builtInConverters } from './converters.ts';
export { dispatcher, type View } from './dispatch.ts';
