import { createRequire as __bsCreateRequire } from 'node:module';
import { fileURLToPath as __bsFileURLToPath } from 'node:url';
import { dirname as __bsDirname } from 'node:path';
const require = __bsCreateRequire(import.meta.url);
const __filename = __bsFileURLToPath(import.meta.url);
const __dirname = __bsDirname(__filename);

// src/commands/build.ts
function registerBuild(program) {
  program.command("build").description("(not implemented yet)").action(() => {
    throw new Error("build: not implemented yet");
  });
}

export {
  registerBuild
};
