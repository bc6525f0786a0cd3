export { defineCommand, type Command, type CommandContext, type OptionSpecs } from './command.js';
export { runCli, findCommand, formatHelp, type CliIo } from './dispatch.js';
export { UsageError } from './usage-error.js';
export { createLogger, type Logger } from './logger.js';
export { terminalText, terminalCell } from './terminal-text.js';
// Local system services: Debian packages, free ports, a redis-server for the demo and the tests.
export { ensureBinary, findBinary, MissingRequirementError, REDIS_SERVER, type Requirement } from './system/debian-package.js';
export { freePort } from './system/free-port.js';
export { RedisServer, type RedisServerOptions } from './system/redis-server.js';
