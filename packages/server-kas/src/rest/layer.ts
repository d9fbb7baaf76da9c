import { Layer } from "effect"
import { FileStore } from "@kas/core"
import { CitizenData } from "./CitizenData.js"
import { CitizenOverview } from "./CitizenOverview.js"
import { RepresentationTokens } from "./RepresentationTokens.js"
import { SelfAssessment } from "./SelfAssessment.js"

/** The services of the REST API and representation, for the kas web runtime. */
export const restServices = Layer.mergeAll(CitizenData.Default, CitizenOverview.layer, SelfAssessment.Default, RepresentationTokens.Default, FileStore.layerPostgres)
