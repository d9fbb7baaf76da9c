import { startWeb } from "../main/web.js"
import { type Command, parse } from "./Command.js"

/** `kas web`: runs the staff web server (port PORT, default 8000). */
export const web: Command = {
  run: async (argv) => {
    parse(argv, {})
    await startWeb()
    return new Promise<number>(() => {}) // runs until a signal stops the process
  }
}
