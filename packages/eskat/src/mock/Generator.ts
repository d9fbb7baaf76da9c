import { firstNames, lastNames, streets, towns } from "./Places.js"
import { DaysInYear } from "@kas/core"
import { Random, uuidv5 } from "./Random.js"
import { DEFAULT_RES, PENSION_DANMARK, PFA, scenarios, type MockPerson, type PolicyYear } from "./Scenarios.js"

/** Parameters of one generation (eskat.md §6.3). */
export interface GeneratorOptions {
  /** Bulk persons besides the scenario persons (default 0). */
  readonly persons: number
  readonly seed: number
  readonly fromYear: number
  readonly toYear: number
}

/** A `kas_mandtal` mock row (ASCII column names). */
export interface MockCensusRow {
  readonly pt_census_guid: string
  readonly cpr: string
  readonly bank_reg_nr: null
  readonly bank_konto_nr: null
  readonly kommune_no: number
  readonly kommune: string
  readonly skatteaar: number
  readonly navn: string
  readonly adresselinje1: string | null
  readonly adresselinje2: string | null
  readonly adresselinje3: string | null
  readonly adresselinje4: string | null
  readonly adresselinje5: string | null
  readonly fuld_adresse: string
  readonly cpr_dashed: string
  readonly skatteomfang: string
  readonly skattedage: number
}

/** A `r75_idx_4500230` mock row (ASCII column names). */
export interface MockR75Row {
  readonly r75_ctl_sekvens_guid: string
  readonly pt_census_guid: string
  readonly tax_year: number
  readonly cpr: string
  readonly r75_ctl_indeks_guid: string
  readonly idx_nr: number
  readonly res: string
  readonly ktd: string
  readonly ktt: string
  readonly kontotype: string
  readonly ibn: null
  readonly esk: string
  readonly ejerstatuskode: string
  readonly indestaaende: string
  readonly renteindtaegt: string | null
  readonly r75_dato: string
}

/** The rows of one person. */
export interface PersonRows {
  readonly census: ReadonlyArray<MockCensusRow>
  readonly r75: ReadonlyArray<MockR75Row>
}

/** The pool of about 20 company `res` numbers for bulk persons; PFA and PensionDanmark have agreements. */
export const companyPool: ReadonlyArray<string> = [
  DEFAULT_RES,
  PFA,
  PENSION_DANMARK,
  "24260666",
  "12345678",
  "31421019",
  "26223725",
  "15315829",
  "33251511",
  "19877810",
  "41928719",
  "25652053",
  "17538210",
  "36713305",
  "28492883",
  "10379814",
  "20738118",
  "35210451",
  "42110987",
  "13409562"
]
/** The `res` numbers whose company has `agreement_present` (eskat.md §6.1). */
export const agreementCompanies: ReadonlyArray<string> = [PFA, PENSION_DANMARK]

const censusGuid = (cpr: string, year: number) => uuidv5(`https://test.kas.aka.nanoq.gl/mockupdata/cpr/${cpr}/${year}`)
const r75Name = (kind: "index" | "sekvens", cpr: string, year: number, p: PolicyYear) =>
  `https://test.aka.nanoq.gl/mockupdata/r75/${kind}/${cpr}/${year}/${p.res}/${p.ktd}`

