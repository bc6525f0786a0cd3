// Worker-thread entry: registers tsx (workers do not inherit the parent's loader), then runs the
// TypeScript worker. Plain .mjs so that Node can start it without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./face-worker-main.ts');
