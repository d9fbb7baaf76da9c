/** Greenland's municipalities, towns with their postcodes, streets and names, for generated persons. */

/** A municipality: code and name as the census has them. */
export interface Municipality {
  readonly code: number
  readonly name: string
}

const KUJALLEQ = { code: 955, name: "Kujalleq" }
const SERMERSOOQ = { code: 956, name: "Sermersooq" }
const QEQQATA = { code: 957, name: "Qeqqata" }
const QEQERTALIK = { code: 959, name: "Qeqertalik" }
const AVANNAATA = { code: 960, name: "Avannaata" }

/** Towns with postcode and municipality, weighted roughly by population. */
export const towns: ReadonlyArray<readonly [{ postcode: string; town: string; municipality: Municipality }, number]> = [
  [{ postcode: "3900", town: "Nuuk", municipality: SERMERSOOQ }, 35],
  [{ postcode: "3911", town: "Sisimiut", municipality: QEQQATA }, 10],
  [{ postcode: "3952", town: "Ilulissat", municipality: AVANNAATA }, 9],
  [{ postcode: "3920", town: "Qaqortoq", municipality: KUJALLEQ }, 6],
  [{ postcode: "3950", town: "Aasiaat", municipality: QEQERTALIK }, 6],
  [{ postcode: "3912", town: "Maniitsoq", municipality: QEQQATA }, 5],
  [{ postcode: "3913", town: "Tasiilaq", municipality: SERMERSOOQ }, 4],
  [{ postcode: "3940", town: "Paamiut", municipality: SERMERSOOQ }, 3],
  [{ postcode: "3921", town: "Narsaq", municipality: KUJALLEQ }, 3],
  [{ postcode: "3922", town: "Nanortalik", municipality: KUJALLEQ }, 2],
  [{ postcode: "3961", town: "Uummannaq", municipality: AVANNAATA }, 3],
  [{ postcode: "3962", town: "Upernavik", municipality: AVANNAATA }, 2],
  [{ postcode: "3971", town: "Qaanaaq", municipality: AVANNAATA }, 1],
  [{ postcode: "3951", town: "Qasigiannguit", municipality: QEQERTALIK }, 2],
  [{ postcode: "3953", town: "Qeqertarsuaq", municipality: QEQERTALIK }, 1],
  [{ postcode: "3955", town: "Kangaatsiaq", municipality: QEQERTALIK }, 1],
  [{ postcode: "3980", town: "Ittoqqortoormiit", municipality: SERMERSOOQ }, 1]
]

/** Street names. */
export const streets: ReadonlyArray<string> = [
  "Aqqusinersuaq",
  "Imaneq",
  "Issortarfimmut",
  "Qullilerfik",
  "Tuapannguit",
  "Mut aqqut",
  "Nuussuaq",
  "Qaqqami",
  "Kuussuaq",
  "Aadap Aqqutaa",
  "Sipisaq Avannarleq",
  "Jaaku Aqqutaa",
  "Tikaagullik",
  "Akunnernut",
  "Paarnaqutit"
]

/** Given names. */
export const firstNames: ReadonlyArray<string> = [
  "Aviaja",
  "Nivi",
  "Inuk",
  "Malik",
  "Pipaluk",
  "Kunuk",
  "Hans",
  "Ane",
  "Niels",
  "Karen",
  "Aputsiaq",
  "Naja",
  "Ivalo",
  "Minik",
  "Paninnguaq",
  "Aqqaluk",
  "Nuka",
  "Arnaq",
  "Kaali",
  "Maliina",
  "Jens",
  "Sofie",
  "Peter",
  "Else"
]

/** Family names. */
export const lastNames: ReadonlyArray<string> = [
  "Kleist",
  "Lynge",
  "Olsen",
  "Petersen",
  "Kristiansen",
  "Motzfeldt",
  "Berthelsen",
  "Heilmann",
  "Egede",
  "Rosing",
  "Kreutzmann",
  "Jeremiassen",
  "Lennert",
  "Frederiksen",
  "Josefsen",
  "Poulsen",
  "Mathæussen",
  "Larsen"
]
