import { parseArgs, type ParseArgsConfig } from "node:util"

/** One `kas` sub-command's behaviour. `run` returns the exit code. */
export interface Command {
  readonly run: (argv: ReadonlyArray<string>) => Promise<number>
}

/** A sub-command as the CLI lists it; `load` imports its module only when it runs. */
export interface CommandInfo {
  readonly name: string
  /** One line for the command list. */
  readonly summary: string
  /** The usage line(s) after `kas `, e.g. `migrate`. */
  readonly usage: string
  readonly load: () => Promise<Command>
}

/** Bad command-line input: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  readonly _tag = "UsageError"
}

/** `parseArgs` that turns unknown options and missing values into a `UsageError`. */
type Options = NonNullable<ParseArgsConfig["options"]>
/** What `parse` returns: the typed option values and the positionals. */
export type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{ args: Array<string>; options: T; strict: true; allowPositionals: boolean }>
>

export const parse = <T extends Options>(
  argv: ReadonlyArray<string>,
  options: T,
  allowPositionals = false
): Parsed<T> => {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals })
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e))
  }
}
