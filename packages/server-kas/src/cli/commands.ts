import type { CommandInfo } from "./Command.js"

/**
 * Every `kas` sub-command: its name and help, and how to load it. Commands load lazily, so `kas migrate` does not
 * import the web server or the job types. Add new commands here.
 */
export const commands: ReadonlyArray<CommandInfo> = [
  {
    name: "migrate",
    summary: "apply pending database migrations",
    usage: "migrate",
    load: () => import("./migrate.js").then((m) => m.migrate)
  },
  {
    name: "web",
    summary: "run the staff web server (kas web), in N processes that share the port",
    usage: "web [--processes <n>]",
    load: () => import("./web.js").then((m) => m.web)
  },
  {
    name: "worker",
    summary: "run jobs (WORKER_CONCURRENCY at a time) until stopped",
    usage: "worker [--concurrency <n>] [--grace <seconds>]",
    load: () => import("./worker.js").then((m) => m.worker)
  },
  {
    name: "scheduler",
    summary: "enqueue the scheduled jobs (cron, UTC) until stopped",
    usage: "scheduler",
    load: () => import("./scheduler.js").then((m) => m.scheduler)
  },
  {
    name: "execute-job",
    summary: "enqueue a job (validated like the start form); --wait runs it here and prints its result",
    usage: "execute-job <type> [--<param> <value> …] [--created-by <user>] [--wait]",
    load: () => import("./executeJob.js").then((m) => m.executeJob)
  },
  {
    name: "cancel-job",
    summary: "cancel a queued, deferred or running job and its unfinished children",
    usage: "cancel-job <job id> [--by <user>]",
    load: () => import("./cancelJob.js").then((m) => m.cancelJob)
  },
  {
    name: "create-user",
    summary: "create a staff user (password from a prompt or stdin)",
    usage: "create-user --username <name> --group <group> [--group …] [--superuser]",
    load: () => import("./createUser.js").then((m) => m.createUser)
  },
  {
    name: "import-eskat-mockup-data",
    summary: "fill the eSkat mock tables with scenario and generated persons (development)",
    usage: "import-eskat-mockup-data [--persons N] [--years 2018-2024] [--seed S] [--if-empty]",
    load: () => import("./importEskatMockupData.js").then((m) => m.importEskatMockupData)
  },
  {
    name: "check-loss-matrix",
    summary: "list policy-years whose deduction differs from their loss-matrix column; exit 1 if any",
    usage: "check-loss-matrix [--year <year>]",
    load: () => import("./checkLossMatrix.js").then((m) => m.checkLossMatrix)
  },
  {
    name: "create-rest-token",
    summary: "create a REST API key for a (system) user and print it",
    usage: "create-rest-token <username>",
    load: () => import("./createRestToken.js").then((m) => m.createRestToken)
  }
]
