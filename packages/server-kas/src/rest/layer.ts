import { Layer } from "effect"
import { CitizenData, CitizenOverview, FileStore } from "@kas/core"
import { RepresentationTokens } from "./RepresentationTokens.js"
import { SelfAssessment } from "./SelfAssessment.js"

/** The services of the REST API and representation, for the kas web runtime. */
export const restServices = Layer.mergeAll(CitizenData.Default, CitizenOverview.layer, SelfAssessment.Default, RepresentationTokens.Default, FileStore.layerPostgres)
