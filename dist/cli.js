#!/usr/bin/env node
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
import {
  BENCHMARK_KINDS,
  DEFAULT_BOOTSTRAP_ITERATIONS,
  DEFAULT_SEED,
  DEFAULT_THRESHOLD,
  DEMO_ENGINE,
  DEMO_WHEEL_PREPARE,
  UserError,
  VARIANTS,
  affectedTasks,
  attr,
  buildReport,
  buildWheel,
  commitAll,
  compareSides,
  createArtifactResolver,
  createLogClassifier,
  createMetricsScanner,
  decideApproval,
  defaultConfig,
  dockerUnreachable,
  emit,
  enginePreset,
  ensureBaseImage,
  esc,
  escapeWorkflowText,
  external_exports,
  formatValue,
  gatedTaskRefusals,
  git,
  initRepo,
  loadDataset,
  loadResultRecords,
  log,
  normalizeProject,
  parseChangedFiles,
  parseDataset,
  parsePerfCommand,
  parseWheelName,
  planSweep,
  primaryMetricFor,
  readText,
  recipeById,
  registerBuild,
  registerPlan,
  registerReport,
  registerRun,
  removeStaleContainers,
  renderMarkdown,
  renderProjectPage,
  renderRootPage,
  runSample,
  runSweep,
  sha256File,
  unsafePatchPath,
  writeFileAtomic
} from "./chunks/chunk-RVSPGSSK.js";
import "./chunks/chunk-LOE4VG7Q.js";

// node_modules/commander/lib/error.js
var CommanderError = class extends Error {
  /**
   * Constructs the CommanderError class
   * @param {number} exitCode suggested exit code which could be used with process.exit
   * @param {string} code an id string representing the error
   * @param {string} message human-readable description of the error
   */
  constructor(exitCode, code, message) {
    super(message);
    Error.captureStackTrace(this, this.constructor);
    this.name = this.constructor.name;
    this.code = code;
    this.exitCode = exitCode;
    this.nestedError = void 0;
  }
};
var InvalidArgumentError = class extends CommanderError {
  /**
   * Constructs the InvalidArgumentError class
   * @param {string} [message] explanation of why argument is invalid
   */
  constructor(message) {
    super(1, "commander.invalidArgument", message);
    Error.captureStackTrace(this, this.constructor);
    this.name = this.constructor.name;
  }
};

// node_modules/commander/lib/argument.js
var Argument = class {
  /**
   * Initialize a new command argument with the given name and description.
   * The default is that the argument is required, and you can explicitly
   * indicate this with <> around the name. Put [] around the name for an optional argument.
   *
   * @param {string} name
   * @param {string} [description]
   */
  constructor(name, description) {
    this.description = description || "";
    this.variadic = false;
    this.parseArg = void 0;
    this.defaultValue = void 0;
    this.defaultValueDescription = void 0;
    this.argChoices = void 0;
    switch (name[0]) {
      case "<":
        this.required = true;
        this._name = name.slice(1, -1);
        break;
      case "[":
        this.required = false;
        this._name = name.slice(1, -1);
        break;
      default:
        this.required = true;
        this._name = name;
        break;
    }
    if (this._name.endsWith("...")) {
      this.variadic = true;
      this._name = this._name.slice(0, -3);
    }
  }
  /**
   * Return argument name.
   *
   * @return {string}
   */
  name() {
    return this._name;
  }
  /**
   * @package
   */
  _collectValue(value, previous) {
    if (previous === this.defaultValue || !Array.isArray(previous)) {
      return [value];
    }
    previous.push(value);
    return previous;
  }
  /**
   * Set the default value, and optionally supply the description to be displayed in the help.
   *
   * @param {*} value
   * @param {string} [description]
   * @return {Argument}
   */
  default(value, description) {
    this.defaultValue = value;
    this.defaultValueDescription = description;
    return this;
  }
  /**
   * Set the custom handler for processing CLI command arguments into argument values.
   *
   * @param {Function} [fn]
   * @return {Argument}
   */
  argParser(fn) {
    this.parseArg = fn;
    return this;
  }
  /**
   * Only allow argument value to be one of choices.
   *
   * @param {string[]} values
   * @return {Argument}
   */
  choices(values) {
    this.argChoices = values.slice();
    this.parseArg = (arg, previous) => {
      if (!this.argChoices.includes(arg)) {
        throw new InvalidArgumentError(
          `Allowed choices are ${this.argChoices.join(", ")}.`
        );
      }
      if (this.variadic) {
        return this._collectValue(arg, previous);
      }
      return arg;
    };
    return this;
  }
  /**
   * Make argument required.
   *
   * @returns {Argument}
   */
  argRequired() {
    this.required = true;
    return this;
  }
  /**
   * Make argument optional.
   *
   * @returns {Argument}
   */
  argOptional() {
    this.required = false;
    return this;
  }
};
function humanReadableArgName(arg) {
  const nameOutput = arg.name() + (arg.variadic === true ? "..." : "");
  return arg.required ? "<" + nameOutput + ">" : "[" + nameOutput + "]";
}

// node_modules/commander/lib/command.js
import { EventEmitter } from "node:events";
import childProcess from "node:child_process";
import path from "node:path";
import fs from "node:fs";
import process2 from "node:process";
import { stripVTControlCharacters as stripVTControlCharacters2 } from "node:util";

// node_modules/commander/lib/help.js
import { stripVTControlCharacters } from "node:util";
var Help = class {
  constructor() {
    this.helpWidth = void 0;
    this.minWidthToWrap = 40;
    this.sortSubcommands = false;
    this.sortOptions = false;
    this.showGlobalOptions = false;
  }
  /**
   * prepareContext is called by Commander after applying overrides from `Command.configureHelp()`
   * and just before calling `formatHelp()`.
   *
   * Commander just uses the helpWidth and the rest is provided for optional use by more complex subclasses.
   *
   * @param {{ error?: boolean, helpWidth?: number, outputHasColors?: boolean }} contextOptions
   */
  prepareContext(contextOptions) {
    this.helpWidth = this.helpWidth ?? contextOptions.helpWidth ?? 80;
  }
  /**
   * Get an array of the visible subcommands. Includes a placeholder for the implicit help command, if there is one.
   *
   * @param {Command} cmd
   * @returns {Command[]}
   */
  visibleCommands(cmd) {
    const visibleCommands = cmd.commands.filter((cmd2) => !cmd2._hidden);
    const helpCommand = cmd._getHelpCommand();
    if (helpCommand && !helpCommand._hidden) {
      visibleCommands.push(helpCommand);
    }
    if (this.sortSubcommands) {
      visibleCommands.sort((a, b) => {
        return a.name().localeCompare(b.name());
      });
    }
    return visibleCommands;
  }
  /**
   * Compare options for sort.
   *
   * @param {Option} a
   * @param {Option} b
   * @returns {number}
   */
  compareOptions(a, b) {
    const getSortKey = (option) => {
      return option.short ? option.short.replace(/^-/, "") : option.long.replace(/^--/, "");
    };
    return getSortKey(a).localeCompare(getSortKey(b));
  }
  /**
   * Get an array of the visible options. Includes a placeholder for the implicit help option, if there is one.
   *
   * @param {Command} cmd
   * @returns {Option[]}
   */
  visibleOptions(cmd) {
    const visibleOptions = cmd.options.filter((option) => !option.hidden);
    const helpOption = cmd._getHelpOption();
    if (helpOption && !helpOption.hidden) {
      const removeShort = helpOption.short && cmd._findOption(helpOption.short);
      const removeLong = helpOption.long && cmd._findOption(helpOption.long);
      if (!removeShort && !removeLong) {
        visibleOptions.push(helpOption);
      } else if (helpOption.long && !removeLong) {
        visibleOptions.push(
          cmd.createOption(helpOption.long, helpOption.description).helpGroup(helpOption.helpGroupHeading)
        );
      } else if (helpOption.short && !removeShort) {
        visibleOptions.push(
          cmd.createOption(helpOption.short, helpOption.description).helpGroup(helpOption.helpGroupHeading)
        );
      }
    }
    if (this.sortOptions) {
      visibleOptions.sort(this.compareOptions);
    }
    return visibleOptions;
  }
  /**
   * Get an array of the visible global options. (Not including help.)
   *
   * @param {Command} cmd
   * @returns {Option[]}
   */
  visibleGlobalOptions(cmd) {
    if (!this.showGlobalOptions) return [];
    const globalOptions = [];
    for (let ancestorCmd = cmd.parent; ancestorCmd; ancestorCmd = ancestorCmd.parent) {
      const visibleOptions = ancestorCmd.options.filter(
        (option) => !option.hidden
      );
      globalOptions.push(...visibleOptions);
    }
    if (this.sortOptions) {
      globalOptions.sort(this.compareOptions);
    }
    return globalOptions;
  }
  /**
   * Get an array of the arguments if any have a description.
   *
   * @param {Command} cmd
   * @returns {Argument[]}
   */
  visibleArguments(cmd) {
    if (cmd._argsDescription) {
      cmd.registeredArguments.forEach((argument) => {
        argument.description = argument.description || cmd._argsDescription[argument.name()] || "";
      });
    }
    if (cmd.registeredArguments.find((argument) => argument.description)) {
      return cmd.registeredArguments;
    }
    return [];
  }
  /**
   * Get the command term to show in the list of subcommands.
   *
   * @param {Command} cmd
   * @returns {string}
   */
  subcommandTerm(cmd) {
    const args = cmd.registeredArguments.map((arg) => humanReadableArgName(arg)).join(" ");
    return cmd._name + (cmd._aliases[0] ? "|" + cmd._aliases[0] : "") + (cmd.options.length ? " [options]" : "") + // simplistic check for non-help option
    (args ? " " + args : "");
  }
  /**
   * Get the option term to show in the list of options.
   *
   * @param {Option} option
   * @returns {string}
   */
  optionTerm(option) {
    return option.flags;
  }
  /**
   * Get the argument term to show in the list of arguments.
   *
   * @param {Argument} argument
   * @returns {string}
   */
  argumentTerm(argument) {
    return argument.name();
  }
  /**
   * Get the longest command term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */
  longestSubcommandTermLength(cmd, helper) {
    return helper.visibleCommands(cmd).reduce((max, command) => {
      return Math.max(
        max,
        this.displayWidth(
          helper.styleSubcommandTerm(helper.subcommandTerm(command))
        )
      );
    }, 0);
  }
  /**
   * Get the longest option term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */
  longestOptionTermLength(cmd, helper) {
    return helper.visibleOptions(cmd).reduce((max, option) => {
      return Math.max(
        max,
        this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option)))
      );
    }, 0);
  }
  /**
   * Get the longest global option term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */
  longestGlobalOptionTermLength(cmd, helper) {
    return helper.visibleGlobalOptions(cmd).reduce((max, option) => {
      return Math.max(
        max,
        this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option)))
      );
    }, 0);
  }
  /**
   * Get the longest argument term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */
  longestArgumentTermLength(cmd, helper) {
    return helper.visibleArguments(cmd).reduce((max, argument) => {
      return Math.max(
        max,
        this.displayWidth(
          helper.styleArgumentTerm(helper.argumentTerm(argument))
        )
      );
    }, 0);
  }
  /**
   * Get the command usage to be displayed at the top of the built-in help.
   *
   * @param {Command} cmd
   * @returns {string}
   */
  commandUsage(cmd) {
    let cmdName = cmd._name;
    if (cmd._aliases[0]) {
      cmdName = cmdName + "|" + cmd._aliases[0];
    }
    let ancestorCmdNames = "";
    for (let ancestorCmd = cmd.parent; ancestorCmd; ancestorCmd = ancestorCmd.parent) {
      ancestorCmdNames = ancestorCmd.name() + " " + ancestorCmdNames;
    }
    return ancestorCmdNames + cmdName + " " + cmd.usage();
  }
  /**
   * Get the description for the command.
   *
   * @param {Command} cmd
   * @returns {string}
   */
  commandDescription(cmd) {
    return cmd.description();
  }
  /**
   * Get the subcommand summary to show in the list of subcommands.
   * (Fallback to description for backwards compatibility.)
   *
   * @param {Command} cmd
   * @returns {string}
   */
  subcommandDescription(cmd) {
    return cmd.summary() || cmd.description();
  }
  /**
   * Get the option description to show in the list of options.
   *
   * @param {Option} option
   * @return {string}
   */
  optionDescription(option) {
    const extraInfo = [];
    if (option.argChoices) {
      extraInfo.push(
        // use stringify to match the display of the default value
        `choices: ${option.argChoices.map((choice) => JSON.stringify(choice)).join(", ")}`
      );
    }
    if (option.defaultValue !== void 0) {
      const showDefault = option.required || option.optional || option.isBoolean() && typeof option.defaultValue === "boolean";
      if (showDefault) {
        extraInfo.push(
          `default: ${option.defaultValueDescription || JSON.stringify(option.defaultValue)}`
        );
      }
    }
    if (option.presetArg !== void 0 && option.optional) {
      extraInfo.push(`preset: ${JSON.stringify(option.presetArg)}`);
    }
    if (option.envVar !== void 0) {
      extraInfo.push(`env: ${option.envVar}`);
    }
    if (extraInfo.length > 0) {
      const extraDescription = `(${extraInfo.join(", ")})`;
      if (option.description) {
        return `${option.description} ${extraDescription}`;
      }
      return extraDescription;
    }
    return option.description;
  }
  /**
   * Get the argument description to show in the list of arguments.
   *
   * @param {Argument} argument
   * @return {string}
   */
  argumentDescription(argument) {
    const extraInfo = [];
    if (argument.argChoices) {
      extraInfo.push(
        // use stringify to match the display of the default value
        `choices: ${argument.argChoices.map((choice) => JSON.stringify(choice)).join(", ")}`
      );
    }
    if (argument.defaultValue !== void 0) {
      extraInfo.push(
        `default: ${argument.defaultValueDescription || JSON.stringify(argument.defaultValue)}`
      );
    }
    if (extraInfo.length > 0) {
      const extraDescription = `(${extraInfo.join(", ")})`;
      if (argument.description) {
        return `${argument.description} ${extraDescription}`;
      }
      return extraDescription;
    }
    return argument.description;
  }
  /**
   * Format a list of items, given a heading and an array of formatted items.
   *
   * @param {string} heading
   * @param {string[]} items
   * @param {Help} helper
   * @returns string[]
   */
  formatItemList(heading, items, helper) {
    if (items.length === 0) return [];
    return [helper.styleTitle(heading), ...items, ""];
  }
  /**
   * Group items by their help group heading.
   *
   * @param {Command[] | Option[]} unsortedItems
   * @param {Command[] | Option[]} visibleItems
   * @param {Function} getGroup
   * @returns {Map<string, Command[] | Option[]>}
   */
  groupItems(unsortedItems, visibleItems, getGroup) {
    const result = /* @__PURE__ */ new Map();
    unsortedItems.forEach((item) => {
      const group = getGroup(item);
      if (!result.has(group)) result.set(group, []);
    });
    visibleItems.forEach((item) => {
      const group = getGroup(item);
      if (!result.has(group)) {
        result.set(group, []);
      }
      result.get(group).push(item);
    });
    return result;
  }
  /**
   * Generate the built-in help text.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {string}
   */
  formatHelp(cmd, helper) {
    const termWidth = helper.padWidth(cmd, helper);
    const helpWidth = helper.helpWidth ?? 80;
    function callFormatItem(term, description) {
      return helper.formatItem(term, termWidth, description, helper);
    }
    let output = [
      `${helper.styleTitle("Usage:")} ${helper.styleUsage(helper.commandUsage(cmd))}`,
      ""
    ];
    const commandDescription = helper.commandDescription(cmd);
    if (commandDescription.length > 0) {
      output = output.concat([
        helper.boxWrap(
          helper.styleCommandDescription(commandDescription),
          helpWidth
        ),
        ""
      ]);
    }
    const argumentList = helper.visibleArguments(cmd).map((argument) => {
      return callFormatItem(
        helper.styleArgumentTerm(helper.argumentTerm(argument)),
        helper.styleArgumentDescription(helper.argumentDescription(argument))
      );
    });
    output = output.concat(
      this.formatItemList("Arguments:", argumentList, helper)
    );
    const optionGroups = this.groupItems(
      cmd.options,
      helper.visibleOptions(cmd),
      (option) => option.helpGroupHeading ?? "Options:"
    );
    optionGroups.forEach((options, group) => {
      const optionList = options.map((option) => {
        return callFormatItem(
          helper.styleOptionTerm(helper.optionTerm(option)),
          helper.styleOptionDescription(helper.optionDescription(option))
        );
      });
      output = output.concat(this.formatItemList(group, optionList, helper));
    });
    if (helper.showGlobalOptions) {
      const globalOptionList = helper.visibleGlobalOptions(cmd).map((option) => {
        return callFormatItem(
          helper.styleOptionTerm(helper.optionTerm(option)),
          helper.styleOptionDescription(helper.optionDescription(option))
        );
      });
      output = output.concat(
        this.formatItemList("Global Options:", globalOptionList, helper)
      );
    }
    const commandGroups = this.groupItems(
      cmd.commands,
      helper.visibleCommands(cmd),
      (sub) => sub.helpGroup() || "Commands:"
    );
    commandGroups.forEach((commands, group) => {
      const commandList = commands.map((sub) => {
        return callFormatItem(
          helper.styleSubcommandTerm(helper.subcommandTerm(sub)),
          helper.styleSubcommandDescription(helper.subcommandDescription(sub))
        );
      });
      output = output.concat(this.formatItemList(group, commandList, helper));
    });
    return output.join("\n");
  }
  /**
   * Return display width of string, ignoring ANSI escape sequences. Used in padding and wrapping calculations.
   *
   * @param {string} str
   * @returns {number}
   */
  displayWidth(str) {
    return stripVTControlCharacters(str).length;
  }
  /**
   * Style the title for displaying in the help. Called with 'Usage:', 'Options:', etc.
   *
   * @param {string} str
   * @returns {string}
   */
  styleTitle(str) {
    return str;
  }
  styleUsage(str) {
    return str.split(" ").map((word) => {
      if (word === "[options]") return this.styleOptionText(word);
      if (word === "[command]") return this.styleSubcommandText(word);
      if (word[0] === "[" || word[0] === "<")
        return this.styleArgumentText(word);
      return this.styleCommandText(word);
    }).join(" ");
  }
  styleCommandDescription(str) {
    return this.styleDescriptionText(str);
  }
  styleOptionDescription(str) {
    return this.styleDescriptionText(str);
  }
  styleSubcommandDescription(str) {
    return this.styleDescriptionText(str);
  }
  styleArgumentDescription(str) {
    return this.styleDescriptionText(str);
  }
  styleDescriptionText(str) {
    return str;
  }
  styleOptionTerm(str) {
    return this.styleOptionText(str);
  }
  styleSubcommandTerm(str) {
    return str.split(" ").map((word) => {
      if (word === "[options]") return this.styleOptionText(word);
      if (word[0] === "[" || word[0] === "<")
        return this.styleArgumentText(word);
      return this.styleSubcommandText(word);
    }).join(" ");
  }
  styleArgumentTerm(str) {
    return this.styleArgumentText(str);
  }
  styleOptionText(str) {
    return str;
  }
  styleArgumentText(str) {
    return str;
  }
  styleSubcommandText(str) {
    return str;
  }
  styleCommandText(str) {
    return str;
  }
  /**
   * Calculate the pad width from the maximum term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */
  padWidth(cmd, helper) {
    return Math.max(
      helper.longestOptionTermLength(cmd, helper),
      helper.longestGlobalOptionTermLength(cmd, helper),
      helper.longestSubcommandTermLength(cmd, helper),
      helper.longestArgumentTermLength(cmd, helper)
    );
  }
  /**
   * Detect manually wrapped and indented strings by checking for line break followed by whitespace.
   *
   * @param {string} str
   * @returns {boolean}
   */
  preformatted(str) {
    return /\n[^\S\r\n]/.test(str);
  }
  /**
   * Format the "item", which consists of a term and description. Pad the term and wrap the description, indenting the following lines.
   *
   * So "TTT", 5, "DDD DDDD DD DDD" might be formatted for this.helpWidth=17 like so:
   *   TTT  DDD DDDD
   *        DD DDD
   *
   * @param {string} term
   * @param {number} termWidth
   * @param {string} description
   * @param {Help} helper
   * @returns {string}
   */
  formatItem(term, termWidth, description, helper) {
    const itemIndent = 2;
    const itemIndentStr = " ".repeat(itemIndent);
    if (!description) return itemIndentStr + term;
    const paddedTerm = term.padEnd(
      termWidth + term.length - helper.displayWidth(term)
    );
    const spacerWidth = 2;
    const helpWidth = this.helpWidth ?? 80;
    const remainingWidth = helpWidth - termWidth - spacerWidth - itemIndent;
    let formattedDescription;
    if (remainingWidth < this.minWidthToWrap || helper.preformatted(description)) {
      formattedDescription = description;
    } else {
      const wrappedDescription = helper.boxWrap(description, remainingWidth);
      formattedDescription = wrappedDescription.replace(
        /\n/g,
        "\n" + " ".repeat(termWidth + spacerWidth)
      );
    }
    return itemIndentStr + paddedTerm + " ".repeat(spacerWidth) + formattedDescription.replace(/\n/g, `
${itemIndentStr}`);
  }
  /**
   * Wrap a string at whitespace, preserving existing line breaks.
   * Wrapping is skipped if the width is less than `minWidthToWrap`.
   *
   * @param {string} str
   * @param {number} width
   * @returns {string}
   */
  boxWrap(str, width) {
    if (width < this.minWidthToWrap) return str;
    const rawLines = str.split(/\r\n|\n/);
    const chunkPattern = /[\s]*[^\s]+/g;
    const wrappedLines = [];
    rawLines.forEach((line) => {
      const chunks = line.match(chunkPattern);
      if (chunks === null) {
        wrappedLines.push("");
        return;
      }
      let sumChunks = [chunks.shift()];
      let sumWidth = this.displayWidth(sumChunks[0]);
      chunks.forEach((chunk) => {
        const visibleWidth = this.displayWidth(chunk);
        if (sumWidth + visibleWidth <= width) {
          sumChunks.push(chunk);
          sumWidth += visibleWidth;
          return;
        }
        wrappedLines.push(sumChunks.join(""));
        const nextChunk = chunk.trimStart();
        sumChunks = [nextChunk];
        sumWidth = this.displayWidth(nextChunk);
      });
      wrappedLines.push(sumChunks.join(""));
    });
    return wrappedLines.join("\n");
  }
};

