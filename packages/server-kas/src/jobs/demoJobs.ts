import { defineJob } from "@kas/jobs"
import { Effect, Schema } from "effect"

/** The demonstration jobs of jobs.md §10: they prove claiming, live progress, children and failure handling. */

const StatusResult = Schema.Struct({ status: Schema.String, message: Schema.String })

const Seconds = Schema.Int.pipe(
  Schema.between(1, 600, { message: () => "Antal sekunder skal være et helt tal mellem 1 og 600" })
).annotations({ title: "Sekunder", description: "Hvor længe jobbet kører (1–600 sekunder)", default: 10 })

/** "Demo: langsomt job": adds 10 % every tenth of its duration. */
export const DemoSlowJob = defineJob({
  key: "DemoSlowJob",
  label: "Demo: langsomt job",
  params: Schema.Struct({ seconds: Schema.optionalWith(Seconds, { default: () => 10 }) }),
  result: StatusResult,
  run: ({ seconds }, ctx) =>
    Effect.gen(function* () {
      for (let step = 1; step <= 10; step++) {
        yield* Effect.sleep(seconds * 100)
        yield* ctx.progress(step * 10)
      }
      return { status: "Færdig", message: "Langsomt job færdigt" }
    })
})

/**
 * "Demo: job med underjob": two slow children; its own progress rises over ~9 s, then it hands its slot back until
 * they have finished (a worker with one slot runs them) and its second run reports them.
 */
export const DemoJobWithChildren = defineJob({
  key: "DemoJobWithChildren",
  label: "Demo: job med underjob",
  params: Schema.Struct({}),
  result: StatusResult,
  run: (_, ctx) =>
    Effect.gen(function* () {
      const ended = yield* ctx.children()
      if (ended.length > 0) {
        const finished = ended.filter((j) => j.status === "finished").length
        return { status: "Færdig", message: `${finished} af ${ended.length} underjob er færdige` }
      }
      const children = [
        yield* ctx.spawnChild(DemoSlowJob, { seconds: 10 }, { title: "Underjob 1" }),
        yield* ctx.spawnChild(DemoSlowJob, { seconds: 10 }, { title: "Underjob 2" })
      ]
      for (let second = 1; second <= 9; second++) {
        yield* Effect.sleep("1 second")
        yield* ctx.progress(second * 10)
      }
      return yield* ctx.resumeAfter(children)
    })
})

/** "Demo: fejlende job": reaches 20 %, then divides by zero (a BigInt division throws a RangeError). */
export const DemoFailingJob = defineJob({
  key: "DemoFailingJob",
  label: "Demo: fejlende job",
  params: Schema.Struct({}),
  result: StatusResult,
  run: (_, ctx) =>
    Effect.gen(function* () {
      yield* ctx.progress(20)
      yield* Effect.sleep("1 second")
      const zero = BigInt(ctx.attempt - ctx.attempt)
      const quotient = yield* Effect.sync(() => 1n / zero)
      return { status: "Færdig", message: `Resultat ${quotient}` }
    })
})
