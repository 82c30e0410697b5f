import { createRequire as __benchsweepCreateRequire } from 'node:module';
import { fileURLToPath as __benchsweepFileURLToPath } from 'node:url';
import { dirname as __benchsweepDirname } from 'node:path';
const require = __benchsweepCreateRequire(import.meta.url);
const __benchsweep_filename = __benchsweepFileURLToPath(import.meta.url);
const __benchsweep_dirname = __benchsweepDirname(__benchsweep_filename);
if (!Set.prototype.union) { const S = Set.prototype; const has = (o, v) => o.has(v);
  Object.assign(S, { union(o) { const r = new Set(this); for (const v of o.keys()) r.add(v); return r; },
    intersection(o) { return new Set([...this].filter((v) => has(o, v))); },
    difference(o) { return new Set([...this].filter((v) => !has(o, v))); },
    symmetricDifference(o) { const r = new Set(this); for (const v of o.keys()) r.has(v) ? r.delete(v) : r.add(v); return r; },
    isSubsetOf(o) { return [...this].every((v) => has(o, v)); },
    isSupersetOf(o) { for (const v of o.keys()) if (!this.has(v)) return false; return true; },
    isDisjointFrom(o) { return [...this].every((v) => !has(o, v)); } }); }
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __commonJS = (cb, mod) => function __require2() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

export {
  __require,
  __commonJS,
  __export,
  __toESM
};