// node_modules/commander/lib/option.js
var Option = class {
  /**
   * Initialize a new `Option` with the given `flags` and `description`.
   *
   * @param {string} flags
   * @param {string} [description]
   */
  constructor(flags, description) {
    this.flags = flags;
    this.description = description || "";
    this.required = flags.includes("<");
    this.optional = flags.includes("[");
    this.variadic = new RegExp("\\p{ID_Continue}\\.\\.\\.[>\\]]$", "u").test(flags);
    this.mandatory = false;
    const optionFlags = splitOptionFlags(flags);
    this.short = optionFlags.shortFlag;
    this.long = optionFlags.longFlag;
    this.negate = false;
    if (this.long) {
      this.negate = this.long.startsWith("--no-");
    }
    this.defaultValue = void 0;
    this.defaultValueDescription = void 0;
    this.presetArg = void 0;
    this.envVar = void 0;
    this.parseArg = void 0;
    this.hidden = false;
    this.argChoices = void 0;
    this.conflictsWith = [];
    this.implied = void 0;
    this.helpGroupHeading = void 0;
  }
  /**
   * Set the default value, and optionally supply the description to be displayed in the help.
   *
   * @param {*} value
   * @param {string} [description]
   * @return {Option}
   */
  default(value, description) {
    this.defaultValue = value;
    this.defaultValueDescription = description;
    return this;
  }
  /**
   * Preset to use when option used without option-argument, especially optional but also boolean and negated.
   * The custom processing (parseArg) is called.
   *
   * @example
   * new Option('--color').default('GREYSCALE').preset('RGB');
   * new Option('--donate [amount]').preset('20').argParser(parseFloat);
   *
   * @param {*} arg
   * @return {Option}
   */
  preset(arg) {
    this.presetArg = arg;
    return this;
  }
  /**
   * Add option name(s) that conflict with this option.
   * An error will be displayed if conflicting options are found during parsing.
   *
   * @example
   * new Option('--rgb').conflicts('cmyk');
   * new Option('--js').conflicts(['ts', 'jsx']);
   *
   * @param {(string | string[])} names
   * @return {Option}
   */
  conflicts(names) {
    this.conflictsWith = this.conflictsWith.concat(names);
    return this;
  }
  /**
   * Specify implied option values for when this option is set and the implied options are not.
   *
   * The custom processing (parseArg) is not called on the implied values.
   *
   * @example
   * program
   *   .addOption(new Option('--log', 'write logging information to file'))
   *   .addOption(new Option('--trace', 'log extra details').implies({ log: 'trace.txt' }));
   *
   * @param {object} impliedOptionValues
   * @return {Option}
   */
  implies(impliedOptionValues) {
    let newImplied = impliedOptionValues;
    if (typeof impliedOptionValues === "string") {
      newImplied = { [impliedOptionValues]: true };
    }
    this.implied = Object.assign(this.implied || {}, newImplied);
    return this;
  }
  /**
   * Set environment variable to check for option value.
   *
   * An environment variable is only used if when processed the current option value is
   * undefined, or the source of the current value is 'default' or 'config' or 'env'.
   *
   * @param {string} name
   * @return {Option}
   */
  env(name) {
    this.envVar = name;
    return this;
  }
  /**
   * Set the custom handler for processing CLI option arguments into option values.
   *
   * @param {Function} [fn]
   * @return {Option}
   */
  argParser(fn) {
    this.parseArg = fn;
    return this;
  }
  /**
   * Whether the option is mandatory and must have a value after parsing.
   *
   * @param {boolean} [mandatory=true]
   * @return {Option}
   */
  makeOptionMandatory(mandatory = true) {
    this.mandatory = !!mandatory;
    return this;
  }
  /**
   * Hide option in help.
   *
   * @param {boolean} [hide=true]
   * @return {Option}
   */
  hideHelp(hide = true) {
    this.hidden = !!hide;
    return this;
  }
  /**
   * @package
   */
  _collectValue(value, previous) {
    if (previous === this.defaultValue || !Array.isArray(previous)) {
      return [value];
    }
    previous.push(value);
    return previous;
  }
  /**
   * Only allow option value to be one of choices.
   *
   * @param {string[]} values
   * @return {Option}
   */
  choices(values) {
    this.argChoices = values.slice();
    this.parseArg = (arg, previous) => {
      if (!this.argChoices.includes(arg)) {
        throw new InvalidArgumentError(
          `Allowed choices are ${this.argChoices.join(", ")}.`
        );
      }
      if (this.variadic) {
        return this._collectValue(arg, previous);
      }
      return arg;
    };
    return this;
  }
  /**
   * Return option name.
   *
   * @return {string}
   */
  name() {
    if (this.long) {
      return this.long.replace(/^--/, "");
    }
    return this.short.replace(/^-/, "");
  }
  /**
   * Return option name, in a camelcase format that can be used
   * as an object attribute key.
   *
   * @return {string}
   */
  attributeName() {
    if (this.negate) {
      return camelcase(this.name().replace(/^no-/, ""));
    }
    return camelcase(this.name());
  }
  /**
   * Set the help group heading.
   *
   * @param {string} heading
   * @return {Option}
   */
  helpGroup(heading) {
    this.helpGroupHeading = heading;
    return this;
  }
  /**
   * Check if `arg` matches the short or long flag.
   *
   * @param {string} arg
   * @return {boolean}
   * @package
   */
  is(arg) {
    return this.short === arg || this.long === arg;
  }
  /**
   * Return whether a boolean option.
   *
   * Options are one of boolean, negated, required argument, or optional argument.
   *
   * @return {boolean}
   * @package
   */
  isBoolean() {
    return !this.required && !this.optional && !this.negate;
  }
};
var DualOptions = class {
  /**
   * @param {Option[]} options
   */
  constructor(options) {
    this.positiveOptions = /* @__PURE__ */ new Map();
    this.negativeOptions = /* @__PURE__ */ new Map();
    this.dualOptions = /* @__PURE__ */ new Set();
    options.forEach((option) => {
      if (option.negate) {
        this.negativeOptions.set(option.attributeName(), option);
      } else {
        this.positiveOptions.set(option.attributeName(), option);
      }
    });
    this.negativeOptions.forEach((value, key) => {
      if (this.positiveOptions.has(key)) {
        this.dualOptions.add(key);
      }
    });
  }
  /**
   * Did the value come from the option, and not from possible matching dual option?
   *
   * @param {*} value
   * @param {Option} option
   * @returns {boolean}
   */
  valueFromOption(value, option) {
    const optionKey = option.attributeName();
    if (!this.dualOptions.has(optionKey)) return true;
    const preset = this.negativeOptions.get(optionKey).presetArg;
    const negativeValue = preset !== void 0 ? preset : false;
    return option.negate === (negativeValue === value);
  }
};
function camelcase(str) {
  return str.split("-").reduce((str2, word) => {
    return str2 + word[0].toUpperCase() + word.slice(1);
  });
}
function splitOptionFlags(flags) {
  let shortFlag;
  let longFlag;
  const shortFlagExp = /^-[^-]$/;
  const longFlagExp = /^--[^-]/;
  const flagParts = flags.split(/[ |,]+/).concat("guard");
  if (shortFlagExp.test(flagParts[0])) shortFlag = flagParts.shift();
  if (longFlagExp.test(flagParts[0])) longFlag = flagParts.shift();
  if (!shortFlag && shortFlagExp.test(flagParts[0]))
    shortFlag = flagParts.shift();
  if (!shortFlag && longFlagExp.test(flagParts[0])) {
    shortFlag = longFlag;
    longFlag = flagParts.shift();
  }
  if (flagParts[0].startsWith("-")) {
    const unsupportedFlag = flagParts[0];
    const baseError = `option creation failed due to '${unsupportedFlag}' in option flags '${flags}'`;
    if (/^-[^-][^-]/.test(unsupportedFlag))
      throw new Error(
        `${baseError}
- a short flag is a single dash and a single character
  - either use a single dash and a single character (for a short flag)
  - or use a double dash for a long option (and can have two, like '--ws, --workspace')`
      );
    if (shortFlagExp.test(unsupportedFlag))
      throw new Error(`${baseError}
- too many short flags`);
    if (longFlagExp.test(unsupportedFlag))
      throw new Error(`${baseError}
- too many long flags`);
    throw new Error(`${baseError}
- unrecognised flag format`);
  }
  if (shortFlag === void 0 && longFlag === void 0)
    throw new Error(
      `option creation failed due to no flags found in '${flags}'.`
    );
  return { shortFlag, longFlag };
}

