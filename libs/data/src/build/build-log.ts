/** The build's structured log (pino in the CLI). */
export interface BuildLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export const silentLog: BuildLog = { info: () => undefined, warn: () => undefined };
