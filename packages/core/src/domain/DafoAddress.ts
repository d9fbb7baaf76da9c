/**
 * Datafordeler answers and their effects on persons (integrations.md §4.3), as pure rules: the cached address, the
 * status, and the "better address" rule that decides whether the person's address is overwritten.
 */

/** One person in a Datafordeler answer (every field may be missing; the mock answers only `cprNummer`). */
export interface DafoAnswer {
  readonly cprNummer?: string | null | undefined
  readonly fornavn?: string | null | undefined
  readonly efternavn?: string | null | undefined
  readonly adresse?: string | null | undefined
  readonly postnummer?: string | number | null | undefined
  readonly bynavn?: string | null | undefined
  readonly co?: string | null | undefined
  readonly landekode?: string | null | undefined
  readonly civilstand?: string | null | undefined
}

/** The DafoAddress row of an answer (§4.3 step 1). */
export interface DafoAddressRow {
  readonly name: string
  readonly address: string
  readonly postal_area: string
  readonly co: string
  readonly full_address: string
}

const text = (v: string | number | null | undefined) => (v === null || v === undefined ? "" : String(v).trim())

/** Step 1: name = first and last name (empty parts skipped), postal area = "{postnummer} {bynavn}" when both exist. */
export const addressOf = (a: DafoAnswer): DafoAddressRow => {
  const name = [text(a.fornavn), text(a.efternavn)].filter((s) => s !== "").join(" ")
  const address = text(a.adresse)
  const postal_area =
    text(a.postnummer) !== "" && text(a.bynavn) !== "" ? `${text(a.postnummer)} ${text(a.bynavn)}` : ""
  return {
    name,
    address,
    postal_area,
    co: text(a.co),
    full_address: [address, postal_area].filter((s) => s !== "").join("\n")
  }
}

/** Step 2: Dead when `civilstand` is "D", else Alive. */
export const statusOf = (a: DafoAnswer): "Dead" | "Alive" => (text(a.civilstand) === "D" ? "Dead" : "Alive")

/** The address as compared (decision): without `(`, `)`, `_`, `-` and `,`. */
export const normalise = (s: string) => s.replace(/[()_\-,]/g, "")

/** What the rule compares of a person. */
export interface PersonAddress {
  readonly name: string | null
  readonly address_line_2: string | null
  readonly address_line_4: string | null
}

/**
 * Step 3, the "better address" rule: name, address and postal area all non-empty, and the name, the address
 * (normalised; or the person's line 2 empty) or the postal area (or the person's line 4 empty) differs.
 */
export const isBetter = (dafo: DafoAddressRow, person: PersonAddress): boolean => {
  if (dafo.name === "" || dafo.address === "" || dafo.postal_area === "") return false
  const line2 = person.address_line_2 ?? ""
  const line4 = person.address_line_4 ?? ""
  return (
    dafo.name !== (person.name ?? "") ||
    line2 === "" ||
    normalise(dafo.address) !== normalise(line2) ||
    line4 === "" ||
    dafo.postal_area !== line4
  )
}

/** Step 4: the person's new name and address lines when the Datafordeler address is better. */
export const overwriteOf = (dafo: DafoAddressRow, a: DafoAnswer) => {
  const country = text(a.landekode)
  return {
    name: dafo.name,
    address_line_1: dafo.co,
    address_line_2: dafo.address,
    address_line_4: dafo.postal_area,
    address_line_5: country,
    full_address: [dafo.address, dafo.co, dafo.postal_area, country].filter((s) => s !== "").join(",")
  }
}
