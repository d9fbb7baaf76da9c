import { Layer } from "effect"
import { CitizenData, CitizenOverview, FileStore, RepresentationTokens, SelfAssessmentSubmission } from "@kas/core"

/** The services of the REST API and representation, for the kas web runtime. */
export const restServices = Layer.mergeAll(
  CitizenData.Default,
  CitizenOverview.layer,
  SelfAssessmentSubmission.Default,
  RepresentationTokens.Default,
  FileStore.layerPostgres
)
