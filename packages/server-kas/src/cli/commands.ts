import type { Command } from "./Command.js"
import { migrate } from "./migrate.js"

/** Every `kas` sub-command. Add new commands here. */
export const commands: ReadonlyArray<Command> = [migrate]
