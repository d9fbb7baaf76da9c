import { Logger } from "effect"

/** A CPR number shown without its last four digits: `010190xxxx` (headers, logs). */
export const maskCpr = (cpr: string): string => `${cpr.slice(0, 6)}xxxx`

// Ten digits (or six, a dash, four) standing alone: in paths, messages, JSON, SQL parameters, stack traces.
const CPR_IN_TEXT = /(?<![0-9])([0-9]{6})-?[0-9]{4}(?![0-9])/g

/** `text` with every CPR number in it masked; for every line a process logs. */
export const maskCprs = (text: string): string => text.replace(CPR_IN_TEXT, "$1xxxx")

/**
 * Effect's default logger with CPR numbers masked: provide it in every process's layer, so no `Effect.log…` of a
 * job, a failure or a cause prints one.
 */
export const logger = Logger.replace(
  Logger.defaultLogger,
  Logger.map(Logger.stringLogger, maskCprs).pipe(Logger.withConsoleLog)
)
