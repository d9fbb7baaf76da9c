/**
 * The e-Boks dispatch fields shared by tax slips and final statements (domain.md §2.11) and the delivery-status text
 * staff see ("Afsendelses status", integrations.md §1.4).
 */

/** `status` of a dispatchable document. */
export type DispatchStatus = "created" | "send" | "post_processing" | "failed"
/** `post_processing_status`. */
export type PostProcessingStatus = "" | "pending" | "address resolved" | "address not found" | "remote printed"
/** `recipient_status`. */
export type RecipientStatus = "" | "exempt" | "invalid" | "dead" | "minor"

/** The labels of `status`. */
export const dispatchStatusLabels: Readonly<Record<DispatchStatus, string>> = {
  created: "Genereret",
  send: "Afsendt",
  post_processing: "Afventer efterbehandling",
  failed: "Afsendelse fejlet"
}

/** The labels of `post_processing_status`. */
export const postProcessingLabels: Readonly<Record<PostProcessingStatus, string>> = {
  "": "",
  pending: "Afventer processering",
  "address resolved": "Fundet gyldig postadresse",
  "address not found": "Ingen gyldig postadresse",
  "remote printed": "Overført til fjernprint"
}

/** The labels of `recipient_status`. */
export const recipientStatusLabels: Readonly<Record<RecipientStatus, string>> = {
  "": "Gyldig E-boks modtager",
  exempt: "Fritaget modtager",
  invalid: "Ugyldig E-boks modtager (sendes til efterbehandling)",
  dead: "Afdød",
  minor: "Mindreårig"
}

/** `allow_dispatch`: only a document that is `created` or `failed` may be sent. */
export const allowDispatch = (status: DispatchStatus): boolean => status === "created" || status === "failed"

/** Narrows e-Boks' post-processing answer to the stored values ("" for anything unknown). */
export const postProcessingOf = (value: string | null | undefined): PostProcessingStatus =>
  value === "pending" || value === "address resolved" || value === "address not found" || value === "remote printed"
    ? value
    : ""

/** Narrows e-Boks' recipient status to the stored values ("" = a valid e-Boks user). */
export const recipientStatusOf = (value: string | null | undefined): RecipientStatus =>
  value === "exempt" || value === "invalid" || value === "dead" || value === "minor" ? value : ""

/** The delivery-status text of integrations.md §1.4. */
export const deliveryStatusText = (d: {
  readonly status: DispatchStatus
  readonly recipient_status: RecipientStatus
  readonly post_processing_status: PostProcessingStatus
}): string => {
  switch (d.status) {
    case "created":
      return "Afventer afsendelse"
    case "post_processing":
      return "Afventer efterbehandling"
    case "failed":
      return "Afsendelse fejlet"
    case "send":
      if (d.recipient_status === "") return "E-boks"
      if (d.recipient_status === "dead") return "Ikke afsendt (afdød)"
      if (d.post_processing_status === "address not found") return "Ingen gyldig postadresse"
      if (d.post_processing_status === "address resolved" || d.post_processing_status === "remote printed")
        return "Fjernprint"
      return dispatchStatusLabels.send
  }
}
