import { Effect, ManagedRuntime } from "effect"
import Koa from "koa"
import type http from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, describe, expect, it, vi } from "vitest"
import { CprMask } from "@kas/core"
import { errorPages, makeRunner } from "@kas/core/web"

// Issue 13 item 6: no log line carries a whole CPR number (`010190xxxx` instead).

const CPR = "0101901234"
const MASKED = "010190xxxx"

describe("CPR masking", () => {
  it("masks ten digits standing alone, with or without the dash, and nothing longer", () => {
    expect(CprMask.maskCprs(`/final_settlement/2024/${CPR}/ and 010190-1234, cpr=${CPR}.`)).toBe(
      `/final_settlement/2024/${MASKED}/ and ${MASKED}, cpr=${MASKED}.`
    )
    expect(CprMask.maskCprs("request 123456789012 took 1733580000000 ms")).toBe(
      "request 123456789012 took 1733580000000 ms"
    )
    expect(CprMask.maskCpr(CPR)).toBe(MASKED)
  })

  describe("back-office error messages", () => {
    let server: http.Server | undefined
    afterEach(async () => {
      server?.closeAllConnections()
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
    })

    it("a defect in a route effect and a thrown error are logged with the CPR masked in path and message", async () => {
      const lines: Array<string> = []
      const runtime = ManagedRuntime.make(CprMask.logger)
      const run = makeRunner(runtime, {}, (m) => lines.push(m))
      const app = new Koa()
      app.use(errorPages({ log: (m) => lines.push(m) }))
      app.use(async (ctx) => {
        if (ctx.path.startsWith("/effect/")) await run(ctx, Effect.die(new Error(`no person-year for ${CPR}`)))
        throw new Error(`statement of ${CPR} could not be read`)
      })
      server = app.listen(0, "127.0.0.1")
      await new Promise((r) => server!.once("listening", r))
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      expect((await fetch(`${base}/effect/${CPR}/`)).status).toBe(500)
      expect((await fetch(`${base}/thrown/${CPR}/`)).status).toBe(500)
      const text = lines.join("\n")
      expect(text).toContain(`/effect/${MASKED}/`)
      expect(text).toContain(`no person-year for ${MASKED}`)
      expect(text).toContain(`statement of ${MASKED} could not be read`)
      expect(text).not.toContain(CPR)
      await runtime.dispose()
    })
  })

  it("Effect's logger in every process layer masks CPRs in messages and causes", async () => {
    const spy = vi.spyOn(console, "log").mockImplementation(() => undefined)
    try {
      await Effect.runPromise(
        Effect.logError(`e-Boks refused ${CPR}`, new Error(`recipient ${CPR}`)).pipe(Effect.provide(CprMask.logger))
      )
      const text = spy.mock.calls.map((c) => String(c[0])).join("\n")
      expect(text).toContain(`e-Boks refused ${MASKED}`)
      expect(text).not.toContain(CPR)
    } finally {
      spy.mockRestore()
    }
  })
})
