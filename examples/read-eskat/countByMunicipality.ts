import { EskatSource } from "@kas/eskat"
import { Effect, Stream } from "effect"

/** Census rows of `year` per municipality ("kommune_no kommune"), plus the rows that did not decode. */
export const countByMunicipality = (year: number) =>
  Effect.gen(function* () {
    const eskat = yield* EskatSource
    // One page at a time: memory stays flat however many rows the year has.
    return yield* eskat.census({ year }).pipe(
      Stream.runFold({ counts: new Map<string, number>(), invalid: 0 }, (acc, page) => {
        for (const row of page.rows) {
          const key = row.kommune_no === null ? "(ukendt)" : `${row.kommune_no} ${row.kommune ?? ""}`.trim()
          acc.counts.set(key, (acc.counts.get(key) ?? 0) + 1)
        }
        acc.invalid += page.invalid.length
        return acc
      })
    )
  })
