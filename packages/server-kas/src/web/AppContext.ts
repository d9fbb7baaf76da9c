import type { Effect } from "effect"
import type { Context } from "koa"
import type { KasConfig } from "@kas/core"
import type { KoaRequest } from "@kas/core/web"
import type { AppRuntime, AppServices } from "../runtime.js"

/** What every route module receives: the settings, the runtime and a runner for route effects. */
export interface AppContext {
  readonly settings: KasConfig.BackOfficeConfig.KasWebSettings
  readonly runtime: AppRuntime
  /** Runs an effect for this request (aborts with the client; typed failures answer as `kasErrors` says). */
  readonly run: <A, E>(ctx: Context, effect: Effect.Effect<A, E, AppServices | KoaRequest>) => Promise<A>
}
