import { FinalStatements, StatementCandidates, TaxSlips, TaxYears } from "@kas/core"
import { defineJob, JobFailed, type JobRecord } from "@kas/jobs"
import { Context, Effect, Schema } from "effect"
import { renderFinalStatement } from "../documents/FinalStatementPdf.js"
import { renderTaxSlip } from "../documents/TaxSlipPdf.js"

const YearPk = Schema.Int.pipe(Schema.positive()).annotations({ title: "Skatteår" })
const Title = Schema.String.pipe(
  Schema.minLength(1, { message: () => "Dette felt er påkrævet." }),
  Schema.maxLength(255)
).annotations({ title: "Titel", description: "Bruges som titel i e-Boks" })

/** The result of the status-kind jobs. */
const StatusResult = Schema.Struct({ status: Schema.String, message: Schema.String })

/** The worker's settings the document jobs read: the indifference limit and the time zone. */
export class DocumentSettings extends Context.Reference<DocumentSettings>()("@kas/server-kas/DocumentSettings", {
  defaultValue: () => ({ indifferenceLimit: 100, timeZone: "America/Nuuk" })
}) {}

/** A refused precondition fails the job with its message also in `result.error` (jobs.md §3.4, §7). */
const failVisibly = <A, R>(effect: Effect.Effect<A, { readonly message: string } | JobFailed, R>) =>
  effect.pipe(
    Effect.catchAll((e) =>
      e instanceof JobFailed
        ? Effect.fail(e)
        : Effect.fail(new JobFailed({ message: e.message, result: { error: e.message } }))
    )
  )

/** How many person-years one child job of the bulk generation handles (decision: several workers share the run). */
export class StatementChunkSize extends Context.Reference<StatementChunkSize>()("@kas/server-kas/StatementChunkSize", {
  defaultValue: () => 500
}) {}

const generateLabel = "Generering af KAS slutopgørelser for et givet år"

/** Generates the statements of some person-years, one transaction each; returns how many were created. */
const generateSome = (ids: ReadonlyArray<number>, progress: (done: number, total: number) => Effect.Effect<void>) =>
  Effect.gen(function* () {
    const statements = yield* FinalStatements
    const settings = yield* DocumentSettings
    let created = 0
    for (const [i, id] of ids.entries()) {
      const statement = yield* statements.generateBulk(id, {
        pdf: renderFinalStatement,
        indifferenceLimit: settings.indifferenceLimit,
        timeZone: settings.timeZone
      })
      if (statement !== null) created++
      yield* progress(i + 1, ids.length)
    }
    return created
  })

/** One part of "Generering af KAS slutopgørelser" (a child job; not in the dropdown). */
export const GenerateFinalSettlementsPart = defineJob({
  key: "GenerateFinalSettlementsPart",
  label: "Generering af KAS slutopgørelser (del)",
  params: Schema.Struct({ year_pk: YearPk, person_tax_year_ids: Schema.Array(Schema.Int) }),
  result: StatusResult,
  run: (params, ctx) =>
    failVisibly(
      generateSome(params.person_tax_year_ids, (done, total) => ctx.progress(done, total)).pipe(
        Effect.map((n) => ({ status: "Genererede slutopgørelser", message: String(n) }))
      )
    )
})

/** The statements the finished parts created (each part's result message is its count). */
const createdByParts = (parts: ReadonlyArray<JobRecord>) =>
  parts.reduce((sum, j) => sum + Number((j.result as { message?: string } | null)?.message ?? 0), 0)

/**
 * "Generering af KAS slutopgørelser for et givet år" (jobs.md §8.7): only in ligning; a BULK statement with its PDF
 * for every candidate person-year, one transaction each, no Prisme transaction. More than one chunk of candidates is
 * split into child jobs, so that several workers share the run; the parent hands its slot back while they run
 * (`resumeAfter`: a worker with one slot would otherwise wait for children it can never run) and its second run
 * counts every statement created. A failed part fails the parent with the part's error.
 */
export const GenerateFinalSettlementsJob = defineJob({
  key: "GenerateFinalSettlements",
  label: generateLabel,
  params: Schema.Struct({ year_pk: YearPk }),
  result: StatusResult,
  run: (params, ctx) =>
    failVisibly(
      Effect.gen(function* () {
        // The second run, after every part finished.
        const parts = yield* ctx.children()
        if (parts.length > 0) return { status: "Genererede slutopgørelser", message: String(createdByParts(parts)) }
        yield* (yield* TaxYears).requirePeriod(params.year_pk, "generateFinalSettlements", { jobTitle: generateLabel })
        const ids = yield* (yield* StatementCandidates).ofYear(params.year_pk)
        const chunk = yield* StatementChunkSize
        if (ids.length <= chunk) {
          const created = yield* generateSome(ids, (done, total) => ctx.progress(done, total))
          return { status: "Genererede slutopgørelser", message: String(created) }
        }
        const children: Array<string> = []
        for (let i = 0; i < ids.length; i += chunk) {
          children.push(
            yield* ctx.spawnChild(GenerateFinalSettlementsPart, {
              year_pk: params.year_pk,
              person_tax_year_ids: ids.slice(i, i + chunk)
            })
          )
        }
        yield* ctx.progress(0, ids.length)
        return yield* ctx.resumeAfter(children)
      })
    )
})

/**
 * "Generering af KAS selvangivelser for et givet år" (jobs.md §8.6): a new tax slip with `title` for every
 * person-year that is fully tax liable with days > 0, one transaction each; any period.
 */
export const GenerateReportsForYearJob = defineJob({
  key: "GenerateReportsForYear",
  label: "Generering af KAS selvangivelser for et givet år",
  params: Schema.Struct({ year_pk: YearPk, title: Title }),
  result: StatusResult,
  run: (params, ctx) =>
    failVisibly(
      Effect.gen(function* () {
        const slips = yield* TaxSlips
        yield* (yield* TaxYears).get(params.year_pk)
        const ids = yield* slips.recipients(params.year_pk)
        for (const [i, id] of ids.entries()) {
          yield* slips.generate(id, params.title, renderTaxSlip, ctx.createdBy)
          yield* ctx.progress(i + 1, ids.length)
        }
        return { status: "Genererede selvangivelser", message: String(ids.length) }
      })
    )
})
