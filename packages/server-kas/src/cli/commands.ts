import type { Command } from "./Command.js"
import { importEskatMockupData } from "./importEskatMockupData.js"
import { createUser } from "./createUser.js"
import { createRestToken } from "./createRestToken.js"
import { migrate } from "./migrate.js"
import { executeJob } from "./executeJob.js"
import { scheduler } from "./scheduler.js"
import { worker } from "./worker.js"
import { web } from "./web.js"

/** Every `kas` sub-command. Add new commands here. */
export const commands: ReadonlyArray<Command> = [migrate, web, worker, scheduler, executeJob, createUser, importEskatMockupData, createRestToken]
