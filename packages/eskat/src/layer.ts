import type { SqlClient } from "@effect/sql"
import type { KasConfig } from "@kas/core"
import type { Layer } from "effect"
import type { EskatError } from "./EskatError.js"
import { layerLive } from "./EskatLive.js"
import { layerMock } from "./EskatMock.js"
import type { EskatSource } from "./EskatSource.js"

/** The source chosen by `ESKAT_SOURCE` (default by `ENVIRONMENT`, configuration.md §3): mock tables or live Oracle. */
export const layer = (
  settings: KasConfig.BackOfficeConfig.EskatSettings
): Layer.Layer<EskatSource, EskatError, SqlClient.SqlClient> =>
  settings.source === "live" ? layerLive(settings) : layerMock
