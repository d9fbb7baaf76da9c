import { Dispatch, type DispatchItem, DomainRuleError, EboksDispatches, FinalStatements, TaxYears } from "@kas/core"
import { defineJob, JobFailed, Scheduler } from "@kas/jobs"
import { Duration, Effect, Ref, Schema } from "effect"
import { EboksError } from "../eboks/Eboks.js"
import { EboksTiming, pollPostProcessing, sendDocument } from "../eboks/EboksSend.js"

const YearPk = Schema.Int.pipe(Schema.positive()).annotations({ title: "Skatteår" })
const Title = Schema.String.pipe(
  Schema.minLength(1, { message: () => "Dette felt er påkrævet." }),
  Schema.maxLength(255)
).annotations({ title: "Titel", description: "Bruges som titel i e-Boks" })

const StatusResult = Schema.Struct({ status: Schema.String, message: Schema.String })

/** The result of the bulk dispatch: `dispatched_items` (jobs.md §8.10) plus the status-kind texts. */
const BulkResult = Schema.Struct({
  status: Schema.String,
  message: Schema.String,
  dispatched_items: Schema.Number
})

const visible = (message: string, result?: Record<string, unknown>) =>
  new JobFailed({ message, result: result ?? { error: message } })

/** Up to this many passes over the unsent items (integrations.md §1.5 step 1). */
const SEND_PASSES = 5

/**
 * "Afsendelse af KAS slutopgørelser for et givet år" (jobs.md §8.10, integrations.md §1.5): the year's created,
 * valid statements of living, real persons get the title and are sent in up to 5 passes, 8 at a time; the year's
 * post-processed statements are polled; when nothing is left unsent the year moves to genoptagelsesperiode.
 */
export const DispatchFinalSettlementsJob = defineJob({
  key: "DispatchFinalSettlements",
  label: "Afsendelse af KAS slutopgørelser for et givet år",
  params: Schema.Struct({ year_pk: YearPk, title: Title }),
  result: BulkResult,
  run: (params, ctx) =>
    Effect.gen(function* () {
      const dispatches = yield* EboksDispatches
      const taxYears = yield* TaxYears
      yield* taxYears.get(params.year_pk).pipe(Effect.mapError((e) => visible(e.message)))
      const items = yield* dispatches.selectForBulk(params.year_pk, params.title)
      if (items.length === 0) return { status: "Færdig", message: "Ingen slutopgørelser at sende", dispatched_items: 0 }
      const sent = yield* Ref.make(0)
      let unsent: ReadonlyArray<DispatchItem> = items
      for (let pass = 0; pass < SEND_PASSES && unsent.length > 0; pass++) {
        const outcomes = yield* Effect.forEach(
          unsent,
          (item) =>
            dispatches.get(item.kind, item.key).pipe(
              Effect.flatMap(sendDocument),
              Effect.tap(() =>
                Ref.updateAndGet(sent, (n) => n + 1).pipe(Effect.flatMap((n) => ctx.progress(n, items.length)))
              ),
              Effect.as(null),
              Effect.catchAll((e) =>
                Effect.as(Effect.logWarning(`e-Boks: ${item.kind} ${item.key} ikke sendt: ${e.message}`), item)
              )
            ),
          { concurrency: 8 }
        )
        unsent = outcomes.filter((i): i is DispatchItem => i !== null)
      }
      const resolved = yield* pollPostProcessing(yield* dispatches.postProcessing({ taxYearId: params.year_pk }))
      const dispatched = (yield* Ref.get(sent)) + resolved
      if (unsent.length > 0) {
        const error = `Failed sending ${unsent.length} messages`
        return yield* Effect.fail(visible(error, { error, dispatched_items: dispatched }))
      }
      yield* taxYears.setPeriod(params.year_pk, "genoptagelsesperiode")
      return { status: "Afsendt", message: `Afsendte ${dispatched} slutopgørelser`, dispatched_items: dispatched }
    })
})

/**
 * "Afsendelse af KAS slutopgørelse" (jobs.md §8.11): one valid statement in `created` or `failed` of a year in
 * genoptagelsesperiode gets the title and is sent; a post-processed one is polled every 10 s for at most 30 minutes.
 */
export const DispatchFinalSettlementJob = defineJob({
  key: "DispatchFinalSettlement",
  label: "Afsendelse af KAS slutopgørelse",
  params: Schema.Struct({
    uuid: Schema.UUID.annotations({ title: "Slutopgørelse" }),
    title: Title
  }),
  result: StatusResult,
  run: (params, ctx) =>
    Effect.gen(function* () {
      const dispatches = yield* EboksDispatches
      const statement = yield* (yield* FinalStatements).get(params.uuid)
      if (statement.invalid) return yield* Effect.fail(new DomainRuleError({ rule: "dispatch", message: invalid }))
      const item = yield* dispatches.get("final_statement", params.uuid)
      yield* (yield* TaxYears).requirePeriod(item.taxYearId, "dispatchFinalStatement", {
        jobTitle: "Afsendelse af KAS slutopgørelse"
      })
      if (!Dispatch.allowDispatch(item.status)) {
        return yield* Effect.fail(
          new DomainRuleError({ rule: "dispatch", message: "Slutopgørelsen er allerede afsendt" })
        )
      }
      const titled = yield* dispatches.setTitle("final_statement", params.uuid, params.title)
      const after = yield* sendDocument(titled)
      if (after.status === "post_processing") {
        yield* ctx.progress(50)
        const timing = yield* EboksTiming
        const passes = Math.max(
          1,
          Math.floor(Duration.toMillis(timing.singlePollLimit) / Math.max(1, Duration.toMillis(timing.pollDelay)))
        )
        const resolved = yield* pollPostProcessing([after], { passes })
        if (resolved === 0) return { status: "Afventer efterbehandling", message: "Status hentes senere automatisk" }
      }
      const final = yield* (yield* FinalStatements).get(params.uuid)
      return { status: "Afsendt", message: Dispatch.deliveryStatusText(final) }
    }).pipe(
      Effect.catchAll((e) =>
        e instanceof EboksError && e.reason === "Http"
          ? Effect.fail(visible(e.message, { status: e.status, message: e.body ?? "" }))
          : Effect.fail(e instanceof JobFailed ? e : visible(e.message))
      )
    )
})

const invalid = "Slutopgørelsen er markeret som ugyldig"

/** "Opdatering af e-Boks-status" (jobs.md §8.16): polls every final statement and tax slip in post_processing. */
export const PollEboksPostProcessingJob = defineJob({
  key: "PollEboksPostProcessing",
  label: "Opdatering af e-Boks-status",
  params: Schema.Struct({}),
  result: StatusResult,
  run: () =>
    Effect.gen(function* () {
      const items = yield* (yield* EboksDispatches).postProcessing("all")
      const resolved = yield* pollPostProcessing(items, { passes: 1 })
      return { status: "Færdig", message: `Opdaterede ${resolved} af ${items.length}` }
    })
})

/** The hourly e-Boks status update (jobs.md §9: minute 17 of every hour, as `scheduler`). */
export const pollEboksSchedule: Scheduler.ScheduleEntry<never> = {
  name: "eboks-status-hourly",
  cron: "17 * * * *",
  enqueue: Scheduler.scheduledJob(PollEboksPostProcessingJob, () => ({}))
}
