// Worker-thread entry of a training replica. Worker threads do not inherit a loader that was
// set up in-process (vitest, tsx's API), so tsx compiles the TypeScript replica from here.
import { tsImport } from 'tsx/esm/api';

await tsImport('./replica-thread.ts', import.meta.url);
