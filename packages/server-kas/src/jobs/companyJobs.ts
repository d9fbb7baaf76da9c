import { CompanyMerge } from "@kas/core"
import { defineJob } from "@kas/jobs"
import { Effect, Schema } from "effect"
import { failVisibly } from "./assessmentJobs.js"

const CompanyId = Schema.Int.pipe(Schema.positive(), Schema.lessThanOrEqualTo(2_147_483_647))

/**
 * "Flet pensionsselskaber" (jobs.md §8.14), started from the company list (staff-web.md §14): `CompanyMerge` moves the
 * policies and summary files of `to_be_merged` to `target`, deletes those companies and recalculates every moved
 * policy, in one transaction; a refusal (no target, self-merge, conflicts) fails the job with `result.error` and
 * changes nothing.
 */
export const MergeCompaniesJob = defineJob({
  key: "MergeCompanies",
  label: "Flet pensionsselskaber",
  params: Schema.Struct({
    target: CompanyId.annotations({ title: "Målselskab" }),
    to_be_merged: Schema.Array(CompanyId).annotations({ title: "Selskaber der flettes ind" })
  }),
  result: Schema.Struct({ status: Schema.String, message: Schema.String }),
  run: (params, ctx) =>
    failVisibly(
      Effect.flatMap(CompanyMerge, (merge) =>
        merge.merge({ target: params.target, toBeMerged: params.to_be_merged }, ctx.createdBy, (p) => ctx.progress(p))
      )
    ).pipe(Effect.map((r) => ({ status: "Færdig", message: r.message })))
})
