import ExcelJS from "exceljs"
import { Cause, Effect, Fiber, Stream } from "effect"
import type { Context } from "koa"
import { contentDisposition } from "@kas/core/web"
import { PassThrough } from "node:stream"
import type { AppServices } from "../runtime.js"
import type { AppContext } from "./AppContext.js"

/** A cell of an exported row. */
export type XlsxCell = string | number | null

/** An export: the file name, the sheet, the visible column headers and the rows in order. */
export interface XlsxExport<E> {
  readonly filename: string
  readonly sheet: string
  readonly headers: ReadonlyArray<string>
  readonly rows: Stream.Stream<ReadonlyArray<XlsxCell>, E, AppServices>
}

const HIGH_WATER = 1 << 20

/**
 * Sends an XLSX file ("Excel" buttons, staff-web.md §1) streamed as it is written: the rows are read from their
 * stream (a database cursor) and written row by row with exceljs's streaming writer, waiting while the client is
 * behind, so that a whole year exports in constant memory. A client that goes away interrupts the export.
 */
export const sendXlsx = <E>(app: AppContext, ctx: Context, xlsx: XlsxExport<E>): void => {
  const out = new PassThrough()
  ctx.status = 200
  ctx.type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
  ctx.set("Content-Disposition", contentDisposition("attachment", xlsx.filename))
  ctx.set("Cache-Control", "no-store")
  ctx.body = out

  const drained = Effect.async<void>((resume) => {
    if (out.writableLength < HIGH_WATER || out.destroyed) return resume(Effect.void)
    const done = () => {
      out.off("drain", done)
      out.off("close", done)
      resume(Effect.void)
    }
    out.on("drain", done)
    out.on("close", done)
  })

  const write = Effect.gen(function* () {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false })
    const sheet = workbook.addWorksheet(xlsx.sheet)
    sheet.addRow([...xlsx.headers]).commit()
    yield* Stream.runForEach(Stream.rechunk(xlsx.rows, 500), (row) =>
      Effect.zipRight(
        Effect.sync(() => sheet.addRow([...row]).commit()),
        drained
      )
    )
    sheet.commit()
    yield* Effect.promise(() => workbook.commit())
  })

  const fiber = app.runtime.runFork(
    write.pipe(
      Effect.catchAllCause((cause) =>
        Effect.sync(() => {
          if (!Cause.isInterruptedOnly(cause)) process.stderr.write(`XLSX ${xlsx.filename}: ${Cause.pretty(cause)}\n`)
          out.destroy(new Error("export failed"))
        })
      )
    )
  )
  out.once("close", () => {
    if (!out.writableFinished) app.runtime.runFork(Fiber.interrupt(fiber))
  })
}
