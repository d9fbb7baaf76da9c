/**
 * A span profiler for the bench worker: wraps Effect's native tracer and sums the wall time of every span by name
 * (SQL statements by the start of their text), so that the benchmark can say where an import spends its time.
 * Inclusive times: a span's time contains its children's, and concurrent spans each count their own wall time.
 */
import { Effect, Layer, Tracer } from "effect"

interface Entry {
  count: number
  nanos: bigint
}

const totals = new Map<string, Entry>()

const keyOf = (name: string, attributes: ReadonlyMap<string, unknown>) => {
  const text = attributes.get("db.query.text")
  if (name !== "sql.execute" || typeof text !== "string") return name
  return `sql: ${text.replace(/\s+/g, " ").trim().slice(0, 90)}`
}

/** Replaces the tracer with one that records span durations (and still behaves as the native one). */
export const layerProfiler = Layer.unwrapEffect(
  Effect.map(Effect.tracer, (native) =>
    Layer.setTracer(
      Tracer.make({
        span: (name, parent, context, links, startTime, kind, options) => {
          const span = native.span(name, parent, context, links, startTime, kind, options)
          const end = span.end.bind(span)
          span.end = (endTime, exit) => {
            end(endTime, exit)
            const key = keyOf(name, span.attributes)
            const e = totals.get(key) ?? { count: 0, nanos: 0n }
            e.count += 1
            e.nanos += endTime - startTime
            totals.set(key, e)
          }
          return span
        },
        context: (f, fiber) => native.context(f, fiber)
      })
    )
  )
)

/** The recorded spans, longest first, as printable lines; `limit` lines at most. Resets the totals. */
export const report = (limit = 40): ReadonlyArray<string> => {
  const lines = [...totals.entries()]
    .sort((a, b) => (a[1].nanos < b[1].nanos ? 1 : -1))
    .slice(0, limit)
    .map(([k, e]) => `${(Number(e.nanos) / 1e9).toFixed(2).padStart(8)} s ${String(e.count).padStart(6)}×  ${k}`)
  totals.clear()
  return lines
}
