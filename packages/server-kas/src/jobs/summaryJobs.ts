import ExcelJS from "exceljs"
import { Companies, PolicySummary, SummaryFiles, TaxYears } from "@kas/core"
import { defineJob } from "@kas/jobs"
import { Chunk, Effect, Schema, Stream } from "effect"
import { PassThrough } from "node:stream"
import { failVisibly } from "./assessmentJobs.js"

const Year = Schema.Int.pipe(Schema.between(2000, 2100)).annotations({ title: "Skatteår" })
const CompanyId = Schema.Int.pipe(Schema.positive(), Schema.lessThanOrEqualTo(2_147_483_647)).annotations({
  title: "Pensionsselskab"
})

/** The result of the summary jobs (summary kind `summary`, jobs.md §7). */
const SummaryResult = Schema.Struct({
  summary: Schema.Array(
    Schema.Struct({
      label: Schema.String,
      value: Schema.Array(Schema.Struct({ label: Schema.String, value: Schema.Union(Schema.String, Schema.Number) }))
    })
  )
})

/** The tax years, newest first, as the start form's `year` select offers them. */
export const summaryYearChoices = Effect.map(
  Effect.flatMap(TaxYears, (t) => t.list()),
  (years) => ({ year: years.map((y) => ({ value: String(y.year), label: String(y.year) })) })
)

/** The companies (by name) and the tax years, as the start form's selects offer them. */
export const summaryFieldChoices = Effect.gen(function* () {
  const companies = yield* Effect.flatMap(Companies, (c) => c.list())
  const years = yield* summaryYearChoices
  return { ...years, pension_company: companies.map((c) => ({ value: String(c.id), label: c.display })) }
})

/** Bytes in a chunk of the CSV before it is encoded (the file is kept as encoded chunks, never as rows). */
const CSV_CHUNK = 64 * 1024

/**
 * The bytes of a company's CSV (staff-web.md §15.2): the header, then one line per policy read from the stream; the
 * lines are encoded in chunks as they come, so memory holds the file's bytes but never the rows.
 */
export const companyCsv = <E, R>(
  companyName: string,
  policies: Stream.Stream<PolicySummary.CompanySummaryPolicy, E, R>
): Effect.Effect<Uint8Array, E, R> =>
  Effect.gen(function* () {
    const chunks: Array<Buffer> = []
    let pending = PolicySummary.csvLine(PolicySummary.companyCsvHeader(companyName))
    yield* Stream.runForEachChunk(policies, (rows) =>
      Effect.sync(() => {
        for (const row of Chunk.toReadonlyArray(rows)) {
          pending += PolicySummary.csvLine(PolicySummary.companyCsvRow(row))
          if (pending.length >= CSV_CHUNK) {
            chunks.push(Buffer.from(pending, "utf8"))
            pending = ""
          }
        }
      })
    )
    chunks.push(Buffer.from(pending, "utf8"))
    return new Uint8Array(Buffer.concat(chunks))
  })

/** The bytes of the all-company XLSX (staff-web.md §15.3), written row by row with exceljs's streaming writer. */
export const totalXlsx = <E, R>(
  year: number,
  companies: Stream.Stream<PolicySummary.TotalSummaryCompany, E, R>
): Effect.Effect<Uint8Array, E, R> =>
  Effect.gen(function* () {
    const out = new PassThrough()
    const chunks: Array<Buffer> = []
    out.on("data", (c: Buffer) => chunks.push(c))
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false })
    const sheet = workbook.addWorksheet(`Årssummation ${year}`)
    sheet.addRow([...PolicySummary.totalXlsxHeader]).commit()
    yield* Stream.runForEach(companies, (c) =>
      Effect.sync(() => sheet.addRow([...PolicySummary.totalXlsxRow(c)]).commit())
    )
    sheet.commit()
    yield* Effect.promise(() => workbook.commit())
    return new Uint8Array(Buffer.concat(chunks))
  })

/**
 * "Generering af årssummationsfil for et pensionsselskab" (jobs.md §8.8): the company's CSV of the year, stored as a
 * CompanySummaryFile created by the job's creator.
 */
export const GeneratePensionCompanySummaryJob = defineJob({
  key: "GeneratePensionCompanySummary",
  label: "Generering af årssummationsfil for et pensionsselskab",
  params: Schema.Struct({ pension_company: CompanyId, year: Year }),
  result: SummaryResult,
  run: (params, ctx) =>
    failVisibly(
      Effect.gen(function* () {
        const company = yield* Effect.flatMap(Companies, (c) => c.get(params.pension_company))
        const taxYear = yield* Effect.flatMap(TaxYears, (t) => t.getByYear(params.year))
        const files = yield* SummaryFiles
        const name = company.name ?? ""
        const content = yield* companyCsv(name, files.companyPolicies(company.id, taxYear.id))
        yield* ctx.progress(50)
        yield* files.saveCompanyFile(company.id, {
          taxYearId: taxYear.id,
          year: taxYear.year,
          creator: ctx.createdBy,
          fileName: PolicySummary.companyFileName(taxYear.year, company.res, company.id),
          content
        })
        return {
          summary: [
            {
              label: "Årssummationsfil genereret",
              value: [
                { label: "Pensionsselskab", value: name },
                { label: "Årstal", value: taxYear.year }
              ]
            }
          ]
        }
      })
    )
})

/**
 * "Generering af årssummationsfil for alle pensionsselskaber" (jobs.md §8.8): the all-company XLSX of the year, stored
 * as a TotalSummaryFile created by the job's creator.
 */
export const GenerateTotalPensionCompanySummaryJob = defineJob({
  key: "GenerateTotalPensionCompanySummary",
  label: "Generering af årssummationsfil for alle pensionsselskaber",
  params: Schema.Struct({ year: Year }),
  result: SummaryResult,
  run: (params, ctx) =>
    failVisibly(
      Effect.gen(function* () {
        const taxYear = yield* Effect.flatMap(TaxYears, (t) => t.getByYear(params.year))
        const files = yield* SummaryFiles
        const content = yield* totalXlsx(taxYear.year, files.totals(taxYear.id))
        yield* ctx.progress(50)
        yield* files.saveTotalFile({
          taxYearId: taxYear.id,
          year: taxYear.year,
          creator: ctx.createdBy,
          fileName: PolicySummary.totalFileName(taxYear.year),
          content
        })
        return {
          summary: [
            {
              label: "Årssummationsfil for alle pensionsselskaber genereret",
              value: [{ label: "Årstal", value: taxYear.year }]
            }
          ]
        }
      })
    )
})
