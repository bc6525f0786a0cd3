export { defineCommand, type Command, type CommandContext, type OptionSpecs } from './command.js';
export { runCli, findCommand, formatHelp, type CliIo } from './dispatch.js';
export { UsageError } from './usage-error.js';
export { createLogger, type Logger } from './logger.js';
