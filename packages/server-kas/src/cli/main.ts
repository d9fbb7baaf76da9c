import { commands } from "./commands.js"
import { UsageError } from "./Command.js"

const usage = () =>
  ["Usage: kas <command> [options]", "", "Commands:"]
    .concat(commands.map((c) => `  ${c.usage.padEnd(60)} ${c.summary}`))
    .join("\n")

/** Dispatches `argv` (without node and script) to a command; returns the exit code. */
export const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const [name, ...rest] = argv
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage() + "\n")
    return name === undefined ? 2 : 0
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    process.stderr.write(`kas: unknown command '${name}'\n\n${usage()}\n`)
    return 2
  }
  try {
    return await (await command.load()).run(rest)
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`kas ${name}: ${e.message}\n\nUsage: kas ${command.usage}\n`)
      return 2
    }
    throw e
  }
}
