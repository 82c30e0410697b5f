/**
 * The action's entry (dist/index.js, bundled by scripts/build.mjs): everything lives in
 * src/action/ (main.ts wires the steps; each command's step is its own module).
 */
import { runAction } from './action/main.js';

await runAction();
