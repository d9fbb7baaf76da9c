import { KasConfig } from "@kas/core"
import { type InvalidParams, isEnded, JobStore, type JobRecord, type JobType, Worker } from "@kas/jobs"
import { Duration, Effect } from "effect"
import { danishErrors } from "../jobs/fieldErrors.js"
import { workerLayer } from "../jobs/layer.js"
import { registryFor, typesFor } from "../jobs/registry.js"
import { type Command, UsageError } from "./Command.js"
import { runMain } from "./runMain.js"

/** `--name value` / `--name=value` pairs and the `--wait` and `--created-by` options. */
const parseParams = (argv: ReadonlyArray<string>) => {
  const params: Record<string, string> = {}
  let wait = false
  let createdBy = "cli"
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument '${arg}'`)
    const eq = arg.indexOf("=")
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2)
    if (name === "wait" && eq < 0) {
      wait = true
      continue
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i]
    if (value === undefined) throw new UsageError(`option '--${name}' needs a value`)
    if (name === "created-by") createdBy = value
    else params[name] = value
  }
  return { params, wait, createdBy }
}

const bar = (job: JobRecord) => {
  const width = 30
  const filled = Math.round((job.progress / 100) * width)
  const counts = job.totalCount !== null ? ` (${job.currentCount ?? 0}/${job.totalCount})` : ""
  const bar = `${"#".repeat(filled)}${" ".repeat(width - filled)}`
  return `[${bar}] ${String(job.progress).padStart(3)}%${counts} ${job.status}`
}

/** What the CLI prints when the params did not validate: each field's error and the type's parameters. */
const invalidMessage = (job: JobType<unknown>, e: InvalidParams) => {
  const errors = danishErrors(job.fields, e.errors)
  const fields = job.fields.map((f) => `--${f.name}${f.required ? "" : " (optional)"}`).join(", ")
  return (
    `kas execute-job ${job.key}: invalid parameters; nothing was enqueued:\n` +
    Object.entries(errors)
      .map(([f, m]) => `  ${f ? `--${f}` : "(parameters)"}: ${m}`)
      .join("\n") +
    "\n" +
    (job.fields.length > 0 ? `Parameters: ${fields}\n` : "")
  )
}

/** `kas execute-job <type> [--param value …] [--wait]`: validates, enqueues, and with --wait runs it here. */
export const executeJob: Command = {
  run: async (argv) => {
    const [key, ...rest] = argv
    const settings = KasConfig.loadOrExit("kas execute-job", KasConfig.BackOfficeConfig.worker)
    const types = typesFor(settings.environment)
    if (key === undefined || key.startsWith("--"))
      throw new UsageError(`a job type is required; one of: ${types.map((t) => t.job.key).join(", ")}`)
    const type = types.find((t) => t.job.key === key)
    if (!type) {
      process.stderr.write(
        `kas execute-job: unknown job type '${key}'. Known types: ${types.map((t) => t.job.key).join(", ")}\n`
      )
      return 2
    }
    const { params, wait, createdBy } = parseParams(rest)
    const registry = registryFor(settings.environment)
    let failed = false
    let invalid = false
    const code = await runMain(
      Effect.gen(function* () {
        const store = yield* JobStore
        const id = yield* store.submit(type.job, params, { createdBy, strings: true }).pipe(
          Effect.catchTag("InvalidParams", (e) =>
            Effect.sync(() => {
              invalid = true
              process.stderr.write(invalidMessage(type.job, e))
            })
          )
        )
        if (id === undefined) return
        if (!wait) {
          yield* Effect.sync(() => console.log(id))
          return
        }
        yield* Worker.start({
          registry,
          concurrency: 4,
          onlyJobs: [id],
          workerId: `execute-job/${process.pid}`,
          defaultTimeout: Duration.seconds(settings.jobTimeoutSeconds),
          pollInterval: "200 millis",
          gracePeriod: "1 second"
        })
        const tty = process.stdout.isTTY
        let last = ""
        for (;;) {
          const job = yield* store.get(id)
          const line = bar(job)
          if (line !== last) {
            process.stdout.write(tty ? `\r${line}` : `${line}\n`)
            last = line
          }
          if (isEnded(job.status)) {
            if (tty) process.stdout.write("\n")
            process.stdout.write(`${JSON.stringify(job.result, null, 2)}\n`)
            if (job.status !== "finished") {
              failed = true
              process.stderr.write(`Job ${id} ${job.status}:\n${job.failure}\n`)
            }
            return
          }
          yield* Effect.sleep("200 millis")
        }
      }).pipe(Effect.scoped, Effect.provide(workerLayer(settings, 8)))
    )
    return code !== 0 ? code : invalid ? 2 : failed ? 1 : 0
  }
}
