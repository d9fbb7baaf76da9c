import { mkdtempSync, writeFileSync } from "node:fs"
import os from "node:os"
import path from "node:path"
import Koa from "koa"
import request from "supertest"
import { Data, Effect, Layer, ManagedRuntime, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { errorPages, errorTable, makeRunner, views } from "@kas/core/web"

// A domain error with a message, one that answers a JSON body, and one that happens to carry a `status` field.
class Missing extends Schema.TaggedError<Missing>()("Missing", { what: Schema.String }) {
  override get message() {
    return `${this.what} findes ikke`
  }
}
class Refused extends Schema.TaggedError<Refused>()("Refused", { reasons: Schema.Array(Schema.String) }) {}
class Unlisted extends Data.TaggedError("Unlisted")<{ readonly status: number; readonly message: string }> {}
class Down extends Data.TaggedError("Down")<Record<never, never>> {}

const dir = mkdtempSync(path.join(os.tmpdir(), "kas-errors-"))
writeFileSync(path.join(dir, "error.ejs"), "error <%= status %>: <%= message %>")
writeFileSync(path.join(dir, "message.ejs"), "message: <%= text %>")

const table = errorTable<Missing | Refused | Down>()({
  Missing: { status: 404, message: (e) => e.message },
  Refused: { status: 400, body: (e) => ({ errors: e.reasons }) },
  Down: { status: 502, page: { view: "message", data: (_, ctx) => ({ text: `nede (${ctx.path})` }) } }
})

const start = () => {
  const logged: Array<string> = []
  const runtime = ManagedRuntime.make(Layer.empty)
  const run = makeRunner(runtime, table, (m) => logged.push(m))
  const app = new Koa()
  app.use(views({ dirs: [dir], cache: false }))
  app.use(errorPages({ apiPrefixes: ["/api/"], log: (m) => logged.push(m) }))
  const routes: Record<string, Effect.Effect<string, unknown>> = {
    "/missing": Effect.fail(new Missing({ what: "Police 7" })),
    "/api/missing": Effect.fail(new Missing({ what: "Police 7" })),
    "/api/refused": Effect.fail(new Refused({ reasons: ["a", "b"] })),
    "/down": Effect.fail(new Down()),
    "/unlisted": Effect.fail(new Unlisted({ status: 409, message: "hemmeligt" })),
    "/defect": Effect.die(new Error("boom")),
    "/ok": Effect.succeed("fint")
  }
  app.use(async (ctx) => {
    const effect = routes[ctx.path]
    if (effect) ctx.body = await run(ctx, effect)
  })
  return { server: app.callback(), logged }
}

describe("errors → HTTP in one table", () => {
  it("answers a tagged failure with the status, message, JSON body or page its table entry gives", async () => {
    const { server, logged } = start()
    expect((await request(server).get("/ok")).text).toBe("fint")
    const page = await request(server).get("/missing").set("Accept", "text/html")
    expect([page.status, page.text]).toEqual([404, "error 404: Police 7 findes ikke"])
    const api = await request(server).get("/api/missing")
    expect([api.status, api.body]).toEqual([404, { detail: "Police 7 findes ikke" }])
    const body = await request(server).get("/api/refused")
    expect([body.status, body.body]).toEqual([400, { errors: ["a", "b"] }])
    expect(logged).toEqual([])
    const down = await request(server).get("/down").set("Accept", "text/html")
    expect([down.status, down.text]).toEqual([502, "message: nede (/down)"])
    expect(logged.join("\n")).toContain("GET /down")
  })

  it("answers 500 exposing nothing, with the cause logged, for failures not in the table and for defects", async () => {
    const { server, logged } = start()
    // A failure that carries a `status` of its own is not trusted with it: only the table decides.
    const unlisted = await request(server).get("/unlisted").set("Accept", "text/html")
    expect([unlisted.status, unlisted.text]).toEqual([500, "error 500: Der opstod en fejl på serveren"])
    const defect = await request(server).get("/defect").set("Accept", "text/html")
    expect([defect.status, defect.text]).toEqual([500, "error 500: Der opstod en fejl på serveren"])
    expect(logged).toHaveLength(2)
    expect(logged[0]).toContain("GET /unlisted")
    expect(logged[0]).toContain("hemmeligt")
    expect(logged[1]).toContain("Error: boom")
  })
})
