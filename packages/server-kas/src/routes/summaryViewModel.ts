import { Companies, type PensionCompany, SummaryFiles, type SummaryFileRow, TaxYears } from "@kas/core"
import { type JobRecord, JobStore } from "@kas/jobs"
import { Effect } from "effect"
import { GeneratePensionCompanySummaryJob, GenerateTotalPensionCompanySummaryJob } from "../jobs/summaryJobs.js"
import type { Format } from "../web/Format.js"

/** The policy-summary page (staff-web.md §15.1): the year, its generated files and the summary jobs still running. */

/** The keys of the two summary job types (jobs.md §8.8). */
export const summaryJobKeys = [GeneratePensionCompanySummaryJob.key, GenerateTotalPensionCompanySummaryJob.key]

/** The page's path for a year. */
export const summaryPath = (year: number) => `/tax_year/${year}/company-summary/`

/** What the page loads for a year. */
export const loadSummaryPage = (year: number) =>
  Effect.gen(function* () {
    const taxYear = yield* Effect.flatMap(TaxYears, (t) => t.getByYear(year))
    const years = yield* Effect.flatMap(TaxYears, (t) => t.list())
    const companies = yield* Effect.flatMap(Companies, (c) => c.list())
    const files = yield* Effect.flatMap(SummaryFiles, (s) => s.list(taxYear.id))
    const store = yield* JobStore
    const jobs = (yield* Effect.forEach(summaryJobKeys, (key) => store.unfinishedOfType(key, { year })))
      .flat()
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    return { taxYear, years: years.map((y) => y.year), companies, files, jobs }
  })

/** The messages of the page's form. */
export const summaryMessages = {
  company: "Vælg et pensionsselskab",
  unknownCompany: "Pensionsselskabet findes ikke"
} as const

/** The page's view model. */
export const summaryView = (
  data: {
    readonly taxYear: { readonly year: number }
    readonly years: ReadonlyArray<number>
    readonly companies: ReadonlyArray<PensionCompany>
    readonly files: ReadonlyArray<SummaryFileRow>
    readonly jobs: ReadonlyArray<JobRecord>
  },
  fmt: Format,
  canDownload: boolean,
  form: { readonly pension_company: string; readonly error?: string | undefined } = { pension_company: "" }
) => {
  const year = data.taxYear.year
  const companyNames = new Map(data.companies.map((c) => [c.id, c.display]))
  return {
    title: `Policeopsummering ${year}`,
    year,
    years: data.years,
    companies: data.companies.map((c) => ({
      id: c.id,
      label: c.display,
      selected: String(c.id) === form.pension_company
    })),
    error: form.error,
    generateAllHref: `/tax_year/${year}/generate-company-summary/`,
    action: summaryPath(year),
    files: data.files.map((f) => ({
      company: f.kind === "company" ? `${f.companyName ?? ""} (${f.companyRes ?? ""})` : "Alle pensionsselskaber",
      fileName: f.fileName,
      creator: f.creator ?? "",
      created: fmt.dateTime(f.created),
      href:
        f.kind === "company"
          ? `/tax_year/${year}/company-summary/${f.id}/`
          : `/tax_year/${year}/total-company-summary/${f.id}/`
    })),
    canDownload,
    jobs: data.jobs.map((j) => {
      const company = (j.arguments as { pension_company?: unknown } | null)?.pension_company
      return {
        href: `/worker/job/${j.id}/`,
        label:
          j.type === GeneratePensionCompanySummaryJob.key
            ? `${GeneratePensionCompanySummaryJob.label}: ${companyNames.get(Number(company)) ?? company}`
            : GenerateTotalPensionCompanySummaryJob.label,
        createdBy: j.createdBy,
        progress: j.progress
      }
    }),
    reloadHref: summaryPath(year)
  }
}