// node_modules/commander/lib/suggestSimilar.js
var maxDistance = 3;
function editDistance(a, b) {
  if (Math.abs(a.length - b.length) > maxDistance)
    return Math.max(a.length, b.length);
  const d = [];
  for (let i = 0; i <= a.length; i++) {
    d[i] = [i];
  }
  for (let j = 0; j <= b.length; j++) {
    d[0][j] = j;
  }
  for (let j = 1; j <= b.length; j++) {
    for (let i = 1; i <= a.length; i++) {
      let cost;
      if (a[i - 1] === b[j - 1]) {
        cost = 0;
      } else {
        cost = 1;
      }
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        // deletion
        d[i][j - 1] + 1,
        // insertion
        d[i - 1][j - 1] + cost
        // substitution
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
function suggestSimilar(word, candidates) {
  if (!candidates || candidates.length === 0) return "";
  candidates = Array.from(new Set(candidates));
  const searchingOptions = word.startsWith("--");
  if (searchingOptions) {
    word = word.slice(2);
    candidates = candidates.map((candidate) => candidate.slice(2));
  }
  let similar = [];
  let bestDistance = maxDistance;
  const minSimilarity = 0.4;
  candidates.forEach((candidate) => {
    if (candidate.length <= 1) return;
    const distance = editDistance(word, candidate);
    const length = Math.max(word.length, candidate.length);
    const similarity = (length - distance) / length;
    if (similarity > minSimilarity) {
      if (distance < bestDistance) {
        bestDistance = distance;
        similar = [candidate];
      } else if (distance === bestDistance) {
        similar.push(candidate);
      }
    }
  });
  similar.sort((a, b) => a.localeCompare(b));
  if (searchingOptions) {
    similar = similar.map((candidate) => `--${candidate}`);
  }
  if (similar.length > 1) {
    return `
(Did you mean one of ${similar.join(", ")}?)`;
  }
  if (similar.length === 1) {
    return `
(Did you mean ${similar[0]}?)`;
  }
  return "";
}

// node_modules/commander/lib/command.js
var Command = class _Command extends EventEmitter {
  /**
   * Initialize a new `Command`.
   *
   * @param {string} [name]
   */
  constructor(name) {
    super();
    this.commands = [];
    this.options = [];
    this.parent = null;
    this._allowUnknownOption = false;
    this._allowExcessArguments = false;
    this.registeredArguments = [];
    this._args = this.registeredArguments;
    this.args = [];
    this.rawArgs = [];
    this.processedArgs = [];
    this._scriptPath = null;
    this._name = name || "";
    this._optionValues = {};
    this._optionValueSources = {};
    this._storeOptionsAsProperties = false;
    this._actionHandler = null;
    this._executableHandler = false;
    this._executableFile = null;
    this._executableDir = null;
    this._defaultCommandName = null;
    this._exitCallback = null;
    this._aliases = [];
    this._combineFlagAndOptionalValue = true;
    this._description = "";
    this._summary = "";
    this._argsDescription = void 0;
    this._enablePositionalOptions = false;
    this._passThroughOptions = false;
    this._lifeCycleHooks = {};
    this._showHelpAfterError = false;
    this._showSuggestionAfterError = true;
    this._savedState = null;
    this._outputConfiguration = {
      writeOut: (str) => process2.stdout.write(str),
      writeErr: (str) => process2.stderr.write(str),
      outputError: (str, write) => write(str),
      getOutHelpWidth: () => process2.stdout.isTTY ? process2.stdout.columns : void 0,
      getErrHelpWidth: () => process2.stderr.isTTY ? process2.stderr.columns : void 0,
      getOutHasColors: () => useColor() ?? (process2.stdout.isTTY && process2.stdout.hasColors?.()),
      getErrHasColors: () => useColor() ?? (process2.stderr.isTTY && process2.stderr.hasColors?.()),
      stripColor: (str) => stripVTControlCharacters2(str)
    };
    this._hidden = false;
    this._helpOption = void 0;
    this._addImplicitHelpCommand = void 0;
    this._helpCommand = void 0;
    this._helpConfiguration = {};
    this._helpGroupHeading = void 0;
    this._defaultCommandGroup = void 0;
    this._defaultOptionGroup = void 0;
  }
  /**
   * Copy settings that are useful to have in common across root command and subcommands.
   *
   * (Used internally when adding a command using `.command()` so subcommands inherit parent settings.)
   *
   * @param {Command} sourceCommand
   * @return {Command} `this` command for chaining
   */
  copyInheritedSettings(sourceCommand) {
    this._outputConfiguration = sourceCommand._outputConfiguration;
    this._helpOption = sourceCommand._helpOption;
    this._helpCommand = sourceCommand._helpCommand;
    this._helpConfiguration = sourceCommand._helpConfiguration;
    this._exitCallback = sourceCommand._exitCallback;
    this._storeOptionsAsProperties = sourceCommand._storeOptionsAsProperties;
    this._combineFlagAndOptionalValue = sourceCommand._combineFlagAndOptionalValue;
    this._allowExcessArguments = sourceCommand._allowExcessArguments;
    this._enablePositionalOptions = sourceCommand._enablePositionalOptions;
    this._showHelpAfterError = sourceCommand._showHelpAfterError;
    this._showSuggestionAfterError = sourceCommand._showSuggestionAfterError;
    return this;
  }
  /**
   * @returns {Command[]}
   * @private
   */
  _getCommandAndAncestors() {
    const result = [];
    for (let command = this; command; command = command.parent) {
      result.push(command);
    }
    return result;
  }
  /**
   * Define a command.
   *
   * There are two styles of command: pay attention to where to put the description.
   *
   * @example
   * // Command implemented using action handler (description is supplied separately to `.command`)
   * program
   *   .command('clone <source> [destination]')
   *   .description('clone a repository into a newly created directory')
   *   .action((source, destination) => {
   *     console.log('clone command called');
   *   });
   *
   * // Command implemented using separate executable file (description is second parameter to `.command`)
   * program
   *   .command('start <service>', 'start named service')
   *   .command('stop [service]', 'stop named service, or all if no name supplied');
   *
   * @param {string} nameAndArgs - command name and arguments, args are `<required>` or `[optional]` and last may also be `variadic...`
   * @param {(object | string)} [actionOptsOrExecDesc] - configuration options (for action), or description (for executable)
   * @param {object} [execOpts] - configuration options (for executable)
   * @return {Command} returns new command for action handler, or `this` for executable command
   */
  command(nameAndArgs, actionOptsOrExecDesc, execOpts) {
    let desc = actionOptsOrExecDesc;
    let opts = execOpts;
    if (typeof desc === "object" && desc !== null) {
      opts = desc;
      desc = null;
    }
    opts = opts || {};
    const [, name, args] = nameAndArgs.match(/([^ ]+) *(.*)/);
    const cmd = this.createCommand(name);
    if (desc) {
      cmd.description(desc);
      cmd._executableHandler = true;
    }
    if (opts.isDefault) this._defaultCommandName = cmd._name;
    cmd._hidden = !!(opts.noHelp || opts.hidden);
    cmd._executableFile = opts.executableFile || null;
    if (args) cmd.arguments(args);
    this._registerCommand(cmd);
    cmd.parent = this;
    cmd.copyInheritedSettings(this);
    if (desc) return this;
    return cmd;
  }
  /**
   * Factory routine to create a new unattached command.
   *
   * See .command() for creating an attached subcommand, which uses this routine to
   * create the command. You can override createCommand to customise subcommands.
   *
   * @param {string} [name]
   * @return {Command} new command
   */
  createCommand(name) {
    return new _Command(name);
  }
  /**
   * You can customise the help with a subclass of Help by overriding createHelp,
   * or by overriding Help properties using configureHelp().
   *
   * @return {Help}
   */
  createHelp() {
    return Object.assign(new Help(), this.configureHelp());
  }
  /**
   * You can customise the help by overriding Help properties using configureHelp(),
   * or with a subclass of Help by overriding createHelp().
   *
   * @param {object} [configuration] - configuration options
   * @return {(Command | object)} `this` command for chaining, or stored configuration
   */
  configureHelp(configuration) {
    if (configuration === void 0) return this._helpConfiguration;
    this._helpConfiguration = configuration;
    return this;
  }
  /**
   * The default output goes to stdout and stderr. You can customise this for special
   * applications. You can also customise the display of errors by overriding outputError.
   *
   * The configuration properties are all functions:
   *
   *     // change how output being written, defaults to stdout and stderr
   *     writeOut(str)
   *     writeErr(str)
   *     // change how output being written for errors, defaults to writeErr
   *     outputError(str, write) // used for displaying errors and not used for displaying help
   *     // specify width for wrapping help
   *     getOutHelpWidth()
   *     getErrHelpWidth()
   *     // color support, currently only used with Help
   *     getOutHasColors()
   *     getErrHasColors()
   *     stripColor() // used to remove ANSI escape codes if output does not have colors
   *
   * @param {object} [configuration] - configuration options
   * @return {(Command | object)} `this` command for chaining, or stored configuration
   */
  configureOutput(configuration) {
    if (configuration === void 0) return this._outputConfiguration;
    this._outputConfiguration = {
      ...this._outputConfiguration,
      ...configuration
    };
    return this;
  }
  /**
   * Display the help or a custom message after an error occurs.
   *
   * @param {(boolean|string)} [displayHelp]
   * @return {Command} `this` command for chaining
   */
  showHelpAfterError(displayHelp = true) {
    if (typeof displayHelp !== "string") displayHelp = !!displayHelp;
    this._showHelpAfterError = displayHelp;
    return this;
  }
  /**
   * Display suggestion of similar commands for unknown commands, or options for unknown options.
   *
   * @param {boolean} [displaySuggestion]
   * @return {Command} `this` command for chaining
   */
  showSuggestionAfterError(displaySuggestion = true) {
    this._showSuggestionAfterError = !!displaySuggestion;
    return this;
  }
  /**
   * Add a prepared subcommand.
   *
   * See .command() for creating an attached subcommand which inherits settings from its parent.
   *
   * @param {Command} cmd - new subcommand
   * @param {object} [opts] - configuration options
   * @return {Command} `this` command for chaining
   */
  addCommand(cmd, opts) {
    if (!cmd._name) {
      throw new Error(`Command passed to .addCommand() must have a name
- specify the name in Command constructor or using .name()`);
    }
    opts = opts || {};
    if (opts.isDefault) this._defaultCommandName = cmd._name;
    if (opts.noHelp || opts.hidden) cmd._hidden = true;
    this._registerCommand(cmd);
    cmd.parent = this;
    cmd._checkForBrokenPassThrough();
    return this;
  }
  /**
   * Factory routine to create a new unattached argument.
   *
   * See .argument() for creating an attached argument, which uses this routine to
   * create the argument. You can override createArgument to return a custom argument.
   *
   * @param {string} name
   * @param {string} [description]
   * @return {Argument} new argument
   */
  createArgument(name, description) {
    return new Argument(name, description);
  }
  /**
   * Define argument syntax for command.
   *
   * The default is that the argument is required, and you can explicitly
   * indicate this with <> around the name. Put [] around the name for an optional argument.
   *
   * @example
   * program.argument('<input-file>');
   * program.argument('[output-file]');
   *
   * @param {string} name
   * @param {string} [description]
   * @param {(Function|*)} [parseArg] - custom argument processing function or default value
   * @param {*} [defaultValue]
   * @return {Command} `this` command for chaining
   */
  argument(name, description, parseArg, defaultValue) {
    const argument = this.createArgument(name, description);
    if (typeof parseArg === "function") {
      argument.default(defaultValue).argParser(parseArg);
    } else {
      argument.default(parseArg);
    }
    this.addArgument(argument);
    return this;
  }
  /**
   * Define argument syntax for command, adding multiple at once (without descriptions).
   *
   * See also .argument().
   *
   * @example
   * program.arguments('<cmd> [env]');
   *
   * @param {string} names
   * @return {Command} `this` command for chaining
   */
  arguments(names) {
    names.trim().split(/ +/).forEach((detail) => {
      this.argument(detail);
    });
    return this;
  }
  /**
   * Define argument syntax for command, adding a prepared argument.
   *
   * @param {Argument} argument
   * @return {Command} `this` command for chaining
   */
  addArgument(argument) {
    const previousArgument = this.registeredArguments.slice(-1)[0];
    if (previousArgument?.variadic) {
      throw new Error(
        `only the last argument can be variadic '${previousArgument.name()}'`
      );
    }
    if (argument.required && argument.defaultValue !== void 0 && argument.parseArg === void 0) {
      throw new Error(
        `a default value for a required argument is never used: '${argument.name()}'`
      );
    }
    this.registeredArguments.push(argument);
    return this;
  }
  /**
   * Customise or override default help command. By default a help command is automatically added if your command has subcommands.
   *
   * @example
   *    program.helpCommand('help [cmd]');
   *    program.helpCommand('help [cmd]', 'show help');
   *    program.helpCommand(false); // suppress default help command
   *    program.helpCommand(true); // add help command even if no subcommands
   *
   * @param {string|boolean} enableOrNameAndArgs - enable with custom name and/or arguments, or boolean to override whether added
   * @param {string} [description] - custom description
   * @return {Command} `this` command for chaining
   */
  helpCommand(enableOrNameAndArgs, description) {
    if (typeof enableOrNameAndArgs === "boolean") {
      this._addImplicitHelpCommand = enableOrNameAndArgs;
      if (enableOrNameAndArgs && this._defaultCommandGroup) {
        this._initCommandGroup(this._getHelpCommand());
      }
      return this;
    }
    const nameAndArgs = enableOrNameAndArgs ?? "help [command]";
    const [, helpName, helpArgs] = nameAndArgs.match(/([^ ]+) *(.*)/);
    const helpDescription = description ?? "display help for command";
    const helpCommand = this.createCommand(helpName);
    helpCommand.helpOption(false);
    if (helpArgs) helpCommand.arguments(helpArgs);
    if (helpDescription) helpCommand.description(helpDescription);
    this._addImplicitHelpCommand = true;
    this._helpCommand = helpCommand;
    if (enableOrNameAndArgs || description) this._initCommandGroup(helpCommand);
    return this;
  }
  /**
   * Add prepared custom help command.
   *
   * @param {(Command|string|boolean)} helpCommand - custom help command, or deprecated enableOrNameAndArgs as for `.helpCommand()`
   * @param {string} [deprecatedDescription] - deprecated custom description used with custom name only
   * @return {Command} `this` command for chaining
   */
  addHelpCommand(helpCommand, deprecatedDescription) {
    if (typeof helpCommand !== "object") {
      this.helpCommand(helpCommand, deprecatedDescription);
      return this;
    }
    this._addImplicitHelpCommand = true;
    this._helpCommand = helpCommand;
    this._initCommandGroup(helpCommand);
    return this;
  }
  /**
   * Lazy create help command.
   *
   * @return {(Command|null)}
   * @package
   */
  _getHelpCommand() {
    const hasImplicitHelpCommand = this._addImplicitHelpCommand ?? (this.commands.length && !this._actionHandler && !this._findCommand("help"));
    if (hasImplicitHelpCommand) {
      if (this._helpCommand === void 0) {
        this.helpCommand(void 0, void 0);
      }
      return this._helpCommand;
    }
    return null;
  }
  /**
   * Add hook for life cycle event.
   *
   * @param {string} event
   * @param {Function} listener
   * @return {Command} `this` command for chaining
   */
  hook(event, listener) {
    const allowedValues = ["preSubcommand", "preAction", "postAction"];
    if (!allowedValues.includes(event)) {
      throw new Error(`Unexpected value for event passed to hook : '${event}'.
Expecting one of '${allowedValues.join("', '")}'`);
    }
    if (this._lifeCycleHooks[event]) {
      this._lifeCycleHooks[event].push(listener);
    } else {
      this._lifeCycleHooks[event] = [listener];
    }
    return this;
  }
  /**
   * Register callback to use as replacement for calling process.exit.
   *
   * @param {Function} [fn] optional callback which will be passed a CommanderError, defaults to throwing
   * @return {Command} `this` command for chaining
   */
  exitOverride(fn) {
    if (fn) {
      this._exitCallback = fn;
    } else {
      this._exitCallback = (err) => {
        if (err.code !== "commander.executeSubCommandAsync") {
          throw err;
        } else {
        }
      };
    }
    return this;
  }
  /**
   * Call process.exit, and _exitCallback if defined.
   *
   * @param {number} exitCode exit code for using with process.exit
   * @param {string} code an id string representing the error
   * @param {string} message human-readable description of the error
   * @return never
   * @private
   */
  _exit(exitCode, code, message) {
    if (this._exitCallback) {
      this._exitCallback(new CommanderError(exitCode, code, message));
    }
    process2.exit(exitCode);
  }
  /**
   * Register callback `fn` for the command.
   *
   * @example
   * program
   *   .command('serve')
   *   .description('start service')
   *   .action(function() {
   *      // do work here
   *   });
   *
   * @param {Function} fn
   * @return {Command} `this` command for chaining
   */
  action(fn) {
    const listener = (args) => {
      const expectedArgsCount = this.registeredArguments.length;
      const actionArgs = args.slice(0, expectedArgsCount);
      if (this._storeOptionsAsProperties) {
        actionArgs[expectedArgsCount] = this;
      } else {
        actionArgs[expectedArgsCount] = this.opts();
      }
      actionArgs.push(this);
      return fn.apply(this, actionArgs);
    };
    this._actionHandler = listener;
    return this;
  }
  /**
   * Factory routine to create a new unattached option.
   *
   * See .option() for creating an attached option, which uses this routine to
   * create the option. You can override createOption to return a custom option.
   *
   * @param {string} flags
   * @param {string} [description]
   * @return {Option} new option
   */
  createOption(flags, description) {
    return new Option(flags, description);
  }
  /**
   * Wrap parseArgs to catch 'commander.invalidArgument'.
   *
   * @param {(Option | Argument)} target
   * @param {string} value
   * @param {*} previous
   * @param {string} invalidArgumentMessage
   * @private
   */
  _callParseArg(target, value, previous, invalidArgumentMessage) {
    try {
      return target.parseArg(value, previous);
    } catch (err) {
      if (err.code === "commander.invalidArgument") {
        const message = `${invalidArgumentMessage} ${err.message}`;
        this.error(message, { exitCode: err.exitCode, code: err.code });
      }
      throw err;
    }
  }
  /**
   * Check for option flag conflicts.
   * Register option if no conflicts found, or throw on conflict.
   *
   * @param {Option} option
   * @private
   */
  _registerOption(option) {
    const matchingOption = option.short && this._findOption(option.short) || option.long && this._findOption(option.long);
    if (matchingOption) {
      const matchingFlag = option.long && this._findOption(option.long) ? option.long : option.short;
      throw new Error(`Cannot add option '${option.flags}'${this._name && ` to command '${this._name}'`} due to conflicting flag '${matchingFlag}'
-  already used by option '${matchingOption.flags}'`);
    }
    this._initOptionGroup(option);
    this.options.push(option);
  }
  /**
   * Check for command name and alias conflicts with existing commands.
   * Register command if no conflicts found, or throw on conflict.
   *
   * @param {Command} command
   * @private
   */
  _registerCommand(command) {
    const knownBy = (cmd) => {
      return [cmd.name()].concat(cmd.aliases());
    };
    const alreadyUsed = knownBy(command).find(
      (name) => this._findCommand(name)
    );
    if (alreadyUsed) {
      const existingCmd = knownBy(this._findCommand(alreadyUsed)).join("|");
      const newCmd = knownBy(command).join("|");
      throw new Error(
        `cannot add command '${newCmd}' as already have command '${existingCmd}'`
      );
    }
    this._initCommandGroup(command);
    this.commands.push(command);
  }
  /**
   * Add an option.
   *
   * @param {Option} option
   * @return {Command} `this` command for chaining
   */
  addOption(option) {
    this._registerOption(option);
    const oname = option.name();
    const name = option.attributeName();
    if (option.defaultValue !== void 0) {
      this.setOptionValueWithSource(name, option.defaultValue, "default");
    }
    const handleOptionValue = (val, invalidValueMessage, valueSource) => {
      if (val == null && option.presetArg !== void 0) {
        val = option.presetArg;
      }
      const oldValue = this.getOptionValue(name);
      if (val !== null && option.parseArg) {
        val = this._callParseArg(option, val, oldValue, invalidValueMessage);
      } else if (val !== null && option.variadic) {
        val = option._collectValue(val, oldValue);
      }
      if (val == null) {
        if (option.negate) {
          val = false;
        } else if (option.isBoolean() || option.optional) {
          val = true;
        } else {
          val = "";
        }
      }
      this.setOptionValueWithSource(name, val, valueSource);
    };
    this.on("option:" + oname, (val) => {
      const invalidValueMessage = `error: option '${option.flags}' argument '${val}' is invalid.`;
      handleOptionValue(val, invalidValueMessage, "cli");
    });
    if (option.envVar) {
      this.on("optionEnv:" + oname, (val) => {
        const invalidValueMessage = `error: option '${option.flags}' value '${val}' from env '${option.envVar}' is invalid.`;
        handleOptionValue(val, invalidValueMessage, "env");
      });
    }
    return this;
  }
  /**
   * Internal implementation shared by .option() and .requiredOption()
   *
   * @return {Command} `this` command for chaining
   * @private
   */
  _optionEx(config, flags, description, fn, defaultValue) {
    if (typeof flags === "object" && flags instanceof Option) {
      throw new Error(
        "To add an Option object use addOption() instead of option() or requiredOption()"
      );
    }
    const option = this.createOption(flags, description);
    option.makeOptionMandatory(!!config.mandatory);
    if (typeof fn === "function") {
      option.default(defaultValue).argParser(fn);
    } else if (fn instanceof RegExp) {
      const regex = fn;
      fn = (val, def) => {
        const m = regex.exec(val);
        return m ? m[0] : def;
      };
      option.default(defaultValue).argParser(fn);
    } else {
      option.default(fn);
    }
    return this.addOption(option);
  }
  /**
   * Define option with `flags`, `description`, and optional argument parsing function or `defaultValue` or both.
   *
   * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space. A required
   * option-argument is indicated by `<>` and an optional option-argument by `[]`.
   *
   * See the README for more details, and see also addOption() and requiredOption().
   *
   * @example
   * program
   *     .option('-p, --pepper', 'add pepper')
   *     .option('--pt, --pizza-type <TYPE>', 'type of pizza') // required option-argument
   *     .option('-c, --cheese [CHEESE]', 'add extra cheese', 'mozzarella') // optional option-argument with default
   *     .option('-t, --tip <VALUE>', 'add tip to purchase cost', parseFloat) // custom parse function
   *
   * @param {string} flags
   * @param {string} [description]
   * @param {(Function|*)} [parseArg] - custom option processing function or default value
   * @param {*} [defaultValue]
   * @return {Command} `this` command for chaining
   */
  option(flags, description, parseArg, defaultValue) {
    return this._optionEx({}, flags, description, parseArg, defaultValue);
  }
  /**
   * Add a required option which must have a value after parsing. This usually means
   * the option must be specified on the command line. (Otherwise the same as .option().)
   *
   * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space.
   *
   * @param {string} flags
   * @param {string} [description]
   * @param {(Function|*)} [parseArg] - custom option processing function or default value
   * @param {*} [defaultValue]
   * @return {Command} `this` command for chaining
   */
  requiredOption(flags, description, parseArg, defaultValue) {
    return this._optionEx(
      { mandatory: true },
      flags,
      description,
      parseArg,
      defaultValue
    );
  }
  /**
   * Alter parsing of short flags with optional values.
   *
   * @example
   * // for `.option('-f,--flag [value]'):
   * program.combineFlagAndOptionalValue(true);  // `-f80` is treated like `--flag=80`, this is the default behaviour
   * program.combineFlagAndOptionalValue(false) // `-fb` is treated like `-f -b`
   *
   * @param {boolean} [combine] - if `true` or omitted, an optional value can be specified directly after the flag.
   * @return {Command} `this` command for chaining
   */
  combineFlagAndOptionalValue(combine = true) {
    this._combineFlagAndOptionalValue = !!combine;
    return this;
  }
  /**
   * Allow unknown options on the command line.
   *
   * @param {boolean} [allowUnknown] - if `true` or omitted, no error will be thrown for unknown options.
   * @return {Command} `this` command for chaining
   */
  allowUnknownOption(allowUnknown = true) {
    this._allowUnknownOption = !!allowUnknown;
    return this;
  }
  /**
   * Allow excess command-arguments on the command line. Pass false to make excess arguments an error.
   *
   * @param {boolean} [allowExcess] - if `true` or omitted, no error will be thrown for excess arguments.
   * @return {Command} `this` command for chaining
   */
  allowExcessArguments(allowExcess = true) {
    this._allowExcessArguments = !!allowExcess;
    return this;
  }
  /**
   * Enable positional options. Positional means global options are specified before subcommands which lets
   * subcommands reuse the same option names, and also enables subcommands to turn on passThroughOptions.
   * The default behaviour is non-positional and global options may appear anywhere on the command line.
   *
   * @param {boolean} [positional]
   * @return {Command} `this` command for chaining
   */
  enablePositionalOptions(positional = true) {
    this._enablePositionalOptions = !!positional;
    return this;
  }
  /**
   * Pass through options that come after command-arguments rather than treat them as command-options,
   * so actual command-options come before command-arguments. Turning this on for a subcommand requires
   * positional options to have been enabled on the program (parent commands).
   * The default behaviour is non-positional and options may appear before or after command-arguments.
   *
   * @param {boolean} [passThrough] for unknown options.
   * @return {Command} `this` command for chaining
   */
  passThroughOptions(passThrough = true) {
    this._passThroughOptions = !!passThrough;
    this._checkForBrokenPassThrough();
    return this;
  }
  /**
   * @private
   */
  _checkForBrokenPassThrough() {
    if (this.parent && this._passThroughOptions && !this.parent._enablePositionalOptions) {
      throw new Error(
        `passThroughOptions cannot be used for '${this._name}' without turning on enablePositionalOptions for parent command(s)`
      );
    }
  }
  /**
   * Whether to store option values as properties on command object,
   * or store separately (specify false). In both cases the option values can be accessed using .opts().
   *
   * @param {boolean} [storeAsProperties=true]
   * @return {Command} `this` command for chaining
   */
  storeOptionsAsProperties(storeAsProperties = true) {
    if (this.options.length) {
      throw new Error("call .storeOptionsAsProperties() before adding options");
    }
    if (Object.keys(this._optionValues).length) {
      throw new Error(
        "call .storeOptionsAsProperties() before setting option values"
      );
    }
    this._storeOptionsAsProperties = !!storeAsProperties;
    return this;
  }
  /**
   * Retrieve option value.
   *
   * @param {string} key
   * @return {object} value
   */
  getOptionValue(key) {
    if (this._storeOptionsAsProperties) {
      return this[key];
    }
    return this._optionValues[key];
  }
  /**
   * Store option value.
   *
   * @param {string} key
   * @param {object} value
   * @return {Command} `this` command for chaining
   */
  setOptionValue(key, value) {
    return this.setOptionValueWithSource(key, value, void 0);
  }
  /**
   * Store option value and where the value came from.
   *
   * @param {string} key
   * @param {object} value
   * @param {string} source - expected values are default/config/env/cli/implied
   * @return {Command} `this` command for chaining
   */
  setOptionValueWithSource(key, value, source) {
    if (this._storeOptionsAsProperties) {
      this[key] = value;
    } else {
      this._optionValues[key] = value;
    }
    this._optionValueSources[key] = source;
    return this;
  }
  /**
   * Get source of option value.
   * Expected values are default | config | env | cli | implied
   *
   * @param {string} key
   * @return {string}
   */
  getOptionValueSource(key) {
    return this._optionValueSources[key];
  }
  /**
   * Get source of option value. See also .optsWithGlobals().
   * Expected values are default | config | env | cli | implied
   *
   * @param {string} key
   * @return {string}
   */
  getOptionValueSourceWithGlobals(key) {
    let source;
    this._getCommandAndAncestors().forEach((cmd) => {
      if (Object.hasOwn(cmd._optionValueSources, key)) {
        source = cmd.getOptionValueSource(key);
      }
    });
    return source;
  }
  /**
   * Get user arguments from implied or explicit arguments.
   * Side-effects: set _scriptPath if args included script. Used for default program name, and subcommand searches.
   *
   * @private
   */
  _prepareUserArgs(argv, parseOptions) {
    if (argv !== void 0 && !Array.isArray(argv)) {
      throw new Error("first parameter to parse must be array or undefined");
    }
    parseOptions = parseOptions || {};
    if (argv === void 0 && parseOptions.from === void 0) {
      if (process2.versions?.electron) {
        parseOptions.from = "electron";
      }
      const execArgv = process2.execArgv ?? [];
      if (execArgv.includes("-e") || execArgv.includes("--eval") || execArgv.includes("-p") || execArgv.includes("--print")) {
        parseOptions.from = "eval";
      }
    }
    if (argv === void 0) {
      argv = process2.argv;
    }
    this.rawArgs = argv.slice();
    let userArgs;
    switch (parseOptions.from) {
      case void 0:
      case "node":
        this._scriptPath = argv[1];
        userArgs = argv.slice(2);
        break;
      case "electron":
        if (process2.defaultApp) {
          this._scriptPath = argv[1];
          userArgs = argv.slice(2);
        } else {
          userArgs = argv.slice(1);
        }
        break;
      case "user":
        userArgs = argv.slice(0);
        break;
      case "eval":
        userArgs = argv.slice(1);
        break;
      default:
        throw new Error(
          `unexpected parse option { from: '${parseOptions.from}' }`
        );
    }
    if (!this._name && this._scriptPath)
      this.nameFromFilename(this._scriptPath);
    this._name = this._name || "program";
    return userArgs;
  }
  /**
   * Parse `argv`, setting options and invoking commands when defined.
   *
   * Use parseAsync instead of parse if any of your action handlers are async.
   *
   * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
   *
   * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
   * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
   * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
   * - `'user'`: just user arguments
   *
   * @example
   * program.parse(); // parse process.argv and auto-detect electron and special node flags
   * program.parse(process.argv); // assume argv[0] is app and argv[1] is script
   * program.parse(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
   *
   * @param {string[]} [argv] - optional, defaults to process.argv
   * @param {object} [parseOptions] - optionally specify style of options with from: node/user/electron
   * @param {string} [parseOptions.from] - where the args are from: 'node', 'user', 'electron'
   * @return {Command} `this` command for chaining
   */
  parse(argv, parseOptions) {
    this._prepareForParse();
    const userArgs = this._prepareUserArgs(argv, parseOptions);
    this._parseCommand([], userArgs);
    return this;
  }
  /**
   * Parse `argv`, setting options and invoking commands when defined.
   *
   * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
   *
   * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
   * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
   * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
   * - `'user'`: just user arguments
   *
   * @example
   * await program.parseAsync(); // parse process.argv and auto-detect electron and special node flags
   * await program.parseAsync(process.argv); // assume argv[0] is app and argv[1] is script
   * await program.parseAsync(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
   *
   * @param {string[]} [argv]
   * @param {object} [parseOptions]
   * @param {string} parseOptions.from - where the args are from: 'node', 'user', 'electron'
   * @return {Promise}
   */
  async parseAsync(argv, parseOptions) {
    this._prepareForParse();
    const userArgs = this._prepareUserArgs(argv, parseOptions);
    await this._parseCommand([], userArgs);
    return this;
  }
  _prepareForParse() {
    if (this._savedState === null) {
      this.options.filter(
        (option) => option.negate && option.defaultValue === void 0 && this.getOptionValue(option.attributeName()) === void 0
      ).forEach((option) => {
        const positiveLongFlag = option.long.replace(/^--no-/, "--");
        if (!this._findOption(positiveLongFlag)) {
          this.setOptionValueWithSource(
            option.attributeName(),
            true,
            "default"
          );
        }
      });
      this.saveStateBeforeParse();
    } else {
      this.restoreStateBeforeParse();
    }
  }
  /**
   * Called the first time parse is called to save state and allow a restore before subsequent calls to parse.
   * Not usually called directly, but available for subclasses to save their custom state.
   *
   * This is called in a lazy way. Only commands used in parsing chain will have state saved.
   */
  saveStateBeforeParse() {
    this._savedState = {
      // name is stable if supplied by author, but may be unspecified for root command and deduced during parsing
      _name: this._name,
      // option values before parse have default values (including false for negated options)
      // shallow clones
      _optionValues: { ...this._optionValues },
      _optionValueSources: { ...this._optionValueSources }
    };
  }
  /**
   * Restore state before parse for calls after the first.
   * Not usually called directly, but available for subclasses to save their custom state.
   *
   * This is called in a lazy way. Only commands used in parsing chain will have state restored.
   */
  restoreStateBeforeParse() {
    if (this._storeOptionsAsProperties)
      throw new Error(`Can not call parse again when storeOptionsAsProperties is true.
- either make a new Command for each call to parse, or stop storing options as properties`);
    this._name = this._savedState._name;
    this._scriptPath = null;
    this.rawArgs = [];
    this._optionValues = { ...this._savedState._optionValues };
    this._optionValueSources = { ...this._savedState._optionValueSources };
    this.args = [];
    this.processedArgs = [];
  }
  /**
   * Throw if expected executable is missing. Add lots of help for author.
   *
   * @param {string} executableFile
   * @param {string} executableDir
   * @param {string} subcommandName
   */
  _checkForMissingExecutable(executableFile, executableDir, subcommandName) {
    if (fs.existsSync(executableFile)) return;
    const executableDirMessage = executableDir ? `searched for local subcommand relative to directory '${executableDir}'` : "no directory for search for local subcommand, use .executableDir() to supply a custom directory";
    const executableMissing = `'${executableFile}' does not exist
 - if '${subcommandName}' is not meant to be an executable command, remove description parameter from '.command()' and use '.description()' instead
 - if the default executable name is not suitable, use the executableFile option to supply a custom name or path
 - ${executableDirMessage}`;
    throw new Error(executableMissing);
  }
  /**
   * Execute a sub-command executable.
   *
   * @private
   */
  _executeSubCommand(subcommand, args) {
    args = args.slice();
    const sourceExt = [".js", ".ts", ".tsx", ".mjs", ".cjs"];
    function findFile(baseDir, baseName) {
      const localBin = path.resolve(baseDir, baseName);
      if (fs.existsSync(localBin)) return localBin;
      if (sourceExt.includes(path.extname(baseName))) return void 0;
      const foundExt = sourceExt.find(
        (ext) => fs.existsSync(`${localBin}${ext}`)
      );
      if (foundExt) return `${localBin}${foundExt}`;
      return void 0;
    }
    this._checkForMissingMandatoryOptions();
    this._checkForConflictingOptions();
    let executableFile = subcommand._executableFile || `${this._name}-${subcommand._name}`;
    let executableDir = this._executableDir || "";
    if (this._scriptPath) {
      let resolvedScriptPath;
      try {
        resolvedScriptPath = fs.realpathSync(this._scriptPath);
      } catch {
        resolvedScriptPath = this._scriptPath;
      }
      executableDir = path.resolve(
        path.dirname(resolvedScriptPath),
        executableDir
      );
    }
    if (executableDir) {
      let localFile = findFile(executableDir, executableFile);
      if (!localFile && !subcommand._executableFile && this._scriptPath) {
        const legacyName = path.basename(
          this._scriptPath,
          path.extname(this._scriptPath)
        );
        if (legacyName !== this._name) {
          localFile = findFile(
            executableDir,
            `${legacyName}-${subcommand._name}`
          );
        }
      }
      executableFile = localFile || executableFile;
    }
    const launchWithNode = sourceExt.includes(path.extname(executableFile));
    let proc;
    if (process2.platform !== "win32") {
      if (launchWithNode) {
        args.unshift(executableFile);
        args = incrementNodeInspectorPort(process2.execArgv).concat(args);
        proc = childProcess.spawn(process2.argv[0], args, { stdio: "inherit" });
      } else {
        proc = childProcess.spawn(executableFile, args, { stdio: "inherit" });
      }
    } else {
      this._checkForMissingExecutable(
        executableFile,
        executableDir,
        subcommand._name
      );
      args.unshift(executableFile);
      args = incrementNodeInspectorPort(process2.execArgv).concat(args);
      proc = childProcess.spawn(process2.execPath, args, { stdio: "inherit" });
    }
    if (!proc.killed) {
      const signals = ["SIGUSR1", "SIGUSR2", "SIGTERM", "SIGINT", "SIGHUP"];
      signals.forEach((signal) => {
        process2.on(signal, () => {
          if (proc.killed === false && proc.exitCode === null) {
            proc.kill(signal);
          }
        });
      });
    }
    const exitCallback = this._exitCallback;
    proc.on("close", (code) => {
      code = code ?? 1;
      if (!exitCallback) {
        process2.exit(code);
      } else {
        exitCallback(
          new CommanderError(
            code,
            "commander.executeSubCommandAsync",
            "(close)"
          )
        );
      }
    });
    proc.on("error", (err) => {
      if (err.code === "ENOENT") {
        this._checkForMissingExecutable(
          executableFile,
          executableDir,
          subcommand._name
        );
      } else if (err.code === "EACCES") {
        throw new Error(`'${executableFile}' not executable`);
      }
      if (!exitCallback) {
        process2.exit(1);
      } else {
        const wrappedError = new CommanderError(
          1,
          "commander.executeSubCommandAsync",
          "(error)"
        );
        wrappedError.nestedError = err;
        exitCallback(wrappedError);
      }
    });
    this.runningCommand = proc;
  }
  /**
   * @private
   */
  _dispatchSubcommand(commandName, operands, unknown) {
    const subCommand = this._findCommand(commandName);
    if (!subCommand) this.help({ error: true });
    subCommand._prepareForParse();
    let promiseChain;
    promiseChain = this._chainOrCallSubCommandHook(
      promiseChain,
      subCommand,
      "preSubcommand"
    );
    promiseChain = this._chainOrCall(promiseChain, () => {
      if (subCommand._executableHandler) {
        this._executeSubCommand(subCommand, operands.concat(unknown));
      } else {
        return subCommand._parseCommand(operands, unknown);
      }
    });
    return promiseChain;
  }
  /**
   * Invoke help directly if possible, or dispatch if necessary.
   * e.g. help foo
   *
   * @private
   */
  _dispatchHelpCommand(subcommandName) {
    if (!subcommandName) {
      this.help();
    }
    const subCommand = this._findCommand(subcommandName);
    if (subCommand && !subCommand._executableHandler) {
      subCommand.help();
    }
    return this._dispatchSubcommand(
      subcommandName,
      [],
      [this._getHelpOption()?.long ?? this._getHelpOption()?.short ?? "--help"]
    );
  }
  /**
   * Check this.args against expected this.registeredArguments.
   *
   * @private
   */
  _checkNumberOfArguments() {
    this.registeredArguments.forEach((arg, i) => {
      if (arg.required && this.args[i] == null) {
        this.missingArgument(arg.name());
      }
    });
    if (this.registeredArguments.length > 0 && this.registeredArguments[this.registeredArguments.length - 1].variadic) {
      return;
    }
    if (this.args.length > this.registeredArguments.length) {
      this._excessArguments(this.args);
    }
  }
  /**
   * Process this.args using this.registeredArguments and save as this.processedArgs!
   *
   * @private
   */
  _processArguments() {
    const myParseArg = (argument, value, previous) => {
      let parsedValue = value;
      if (value !== null && argument.parseArg) {
        const invalidValueMessage = `error: command-argument value '${value}' is invalid for argument '${argument.name()}'.`;
        parsedValue = this._callParseArg(
          argument,
          value,
          previous,
          invalidValueMessage
        );
      }
      return parsedValue;
    };
    this._checkNumberOfArguments();
    const processedArgs = [];
    this.registeredArguments.forEach((declaredArg, index) => {
      let value = declaredArg.defaultValue;
      if (declaredArg.variadic) {
        if (index < this.args.length) {
          value = this.args.slice(index);
          if (declaredArg.parseArg) {
            value = value.reduce((processed, v) => {
              return myParseArg(declaredArg, v, processed);
            }, declaredArg.defaultValue);
          }
        } else if (value === void 0) {
          value = [];
        }
      } else if (index < this.args.length) {
        value = this.args[index];
        if (declaredArg.parseArg) {
          value = myParseArg(declaredArg, value, declaredArg.defaultValue);
        }
      }
      processedArgs[index] = value;
    });
    this.processedArgs = processedArgs;
  }
  /**
   * Once we have a promise we chain, but call synchronously until then.
   *
   * @param {(Promise|undefined)} promise
   * @param {Function} fn
   * @return {(Promise|undefined)}
   * @private
   */
  _chainOrCall(promise, fn) {
    if (promise?.then && typeof promise.then === "function") {
      return promise.then(() => fn());
    }
    return fn();
  }
  /**
   *
   * @param {(Promise|undefined)} promise
   * @param {string} event
   * @return {(Promise|undefined)}
   * @private
   */
  _chainOrCallHooks(promise, event) {
    let result = promise;
    const hooks = [];
    this._getCommandAndAncestors().reverse().filter((cmd) => cmd._lifeCycleHooks[event] !== void 0).forEach((hookedCommand) => {
      hookedCommand._lifeCycleHooks[event].forEach((callback) => {
        hooks.push({ hookedCommand, callback });
      });
    });
    if (event === "postAction") {
      hooks.reverse();
    }
    hooks.forEach((hookDetail) => {
      result = this._chainOrCall(result, () => {
        return hookDetail.callback(hookDetail.hookedCommand, this);
      });
    });
    return result;
  }
  /**
   *
   * @param {(Promise|undefined)} promise
   * @param {Command} subCommand
   * @param {string} event
   * @return {(Promise|undefined)}
   * @private
   */
  _chainOrCallSubCommandHook(promise, subCommand, event) {
    let result = promise;
    if (this._lifeCycleHooks[event] !== void 0) {
      this._lifeCycleHooks[event].forEach((hook) => {
        result = this._chainOrCall(result, () => {
          return hook(this, subCommand);
        });
      });
    }
    return result;
  }
  /**
   * Process arguments in context of this command.
   * Returns action result, in case it is a promise.
   *
   * @private
   */
  _parseCommand(operands, unknown) {
    const parsed = this.parseOptions(unknown);
    this._parseOptionsEnv();
    this._parseOptionsImplied();
    operands = operands.concat(parsed.operands);
    unknown = parsed.unknown;
    this.args = operands.concat(unknown);
    if (operands && this._findCommand(operands[0])) {
      return this._dispatchSubcommand(operands[0], operands.slice(1), unknown);
    }
    if (this._getHelpCommand() && operands[0] === this._getHelpCommand().name()) {
      return this._dispatchHelpCommand(operands[1]);
    }
    if (this._defaultCommandName) {
      this._outputHelpIfRequested(unknown);
      return this._dispatchSubcommand(
        this._defaultCommandName,
        operands,
        unknown
      );
    }
    if (this.commands.length && this.args.length === 0 && !this._actionHandler && !this._defaultCommandName) {
      this.help({ error: true });
    }
    this._outputHelpIfRequested(parsed.unknown);
    this._checkForMissingMandatoryOptions();
    this._checkForConflictingOptions();
    const checkForUnknownOptions = () => {
      if (parsed.unknown.length > 0) {
        this.unknownOption(parsed.unknown[0]);
      }
    };
    const commandEvent = `command:${this.name()}`;
    if (this._actionHandler) {
      checkForUnknownOptions();
      this._processArguments();
      let promiseChain;
      promiseChain = this._chainOrCallHooks(promiseChain, "preAction");
      promiseChain = this._chainOrCall(
        promiseChain,
        () => this._actionHandler(this.processedArgs)
      );
      if (this.parent) {
        promiseChain = this._chainOrCall(promiseChain, () => {
          this.parent.emit(commandEvent, operands, unknown);
        });
      }
      promiseChain = this._chainOrCallHooks(promiseChain, "postAction");
      return promiseChain;
    }
    if (this.parent?.listenerCount(commandEvent)) {
      checkForUnknownOptions();
      this._processArguments();
      this.parent.emit(commandEvent, operands, unknown);
    } else if (operands.length) {
      if (this._findCommand("*")) {
        return this._dispatchSubcommand("*", operands, unknown);
      }
      if (this.listenerCount("command:*")) {
        this.emit("command:*", operands, unknown);
      } else if (this.commands.length) {
        this.unknownCommand();
      } else {
        checkForUnknownOptions();
        this._processArguments();
      }
    } else if (this.commands.length) {
      checkForUnknownOptions();
      this.help({ error: true });
    } else {
      checkForUnknownOptions();
      this._processArguments();
    }
  }
  /**
   * Find matching command.
   *
   * @private
   * @return {Command | undefined}
   */
  _findCommand(name) {
    if (!name) return void 0;
    return this.commands.find(
      (cmd) => cmd._name === name || cmd._aliases.includes(name)
    );
  }
  /**
   * Return an option matching `arg` if any.
   *
   * @param {string} arg
   * @return {Option}
   * @package
   */
  _findOption(arg) {
    return this.options.find((option) => option.is(arg));
  }
  /**
   * Display an error message if a mandatory option does not have a value.
   * Called after checking for help flags in leaf subcommand.
   *
   * @private
   */
  _checkForMissingMandatoryOptions() {
    this._getCommandAndAncestors().forEach((cmd) => {
      cmd.options.forEach((anOption) => {
        if (anOption.mandatory && cmd.getOptionValue(anOption.attributeName()) === void 0) {
          cmd.missingMandatoryOptionValue(anOption);
        }
      });
    });
  }
  /**
   * Display an error message if conflicting options are used together in this.
   *
   * @private
   */
  _checkForConflictingLocalOptions() {
    const definedNonDefaultOptions = this.options.filter((option) => {
      const optionKey = option.attributeName();
      if (this.getOptionValue(optionKey) === void 0) {
        return false;
      }
      return this.getOptionValueSource(optionKey) !== "default";
    });
    const optionsWithConflicting = definedNonDefaultOptions.filter(
      (option) => option.conflictsWith.length > 0
    );
    optionsWithConflicting.forEach((option) => {
      const conflictingAndDefined = definedNonDefaultOptions.find(
        (defined) => option.conflictsWith.includes(defined.attributeName())
      );
      if (conflictingAndDefined) {
        this._conflictingOption(option, conflictingAndDefined);
      }
    });
  }
  /**
   * Display an error message if conflicting options are used together.
   * Called after checking for help flags in leaf subcommand.
   *
   * @private
   */
  _checkForConflictingOptions() {
    this._getCommandAndAncestors().forEach((cmd) => {
      cmd._checkForConflictingLocalOptions();
    });
  }
  /**
   * Parse options from `argv` removing known options,
   * and return argv split into operands and unknown arguments.
   *
   * Side effects: modifies command by storing options. Does not reset state if called again.
   *
   * Examples:
   *
   *     argv => operands, unknown
   *     --known kkk op => [op], []
   *     op --known kkk => [op], []
   *     sub --unknown uuu op => [sub], [--unknown uuu op]
   *     sub -- --unknown uuu op => [sub --unknown uuu op], []
   *
   * @param {string[]} args
   * @return {{operands: string[], unknown: string[]}}
   */
  parseOptions(args) {
    const operands = [];
    const unknown = [];
    let dest = operands;
    function maybeOption(arg) {
      return arg.length > 1 && arg[0] === "-";
    }
    const negativeNumberArg = (arg) => {
      if (!/^-(\d+|\d*\.\d+)([eE][+-]?\d+)?$/.test(arg)) return false;
      return !this._getCommandAndAncestors().some(
        (cmd) => cmd.options.map((opt) => opt.short).some((short) => /^-\d$/.test(short))
      );
    };
    let activeVariadicOption = null;
    let activeGroup = null;
    let i = 0;
    while (i < args.length || activeGroup) {
      const arg = activeGroup ?? args[i++];
      activeGroup = null;
      if (arg === "--") {
        if (dest === unknown) dest.push(arg);
        dest.push(...args.slice(i));
        break;
      }
      if (activeVariadicOption && (!maybeOption(arg) || negativeNumberArg(arg))) {
        this.emit(`option:${activeVariadicOption.name()}`, arg);
        continue;
      }
      activeVariadicOption = null;
      if (maybeOption(arg)) {
        const option = this._findOption(arg);
        if (option) {
          if (option.required) {
            const value = args[i++];
            if (value === void 0) this.optionMissingArgument(option);
            this.emit(`option:${option.name()}`, value);
          } else if (option.optional) {
            let value = null;
            if (i < args.length && (!maybeOption(args[i]) || negativeNumberArg(args[i]))) {
              value = args[i++];
            }
            this.emit(`option:${option.name()}`, value);
          } else {
            this.emit(`option:${option.name()}`);
          }
          activeVariadicOption = option.variadic ? option : null;
          continue;
        }
      }
      if (arg.length > 2 && arg[0] === "-" && arg[1] !== "-") {
        const option = this._findOption(`-${arg[1]}`);
        if (option) {
          if (option.required || option.optional && this._combineFlagAndOptionalValue) {
            this.emit(`option:${option.name()}`, arg.slice(2));
          } else {
            this.emit(`option:${option.name()}`);
            activeGroup = `-${arg.slice(2)}`;
          }
          continue;
        }
      }
      if (/^--[^=]+=/.test(arg)) {
        const index = arg.indexOf("=");
        const option = this._findOption(arg.slice(0, index));
        if (option && (option.required || option.optional)) {
          this.emit(`option:${option.name()}`, arg.slice(index + 1));
          continue;
        }
      }
      if (dest === operands && maybeOption(arg) && !(this.commands.length === 0 && negativeNumberArg(arg))) {
        dest = unknown;
      }
      if ((this._enablePositionalOptions || this._passThroughOptions) && operands.length === 0 && unknown.length === 0) {
        if (this._findCommand(arg)) {
          operands.push(arg);
          unknown.push(...args.slice(i));
          break;
        } else if (this._getHelpCommand() && arg === this._getHelpCommand().name()) {
          operands.push(arg, ...args.slice(i));
          break;
        } else if (this._defaultCommandName) {
          unknown.push(arg, ...args.slice(i));
          break;
        }
      }
      if (this._passThroughOptions) {
        dest.push(arg, ...args.slice(i));
        break;
      }
      dest.push(arg);
    }
    return { operands, unknown };
  }
  /**
   * Return an object containing local option values as key-value pairs.
   *
   * @return {object}
   */
  opts() {
    if (this._storeOptionsAsProperties) {
      const result = {};
      const len = this.options.length;
      for (let i = 0; i < len; i++) {
        const key = this.options[i].attributeName();
        result[key] = key === this._versionOptionName ? this._version : this[key];
      }
      return result;
    }
    return this._optionValues;
  }
  /**
   * Return an object containing merged local and global option values as key-value pairs.
   *
   * @return {object}
   */
  optsWithGlobals() {
    return this._getCommandAndAncestors().reduce(
      (combinedOptions, cmd) => Object.assign(combinedOptions, cmd.opts()),
      {}
    );
  }
  /**
   * Display error message and exit (or call exitOverride).
   *
   * @param {string} message
   * @param {object} [errorOptions]
   * @param {string} [errorOptions.code] - an id string representing the error
   * @param {number} [errorOptions.exitCode] - used with process.exit
   */
  error(message, errorOptions) {
    this._outputConfiguration.outputError(
      `${message}
`,
      this._outputConfiguration.writeErr
    );
    if (typeof this._showHelpAfterError === "string") {
      this._outputConfiguration.writeErr(`${this._showHelpAfterError}
`);
    } else if (this._showHelpAfterError) {
      this._outputConfiguration.writeErr("\n");
      this.outputHelp({ error: true });
    }
    const config = errorOptions || {};
    const exitCode = config.exitCode || 1;
    const code = config.code || "commander.error";
    this._exit(exitCode, code, message);
  }
  /**
   * Apply any option related environment variables, if option does
   * not have a value from cli or client code.
   *
   * @private
   */
  _parseOptionsEnv() {
    this.options.forEach((option) => {
      if (option.envVar && option.envVar in process2.env) {
        const optionKey = option.attributeName();
        if (this.getOptionValue(optionKey) === void 0 || ["default", "config", "env"].includes(
          this.getOptionValueSource(optionKey)
        )) {
          if (option.required || option.optional) {
            this.emit(`optionEnv:${option.name()}`, process2.env[option.envVar]);
          } else {
            this.emit(`optionEnv:${option.name()}`);
          }
        }
      }
    });
  }
  /**
   * Apply any implied option values, if option is undefined or default value.
   *
   * @private
   */
  _parseOptionsImplied() {
    const dualHelper = new DualOptions(this.options);
    const hasCustomOptionValue = (optionKey) => {
      return this.getOptionValue(optionKey) !== void 0 && !["default", "implied"].includes(this.getOptionValueSource(optionKey));
    };
    this.options.filter(
      (option) => option.implied !== void 0 && hasCustomOptionValue(option.attributeName()) && dualHelper.valueFromOption(
        this.getOptionValue(option.attributeName()),
        option
      )
    ).forEach((option) => {
      Object.keys(option.implied).filter((impliedKey) => !hasCustomOptionValue(impliedKey)).forEach((impliedKey) => {
        this.setOptionValueWithSource(
          impliedKey,
          option.implied[impliedKey],
          "implied"
        );
      });
    });
  }
  /**
   * Argument `name` is missing.
   *
   * @param {string} name
   * @private
   */
  missingArgument(name) {
    const message = `error: missing required argument '${name}'`;
    this.error(message, { code: "commander.missingArgument" });
  }
  /**
   * `Option` is missing an argument.
   *
   * @param {Option} option
   * @private
   */
  optionMissingArgument(option) {
    const message = `error: option '${option.flags}' argument missing`;
    this.error(message, { code: "commander.optionMissingArgument" });
  }
  /**
   * `Option` does not have a value, and is a mandatory option.
   *
   * @param {Option} option
   * @private
   */
  missingMandatoryOptionValue(option) {
    const message = `error: required option '${option.flags}' not specified`;
    this.error(message, { code: "commander.missingMandatoryOptionValue" });
  }
  /**
   * `Option` conflicts with another option.
   *
   * @param {Option} option
   * @param {Option} conflictingOption
   * @private
   */
  _conflictingOption(option, conflictingOption) {
    const findBestOptionFromValue = (option2) => {
      const optionKey = option2.attributeName();
      const optionValue = this.getOptionValue(optionKey);
      const negativeOption = this.options.find(
        (target) => target.negate && optionKey === target.attributeName()
      );
      const positiveOption = this.options.find(
        (target) => !target.negate && optionKey === target.attributeName()
      );
      if (negativeOption && (negativeOption.presetArg === void 0 && optionValue === false || negativeOption.presetArg !== void 0 && optionValue === negativeOption.presetArg)) {
        return negativeOption;
      }
      return positiveOption || option2;
    };
    const getErrorMessage = (option2) => {
      const bestOption = findBestOptionFromValue(option2);
      const optionKey = bestOption.attributeName();
      const source = this.getOptionValueSource(optionKey);
      if (source === "env") {
        return `environment variable '${bestOption.envVar}'`;
      }
      return `option '${bestOption.flags}'`;
    };
    const message = `error: ${getErrorMessage(option)} cannot be used with ${getErrorMessage(conflictingOption)}`;
    this.error(message, { code: "commander.conflictingOption" });
  }
  /**
   * Unknown option `flag`.
   *
   * @param {string} flag
   * @private
   */
  unknownOption(flag) {
    if (this._allowUnknownOption) return;
    let suggestion = "";
    if (flag.startsWith("--") && this._showSuggestionAfterError) {
      let candidateFlags = [];
      let command = this;
      do {
        const moreFlags = command.createHelp().visibleOptions(command).filter((option) => option.long).map((option) => option.long);
        candidateFlags = candidateFlags.concat(moreFlags);
        command = command.parent;
      } while (command && !command._enablePositionalOptions);
      suggestion = suggestSimilar(flag, candidateFlags);
    }
    const message = `error: unknown option '${flag}'${suggestion}`;
    this.error(message, { code: "commander.unknownOption" });
  }
  /**
   * Excess arguments, more than expected.
   *
   * @param {string[]} receivedArgs
   * @private
   */
  _excessArguments(receivedArgs) {
    if (this._allowExcessArguments) return;
    const expected = this.registeredArguments.length;
    const s = expected === 1 ? "" : "s";
    const received = receivedArgs.length;
    const forSubcommand = this.parent ? ` for '${this.name()}'` : "";
    const details = receivedArgs.join(", ");
    const message = `error: too many arguments${forSubcommand}. Expected ${expected} argument${s} but got ${received}: ${details}.`;
    this.error(message, { code: "commander.excessArguments" });
  }
  /**
   * Unknown command.
   *
   * @private
   */
  unknownCommand() {
    const unknownName = this.args[0];
    let suggestion = "";
    if (this._showSuggestionAfterError) {
      const candidateNames = [];
      this.createHelp().visibleCommands(this).forEach((command) => {
        candidateNames.push(command.name());
        if (command.alias()) candidateNames.push(command.alias());
      });
      suggestion = suggestSimilar(unknownName, candidateNames);
    }
    const message = `error: unknown command '${unknownName}'${suggestion}`;
    this.error(message, { code: "commander.unknownCommand" });
  }
  /**
   * Get or set the program version.
   *
   * This method auto-registers the "-V, --version" option which will print the version number.
   *
   * You can optionally supply the flags and description to override the defaults.
   *
   * @param {string} [str]
   * @param {string} [flags]
   * @param {string} [description]
   * @return {(this | string | undefined)} `this` command for chaining, or version string if no arguments
   */
  version(str, flags, description) {
    if (str === void 0) return this._version;
    this._version = str;
    flags = flags || "-V, --version";
    description = description || "output the version number";
    const versionOption = this.createOption(flags, description);
    this._versionOptionName = versionOption.attributeName();
    this._registerOption(versionOption);
    this.on("option:" + versionOption.name(), () => {
      this._outputConfiguration.writeOut(`${str}
`);
      this._exit(0, "commander.version", str);
    });
    return this;
  }
  /**
   * Set the description.
   *
   * @param {string} [str]
   * @param {object} [argsDescription]
   * @return {(string|Command)}
   */
  description(str, argsDescription) {
    if (str === void 0 && argsDescription === void 0)
      return this._description;
    this._description = str;
    if (argsDescription) {
      this._argsDescription = argsDescription;
    }
    return this;
  }
  /**
   * Set the summary. Used when listed as subcommand of parent.
   *
   * @param {string} [str]
   * @return {(string|Command)}
   */
  summary(str) {
    if (str === void 0) return this._summary;
    this._summary = str;
    return this;
  }
  /**
   * Set an alias for the command.
   *
   * You may call more than once to add multiple aliases. Only the first alias is shown in the auto-generated help.
   *
   * @param {string} [alias]
   * @return {(string|Command)}
   */
  alias(alias) {
    if (alias === void 0) return this._aliases[0];
    let command = this;
    if (this.commands.length !== 0 && this.commands[this.commands.length - 1]._executableHandler) {
      command = this.commands[this.commands.length - 1];
    }
    if (alias === command._name)
      throw new Error("Command alias can't be the same as its name");
    const matchingCommand = this.parent?._findCommand(alias);
    if (matchingCommand) {
      const existingCmd = [matchingCommand.name()].concat(matchingCommand.aliases()).join("|");
      throw new Error(
        `cannot add alias '${alias}' to command '${this.name()}' as already have command '${existingCmd}'`
      );
    }
    command._aliases.push(alias);
    return this;
  }
  /**
   * Set aliases for the command.
   *
   * Only the first alias is shown in the auto-generated help.
   *
   * @param {string[]} [aliases]
   * @return {(string[]|Command)}
   */
  aliases(aliases) {
    if (aliases === void 0) return this._aliases;
    aliases.forEach((alias) => this.alias(alias));
    return this;
  }
  /**
   * Set / get the command usage `str`.
   *
   * @param {string} [str]
   * @return {(string|Command)}
   */
  usage(str) {
    if (str === void 0) {
      if (this._usage) return this._usage;
      const args = this.registeredArguments.map((arg) => {
        return humanReadableArgName(arg);
      });
      return [].concat(
        this.options.length || this._helpOption !== null ? "[options]" : [],
        this.commands.length ? "[command]" : [],
        this.registeredArguments.length ? args : []
      ).join(" ");
    }
    this._usage = str;
    return this;
  }
  /**
   * Get or set the name of the command.
   *
   * @param {string} [str]
   * @return {(string|Command)}
   */
  name(str) {
    if (str === void 0) return this._name;
    this._name = str;
    return this;
  }
  /**
   * Set/get the help group heading for this subcommand in parent command's help.
   *
   * @param {string} [heading]
   * @return {Command | string}
   */
  helpGroup(heading) {
    if (heading === void 0) return this._helpGroupHeading ?? "";
    this._helpGroupHeading = heading;
    return this;
  }
  /**
   * Set/get the default help group heading for subcommands added to this command.
   * (This does not override a group set directly on the subcommand using .helpGroup().)
   *
   * @example
   * program.commandsGroup('Development Commands:');
   * program.command('watch')...
   * program.command('lint')...
   * ...
   *
   * @param {string} [heading]
   * @returns {Command | string}
   */
  commandsGroup(heading) {
    if (heading === void 0) return this._defaultCommandGroup ?? "";
    this._defaultCommandGroup = heading;
    return this;
  }
  /**
   * Set/get the default help group heading for options added to this command.
   * (This does not override a group set directly on the option using .helpGroup().)
   *
   * @example
   * program
   *   .optionsGroup('Development Options:')
   *   .option('-d, --debug', 'output extra debugging')
   *   .option('-p, --profile', 'output profiling information')
   *
   * @param {string} [heading]
   * @returns {Command | string}
   */
  optionsGroup(heading) {
    if (heading === void 0) return this._defaultOptionGroup ?? "";
    this._defaultOptionGroup = heading;
    return this;
  }
  /**
   * @param {Option} option
   * @private
   */
  _initOptionGroup(option) {
    if (this._defaultOptionGroup && !option.helpGroupHeading)
      option.helpGroup(this._defaultOptionGroup);
  }
  /**
   * @param {Command} cmd
   * @private
   */
  _initCommandGroup(cmd) {
    if (this._defaultCommandGroup && !cmd.helpGroup())
      cmd.helpGroup(this._defaultCommandGroup);
  }
  /**
   * Set the name of the command from script filename, such as process.argv[1],
   * or import.meta.filename.
   *
   * (Used internally and public although not documented in README.)
   *
   * @example
   * program.nameFromFilename(import.meta.filename);
   *
   * @param {string} filename
   * @return {Command}
   */
  nameFromFilename(filename) {
    this._name = path.basename(filename, path.extname(filename));
    return this;
  }
  /**
   * Get or set the directory for searching for executable subcommands of this command.
   *
   * @example
   * program.executableDir(import.meta.dirname);
   * // or
   * program.executableDir('subcommands');
   *
   * @param {string} [path]
   * @return {(string|null|Command)}
   */
  executableDir(path2) {
    if (path2 === void 0) return this._executableDir;
    this._executableDir = path2;
    return this;
  }
  /**
   * Return program help documentation.
   *
   * @param {{ error: boolean }} [contextOptions] - pass {error:true} to wrap for stderr instead of stdout
   * @return {string}
   */
  helpInformation(contextOptions) {
    const helper = this.createHelp();
    const context = this._getOutputContext(contextOptions);
    helper.prepareContext({
      error: context.error,
      helpWidth: context.helpWidth,
      outputHasColors: context.hasColors
    });
    const text = helper.formatHelp(this, helper);
    if (context.hasColors) return text;
    return this._outputConfiguration.stripColor(text);
  }
  /**
   * @typedef HelpContext
   * @type {object}
   * @property {boolean} error
   * @property {number} helpWidth
   * @property {boolean} hasColors
   * @property {function} write - includes stripColor if needed
   *
   * @returns {HelpContext}
   * @private
   */
  _getOutputContext(contextOptions) {
    contextOptions = contextOptions || {};
    const error = !!contextOptions.error;
    let baseWrite;
    let hasColors;
    let helpWidth;
    if (error) {
      baseWrite = (str) => this._outputConfiguration.writeErr(str);
      hasColors = this._outputConfiguration.getErrHasColors();
      helpWidth = this._outputConfiguration.getErrHelpWidth();
    } else {
      baseWrite = (str) => this._outputConfiguration.writeOut(str);
      hasColors = this._outputConfiguration.getOutHasColors();
      helpWidth = this._outputConfiguration.getOutHelpWidth();
    }
    const write = (str) => {
      if (!hasColors) str = this._outputConfiguration.stripColor(str);
      return baseWrite(str);
    };
    return { error, write, hasColors, helpWidth };
  }
  /**
   * Output help information for this command.
   *
   * Outputs built-in help, and custom text added using `.addHelpText()`.
   *
   * @param {{ error: boolean } | Function} [contextOptions] - pass {error:true} to write to stderr instead of stdout
   */
  outputHelp(contextOptions) {
    let deprecatedCallback;
    if (typeof contextOptions === "function") {
      deprecatedCallback = contextOptions;
      contextOptions = void 0;
    }
    const outputContext = this._getOutputContext(contextOptions);
    const eventContext = {
      error: outputContext.error,
      write: outputContext.write,
      command: this
    };
    this._getCommandAndAncestors().reverse().forEach((command) => command.emit("beforeAllHelp", eventContext));
    this.emit("beforeHelp", eventContext);
    let helpInformation = this.helpInformation({ error: outputContext.error });
    if (deprecatedCallback) {
      helpInformation = deprecatedCallback(helpInformation);
      if (typeof helpInformation !== "string" && !Buffer.isBuffer(helpInformation)) {
        throw new Error("outputHelp callback must return a string or a Buffer");
      }
    }
    outputContext.write(helpInformation);
    if (this._getHelpOption()?.long) {
      this.emit(this._getHelpOption().long);
    }
    this.emit("afterHelp", eventContext);
    this._getCommandAndAncestors().forEach(
      (command) => command.emit("afterAllHelp", eventContext)
    );
  }
  /**
   * You can pass in flags and a description to customise the built-in help option.
   * Pass in false to disable the built-in help option.
   *
   * @example
   * program.helpOption('-?, --help', 'show help'); // customise
   * program.helpOption(false); // disable
   *
   * @param {(string | boolean)} flags
   * @param {string} [description]
   * @return {Command} `this` command for chaining
   */
  helpOption(flags, description) {
    if (typeof flags === "boolean") {
      if (flags) {
        if (this._helpOption === null) this._helpOption = void 0;
        if (this._defaultOptionGroup) {
          this._initOptionGroup(this._getHelpOption());
        }
      } else {
        this._helpOption = null;
      }
      return this;
    }
    this._helpOption = this.createOption(
      flags ?? "-h, --help",
      description ?? "display help for command"
    );
    if (flags || description) this._initOptionGroup(this._helpOption);
    return this;
  }
  /**
   * Lazy create help option.
   * Returns null if has been disabled with .helpOption(false).
   *
   * @returns {(Option | null)} the help option
   * @package
   */
  _getHelpOption() {
    if (this._helpOption === void 0) {
      this.helpOption(void 0, void 0);
    }
    return this._helpOption;
  }
  /**
   * Supply your own option to use for the built-in help option.
   * This is an alternative to using helpOption() to customise the flags and description etc.
   *
   * @param {Option} option
   * @return {Command} `this` command for chaining
   */
  addHelpOption(option) {
    this._helpOption = option;
    this._initOptionGroup(option);
    return this;
  }
  /**
   * Output help information and exit.
   *
   * Outputs built-in help, and custom text added using `.addHelpText()`.
   *
   * @param {{ error: boolean }} [contextOptions] - pass {error:true} to write to stderr instead of stdout
   */
  help(contextOptions) {
    this.outputHelp(contextOptions);
    let exitCode = Number(process2.exitCode ?? 0);
    if (exitCode === 0 && contextOptions && typeof contextOptions !== "function" && contextOptions.error) {
      exitCode = 1;
    }
    this._exit(exitCode, "commander.help", "(outputHelp)");
  }
  /**
   * // Do a little typing to coordinate emit and listener for the help text events.
   * @typedef HelpTextEventContext
   * @type {object}
   * @property {boolean} error
   * @property {Command} command
   * @property {function} write
   */
  /**
   * Add additional text to be displayed with the built-in help.
   *
   * Position is 'before' or 'after' to affect just this command,
   * and 'beforeAll' or 'afterAll' to affect this command and all its subcommands.
   *
   * @param {string} position - before or after built-in help
   * @param {(string | Function)} text - string to add, or a function returning a string
   * @return {Command} `this` command for chaining
   */
  addHelpText(position, text) {
    const allowedValues = ["beforeAll", "before", "after", "afterAll"];
    if (!allowedValues.includes(position)) {
      throw new Error(`Unexpected value for position to addHelpText.
Expecting one of '${allowedValues.join("', '")}'`);
    }
    const helpEvent = `${position}Help`;
    this.on(helpEvent, (context) => {
      let helpStr;
      if (typeof text === "function") {
        helpStr = text({ error: context.error, command: context.command });
      } else {
        helpStr = text;
      }
      if (helpStr) {
        context.write(`${helpStr}
`);
      }
    });
    return this;
  }
  /**
   * Output help information if help flags specified
   *
   * @param {Array} args - array of options to search for help flags
   * @private
   */
  _outputHelpIfRequested(args) {
    const helpOption = this._getHelpOption();
    const helpRequested = helpOption && args.find((arg) => helpOption.is(arg));
    if (helpRequested) {
      this.outputHelp();
      this._exit(0, "commander.helpDisplayed", "(outputHelp)");
    }
  }
};
function incrementNodeInspectorPort(args) {
  return args.map((arg) => {
    if (!arg.startsWith("--inspect")) {
      return arg;
    }
    let debugOption;
    let debugHost = "127.0.0.1";
    let debugPort = "9229";
    let match;
    if ((match = arg.match(/^(--inspect(-brk|-wait)?)$/)) !== null) {
      debugOption = match[1];
    } else if ((match = arg.match(
      /^(--inspect(-brk|-port|-wait)?)=(\[[^\]]+\]|[^:]+)$/
    )) !== null) {
      debugOption = match[1];
      if (/^\d+$/.test(match[3])) {
        debugPort = match[3];
      } else {
        debugHost = match[3];
      }
    } else if ((match = arg.match(
      /^(--inspect(-brk|-port|-wait)?)=(\[[^\]]+\]|[^:]+):(\d+)$/
    )) !== null) {
      debugOption = match[1];
      debugHost = match[3];
      debugPort = match[4];
    }
    if (debugOption && debugPort !== "0") {
      return `${debugOption}=${debugHost}:${parseInt(debugPort) + 1}`;
    }
    return arg;
  });
}
function useColor() {
  if (process2.env.NO_COLOR || process2.env.FORCE_COLOR === "0" || process2.env.FORCE_COLOR === "false")
    return false;
  if (process2.env.FORCE_COLOR || process2.env.CLICOLOR_FORCE !== void 0)
    return true;
  return void 0;
}

// node_modules/commander/index.js
var program = new Command();

// src/adapters/log-stream.ts
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
var CHUNK_BYTES = 4 * 1024 * 1024;
async function assertReadableFile(path2) {
  try {
    const info = await stat(path2);
    if (!info.isFile()) throw new UserError(`not a file: ${path2}`);
    return info.size;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read ${path2}: ${err.code ?? String(err)}`);
  }
}
async function streamFileBytes(path2, onChunk, chunkBytes = CHUNK_BYTES) {
  await assertReadableFile(path2);
  let bytes = 0;
  for await (const buf of createReadStream(path2, { highWaterMark: chunkBytes })) {
    bytes += buf.length;
    onChunk(buf);
  }
  return bytes;
}
async function parseFile(path2, opts = {}) {
  const scanner = createMetricsScanner(opts);
  const bytes = await streamFileBytes(path2, (b) => scanner.pushBytes(b));
  return { ...scanner.end(), bytes };
}
async function classifyFile(path2, context = {}) {
  const classifier = createLogClassifier(context);
  const bytes = await streamFileBytes(path2, (b) => classifier.pushBytes(b));
  return { ...classifier.end(), bytes };
}

// src/commands/parse.ts
async function runParse(options) {
  const kind = options.kind ?? "auto";
  if (kind !== "auto" && !BENCHMARK_KINDS.includes(kind)) {
    throw new UserError(`--kind: expected serving, throughput, latency or auto, got ${kind}`);
  }
  const result = await parseFile(options.file, { kind });
  const used = result.used !== void 0 ? result.blocks[result.used] : void 0;
  const value = { kind: result.kind ?? null, metrics: result.metrics };
  if (used)
    value.block = { startLine: used.startLine, endLine: used.endLine, complete: used.complete, partial: used.partial };
  if (options.all) value.blocks = result.blocks;
  const lines = [];
  if (!used || !result.kind) {
    lines.push(`${options.file}: no ${kind === "auto" ? "" : kind + " "}benchmark result found`);
  } else {
    const primary = primaryMetricFor(result.kind, result.metrics);
    lines.push(
      `${options.file}: ${result.kind} result, lines ${used.startLine}-${used.endLine}${used.complete ? "" : " (INCOMPLETE: cut off before its end)"}${used.complete && used.partial ? " (PARTIAL: starts mid-way; every value shown was read)" : ""} (block ${result.used + 1} of ${result.blocks.length})`
    );
    const width = Math.max(...Object.keys(result.metrics).map((k) => k.length));
    for (const [name, v] of Object.entries(result.metrics)) {
      lines.push(
        `  ${name.padEnd(width)}  ${v}${name === primary.name ? `   <- primary (${primary.higherIsBetter ? "higher" : "lower"} is better)` : ""}`
      );
    }
  }
  if (options.all && result.blocks.length > 0) {
    lines.push("", "blocks:");
    result.blocks.forEach(
      (b, i) => lines.push(
        `  ${i + 1}. ${b.kind} lines ${b.startLine}-${b.endLine} ${b.complete ? "complete" : "incomplete"}, ${Object.keys(b.metrics).length} metrics${i === result.used ? " (used)" : ""}`
      )
    );
  }
  return {
    value,
    text: lines.join("\n"),
    failed: !used,
    outputs: { kind: result.kind ?? "", metrics: JSON.stringify(result.metrics) }
  };
}
function registerParse(program2) {
  program2.command("parse").description("metrics from one benchmark output (any vLLM era's printed result, or its JSON result file)").argument("<file>", "benchmark log or vLLM JSON result file").option("--kind <kind>", "serving | throughput | latency | auto", "auto").option("--all", "list every result block found").option("--json", "print one JSON document").action(async (file, opts) => {
    const result = await runParse({ file, kind: opts.kind, all: !!opts.all });
    emit({ json: !!opts.json, value: result.value, text: () => result.text });
    if (result.failed) process.exitCode = 1;
  });
}

// src/commands/classify.ts
var PHASES = ["server-start", "benchmark", "build", "patch"];
async function runClassify(options) {
  if (options.phase && !PHASES.includes(options.phase)) {
    throw new UserError(`--phase: expected ${PHASES.join(", ")}, got ${options.phase}`);
  }
  const c = await classifyFile(options.file, {
    ...options.exitCode !== void 0 ? { exitCode: options.exitCode } : {},
    ...options.timedOut ? { timedOut: true } : {},
    ...options.phase ? { phase: options.phase } : {},
    ...options.engineVersion ? { engineVersion: options.engineVersion } : {}
  });
  const value = {
    category: c.category,
    stage: c.stage,
    retryable: c.retryable,
    action: c.action,
    evidence: c.evidence,
    matched: c.matched
  };
  if (c.fix) value.fix = c.fix;
  if (options.explain) value.explain = c.explain;
  const hit = (h) => `${h.signature} \u2192 ${h.category} (${h.strength}, line ${h.line}): ${h.text.length > 160 ? h.text.slice(0, 160) + "\u2026" : h.text}`;
  const text = [
    `${options.file}: ${c.category} (stage ${c.stage}, ${c.retryable ? "retryable" : "not retryable"})` + (c.matched ? ` \u2014 signature ${c.signature}` : " \u2014 matched: false, no known signature: decided from exit code / timeout / phase"),
    ...c.fix ? [`fix: ${c.fix} \u2014 ${recipeById(c.fix)?.title ?? ""}`] : [],
    `action: ${c.action}`,
    "evidence:",
    ...c.evidence.split("\n").map((l, i) => `  ${String(c.evidenceLines[i] ?? "?").padStart(7)} | ${l}`),
    ...options.explain ? [
      "explain:",
      c.explain.decidedBy ? `  decided by: ${hit(c.explain.decidedBy)}` : `  decided by the context: ${c.explain.context ?? ""}`,
      ...c.explain.normalized !== void 0 ? [`  normalised line: ${c.explain.normalized}`] : [],
      ...c.explain.engineVersion ? [`  engine version: ${c.explain.engineVersion.value} (from the ${c.explain.engineVersion.from})`] : [],
      c.explain.runnersUp.length > 0 ? "  runners-up:" : "  runners-up: none",
      ...c.explain.runnersUp.map((h) => `    ${hit(h)}`)
    ] : []
  ].join("\n");
  return {
    value,
    text,
    outputs: { category: c.category, retryable: String(c.retryable), ...c.fix ? { fix: c.fix } : {} }
  };
}
function registerClassify(program2) {
  program2.command("classify").description("failure class of one log (taxonomy category, stage, retry, fix recipe, evidence lines)").argument("<file>", "log file (server, client, build or patch output)").option("--exit-code <n>", "exit code of the process that wrote the log", (v) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new UserError(`--exit-code: expected an integer, got ${v}`);
    return n;
  }).option("--timed-out", "the process was stopped by a timeout").option("--phase <phase>", "server-start | benchmark | build | patch").option("--engine-version <version>", "engine version, when the log does not print it").option("--explain", "show the rule that decided, the runners-up and the normalised evidence line").option("--json", "print one JSON document").action(
    async (file, opts) => {
      const result = await runClassify({
        file,
        ...opts.exitCode !== void 0 ? { exitCode: opts.exitCode } : {},
        ...opts.timedOut ? { timedOut: true } : {},
        ...opts.phase ? { phase: opts.phase } : {},
        ...opts.engineVersion ? { engineVersion: opts.engineVersion } : {},
        ...opts.explain ? { explain: true } : {}
      });
      emit({ json: !!opts.json, value: result.value, text: () => result.text });
    }
  );
}

// src/run/demo.ts
import { mkdir as mkdir4, mkdtemp as mkdtemp2, rm as rm2 } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join4, resolve as resolve2 } from "node:path";

// src/adapters/demo-repo.ts
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
function packageRoot() {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (; ; ) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "examples", "demo-engine"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`examples/demo-engine not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}
var DEMO_ENGINE_DIR = join(packageRoot(), "examples", "demo-engine");
var DEMO_MODEL = "demo-model";
var DEMO_SPEED_FILE = "demo_engine/speed.py";
var DEMO_DELAYS = { parent: "0.012", human: "0.006", agent: "0.009" };
var DEMO_PERF_COMMAND = (
  // `--dtype` is an engine flag, not one of the (strict) client's: the run must route it to the
  // server, or the client exits 2 and the demo fails (issue 10).
  "python3 benchmarks/benchmark_serving.py --backend vllm --model demo-model --dtype float16 --dataset-name random --num-prompts 16 --random-input-len 32 --random-output-len 32 --request-rate inf --seed 0 --percentile-metrics ttft,tpot,itl,e2el --save-result --result-filename benchmark_result.json"
);
var DEMO_PYPROJECT = [
  "[build-system]",
  'requires = ["setuptools>=61", "wheel"]',
  'build-backend = "setuptools.build_meta"',
  "",
  "[project]",
  'name = "demo-engine"',
  'version = "0.1.0"',
  'description = "The demo engine benchsweep benchmarks instead of vLLM"',
  'requires-python = ">=3.9"',
  "",
  "[tool.setuptools]",
  'packages = ["demo_engine"]',
  ""
].join("\n");
function withDelay(speedPy, delay) {
  if (!/^TOKEN_DELAY_S = /m.test(speedPy)) throw new Error(`TOKEN_DELAY_S not found in ${DEMO_SPEED_FILE}`);
  return speedPy.replace(/^TOKEN_DELAY_S = .*$/m, `TOKEN_DELAY_S = ${delay}`);
}
async function createDemoRepo(root) {
  const dir = join(resolve(root), "engine");
  await mkdir(dir, { recursive: true });
  for (const part of ["demo_engine", "benchmarks"]) {
    await cp(join(DEMO_ENGINE_DIR, part), join(dir, part), {
      recursive: true,
      filter: (src) => !src.includes("__pycache__") && !src.endsWith(".pyc")
    });
  }
  await writeFile(join(dir, ".gitignore"), "__pycache__/\n*.pyc\nbenchmark_result.json\n");
  await writeFile(
    join(dir, "README.md"),
    "# demo engine\n\nAn OpenAI-compatible streaming server in Python (stdlib only) that stands in for vLLM.\n"
  );
  await writeFile(join(dir, "pyproject.toml"), DEMO_PYPROJECT);
  await initRepo(dir);
  const speedPath = join(dir, DEMO_SPEED_FILE);
  const original = await readFile(speedPath, "utf8");
  await writeFile(speedPath, withDelay(original, DEMO_DELAYS.parent));
  const parent = await commitAll(dir, "demo engine: OpenAI-compatible streaming server", "2026-01-05T10:00:00Z");
  await writeFile(speedPath, withDelay(original, DEMO_DELAYS.agent));
  const agentPatch = await git(dir, ["diff", "--no-color", "--no-ext-diff", "HEAD", "--", DEMO_SPEED_FILE]);
  await writeFile(speedPath, withDelay(original, DEMO_DELAYS.human));
  const human = await commitAll(dir, "[Perf] Halve the per-token decode delay (#1)", "2026-01-06T10:00:00Z");
  const patchDir = join(resolve(root), "patches");
  await mkdir(patchDir, { recursive: true });
  const taskId = human.slice(0, 8);
  const agentPatchFile = join(patchDir, `${taskId}.patch`);
  await writeFile(agentPatchFile, agentPatch);
  const row = {
    commit_hash: human,
    parent_commit: parent,
    repo: "benchsweep/demo-engine",
    commit_subject: "[Perf] Halve the per-token decode delay (#1)",
    perf_command: DEMO_PERF_COMMAND,
    models: [DEMO_MODEL],
    gpu_config: "CPU:0",
    benchmark_mode: "serving",
    files_changed: [DEMO_SPEED_FILE],
    has_agent_patch: true,
    patch_path: agentPatchFile
  };
  const datasetFile = join(resolve(root), "demo-dataset.jsonl");
  await writeFile(datasetFile, JSON.stringify(row) + "\n");
  return { dir, root: resolve(root), parent, human, agentPatch, agentPatchFile, datasetFile, taskId };
}

// src/adapters/wheel-demo-index.ts
import { mkdir as mkdir3, mkdtemp, readdir as readdir2, rm } from "node:fs/promises";
import { join as join3 } from "node:path";

// src/adapters/wheel-index-server.ts
import { createReadStream as createReadStream2 } from "node:fs";
import { copyFile, mkdir as mkdir2, readdir, stat as stat2, writeFile as writeFile2 } from "node:fs/promises";
import { createServer } from "node:http";
import { basename, join as join2, normalize, sep } from "node:path";
async function publishWheels(root, wheels) {
  for (const w of wheels) {
    const name = parseWheelName(basename(w));
    if (!name) throw new Error(`not a wheel file name: ${basename(w)}`);
    const dir = join2(root, normalizeProject(name.distribution));
    await mkdir2(dir, { recursive: true });
    await copyFile(w, join2(dir, basename(w)));
  }
  const projects = (await readdir(root, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const p of projects) {
    const files = (await readdir(join2(root, p))).filter((f) => f.endsWith(".whl")).sort();
    const listed = [];
    for (const f of files) listed.push({ fileName: f, sha256: await sha256File(join2(root, p, f)) });
    await writeFile2(join2(root, p, "index.html"), renderProjectPage(p, listed));
  }
  await writeFile2(join2(root, "index.html"), renderRootPage(projects));
}
async function serveDirectory(dir, port = 0) {
  const root = normalize(dir);
  const requests = [];
  const server = createServer((req, res) => {
    const path2 = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    requests.push(path2);
    const target = normalize(join2(root, path2));
    if (target !== root && !target.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    void (async () => {
      let file = target;
      const s = await stat2(file).catch(() => void 0);
      if (s?.isDirectory()) {
        if (!path2.endsWith("/")) {
          res.writeHead(301, { Location: path2 + "/" }).end();
          return;
        }
        file = join2(file, "index.html");
      }
      const f = await stat2(file).catch(() => void 0);
      if (!f?.isFile()) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
        return;
      }
      const type = file.endsWith(".html") ? "text/html" : file.endsWith(".json") ? "application/json" : "application/octet-stream";
      res.writeHead(200, { "Content-Type": type, "Content-Length": f.size });
      if (req.method === "HEAD") res.end();
      else createReadStream2(file).pipe(res);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise((resolve3, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve3());
  });
  const addr = server.address();
  const actual = typeof addr === "object" && addr ? addr.port : port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    close: () => new Promise((resolve3) => server.close(() => resolve3()))
  };
}

// src/adapters/wheel-demo-index.ts
async function startDemoWheelIndex(o) {
  const root = join3(o.cacheDir, "demo-wheel-index");
  const commitRoot = join3(root, o.commit);
  const project = o.project ?? "demo-engine";
  const present = (await readdir2(join3(commitRoot, project)).catch(() => [])).some(
    (f) => f.endsWith(".whl")
  );
  let built = false;
  if (!present) {
    await mkdir3(o.cacheDir, { recursive: true });
    const tmp = await mkdtemp(join3(o.cacheDir, ".demo-wheel-"));
    try {
      const wb = await buildWheel({
        repoDir: o.repoDir,
        commit: o.commit,
        builderImage: o.builderImage,
        env: { MAX_JOBS: 2, NVCC_THREADS: 1, TORCH_CUDA_ARCH_LIST: "9.0" },
        timeoutS: 300,
        logFile: join3(tmp, "wheel-build.log"),
        outDir: tmp,
        prepareScript: DEMO_WHEEL_PREPARE,
        ...o.log ? { log: o.log } : {}
      });
      if (!wb.ok)
        throw new Error(
          `demo wheel index: building the parent's wheel failed: ${wb.category}: ${wb.reason}
${wb.evidence ?? ""}`
        );
      await publishWheels(commitRoot, [wb.path]);
      built = true;
      o.log?.(`demo wheel index: published ${wb.fileName} for ${o.commit.slice(0, 12)}`);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  const served = await serveDirectory(root);
  o.log?.(`demo wheel index: serving ${root} at ${served.url}`);
  return { served, root, template: "{base}/{sha}/", built };
}

// src/run/demo.ts
function demoShortfall(report) {
  const complete = report.tasks.filter(
    (t) => ["baseline", "human", "agent"].every((v) => t.variants[v]?.status === "success")
  );
  if (complete.length > 0) return void 0;
  const why = report.tasks.map((t) => {
    const failed = ["baseline", "human", "agent"].filter((v) => t.variants[v]?.status !== "success");
    return `${t.task}: ${failed.map((v) => `${v} ${t.variants[v]?.status ?? "missing"}${t.variants[v]?.category ? ` (${t.variants[v].category})` : ""}`).join(", ")}`;
  });
  return `no task got three successes (baseline, human and agent)${why.length ? `: ${why.join("; ")}` : ": no task ran"}`;
}
var DEMO_TIMEOUTS = { readyS: 60, benchmarkS: 180 };
async function runDemo(opts = {}, deps = {}) {
  const started = Date.now();
  const log2 = opts.log ?? (() => {
  });
  if (!deps.images) {
    const lost = await dockerUnreachable();
    if (lost) throw new UserError(`${lost} (the demo runs in Docker: start dockerd, or run ./scripts/setup)`);
    await removeStaleContainers({ log: log2 });
  }
  const root = await mkdtemp2(join4(tmpdir(), "benchsweep-demo-"));
  const resultsDir = resolve2(opts.resultsDir ?? join4(root, "results"));
  await mkdir4(resultsDir, { recursive: true });
  const demo = await createDemoRepo(join4(root, "work"));
  let wheelIndex;
  log2(
    `demo repository ${demo.dir}: parent ${demo.parent.slice(0, 12)}, human ${demo.human.slice(0, 12)}, agent patch ${demo.agentPatchFile}`
  );
  try {
    const dataset = await loadDataset(demo.datasetFile);
    const plan = planSweep(dataset.tasks, defaultConfig(), { errors: dataset.errors });
    for (const t of plan.tasks)
      log2(
        `plan: ${t.id} ${t.runnable ? "runnable" : `not runnable: ${t.category} ${t.reason ?? ""}`} (${t.kind ?? "?"}, ${t.gpus} GPU)`
      );
    const refused = plan.tasks.filter((t) => !t.runnable);
    const notes = refused.map(
      (t) => `preflight refused the demo task ${t.id} (${t.category}: ${t.reason ?? ""}); the demo ran it anyway`
    );
    for (const n of notes) log2(`warning: ${n}`);
    const tasks = dataset.tasks;
    const cacheDir = opts.cacheDir ? resolve2(opts.cacheDir) : join4(root, "cache");
    let resolver;
    let images;
    if (deps.images) images = deps.images(demo.dir, cacheDir, log2);
    else {
      const base = await ensureBaseImage({ log: log2 });
      wheelIndex = await startDemoWheelIndex({
        repoDir: demo.dir,
        commit: demo.parent,
        cacheDir,
        builderImage: base,
        log: log2
      });
      const config = {
        ...enginePreset("demo"),
        build: { builderImage: base },
        wheel: { indexTemplates: [wheelIndex.template], base: wheelIndex.served.url, runtimeBase: base }
      };
      images = resolver = createArtifactResolver({ repoDir: demo.dir, cacheDir, config, log: log2 });
    }
    const records = await runSweep(
      tasks,
      { images, runSample: deps.runSample ?? ((spec) => runSample(spec)), log: log2 },
      {
        resultsDir,
        repoDir: demo.dir,
        repeats: opts.repeats ?? 5,
        warmup: opts.warmup ?? false,
        executor: "docker",
        gpus: [],
        engine: DEMO_ENGINE,
        timeouts: DEMO_TIMEOUTS,
        ...opts.signal ? { signal: opts.signal } : {}
      }
    );
    const report = buildReport(records, { generatedAt: (/* @__PURE__ */ new Date()).toISOString(), notes });
    const markdown = renderMarkdown(report);
    return {
      report,
      markdown,
      records,
      plan,
      resultsDir,
      repoDir: demo.dir,
      kept: opts.keep === true,
      seconds: (Date.now() - started) / 1e3,
      images: {
        builds: images.builds,
        ...resolver ? { downloads: resolver.downloads } : {},
        ...wheelIndex ? { wheelIndexBuilt: wheelIndex.built } : {}
      }
    };
  } finally {
    await wheelIndex?.served.close();
    if (!opts.keep) {
      await rm2(join4(root, "work"), { recursive: true, force: true });
      await rm2(join4(root, "cache"), { recursive: true, force: true });
    }
  }
}

// src/commands/demo.ts
function renderDemoText(run) {
  const lines = [
    run.markdown.trimEnd(),
    "",
    `Records: ${run.records.length} (${run.records.filter((r) => r.status === "success").length} success) in ${run.resultsDir}`,
    `Logs:    ${run.resultsDir}/<task>/logs/<variant>/attempt-<n>/sample-<k>/{server,client}.log`,
    `Report:  benchsweep report --results ${run.resultsDir}`,
    run.kept ? `Engine repository kept at ${run.repoDir}` : "The demo engine repository was removed (--keep keeps it).",
    `Took ${run.seconds.toFixed(0)} s, ${run.images.builds} image build(s).`
  ];
  return lines.join("\n");
}
async function runDemo2(options) {
  if (options.repeats !== void 0 && (!Number.isInteger(options.repeats) || options.repeats < 1)) {
    throw new UserError(`--repeats: expected a positive integer, got ${options.repeats}`);
  }
  const run = await runDemo({
    ...options.results ? { resultsDir: options.results } : {},
    repeats: options.repeats ?? 5,
    warmup: options.warmup ?? false,
    keep: options.keep ?? false,
    ...options.cacheDir ? { cacheDir: options.cacheDir } : {},
    log
  });
  log(`results and logs: ${run.resultsDir}`);
  log(`image builds: ${run.images.builds}`);
  const shortfall = demoShortfall(run.report);
  return {
    value: run.report,
    text: renderDemoText(run),
    summary: run.markdown,
    outputs: { results: run.resultsDir, builds: String(run.images.builds) },
    ...shortfall ? { failed: true, reason: shortfall } : {}
  };
}
function registerDemo(program2) {
  program2.command("demo").description("the whole flow on the bundled demo engine (CPU, Docker): plan, three variants with repeats, report").option("--results <dir>", "where records and logs go (default: a temporary folder, kept)").option("--repeats <n>", "samples per variant (5: enough for a rank test at p < 0.05)", (v) => Number(v), 5).option("--warmup", "one uncounted warm-up sample per variant").option("--keep", "keep the demo engine repository and image cache").option("--cache-dir <dir>", "a persistent artifact cache: a rerun with it builds nothing").option("--json", "print the report as one JSON document").action(async (opts) => {
    const result = await runDemo2(opts);
    emit({ json: !!opts.json, value: result.value, text: () => result.text });
    if (result.failed) {
      log(`benchsweep demo FAILED: ${result.reason ?? "no task got three successes"}`);
      process.exitCode = 1;
    }
  });
}

// src/commands/runner-guard.ts
import { readFile as readFile2 } from "node:fs/promises";

// src/core/github/runner-guard.ts
var EventRepository = external_exports.looseObject({
  repository: external_exports.looseObject({ full_name: external_exports.string().optional(), default_branch: external_exports.string().optional() }).optional()
});
function parseWorkflowRef(ref) {
  const at = ref.lastIndexOf("@");
  if (at < 0) return void 0;
  const left = ref.slice(0, at);
  const m = /^([^/\s]+\/[^/\s]+)\/(\.github\/workflows\/[^@\s]+)$/.exec(left);
  const gitRef = ref.slice(at + 1);
  if (!m || !/^refs\/\S+$/.test(gitRef)) return void 0;
  return { repository: m[1], path: m[2], ref: gitRef };
}
var oneLine = (s) => s.replace(/[\r\n]+/g, " ");
function decideRunnerGuard(input) {
  const refuse = (reason, extra = {}) => ({
    allowed: false,
    reason: oneLine(`runner-guard: refused: ${reason}`),
    ...extra
  });
  if (!input.workflowRef)
    return refuse("GITHUB_WORKFLOW_REF is not set: cannot tell where the job\u2019s workflow file comes from");
  const wf = parseWorkflowRef(input.workflowRef);
  if (!wf) return refuse(`GITHUB_WORKFLOW_REF is not a workflow reference: ${JSON.stringify(input.workflowRef)}`);
  const parsed = EventRepository.safeParse(input.event);
  const repo = parsed.success ? parsed.data.repository : void 0;
  const defaultBranch = repo?.default_branch ?? input.defaultBranch;
  const common = { workflow: `${wf.repository}/${wf.path}`, ref: wf.ref, ...defaultBranch ? { defaultBranch } : {} };
  if (!defaultBranch)
    return refuse(
      "the event names no default branch (repository.default_branch) and BENCHSWEEP_DEFAULT_BRANCH is not set on this runner",
      common
    );
  const expectedRepo = repo?.full_name ?? input.repository;
  if (expectedRepo && expectedRepo.toLowerCase() !== wf.repository.toLowerCase()) {
    return refuse(`the workflow ${wf.path} belongs to ${wf.repository}, not to ${expectedRepo}`, common);
  }
  if (input.repository && input.repository.toLowerCase() !== wf.repository.toLowerCase()) {
    return refuse(`the workflow ${wf.path} belongs to ${wf.repository}, not to ${input.repository}`, common);
  }
  const want = `refs/heads/${defaultBranch}`;
  if (wf.ref !== want) {
    return refuse(
      `${wf.path} comes from ${wf.ref}, not from the default branch (${want}): self-hosted runners run only workflows the default branch defines`,
      common
    );
  }
  return {
    allowed: true,
    reason: oneLine(`runner-guard: allowed: ${wf.path} at ${wf.ref} (the default branch of ${wf.repository})`),
    ...common
  };
}

// src/commands/runner-guard.ts
async function readEvent(path2) {
  if (!path2) return void 0;
  try {
    return JSON.parse(await readFile2(path2, "utf8"));
  } catch {
    return void 0;
  }
}
async function runRunnerGuard(options = {}) {
  const env = options.env ?? process.env;
  const decision = decideRunnerGuard({
    workflowRef: env.GITHUB_WORKFLOW_REF,
    event: await readEvent(env.GITHUB_EVENT_PATH),
    ...env.GITHUB_REPOSITORY ? { repository: env.GITHUB_REPOSITORY } : {},
    ...env.BENCHSWEEP_DEFAULT_BRANCH ? { defaultBranch: env.BENCHSWEEP_DEFAULT_BRANCH } : {}
  });
  return { value: decision, text: decision.reason, failed: !decision.allowed };
}
function registerRunnerGuard(program2) {
  program2.command("runner-guard").description("self-hosted runner hook: exit 1 unless the job's workflow file is on the default branch").option("--json", "print one JSON document").action(async (opts) => {
    const result = await runRunnerGuard();
    emit({ json: !!opts.json, value: result.value, text: () => result.text });
    if (result.failed) process.exitCode = 1;
  });
}

// src/commands/pr-approval.ts
import { appendFile, readFile as readFile3 } from "node:fs/promises";

// src/core/preflight/rules/gated-models.ts
var GATED_MODELS = [
  {
    pattern: /^meta-llama\//i,
    why: "Meta\u2019s Llama licence must be accepted on the hub",
    source: "model card hf.co/meta-llama/Llama-3.1-8B-Instruct"
  },
  {
    pattern: /^google\/gemma/i,
    why: "Google\u2019s Gemma terms must be accepted on the hub",
    source: "model card hf.co/google/gemma-2-9b"
  },
  {
    pattern: /^mistralai\//i,
    why: "Mistral AI\u2019s repositories ask for contact details before download",
    source: "model card hf.co/mistralai/Mistral-7B-Instruct-v0.3"
  },
  {
    pattern: /^bigcode\/starcoder/i,
    why: "the BigCode OpenRAIL-M agreement must be accepted on the hub",
    source: "model card hf.co/bigcode/starcoder"
  }
];
function gatedModel(model) {
  return GATED_MODELS.find((r) => r.pattern.test(model))?.why;
}

// src/commands/pr-approval.ts
async function readJson(path2, what) {
  try {
    return JSON.parse(await readFile3(path2, "utf8"));
  } catch (e) {
    throw new UserError(`${what} ${path2}: ${e.message}`);
  }
}
function flattenPages(v) {
  if (!Array.isArray(v)) return [];
  return v.every(Array.isArray) ? v.flat() : v;
}
async function runPrApproval(o) {
  const decision = decideApproval({
    eventName: o.eventName,
    payload: await readJson(o.event, "event"),
    pull: await readJson(o.pull, "pull request"),
    reviews: o.reviews ? flattenPages(await readJson(o.reviews, "reviews")) : [],
    ...o.label ? { label: o.label } : {}
  });
  const value = { ...decision };
  if (decision.allowed && o.dataset && o.changedFiles) {
    const head = parseDataset(await readFile3(o.dataset, "utf8"), o.datasetPath ?? o.dataset);
    let base = null;
    if (o.baseDataset) {
      try {
        base = parseDataset(await readFile3(o.baseDataset, "utf8"), o.baseDataset).tasks;
      } catch {
        base = null;
      }
    }
    const affected = affectedTasks({
      changedFiles: parseChangedFiles(await readFile3(o.changedFiles, "utf8")),
      datasetPath: o.datasetPath ?? o.dataset,
      headTasks: head.tasks,
      baseTasks: base
    });
    const touched = head.tasks.filter((t) => affected.ids.includes(t.id));
    const refused = decision.fork ? gatedTaskRefusals(
      touched,
      (t) => (t.perfCommand ? parsePerfCommand(t.perfCommand).model : void 0) ?? t.models[0],
      gatedModel
    ) : {};
    for (const t of touched) {
      const why = t.patchPath ? unsafePatchPath(t.patchPath) : void 0;
      if (why) refused[t.id] = why;
    }
    value.tasks = affected.ids.filter((id) => !(id in refused));
    value.refused = refused;
  }
  const lines = [
    `${value.allowed ? "approved" : "not approved"}: ${value.reason}`,
    ...value.tasks ? [`tasks: ${value.tasks.join(", ") || "(none)"}`] : [],
    ...Object.entries(value.refused ?? {}).map(([id, why]) => `refused ${id}: ${why}`)
  ];
  const outputs = {
    allowed: String(value.allowed),
    sha: value.sha ?? "",
    "head-repo": value.headRepo ?? "",
    "pr-number": value.prNumber !== void 0 ? String(value.prNumber) : "",
    tasks: (value.tasks ?? []).join(","),
    "has-tasks": String((value.tasks ?? []).length > 0),
    // One line: text from data (logins, SHAs) never starts a workflow command.
    reason: escapeWorkflowText(value.reason)
  };
  return { value, text: lines.join("\n"), outputs };
}
function registerPrApproval(program2) {
  program2.command("pr-approval").description("verify-pr-bench's gate: was the PR's current head approved by its SHA, and which tasks does it touch").option("--event <file>", "the event payload", process.env.GITHUB_EVENT_PATH).option("--event-name <name>", "the event name", process.env.GITHUB_EVENT_NAME).requiredOption("--pull <file>", "GET /repos/{owner}/{repo}/pulls/{n} as JSON").option("--reviews <file>", "GET .../pulls/{n}/reviews as JSON (all pages)").option("--label <name>", "the label that asks for a run", "safe-to-bench").option("--dataset <file>", "the PR's dataset at the approved SHA").option("--dataset-path <path>", "the dataset's path in the repository").option("--base-dataset <file>", "the default branch's dataset").option("--changed-files <file>", "the files the PR changes, one per line").option("--github-output <file>", "append the outputs (NAME=value lines) to this file").option("--json", "print one JSON document").action(async (opts) => {
    if (!opts.event || !opts.eventName)
      throw new UserError("--event and --event-name (or GITHUB_EVENT_PATH, GITHUB_EVENT_NAME) are required");
    const result = await runPrApproval(opts);
    if (opts.githubOutput)
      await appendFile(
        opts.githubOutput,
        Object.entries(result.outputs ?? {}).map(([k, v]) => `${k}=${v}
`).join("")
      );
    emit({ json: !!opts.json, value: result.value, text: () => result.text });
  });
}

// src/commands/history.ts
import { join as join6 } from "node:path";

// src/adapters/history-store.ts
import { appendFile as appendFile2, link, mkdir as mkdir5, open, readFile as readFile4, unlink, writeFile as writeFile3 } from "node:fs/promises";
import { join as join5 } from "node:path";
import { randomBytes } from "node:crypto";
import { StringDecoder } from "node:string_decoder";

// src/core/history/index-entry.ts
var BRIEF_SLOT = { baseline: 4, human: 5, agent: 6 };
function binomialHalfCdf(k, n) {
  let term = Math.pow(0.5, n);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term = term * (n - i + 1) / i;
    sum += term;
  }
  return sum;
}
function medianInterval(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  let j = 0;
  while (j + 1 < n / 2 && binomialHalfCdf(j + 1, n) <= 0.025) j++;
  return [sorted[j], sorted[n - 1 - j]];
}
function brief(value) {
  return Number.isFinite(value) ? Number(value.toPrecision(7)) : value;
}
function median(sorted) {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
function indexEntryOf(sweep) {
  const tasks = {};
  for (const t of sweep.tasks) {
    const v = VARIANTS.map((name) => {
      const r = t.variants[name];
      if (!r) return null;
      if (r.status === "success" && r.samples.length > 0) {
        const sorted = [...r.samples].sort((a, b) => a - b);
        const [lo, hi] = medianInterval(sorted);
        return [brief(r.value ?? median(sorted)), brief(lo), brief(hi), sorted.length];
      }
      return r.category ?? r.status;
    });
    tasks[t.task] = [
      t.primary_metric,
      t.higher_is_better ? 1 : 0,
      t.captured_share === null ? null : brief(t.captured_share),
      t.outcome,
      v[0],
      v[1],
      v[2]
    ];
  }
  const entry = { id: sweep.id, added_at: sweep.added_at, tasks };
  if (sweep.label) entry.label = sweep.label;
  if (sweep.source.commit) entry.commit = sweep.source.commit;
  if (sweep.source.run_url) entry.run_url = sweep.source.run_url;
  return entry;
}
function dedupeEntries(entries) {
  const seen = /* @__PURE__ */ new Set();
  const out = [];
  for (const e of entries) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  return out;
}

// src/core/history/sweep.ts
import { createHash } from "node:crypto";
var SWEEP_SCHEMA = "benchsweep/sweep@1";
var StoredVariant = external_exports.looseObject({
  status: external_exports.string(),
  /** Median of `samples` (the report's value); null unless success. */
  value: external_exports.number().nullable(),
  samples: external_exports.array(external_exports.number()).default([]),
  category: external_exports.string().optional(),
  /** Every metric of the variant's latest record (medians), when `history add --results` had them. */
  metrics: external_exports.record(external_exports.string(), external_exports.number()).optional()
});
var StoredTask = external_exports.looseObject({
  task: external_exports.string().min(1),
  kind: external_exports.string().optional(),
  model: external_exports.string().optional(),
  gpus: external_exports.number().optional(),
  primary_metric: external_exports.string(),
  higher_is_better: external_exports.boolean(),
  outcome: external_exports.string(),
  reason: external_exports.string().optional(),
  captured_share: external_exports.number().nullable().default(null),
  variants: external_exports.record(external_exports.string(), StoredVariant)
});
var SweepSource = external_exports.looseObject({
  commit: external_exports.string().optional(),
  ref: external_exports.string().optional(),
  repository: external_exports.string().optional(),
  workflow: external_exports.string().optional(),
  event: external_exports.string().optional(),
  run_id: external_exports.string().optional(),
  run_attempt: external_exports.string().optional(),
  run_url: external_exports.string().optional(),
  runner: external_exports.looseObject({ name: external_exports.string().optional(), os: external_exports.string().optional(), arch: external_exports.string().optional() }).optional(),
  engine: external_exports.looseObject({ repo: external_exports.string().optional(), version: external_exports.string().optional() }).optional()
});
var StoredSweep = external_exports.looseObject({
  schema: external_exports.literal(SWEEP_SCHEMA),
  id: external_exports.string().min(1),
  added_at: external_exports.string(),
  label: external_exports.string().optional(),
  report_generated_at: external_exports.string().optional(),
  threshold: external_exports.number().optional(),
  source: SweepSource.default({}),
  tasks: external_exports.array(StoredTask)
});
var ReportInput = external_exports.looseObject({
  generated_at: external_exports.string().optional(),
  threshold: external_exports.number().optional(),
  tasks: external_exports.array(
    external_exports.looseObject({
      task: external_exports.string().min(1),
      kind: external_exports.string().optional(),
      model: external_exports.string().optional(),
      gpus: external_exports.number().optional(),
      primary_metric: external_exports.string(),
      higher_is_better: external_exports.boolean().optional(),
      outcome: external_exports.string(),
      reason: external_exports.string().optional(),
      captured_share: external_exports.number().nullable().optional(),
      variants: external_exports.record(
        external_exports.string(),
        external_exports.looseObject({
          status: external_exports.string(),
          value: external_exports.number().nullable().optional(),
          samples: external_exports.array(external_exports.number()).optional(),
          category: external_exports.string().optional()
        })
      )
    })
  )
});
function canonicalJson(value) {
  return JSON.stringify(
    value,
    (_key, v) => v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(
      Object.entries(v).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
    ) : v
  );
}
function sweepId(tasks, reportGeneratedAt) {
  return createHash("sha256").update(canonicalJson({ report_generated_at: reportGeneratedAt ?? null, tasks })).digest("hex").slice(0, 20);
}
function higherIsBetterDefault(metric) {
  return !/latency|_ms$|ttft|tpot|itl|e2el|duration/.test(metric);
}
function sweepFromReport(input) {
  const tasks = [...input.report.tasks].sort((a, b) => a.task < b.task ? -1 : a.task > b.task ? 1 : 0).map((t) => {
    const variants = {};
    for (const v of VARIANTS) {
      const r = t.variants[v];
      if (!r) continue;
      const stored = {
        status: r.status,
        value: r.value ?? null,
        samples: r.samples ?? (typeof r.value === "number" ? [r.value] : [])
      };
      if (r.category) stored.category = r.category;
      const metrics = input.metrics?.get(t.task)?.[v];
      if (metrics && Object.keys(metrics).length > 0) stored.metrics = metrics;
      variants[v] = stored;
    }
    const task = {
      task: t.task,
      primary_metric: t.primary_metric,
      higher_is_better: t.higher_is_better ?? higherIsBetterDefault(t.primary_metric),
      outcome: t.outcome,
      captured_share: t.captured_share ?? null,
      variants
    };
    if (t.kind) task.kind = t.kind;
    if (t.model) task.model = t.model;
    if (t.gpus !== void 0) task.gpus = t.gpus;
    if (t.reason) task.reason = t.reason;
    return task;
  });
  const sweep = {
    schema: SWEEP_SCHEMA,
    id: sweepId(tasks, input.report.generated_at),
    added_at: input.addedAt,
    source: input.source ?? {},
    tasks
  };
  if (input.label) sweep.label = input.label;
  if (input.report.generated_at) sweep.report_generated_at = input.report.generated_at;
  if (input.report.threshold !== void 0) sweep.threshold = input.report.threshold;
  return sweep;
}
function sourceFromEnv(env, overrides = {}) {
  const source = {};
  const set = (key, value) => {
    if (value) source[key] = value;
  };
  set("commit", overrides.commit ?? env["GITHUB_SHA"]);
  set("ref", env["GITHUB_REF_NAME"] ?? env["GITHUB_REF"]);
  set("repository", env["GITHUB_REPOSITORY"]);
  set("workflow", env["GITHUB_WORKFLOW"]);
  set("event", env["GITHUB_EVENT_NAME"]);
  set("run_id", env["GITHUB_RUN_ID"]);
  set("run_attempt", env["GITHUB_RUN_ATTEMPT"]);
  if (env["GITHUB_RUN_ID"] && env["GITHUB_REPOSITORY"]) {
    set(
      "run_url",
      `${env["GITHUB_SERVER_URL"] ?? "https://github.com"}/${env["GITHUB_REPOSITORY"]}/actions/runs/${env["GITHUB_RUN_ID"]}`
    );
  }
  const runner = { name: env["RUNNER_NAME"], os: env["RUNNER_OS"], arch: env["RUNNER_ARCH"] };
  const definedRunner = Object.fromEntries(Object.entries(runner).filter(([, v]) => v));
  if (Object.keys(definedRunner).length > 0) source.runner = definedRunner;
  const engineRepo = overrides.engineRepo ?? env["BENCHSWEEP_ENGINE_REPO"] ?? env["ENGINE_REPO"];
  if (engineRepo) source.engine = { repo: engineRepo };
  return source;
}

// src/adapters/history-store.ts
var INDEX_FILE = "index.jsonl";
var SWEEPS_DIR = "sweeps";
var GITATTRIBUTES = `# benchsweep history store: index.jsonl is append-only, so concurrent appends merge line by line.
${INDEX_FILE} merge=union
`;
function sweepPath(store, id) {
  if (!/^[0-9a-f]{8,64}$/.test(id)) throw new UserError(`not a sweep id: ${id}`);
  return join5(store, SWEEPS_DIR, `${id}.json`);
}
async function ensureStore(store) {
  await mkdir5(join5(store, SWEEPS_DIR), { recursive: true });
  await writeFile3(join5(store, ".gitattributes"), GITATTRIBUTES, { flag: "wx" }).catch((e) => {
    if (e.code !== "EEXIST") throw e;
  });
}
async function indexHas(store, id) {
  const handle = await open(join5(store, INDEX_FILE), "r").catch((e) => {
    if (e.code === "ENOENT") return void 0;
    throw e;
  });
  if (!handle) return false;
  const needle = Buffer.from(`{"id":${JSON.stringify(id)},`);
  try {
    const { size } = await handle.stat();
    const chunk = 1 << 20;
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk);
      const length = Math.min(size, end + needle.length) - start;
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, start);
      if (buf.includes(needle)) return true;
      end = start;
    }
    return false;
  } finally {
    await handle.close();
  }
}
async function endsWithNewline(file) {
  const handle = await open(file, "r").catch((e) => {
    if (e.code === "ENOENT") return void 0;
    throw e;
  });
  if (!handle) return true;
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 10;
  } finally {
    await handle.close();
  }
}
async function addSweep(store, sweep) {
  await ensureStore(store);
  const path2 = sweepPath(store, sweep.id);
  const tmp = join5(store, SWEEPS_DIR, `.${sweep.id}.${randomBytes(6).toString("hex")}.tmp`);
  await writeFile3(tmp, JSON.stringify(sweep, null, 1) + "\n");
  let claimed = true;
  try {
    await link(tmp, path2);
  } catch (e) {
    if (e.code !== "EEXIST") throw e;
    claimed = false;
  } finally {
    await unlink(tmp).catch(() => void 0);
  }
  if (!claimed && await indexHas(store, sweep.id)) return { id: sweep.id, added: false, path: path2 };
  const lead = await endsWithNewline(join5(store, INDEX_FILE)) ? "" : "\n";
  await appendFile2(join5(store, INDEX_FILE), lead + JSON.stringify(indexEntryOf(sweep)) + "\n", { flag: "a" });
  return { id: sweep.id, added: claimed, path: path2 };
}
function parseLines(lines, dedupe = true) {
  const entries = [];
  let skipped = 0;
  for (const line of lines) {
    if (line.trim() === "") continue;
    try {
      const e = JSON.parse(line);
      if (typeof e?.id === "string" && e.tasks && typeof e.tasks === "object") entries.push(e);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { entries: dedupe ? dedupeEntries(entries) : entries, skipped };
}
async function forEachIndexEntry(store, visit) {
  const handle = await open(join5(store, INDEX_FILE), "r").catch((e) => {
    if (e.code === "ENOENT")
      throw new UserError(
        `${store}: not a history store (no ${INDEX_FILE}); add a sweep first (benchsweep history add)`
      );
    throw e;
  });
  let skipped = 0;
  try {
    const decoder = new StringDecoder("utf8");
    const buf = Buffer.alloc(1 << 23);
    let rest = "";
    for (; ; ) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      const text = rest + (bytesRead > 0 ? decoder.write(buf.subarray(0, bytesRead)) : decoder.end());
      const lines = text.split("\n");
      rest = bytesRead > 0 ? lines.pop() : "";
      const read = parseLines(lines, false);
      for (const e of read.entries) visit(e);
      skipped += read.skipped;
      if (bytesRead === 0) break;
    }
  } finally {
    await handle.close();
  }
  return skipped;
}
async function readIndexTail(store, count, chunkBytes = 1 << 18) {
  const file = join5(store, INDEX_FILE);
  const handle = await open(file, "r").catch((e) => {
    if (e.code === "ENOENT")
      throw new UserError(
        `${store}: not a history store (no ${INDEX_FILE}); add a sweep first (benchsweep history add)`
      );
    throw e;
  });
  try {
    const { size } = await handle.stat();
    const chunk = chunkBytes;
    let position = size;
    let tail = Buffer.alloc(0);
    for (; ; ) {
      const length = Math.min(chunk, position);
      position -= length;
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, position);
      tail = Buffer.concat([buf, tail]);
      const text = tail.toString("utf8");
      const lines = text.split("\n");
      if (position > 0) lines.shift();
      const read = parseLines(lines);
      if (read.entries.length >= count || position === 0) {
        return { entries: read.entries.slice(-count), skipped: read.skipped };
      }
    }
  } finally {
    await handle.close();
  }
}
async function readSweep(store, id) {
  const path2 = sweepPath(store, id);
  let raw;
  try {
    raw = JSON.parse(await readFile4(path2, "utf8"));
  } catch (e) {
    throw new UserError(`${path2}: ${e.code ?? e.message}`);
  }
  const parsed = StoredSweep.safeParse(raw);
  if (!parsed.success)
    throw new UserError(`${path2}: not a benchsweep sweep: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}
async function readLatestSweeps(store, count) {
  const tail = await readIndexTail(store, count);
  const sweeps = await Promise.all(tail.entries.map((e) => readSweep(store, e.id)));
  return { sweeps, skipped: tail.skipped };
}

// src/core/history/check.ts
var DEFAULT_WINDOW = 7;
function saltOf(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) % 1000003;
}
function median2(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
function usableSamples(v) {
  if (!v || v.status !== "success") return [];
  const s = v.samples.filter((x) => Number.isFinite(x) && x > 0);
  if (s.length > 0) return s;
  return typeof v.value === "number" && Number.isFinite(v.value) && v.value > 0 ? [v.value] : [];
}
function side(samples) {
  return { status: "success", value: median2(samples), samples };
}
function changeOf(task, variant, against, c, n) {
  const change = {
    task: task.task,
    variant,
    metric: task.primary_metric,
    ratio: c.ratio,
    ci: c.ci,
    significant: c.significant,
    against,
    higher_is_better: task.higher_is_better,
    n
  };
  if (c.p_value !== void 0) change.p_value = c.p_value;
  if (c.single_sample) change.single_sample = true;
  return change;
}
function checkHistory(sweeps, opts = {}) {
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const windowSize = Math.max(1, opts.window ?? DEFAULT_WINDOW);
  const iterations = opts.bootstrapIterations ?? DEFAULT_BOOTSTRAP_ITERATIONS;
  const seed = opts.seed ?? DEFAULT_SEED;
  const latest = sweeps.at(-1);
  const window = sweeps.slice(Math.max(0, sweeps.length - 1 - windowSize), -1);
  const previous = window.at(-1);
  const result = {
    latest: latest?.id ?? null,
    previous: previous?.id ?? null,
    window: window.map((s) => s.id),
    threshold,
    regressions: [],
    improvements: [],
    notes: []
  };
  if (!latest || !previous) {
    result.notes.push(latest ? "only one sweep in the store: nothing to compare with" : "the store holds no sweep");
    return result;
  }
  const tasksOf = (s) => new Map(s.tasks.map((t) => [t.task, t]));
  const previousTasks = tasksOf(previous);
  const windowTasks = window.map(tasksOf);
  for (const task of latest.tasks) {
    const before = previousTasks.get(task.task);
    if (!before) {
      result.notes.push(`${task.task}: new in the latest sweep (no earlier result to compare)`);
      continue;
    }
    for (const variant of VARIANTS) {
      const now = task.variants[variant];
      if (!now) continue;
      const seedFor = seed + saltOf(`${task.task}/${variant}`);
      const nowSamples = usableSamples(now);
      const prev = before.variants[variant];
      const prevSamples = before.primary_metric === task.primary_metric ? usableSamples(prev) : [];
      if (before.primary_metric !== task.primary_metric) {
        result.notes.push(
          `${task.task}: the primary metric changed (${before.primary_metric} \u2192 ${task.primary_metric}); not compared with the previous sweep`
        );
      }
      if (nowSamples.length === 0) {
        if (prev?.status === "success" && now.status !== "success") {
          const change = {
            task: task.task,
            variant,
            metric: "status",
            ratio: null,
            ci: null,
            significant: null,
            against: "previous",
            higher_is_better: task.higher_is_better,
            status: now.status
          };
          if (now.category) change.category = now.category;
          result.regressions.push(change);
        }
        continue;
      }
      if (prev && prev.status !== "success" && prev.status !== "missing") {
        const change = {
          task: task.task,
          variant,
          metric: "status",
          ratio: null,
          ci: null,
          significant: null,
          against: "previous",
          higher_is_better: task.higher_is_better,
          status: "success"
        };
        if (prev.category) change.category = prev.category;
        result.improvements.push(change);
      }
      const nowMedian = median2(nowSamples);
      const record = (against, refSamples, salt) => {
        if (refSamples.length === 0) return;
        if (Math.abs(nowMedian / median2(refSamples) - 1) <= threshold) return;
        const c = compareSides(
          side(nowSamples),
          side(refSamples),
          task.higher_is_better,
          threshold,
          iterations,
          seedFor + salt
        );
        if (c.verdict === "worse")
          result.regressions.push(changeOf(task, variant, against, c, [nowSamples.length, refSamples.length]));
        else if (c.verdict === "better")
          result.improvements.push(changeOf(task, variant, against, c, [nowSamples.length, refSamples.length]));
      };
      record("previous", prevSamples, 1);
      if (window.length >= 2) {
        const pooled = windowTasks.flatMap((m) => {
          const t = m.get(task.task);
          return t && t.primary_metric === task.primary_metric ? usableSamples(t.variants[variant]) : [];
        });
        record("rolling", pooled, 2);
      }
    }
  }
  const order = (a, b) => a.task.localeCompare(b.task) || VARIANTS.indexOf(a.variant) - VARIANTS.indexOf(b.variant) || a.against.localeCompare(b.against);
  result.regressions.sort(order);
  result.improvements.sort(order);
  return result;
}
function regressedTasks(check) {
  return [...new Set(check.regressions.map((r) => r.task))];
}
function pct(ratio) {
  const change = (ratio - 1) * 100;
  return `${change >= 0 ? "+" : ""}${change.toFixed(2)}%`;
}
function describeChange(c) {
  if (c.metric === "status") {
    return `${c.task} ${c.variant}: ${c.status === "success" ? `succeeds again (was ${c.category ?? "failing"})` : `now ${c.status}${c.category ? ` (${c.category})` : ""}, succeeded in the previous sweep`}`;
  }
  const vs = c.against === "previous" ? "vs the previous sweep" : `vs the rolling baseline`;
  const stats = c.single_sample ? "single sample: threshold only" : [c.ci ? `CI ${pct(c.ci[0])}\u2026${pct(c.ci[1])}` : "", c.p_value !== void 0 ? `p=${c.p_value.toPrecision(2)}` : ""].filter(Boolean).join(", ");
  return `${c.task} ${c.variant}: ${c.metric} ${c.ratio === null ? "\u2014" : pct(c.ratio)} ${vs} (${c.higher_is_better ? "higher" : "lower"} is better; ${stats}${c.n ? `; n=${c.n[0]} vs ${c.n[1]}` : ""})`;
}
function checkText(check) {
  const lines = [];
  if (check.regressions.length > 0) {
    lines.push(
      `REGRESSED: ${regressedTasks(check).join(", ")} (latest ${check.latest} vs previous ${check.previous} and the last ${check.window.length})`
    );
    for (const r of check.regressions) lines.push(`  - ${describeChange(r)}`);
  }
  if (check.improvements.length > 0) {
    lines.push(`improved: ${[...new Set(check.improvements.map((r) => r.task))].join(", ")}`);
    for (const r of check.improvements) lines.push(`  + ${describeChange(r)}`);
  }
  return lines.join("\n");
}
function checkMarkdown(check, opts = {}) {
  const lines = [
    `### benchsweep history: ${check.regressions.length > 0 ? `regression in ${regressedTasks(check).map((t) => `\`${t}\``).join(", ")}` : "no regression"}`,
    ""
  ];
  lines.push(
    `Latest sweep \`${check.latest}\` against the previous \`${check.previous}\` and the rolling baseline of the last ${check.window.length}; threshold \xB1${(check.threshold * 100).toFixed(1)}%.`,
    ""
  );
  if (check.regressions.length > 0) {
    lines.push(
      "| task | variant | metric | change | 95% CI | significant | against |",
      "|---|---|---|---|---|---|---|"
    );
    for (const r of check.regressions) {
      lines.push(
        `| \`${r.task}\` | ${r.variant} | ${r.metric}${r.metric === "status" ? "" : r.higher_is_better ? " \u2191" : " \u2193"} | ${r.ratio === null ? `${r.status}${r.category ? ` (${r.category})` : ""}` : pct(r.ratio)} | ${r.ci ? `${pct(r.ci[0])} \u2026 ${pct(r.ci[1])}` : "\u2014"} | ${r.significant === null ? r.single_sample ? "single sample" : "\u2014" : r.significant ? "yes" : "no"} | ${r.against} |`
      );
    }
    lines.push("");
  }
  if (check.improvements.length > 0)
    lines.push(`Improved: ${[...new Set(check.improvements.map((r) => `\`${r.task}\``))].join(", ")}`, "");
  if (opts.dashboardUrl) lines.push(`Dashboard: ${opts.dashboardUrl}`);
  if (opts.runUrl) lines.push(`Run: ${opts.runUrl}`);
  return lines.join("\n").trimEnd() + "\n";
}

// src/core/history/render.ts
var VARIANT_COLOR = { baseline: "#868e96", human: "#1971c2", agent: "#e8590c" };
var CATEGORY_PALETTE = [
  "#c92a2a",
  "#e67700",
  "#5f3dc4",
  "#0b7285",
  "#2b8a3e",
  "#a61e4d",
  "#364fc7",
  "#862e9c",
  "#d9480f",
  "#495057"
];
function medianOf(values) {
  if (values.length === 1) return values[0];
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}
var HistoryColumns = class {
  sweeps = [];
  tasks = /* @__PURE__ */ new Map();
  /** Failed variants per category, per sweep (null: none). */
  failures = [];
  categories = /* @__PURE__ */ new Set();
  seen = /* @__PURE__ */ new Set();
  add(e) {
    if (this.seen.has(e.id)) return;
    this.seen.add(e.id);
    const index = this.sweeps.length;
    const meta = { id: e.id, added_at: e.added_at };
    if (e.label !== void 0) meta.label = e.label;
    if (e.commit !== void 0) meta.commit = e.commit;
    if (e.run_url !== void 0) meta.run_url = e.run_url;
    this.sweeps.push(meta);
    let failures = null;
    for (const task in e.tasks) {
      const t = e.tasks[task];
      let col = this.tasks.get(task);
      if (!col) {
        col = { task, metric: t[0], up: t[1] === 1, outcome: t[3], at: [], share: [], v: {} };
        for (const v of VARIANTS) col.v[v] = { value: [], lo: [], hi: [], n: [], cat: [] };
        this.tasks.set(task, col);
      }
      col.metric = t[0];
      col.up = t[1] === 1;
      col.outcome = t[3];
      col.at.push(index);
      col.share.push(typeof t[2] === "number" && Number.isFinite(t[2]) ? t[2] : Number.NaN);
      for (const v of VARIANTS) {
        const c = col.v[v];
        const brief2 = t[BRIEF_SLOT[v]];
        if (Array.isArray(brief2)) {
          c.value.push(brief2[0]);
          c.lo.push(brief2[1]);
          c.hi.push(brief2[2]);
          c.n.push(brief2[3]);
          c.cat.push(null);
          continue;
        }
        c.value.push(Number.NaN);
        c.lo.push(Number.NaN);
        c.hi.push(Number.NaN);
        c.n.push(0);
        const failed = typeof brief2 === "string" && brief2 !== "missing" ? brief2 : null;
        c.cat.push(failed);
        if (failed) {
          failures ??= {};
          failures[failed] = (failures[failed] ?? 0) + 1;
          this.categories.add(failed);
        }
      }
    }
    this.failures.push(failures);
  }
};
function bucketsOf(count, maxPoints) {
  const size = Math.max(1, Math.ceil(count / maxPoints));
  const buckets = [];
  for (let i = 0; i < count; i += size) buckets.push({ first: i, last: Math.min(count, i + size) - 1 });
  return { buckets, size };
}
function seriesOf(col, size) {
  const series = {
    task: col.task,
    metric: col.metric,
    up: col.up,
    variants: {},
    share: [],
    failures: {},
    outcome: col.outcome,
    sweeps: col.at.length
  };
  for (const v of VARIANTS) {
    const c = col.v[v];
    const points = [];
    const marks = [];
    let i2 = 0;
    while (i2 < col.at.length) {
      const x = Math.floor(col.at[i2] / size);
      const values = [];
      let lo = Infinity;
      let hi = -Infinity;
      let n = 0;
      let cats = null;
      for (; i2 < col.at.length && Math.floor(col.at[i2] / size) === x; i2++) {
        const value = c.value[i2];
        if (!Number.isNaN(value)) {
          values.push(value);
          if (c.lo[i2] < lo) lo = c.lo[i2];
          if (c.hi[i2] > hi) hi = c.hi[i2];
          n += c.n[i2];
        } else if (c.cat[i2]) {
          cats ??= {};
          cats[c.cat[i2]] = (cats[c.cat[i2]] ?? 0) + 1;
        }
      }
      if (values.length > 0) points.push({ x, value: medianOf(values), lo, hi, n });
      if (cats) marks.push({ x, categories: cats });
    }
    series.variants[v] = points;
    series.failures[v] = marks;
  }
  let i = 0;
  while (i < col.at.length) {
    const x = Math.floor(col.at[i] / size);
    const shares = [];
    for (; i < col.at.length && Math.floor(col.at[i] / size) === x; i++)
      if (!Number.isNaN(col.share[i])) shares.push(col.share[i]);
    if (shares.length > 0) series.share.push({ x, share: medianOf(shares) });
  }
  return series;
}
var W = 560;
var LEFT = 64;
var RIGHT = 12;
function xScale(count) {
  const plot = W - LEFT - RIGHT;
  return (x) => count <= 1 ? LEFT + plot / 2 : LEFT + x / (count - 1) * plot;
}
function sweepRange(buckets, entries, x) {
  const b = buckets[x];
  const first = entries[b.first];
  const last = entries[b.last];
  const name = (e) => `${e.label ?? e.id.slice(0, 8)} (${e.added_at.slice(0, 10)})`;
  return b.first === b.last ? name(first) : `${b.last - b.first + 1} sweeps: ${name(first)} \u2026 ${name(last)}`;
}
function xAxis(buckets, entries, sx, y) {
  if (buckets.length === 0) return "";
  const label = (x, anchor) => {
    const e = entries[buckets[x].first];
    return `<text x="${sx(x).toFixed(1)}" y="${y}" text-anchor="${anchor}" class="tick">${esc(e.label ?? e.added_at.slice(0, 10))}</text>`;
  };
  return buckets.length === 1 ? label(0, "middle") : label(0, "start") + label(buckets.length - 1, "end");
}
function metricChart(s, buckets, entries) {
  const H = 190;
  const top = 10;
  const bottom = H - 24;
  const all = VARIANTS.flatMap((v) => s.variants[v].flatMap((p) => [p.lo, p.hi, p.value]));
  if (all.length === 0)
    return `<div class="empty"${attr("data-chart", "metric")}>no successful run of ${esc(s.task)} yet</div>`;
  let min = Math.min(...all);
  let max = Math.max(...all);
  if (max === min) {
    max += Math.abs(max) * 0.05 || 1;
    min -= Math.abs(min) * 0.05 || 1;
  }
  const pad = (max - min) * 0.08;
  min -= pad;
  max += pad;
  const sx = xScale(buckets.length);
  const sy = (v) => bottom - (v - min) / (max - min) * (bottom - top);
  const dots = buckets.length <= 60;
  const layers = VARIANTS.map((v) => {
    const pts = s.variants[v];
    if (pts.length === 0) return "";
    const band = pts.length === 1 ? `<rect x="${(sx(pts[0].x) - 4).toFixed(1)}" y="${sy(pts[0].hi).toFixed(1)}" width="8" height="${Math.max(1, sy(pts[0].lo) - sy(pts[0].hi)).toFixed(1)}" fill="${VARIANT_COLOR[v]}" fill-opacity="0.2"/>` : `<polygon points="${[...pts.map((p) => `${sx(p.x).toFixed(1)},${sy(p.hi).toFixed(1)}`), ...[...pts].reverse().map((p) => `${sx(p.x).toFixed(1)},${sy(p.lo).toFixed(1)}`)].join(" ")}" fill="${VARIANT_COLOR[v]}" fill-opacity="0.16" stroke="none"/>`;
    const line = `<polyline${attr("data-variant", v)}${attr("data-points", pts.length)}${attr("data-last-value", pts.at(-1).value)} points="${pts.map((p) => `${sx(p.x).toFixed(1)},${sy(p.value).toFixed(1)}`).join(" ")}" fill="none" stroke="${VARIANT_COLOR[v]}" stroke-width="1.8"/>`;
    const circles = dots ? pts.map(
      (p) => `<circle${attr("data-variant", v)}${attr("data-value", p.value)}${attr("data-lo", p.lo)}${attr("data-hi", p.hi)} cx="${sx(p.x).toFixed(1)}" cy="${sy(p.value).toFixed(1)}" r="2.6" fill="${VARIANT_COLOR[v]}"><title>${esc(`${v}: ${formatValue(p.value)} [${formatValue(p.lo)}, ${formatValue(p.hi)}] n=${p.n} \xB7 ${sweepRange(buckets, entries, p.x)}`)}</title></circle>`
    ).join("") : "";
    return `<g${attr("data-layer", v)}>${band}${line}${circles}</g>`;
  }).join("");
  const yTicks = [max - pad, (max + min) / 2, min + pad].map(
    (v) => `<text x="${LEFT - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" class="tick">${esc(formatValue(Number(v.toPrecision(4))))}</text><line x1="${LEFT}" x2="${W - RIGHT}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="#f1f3f5"/>`
  ).join("");
  return `<figure><figcaption>${esc(s.metric)} ${s.up ? "\u2191 higher is better" : "\u2193 lower is better"}</figcaption><svg${attr("data-chart", "metric")}${attr("data-task", s.task)} viewBox="0 0 ${W} ${H}" width="100%" role="img"${attr("aria-label", `${s.task} ${s.metric} over sweeps`)}>
${yTicks}<line x1="${LEFT}" x2="${LEFT}" y1="${top}" y2="${bottom}" stroke="#adb5bd"/>${layers}${xAxis(buckets, entries, sx, H - 6)}</svg></figure>`;
}
function shareChart(s, buckets, entries) {
  const H = 190;
  const top = 10;
  const bottom = H - 24;
  if (s.share.length === 0)
    return `<figure><figcaption>Share of the human's gain the agent captured</figcaption><div class="empty"${attr("data-chart", "share")}${attr("data-task", s.task)}>no sweep where the human clearly improved on the baseline</div></figure>`;
  const values = s.share.map((p) => p.share);
  const min = Math.min(0, ...values);
  const max = Math.max(1.2, ...values);
  const sx = xScale(buckets.length);
  const sy = (v) => bottom - (v - min) / (max - min) * (bottom - top);
  const dots = buckets.length <= 60;
  const ref = [0, 1].map(
    (v) => `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="${v === 1 ? "#1971c2" : "#adb5bd"}" stroke-dasharray="${v === 1 ? "4 3" : ""}"/><text x="${LEFT - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" class="tick">${v * 100}%</text>`
  ).join("");
  const line = `<polyline data-series="share"${attr("data-points", s.share.length)}${attr("data-last-share", s.share.at(-1).share)} points="${s.share.map((p) => `${sx(p.x).toFixed(1)},${sy(p.share).toFixed(1)}`).join(" ")}" fill="none" stroke="#e8590c" stroke-width="1.8"/>`;
  const circles = dots ? s.share.map(
    (p) => `<circle${attr("data-share", p.share)} cx="${sx(p.x).toFixed(1)}" cy="${sy(p.share).toFixed(1)}" r="2.6" fill="#e8590c"><title>${esc(`${Math.round(p.share * 100)}% \xB7 ${sweepRange(buckets, entries, p.x)}`)}</title></circle>`
  ).join("") : "";
  return `<figure><figcaption>Share of the human's gain the agent captured (100% = all of it)</figcaption><svg${attr("data-chart", "share")}${attr("data-task", s.task)} viewBox="0 0 ${W} ${H}" width="100%" role="img"${attr("aria-label", `${s.task} captured share over sweeps`)}>
${ref}${line}${circles}${xAxis(buckets, entries, sx, H - 6)}</svg></figure>`;
}
function failureStrip(s, buckets, entries, colorOf) {
  const marks = VARIANTS.flatMap((v) => s.failures[v].map((m) => ({ v, m })));
  if (marks.length === 0) return `<div class="strip-none"${attr("data-failures", 0)}>no failures</div>`;
  const rowH = 12;
  const H = VARIANTS.length * rowH + 4;
  const sx = xScale(buckets.length);
  const cell = Math.max(2, Math.min(10, (W - LEFT - RIGHT) / Math.max(1, buckets.length)));
  const rects = marks.map(({ v, m }) => {
    const [top] = Object.entries(m.categories).sort((a, b) => b[1] - a[1]);
    const row = VARIANTS.indexOf(v);
    const text = `${v}: ${Object.entries(m.categories).map(([c, n]) => `${c}${n > 1 ? ` \xD7${n}` : ""}`).join(", ")} \xB7 ${sweepRange(buckets, entries, m.x)}`;
    return `<rect${attr("data-variant", v)}${attr("data-category", top[0])} x="${(sx(m.x) - cell / 2).toFixed(1)}" y="${row * rowH + 2}" width="${cell.toFixed(1)}" height="${rowH - 3}" fill="${colorOf(top[0])}"><title>${esc(text)}</title></rect>`;
  }).join("");
  const labels = VARIANTS.map(
    (v, i) => `<text x="${LEFT - 6}" y="${i * rowH + 11}" text-anchor="end" class="tick">${v}</text>`
  ).join("");
  return `<svg class="strip"${attr("data-chart", "failures")}${attr("data-task", s.task)}${attr("data-failures", marks.length)} viewBox="0 0 ${W} ${H}" role="img" aria-label="failures over sweeps">${labels}${rects}</svg>`;
}
function failuresOverTime(cols, buckets, colorOf, categories) {
  const entries = cols.sweeps;
  if (categories.length === 0)
    return '<p class="sub" data-chart="failures-over-time" data-failures="0">No failure in any sweep.</p>';
  const H = 150;
  const top = 10;
  const bottom = H - 24;
  const counts = buckets.map((b) => {
    const c = {};
    for (let i = b.first; i <= b.last; i++)
      for (const [k, n] of Object.entries(cols.failures[i] ?? {})) c[k] = (c[k] ?? 0) + n;
    const sweeps = b.last - b.first + 1;
    for (const k of Object.keys(c)) c[k] = c[k] / sweeps;
    return c;
  });
  const max = Math.max(1, ...counts.map((c) => Object.values(c).reduce((s, n) => s + n, 0)));
  const wide = 1e3;
  const plot = wide - LEFT - RIGHT;
  const barW = Math.min(36, Math.max(1, plot / buckets.length - (buckets.length <= 100 ? 2 : 0)));
  const sy = (v) => (bottom - top) * v / max;
  const bars = counts.map((c, x) => {
    let y = bottom;
    const x0 = LEFT + x * plot / buckets.length;
    return categories.filter((k) => c[k]).map((k) => {
      const h = sy(c[k]);
      y -= h;
      return `<rect${attr("data-category", k)}${attr("data-sweep", x)}${attr("data-count", Number(c[k].toFixed(3)))} x="${x0.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${Math.max(0.5, h).toFixed(1)}" fill="${colorOf(k)}"><title>${esc(`${k}: ${Number(c[k].toFixed(2))} \xB7 ${sweepRange(buckets, entries, x)}`)}</title></rect>`;
    }).join("");
  }).join("");
  const legend = categories.map((k) => `<span class="key"><i style="background:${colorOf(k)}"></i>${esc(k)}</span>`).join(" ");
  const sx = (x) => LEFT + x * plot / buckets.length + barW / 2;
  return `<svg data-chart="failures-over-time"${attr("data-failures", categories.length)} viewBox="0 0 ${wide} ${H}" width="100%" role="img" aria-label="failure categories over sweeps">
<text x="${LEFT - 6}" y="${top + 8}" text-anchor="end" class="tick">${esc(formatValue(Number(max.toPrecision(3))))}</text><text x="${LEFT - 6}" y="${bottom}" text-anchor="end" class="tick">0</text>
<line x1="${LEFT}" x2="${wide - RIGHT}" y1="${bottom}" y2="${bottom}" stroke="#adb5bd"/>${bars}${xAxis(buckets, entries, sx, H - 6)}</svg><div class="legend">${legend} \u2014 failed variants per sweep, by category</div>`;
}
var CSS = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212529;background:#fff}
body{margin:0 auto;max-width:1240px;padding:20px 24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #dee2e6;padding-bottom:4px}
h3{font-size:14px;margin:0 0 6px}h3 code{font-size:14px}
.sub{color:#495057;font-size:13px;margin-bottom:12px}
section.task{border:1px solid #dee2e6;border-radius:6px;padding:10px 12px;margin:12px 0}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:18px}
figure{margin:0}figcaption{font-weight:600;font-size:12.5px;margin-bottom:4px}
.tick{font-size:11px;fill:#495057}
.legend{font-size:11.5px;color:#495057;margin-top:4px}
.key{white-space:nowrap;margin-right:10px}.key i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.empty,.strip-none{color:#868e96;font-size:12px;padding:8px 0}
svg.strip{display:block;width:calc(50% - 9px);margin-top:4px}
.meta{color:#868e96;font-size:11.5px}
.pill{color:#fff;border-radius:10px;padding:1px 8px;font-size:11px;white-space:nowrap;background:#868e96}
nav.toc{font-size:12px;line-height:1.8}nav.toc a{margin-right:8px;color:#1971c2;text-decoration:none}
`;
function renderHistoryHtml(input, opts = {}) {
  let cols;
  if (input instanceof HistoryColumns) cols = input;
  else {
    cols = new HistoryColumns();
    for (const e of input) cols.add(e);
  }
  const entries = cols.sweeps;
  const title = opts.title ?? "benchsweep: results over time";
  const maxPoints = Math.max(2, opts.maxPoints ?? 300);
  const { buckets, size } = bucketsOf(entries.length, maxPoints);
  const taskIds = [...cols.tasks.keys()].sort();
  const categories = [...cols.categories].sort();
  const colorOf = (c) => CATEGORY_PALETTE[categories.indexOf(c) % CATEGORY_PALETTE.length] ?? "#495057";
  const latest = entries.at(-1);
  const legend = VARIANTS.map(
    (v) => `<span class="key"><i style="background:${VARIANT_COLOR[v]}"></i>${v}</span>`
  ).join(" ");
  const sections = taskIds.map((task) => {
    const s = seriesOf(cols.tasks.get(task), size);
    const outcome = s.outcome;
    return `<section class="task" id="task-${esc(task)}"${attr("data-task", task)}${attr("data-metric", s.metric)}${attr("data-sweeps", s.sweeps)}${attr("data-latest-outcome", outcome)}>
<h3><code>${esc(task)}</code> <span class="meta">${s.sweeps} sweep${s.sweeps === 1 ? "" : "s"}${outcome ? ` \xB7 latest: <span class="pill">${esc(outcome.replace(/_/g, " "))}</span>` : ""}</span></h3>
<div class="charts">${metricChart(s, buckets, entries)}${shareChart(s, buckets, entries)}</div>
<div class="legend">${legend} \u2014 line: median per sweep; band: interval of the median</div>
${failureStrip(s, buckets, entries, colorOf)}
</section>`;
  }).join("\n");
  const bucketNote = buckets.length < entries.length ? ` Drawn in ${buckets.length} buckets of up to ${Math.ceil(entries.length / maxPoints)} consecutive sweeps.` : "";
  const summary = JSON.stringify({
    sweeps: entries.length,
    tasks: taskIds,
    latest: latest?.id ?? null,
    buckets: buckets.length
  }).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body data-schema="benchsweep/history-dashboard@1"${attr("data-sweeps", entries.length)}${attr("data-tasks", taskIds.length)}>
<h1>${esc(title)}</h1>
<div class="sub">${entries.length} sweep${entries.length === 1 ? "" : "s"}, ${taskIds.length} task${taskIds.length === 1 ? "" : "s"}${latest ? ` \xB7 latest <code>${esc(latest.id)}</code> added ${esc(latest.added_at)}${latest.commit ? ` at <code>${esc(latest.commit.slice(0, 12))}</code>` : ""}${latest.run_url ? ` \xB7 <a${attr("href", latest.run_url)}>run</a>` : ""}` : ""}${opts.generatedAt ? ` \xB7 generated ${esc(opts.generatedAt)}` : ""}.${bucketNote}</div>
<nav class="toc">${taskIds.map((t) => `<a href="#task-${esc(t)}">${esc(t)}</a>`).join("")}</nav>
<section><h2>Failure categories over time</h2>${failuresOverTime(cols, buckets, colorOf, categories)}</section>
<section><h2>Tasks</h2>${sections}</section>
<script type="application/json" id="history-data">${summary}</script>
</body></html>
`;
}

// src/commands/history.ts
async function latestMetrics(dir) {
  const loaded = await loadResultRecords(dir);
  for (const e of loaded.errors) log(`note: ${e.file}: ${e.message} (skipped)`);
  const best = /* @__PURE__ */ new Map();
  for (const r of loaded.records) {
    const key = `${r.task}\0${r.variant}`;
    const previous = best.get(key);
    if (!previous || (r.attempt ?? 1) >= previous.attempt)
      best.set(key, { attempt: r.attempt ?? 1, metrics: r.metrics ?? {} });
  }
  const out = /* @__PURE__ */ new Map();
  for (const [key, { metrics }] of best) {
    const [task, variant] = key.split("\0");
    out.set(task, { ...out.get(task) ?? {}, [variant]: metrics });
  }
  return out;
}
async function loadReport(file) {
  let raw;
  const text = await readText(file, "report");
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`--report ${file}: not JSON: ${e.message}`);
  }
  const parsed = ReportInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `--report ${file}: not a benchsweep report (${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"})`
    );
  }
  if (parsed.data.tasks.length === 0) throw new UserError(`--report ${file}: the report holds no task`);
  return parsed.data;
}
async function runHistoryAdd(options) {
  const parsed = { data: await loadReport(options.report) };
  const sourceOverrides = {};
  if (options.commit) sourceOverrides.commit = options.commit;
  if (options.engineRepo) sourceOverrides.engineRepo = options.engineRepo;
  const sweep = sweepFromReport({
    report: parsed.data,
    addedAt: options.addedAt ?? (/* @__PURE__ */ new Date()).toISOString(),
    source: sourceFromEnv(options.env ?? process.env, sourceOverrides),
    ...options.label ? { label: options.label } : {},
    ...options.results ? { metrics: await latestMetrics(options.results) } : {}
  });
  const r = await addSweep(options.store, sweep);
  const value = { id: r.id, added: r.added, path: r.path, tasks: sweep.tasks.length };
  return {
    value,
    text: r.added ? `added sweep ${r.id} (${sweep.tasks.length} tasks) to ${options.store}` : `sweep ${r.id} is already in ${options.store}: nothing changed`,
    outputs: { "sweep-id": r.id, added: String(r.added) }
  };
}
async function runHistoryCheck(options) {
  if (options.threshold !== void 0 && !(options.threshold > 0 && options.threshold < 100)) {
    throw new UserError(`--threshold: expected a percentage between 0 and 100 (5 = 5%), got ${options.threshold}`);
  }
  if (options.window !== void 0 && !(Number.isInteger(options.window) && options.window >= 1)) {
    throw new UserError(`--window: expected a whole number of sweeps >= 1, got ${options.window}`);
  }
  const window = options.window ?? DEFAULT_WINDOW;
  const { sweeps, skipped } = await readLatestSweeps(options.store, options.report ? window : window + 1);
  if (options.report) {
    const candidate = sweepFromReport({
      report: await loadReport(options.report),
      addedAt: (/* @__PURE__ */ new Date()).toISOString(),
      source: sourceFromEnv(process.env)
    });
    sweeps.push(candidate);
  }
  const check = checkHistory(sweeps, {
    window,
    ...options.threshold !== void 0 ? { threshold: options.threshold / 100 } : {}
  });
  if (skipped > 0) check.notes.push(`${skipped} line(s) of the index did not parse and were skipped`);
  const runUrl = sweeps.at(-1)?.source.run_url;
  const markdown = checkMarkdown(check, {
    ...options.dashboardUrl ? { dashboardUrl: options.dashboardUrl } : {},
    ...runUrl ? { runUrl } : {}
  });
  if (options.markdown) await writeFileAtomic(options.markdown, markdown);
  const regressed = regressedTasks(check);
  return {
    value: check,
    text: checkText(check),
    summary: markdown,
    outputs: {
      regressed: String(regressed.length > 0),
      "regressed-tasks": regressed.join(","),
      regressions: String(check.regressions.length),
      improvements: String(check.improvements.length)
    },
    failed: check.regressions.length > 0
  };
}
async function runHistoryRender(options) {
  const columns = new HistoryColumns();
  const skipped = await forEachIndexEntry(options.store, (e) => columns.add(e));
  if (skipped > 0) log(`note: ${skipped} line(s) of ${options.store}/index.jsonl did not parse and were skipped`);
  if (columns.sweeps.length === 0) throw new UserError(`${options.store}: the store holds no sweep`);
  const html = renderHistoryHtml(columns, {
    generatedAt: options.generatedAt ?? (/* @__PURE__ */ new Date()).toISOString(),
    ...options.title ? { title: options.title } : {},
    ...options.maxPoints ? { maxPoints: options.maxPoints } : {}
  });
  const path2 = join6(options.out, "index.html");
  await writeFileAtomic(path2, html);
  const sweeps = columns.sweeps.length;
  const tasks = columns.tasks.size;
  return {
    value: { path: path2, sweeps, tasks, bytes: Buffer.byteLength(html) },
    text: `wrote ${path2} (${sweeps} sweeps, ${tasks} tasks)`,
    outputs: { "dashboard-path": path2 }
  };
}
function percent(value) {
  return Number(value.replace(/%$/, ""));
}
function registerHistory(program2) {
  const history = program2.command("history").description("results over time: a store of sweeps, regression checks and a dashboard");
  history.command("add").description("append one sweep (a report JSON) to the store; the same report twice changes nothing").requiredOption("--store <dir>", "the history store (created when missing)").requiredOption("--report <file>", "report JSON (benchsweep report --format json)").option("--label <text>", "a name for this sweep (e.g. nightly-2026-11-30)").option("--results <dir>", "the sweep's result records: store every metric, not only the primary one").option("--commit <sha>", "commit that ran the sweep (default GITHUB_SHA)").option("--engine-repo <repo>", "engine repository (default BENCHSWEEP_ENGINE_REPO)").option("--json", "print one JSON document").action(async (opts) => {
    const result = await runHistoryAdd(opts);
    emit({ json: !!opts.json, value: result.value, text: () => result.text });
  });
  history.command("check").description(
    "latest sweep vs the previous one and the last K; exit 1 naming each regressed task, quiet when nothing changed"
  ).requiredOption("--store <dir>", "the history store").option("--threshold <pct>", "change a regression must exceed, in percent (default 2)", percent).option("--window <k>", `sweeps in the rolling baseline (default ${DEFAULT_WINDOW})`, (v) => Number(v)).option("--markdown <file>", "also write the result as markdown (for an issue or a comment)").option("--dashboard-url <url>", "link to the dashboard in the markdown").option(
    "--report <file>",
    "check this report (e.g. a PR's) against the store's latest sweeps instead; nothing is added"
  ).option("--json", "print one JSON document: { regressions, improvements, ... }").action(async (opts) => {
    const result = await runHistoryCheck(opts);
    if (result.text) for (const n of result.value.notes) log(`note: ${n}`);
    if (opts.json || result.text) emit({ json: !!opts.json, value: result.value, text: () => result.text });
    if (result.failed) process.exitCode = 1;
  });
  history.command("render").description("write the static dashboard (index.html: no script, no network)").requiredOption("--store <dir>", "the history store").requiredOption("--out <dir>", "folder for index.html").option("--title <text>", "page title").option("--max-points <n>", "most points per chart; longer histories are bucketed (default 300)", (v) => Number(v)).option("--json", "print one JSON document").action(async (opts) => {
    const result = await runHistoryRender(opts);
    emit({ json: !!opts.json, value: result.value, text: () => result.text });
  });
}

// src/cli.ts
function buildProgram() {
  const program2 = new Command("benchsweep").description("Three-way (baseline / human / agent) benchmarks of inference-engine commits on GPU runners").version("0.1.0").showHelpAfterError().exitOverride();
  for (const register of [
    registerPlan,
    registerParse,
    registerClassify,
    registerRun,
    registerBuild,
    registerReport,
    registerDemo,
    registerHistory,
    registerRunnerGuard,
    registerPrApproval
  ]) {
    register(program2);
  }
  return program2;
}
async function main(argv) {
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === void 0 ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UserError) {
      process.stderr.write(`benchsweep: ${err.message}
`);
      return 2;
    }
    process.stderr.write(`benchsweep: ${err instanceof Error ? err.stack ?? err.message : String(err)}
`);
    return 1;
  }
}
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(process.exitCode === void 0 ? 0 : Number(process.exitCode));
  throw err;
});
main(process.argv).then((code) => {
  process.exitCode = code;
});
export {
  buildProgram,
  main
};
