import { createRequire as __bsCreateRequire } from 'node:module';
import { fileURLToPath as __bsFileURLToPath } from 'node:url';
import { dirname as __bsDirname } from 'node:path';
const require = __bsCreateRequire(import.meta.url);
const __filename = __bsFileURLToPath(import.meta.url);
const __dirname = __bsDirname(__filename);
import {
  registerBuild
} from "./chunk-NYIBKBPG.js";
import "./chunk-C5OWFKJH.js";
export {
  registerBuild
};