/** The census and R75 rows of one person within [fromYear, toYear] (eskat.md §6.1). */
export const rowsOf = (person: MockPerson, fromYear: number, toYear: number): PersonRows => {
  const census: Array<MockCensusRow> = []
  const r75: Array<MockR75Row> = []
  const lines = person.addressLines ?? [null, "Mut aqqut 1", null, "3900 Nuuk", null]
  const municipality = person.municipality ?? { code: 956, name: "Sermersooq" }
  for (const y of person.years) {
    if (y.year < fromYear || y.year > toYear) continue
    const guid = censusGuid(person.cpr, y.year)
    census.push({
      pt_census_guid: guid,
      cpr: person.cpr,
      bank_reg_nr: null,
      bank_konto_nr: null,
      kommune_no: municipality.code,
      kommune: municipality.name,
      skatteaar: y.year,
      navn: person.name,
      adresselinje1: lines[0],
      adresselinje2: lines[1],
      adresselinje3: lines[2],
      adresselinje4: lines[3],
      adresselinje5: lines[4],
      fuld_adresse: lines.filter((l): l is string => l !== null && l !== "").join(", "),
      cpr_dashed: `${person.cpr.slice(0, 6)}-${person.cpr.slice(6)}`,
      skatteomfang: y.scope ?? "fuld skattepligtig",
      skattedage: y.days ?? DaysInYear.daysInYear(y.year)
    })
    for (const p of y.policies) {
      p.lines.forEach((line, i) => {
        const sekvens = r75Name("sekvens", person.cpr, y.year, p) + (p.lines.length > 1 ? `/${i + 1}` : "")
        r75.push({
          r75_ctl_sekvens_guid: uuidv5(sekvens),
          pt_census_guid: guid,
          tax_year: y.year,
          cpr: person.cpr,
          r75_ctl_indeks_guid: uuidv5(r75Name("index", person.cpr, y.year, p)),
          idx_nr: 4500230,
          res: p.res,
          ktd: p.ktd,
          ktt: "KTT",
          kontotype: "22",
          ibn: null,
          esk: "ESK",
          ejerstatuskode: "1",
          indestaaende: "0",
          renteindtaegt: line.amount === null ? null : String(line.amount),
          r75_dato: line.date ?? `${y.year}0116`
        })
      })
    }
  }
  return { census, r75 }
}

/** The CPR of bulk person `i`: a valid date DDMMYY and a sequence 4000–8999, never a scenario CPR. */
export const bulkCpr = (i: number): string => {
  const day = 1 + (i % 28)
  const month = 1 + (Math.floor(i / 28) % 12)
  const yy = Math.floor(i / 336) % 100
  const seq = 4000 + Math.floor(i / 33_600)
  const two = (n: number) => String(n).padStart(2, "0")
  return `${two(day)}${two(month)}${two(yy)}${seq}`
}

type Kind = "noLoss" | "lossCovering" | "lossNotCovering" | "mixed" | "negativeRecent"

/** Bulk person `i`, drawn from `random` (eskat.md §6.3). `nextKtd` numbers the policies. */
export const bulkPerson = (i: number, random: Random, o: GeneratorOptions, nextKtd: () => string): MockPerson => {
  const town = random.weighted(towns)
  const street = `${random.pick(streets)} ${random.int(1, 60)}`
  const name = `${random.pick(firstNames)} ${random.pick(lastNames)}`
  const kind = random.weighted<Kind>([
    ["noLoss", 45],
    ["lossCovering", 25],
    ["lossNotCovering", 10],
    ["mixed", 12],
    ["negativeRecent", 8]
  ])
  const policies = Array.from({ length: random.int(1, 3) }, () => ({ res: random.pick(companyPool), ktd: nextKtd() }))
  const years = []
  for (let year = o.fromYear, n = 0; year <= o.toYear; year++, n++) {
    const partial = random.next() < 0.1
    const notLiable = random.next() < 0.02
    const amount = (): number => {
      switch (kind) {
        case "noLoss":
          return random.int(0, 200_000)
        case "lossCovering":
          return n === 0 ? random.int(-50_000, -20_000) : random.int(1000, 30_000)
        case "lossNotCovering":
          return n === 0 ? random.int(-5000, -1000) : random.int(5000, 200_000)
        case "negativeRecent":
          return year >= o.toYear - 2 ? random.int(-50_000, -1) : random.int(0, 100_000)
        case "mixed":
          return random.int(-50_000, 200_000)
      }
    }
    years.push({
      year,
      days: partial ? random.int(1, DaysInYear.daysInYear(year) - 1) : DaysInYear.daysInYear(year),
      scope: notLiable ? "ikke fuld skattepligtig" : "fuld skattepligtig",
      policies: policies.map((p) => ({ ...p, lines: [{ amount: amount() }] }))
    })
  }
  return {
    cpr: bulkCpr(i),
    name,
    municipality: town.municipality,
    addressLines: [null, street, null, `${town.postcode} ${town.town}`, null],
    years
  }
}

/** Every person's rows, scenario persons first, generated lazily so memory does not grow with `persons`. */
export function* generate(o: GeneratorOptions): Generator<PersonRows> {
  for (const person of scenarios(o.toYear)) yield rowsOf(person, o.fromYear, o.toYear)
  const random = new Random(o.seed)
  let ktd = 1_000_000
  const nextKtd = () => String(ktd++).padStart(10, "0")
  for (let i = 0; i < o.persons; i++) yield rowsOf(bulkPerson(i, random, o, nextKtd), o.fromYear, o.toYear)
}
