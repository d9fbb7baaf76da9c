import { startWeb } from "../main/web.js"
import { isClusterWorker, runWebCluster } from "../main/webCluster.js"
import { type Command, parse, UsageError } from "./Command.js"

/**
 * `kas web [--processes N]`: runs the staff web server (port PORT, default 8000), in N processes that share the port
 * (node:cluster; default 1).
 */
export const web: Command = {
  run: async (argv) => {
    const { values } = parse(argv, { processes: { type: "string" } })
    const processes = values.processes === undefined ? 1 : Number(values.processes)
    if (!Number.isInteger(processes) || processes < 1 || processes > 64) {
      throw new UsageError("--processes must be a whole number from 1 to 64")
    }
    if (processes > 1 && !isClusterWorker()) return runWebCluster(processes)
    await startWeb()
    return new Promise<number>(() => {}) // runs until a signal stops the process
  }
}
