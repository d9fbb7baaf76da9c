import {
  Companies,
  History,
  HistoryDiff,
  type HistoryEntry,
  NotFound,
  Person,
  Persons,
  PersonTaxYear,
  Policies,
  PolicyTaxYear,
  type StatementEvent,
  TaxYears,
  type TimelineEntry
} from "@kas/core"
import { Effect, Schema } from "effect"
import { StaffUsers } from "../auth/StaffUsers.js"
import type { Format } from "../web/Format.js"
import { statementsTabView } from "./finalStatementsViewModel.js"
import { companyLabel, type PersonYearData, personYearView } from "./personYearViewModel.js"
import { loadPolicy, policiesView } from "./policyViewModel.js"

/** The history pages (staff-web.md §10): a person-year's and a policy's changes, and their versions read-only. */

const kinds: Record<string, string> = {
  PersonTaxYear: "Personskatteår",
  Person: "Person",
  PolicyTaxYear: "Police",
  Note: "Notat",
  PolicyDocument: "Bilag",
  LossTransfer: "Anvendt negativt afkast",
  CensusEntry: "Mandtal"
}
const types: Record<string, string> = { "+": "Oprettet", "~": "Ændret", "-": "Slettet" }

/** The Danish label of each audited column (domain.md §2). */
const labels: Record<string, string> = {
  cpr: "CPR",
  name: "Navn",
  municipality_code: "Kommunekode",
  municipality_name: "Kommunenavn",
  address_line_1: "Adresselinje 1",
  address_line_2: "Adresselinje 2",
  address_line_3: "Adresselinje 3",
  address_line_4: "Adresselinje 4",
  address_line_5: "Adresselinje 5",
  full_address: "Adresse (én linje)",
  updated_from_dafo: "Opdateret fra datafordeleren",
  status: "Personstatus",
  is_test_person: "Testperson",
  tax_year_id: "Skatteår",
  person_id: "Person",
  number_of_days: "Antal dage",
  fully_tax_liable: "Fuldt skattepligtig",
  foreign_pension_notes: "Noter om pension i udlandet",
  general_notes: "Yderligere noter",
  all_documents_and_notes_handled: "Alle bilag og notater behandlet",
  tax_slip_id: "Selvangivelse",
  corrected_r75_data: "Rettede R75-data",
  future_r75_data: "Fremtidige R75-data",
  updated_by: "Opdateret af",
  person_tax_year_id: "Personskatteår",
  pension_company_id: "Pensionsselskab",
  policy_number: "Policenummer",
  prefilled_amount: "Fortrykt beløb",
  prefilled_amount_edited: "Justeret R75 beløb",
  self_reported_amount: "Selvangivet beløb",
  assessed_amount: "Ansat beløb",
  base_calculation_amount: "Nuværende beløb til grund for skatteberegningen",
  year_adjusted_amount: "Beløb justeret for dage i skatteår",
  preliminary_paid_amount: "Foreløbigt betalt kapitalafkastskat",
  foreign_paid_amount_self_reported: "Selvangivet betalt kapitalafkastskat i udlandet",
  foreign_paid_amount_actual: "Faktisk betalt kapitalafkastskat i udlandet",
  calculated_full_tax: "Beregnet skat uden fradrag",
  calculated_result: "Beregnet resultat",
  available_negative_return: "Tilgængeligt negativt afkast",
  used_negative_return: "Anvendt negativt afkast",
  indifference_limited: "Under bagatelgrænsen",
  active_amount: "Beløb brugt til beregning",
  from_pension: "Kapitalafkastskatten er hævet fra pensionsordningen",
  active: "Aktiv",
  slutlignet: "Slutlignet",
  efterbehandling: "Kræver efterbehandling",
  next_processing_date: "Næste behandlingsdato",
  citizen_pay_override: "Borgeren betaler selvom der foreligger aftale",
  company_pay_override: "Pensionsselskabet betaler selvom der ikke foreligger aftale",
  policy_tax_year_id: "Police",
  author_id: "Forfatter",
  content: "Indhold",
  date: "Tidspunkt",
  uploaded_by_id: "Uploadet af",
  uploaded_at: "Uploadet",
  description: "Beskrivelse",
  used_from_id: "Fra police-år",
  used_for_id: "Til police-år",
  transferred_negative_payout: "Overført beløb",
  protected_against_recalculations: "Beskyttet mod genberegning"
}
const amounts = new Set([
  "prefilled_amount",
  "prefilled_amount_edited",
  "self_reported_amount",
  "assessed_amount",
  "base_calculation_amount",
  "year_adjusted_amount",
  "preliminary_paid_amount",
  "foreign_paid_amount_self_reported",
  "foreign_paid_amount_actual",
  "calculated_full_tax",
  "calculated_result",
  "available_negative_return",
  "used_negative_return",
  "transferred_negative_payout"
])
const statuses: Record<string, string> = { Undefined: "", Alive: "", Dead: "Afdød", Invalid: "Ugyldig" }
const activeAmounts: Record<string, string> = { "1": "Fortrykt beløb", "3": "Selvangivet beløb" }

/** Names the values refer to by id: users and companies. */
interface Names {
  readonly users: ReadonlyMap<number, string>
  readonly companies: ReadonlyMap<number, string>
}

/** A snapshot value as the page shows it. */
const shown = (fmt: Format, names: Names, field: string, value: unknown): string => {
  if (value === null || value === undefined) return ""
  if (typeof value === "boolean") return fmt.yesNo(value)
  if (amounts.has(field)) return fmt.kroner(Number(value))
  if (field === "next_processing_date") return fmt.date(String(value))
  if (field === "date" || field === "uploaded_at") return fmt.dateTime(new Date(String(value)))
  if (field === "author_id" || field === "uploaded_by_id") return names.users.get(Number(value)) ?? String(value)
  if (field === "pension_company_id") return names.companies.get(Number(value)) ?? String(value)
  if (field === "status") return statuses[String(value)] ?? String(value)
  if (field === "active_amount") return activeAmounts[String(value)] ?? String(value)
  return String(value)
}

/** The ids of users and companies that the entries' snapshots mention. */
const referenced = (entries: ReadonlyArray<TimelineEntry>) => {
  const users = new Set<number>()
  const companies = new Set<number>()
  for (const e of entries)
    for (const s of [e.snapshot, e.previous ?? {}]) {
      for (const f of ["author_id", "uploaded_by_id"]) {
        const id = s[f]
        if (typeof id === "number") users.add(id)
      }
      const company = s.pension_company_id
      if (typeof company === "number") companies.add(company)
    }
  return { users: [...users], companies: [...companies] }
}

/** Loads the names the entries refer to. */
const loadNames = (entries: ReadonlyArray<TimelineEntry>) =>
  Effect.gen(function* () {
    const ids = referenced(entries)
    const users = yield* Effect.flatMap(StaffUsers, (u) => u.usernames(ids.users))
    const companies = yield* Effect.flatMap(Companies, (c) => c.getMany(ids.companies))
    return { users, companies: new Map(companies.map((c) => [c.id, companyLabel(c)])) } satisfies Names
  })

/** One row of a history page. */
export interface HistoryRow {
  readonly at: Date
  readonly date: string
  readonly user: string
  readonly text: string
  readonly type: string
  readonly updatedBy: string
  readonly kind: string
  readonly link: { readonly href: string; readonly label: string } | null
  readonly changes: ReadonlyArray<{ readonly field: string; readonly before: string; readonly after: string }>
}

/** A row per entry: who, when, the reason (a note's content), the kind and type, and the readable diff. */
const rowsOf = (
  entries: ReadonlyArray<TimelineEntry>,
  fmt: Format,
  names: Names,
  link: (e: TimelineEntry) => HistoryRow["link"]
): Array<HistoryRow> =>
  entries.map((e) => ({
    at: e.history_date,
    date: fmt.dateTime(e.history_date),
    user: e.history_user ?? "",
    text: e.entity_type === "Note" ? String(e.snapshot.content ?? "") : (e.change_reason ?? ""),
    type: types[e.history_type] ?? e.history_type,
    updatedBy: typeof e.snapshot.updated_by === "string" ? e.snapshot.updated_by : "",
    kind: kinds[e.entity_type] ?? e.entity_type,
    link: link(e),
    changes: HistoryDiff.changes(e.history_type, e.previous, e.snapshot).map((c) => ({
      field: labels[c.field] ?? c.field,
      before: shown(fmt, names, c.field, c.before),
      after: shown(fmt, names, c.field, c.after)
    }))
  }))

const documentLink = (e: TimelineEntry) =>
  e.entity_type === "PolicyDocument" && e.history_type !== "-"
    ? { href: `/policy_document/${e.entity_id}/`, label: String(e.snapshot.name ?? "Hent fil") }
    : null

/** The person-year's history page: its entries and final statements. */
export const loadPersonYearHistory = (personTaxYearId: number) =>
  Effect.gen(function* () {
    const persons = yield* Persons
    const personYear = yield* persons.getPersonTaxYear(personTaxYearId)
    const person = yield* persons.get(personYear.person_id)
    const taxYear = yield* Effect.flatMap(TaxYears, (t) => t.get(personYear.tax_year_id))
    const timeline = yield* Effect.flatMap(History, (h) => h.personTaxYearTimeline(personTaxYearId))
    const names = yield* loadNames(timeline.entries)
    return { personYear, person, taxYear, ...timeline, names }
  })

/** A final statement's or tax slip's rows: "{kind} genereret" and, once sent, "{kind} sendt". */
const eventRows = (events: ReadonlyArray<StatementEvent>, kind: string, fmt: Format): Array<HistoryRow> =>
  events
    .flatMap((s) => [
      ...(s.send_at === null ? [] : [{ at: s.send_at, text: `${kind} sendt` }]),
      { at: s.created_at, text: `${kind} genereret` }
    ])
    .map((r) => ({
      at: r.at,
      date: fmt.dateTime(r.at),
      user: "",
      text: r.text,
      type: "",
      updatedBy: "",
      kind,
      link: null,
      changes: []
    }))

/** The person-year history page's view. */
export const personYearHistoryView = (
  d: Effect.Effect.Success<ReturnType<typeof loadPersonYearHistory>>,
  fmt: Format
) => {
  const link = (e: TimelineEntry): HistoryRow["link"] =>
    e.entity_type === "PersonTaxYear"
      ? { href: `/persontaxyear/history/${e.history_id}/`, label: "Vis version" }
      : e.entity_type === "PolicyTaxYear"
        ? { href: `/policytaxyear/${e.entity_id}/history/`, label: `Police ${String(e.snapshot.policy_number ?? "")}` }
        : documentLink(e)
  const rows = [
    ...rowsOf(d.entries, fmt, d.names, link),
    ...eventRows(d.statements, "Slutopgørelse", fmt),
    ...eventRows(d.taxSlips, "Selvangivelse", fmt)
  ].sort((a, b) => b.at.getTime() - a.at.getTime())
  return {
    title: `Historik · ${fmt.cpr(d.person.cpr)} ${d.taxYear.year}`,
    heading: `Historik for ${fmt.cpr(d.person.cpr)} ${d.person.name ?? ""} · ${d.taxYear.year}`,
    back: `/tax_year/${d.taxYear.year}/persons/${d.person.id}/`,
    rows
  }
}

/** The policy's history page: its entries. */
export const loadPolicyHistory = (policyId: number) =>
  Effect.gen(function* () {
    const d = yield* loadPolicy(policyId)
    const entries = yield* Effect.flatMap(History, (h) => h.policyTimeline(policyId))
    const names = yield* loadNames(entries)
    return { ...d, entries, names }
  })

/** The policy history page's view. */
export const policyHistoryView = (d: Effect.Effect.Success<ReturnType<typeof loadPolicyHistory>>, fmt: Format) => {
  const link = (e: TimelineEntry): HistoryRow["link"] =>
    e.entity_type === "PolicyTaxYear"
      ? { href: `/policytaxyear/history/${e.history_id}/`, label: "Vis version" }
      : documentLink(e)
  return {
    title: `Historik · police ${d.policy.policy_number}`,
    heading: `Historik for police ${d.policy.policy_number} · ${fmt.cpr(d.person.cpr)} ${d.taxYear.year}`,
    back: `/tax_year/${d.taxYear.year}/persons/${d.person.id}/policies/#policy_${d.policy.id}`,
    rows: rowsOf(d.entries, fmt, d.names, link)
  }
}

/** A version of a given entity type, by its history id (404 for another type). */
const versionOf = (historyId: number, entityType: string) =>
  Effect.flatMap(History, (h) => h.version(historyId)).pipe(
    Effect.flatMap((v) =>
      v === null || v.entity_type !== entityType || v.history_type === "-"
        ? Effect.fail(NotFound.of("Version", historyId))
        : Effect.succeed(v)
    )
  )

const decode =
  <A, I>(schema: Schema.Schema<A, I>) =>
  (entry: HistoryEntry) =>
    Schema.decodeUnknown(schema)(entry.snapshot).pipe(Effect.orDie)

/**
 * A person-year as it was at one of its versions: the person-year, person, policies, notes, documents, final statements
 * and transactions as of that time.
 */
export const loadPersonYearVersion = (historyId: number) =>
  Effect.gen(function* () {
    const version = yield* versionOf(historyId, "PersonTaxYear")
    const at = version.history_date
    const personYear = yield* decode(PersonTaxYear)(version)
    const history = yield* History
    const personEntry = yield* history.stateAt("Person", personYear.person_id, at)
    const person =
      personEntry === null
        ? yield* Effect.flatMap(Persons, (p) => p.get(personYear.person_id))
        : yield* decode(Person)(personEntry)
    const taxYear = yield* Effect.flatMap(TaxYears, (t) => t.get(personYear.tax_year_id))
    const current = yield* Effect.flatMap(Persons, (p) => p.getPersonTaxYear(personYear.id))
    const ids = (yield* Effect.flatMap(Policies, (p) => p.listByPersonTaxYear(current.id))).map((p) => p.id)
    const states = yield* history.statesAt("PolicyTaxYear", ids, at)
    const policies = yield* Effect.forEach([...states.values()], decode(PolicyTaxYear))
    const companies = yield* Effect.flatMap(Companies, (c) => c.getMany(policies.map((p) => p.pension_company_id)))
    const attachments = yield* history.attachmentsAt(personYear.id, at)
    const userIds = [...attachments.notes, ...attachments.documents].flatMap((e) =>
      [e.snapshot.author_id, e.snapshot.uploaded_by_id].filter((id): id is number => typeof id === "number")
    )
    const users = yield* Effect.flatMap(StaffUsers, (u) => u.usernames(userIds))
    const { statements, transactions } = yield* history.statementsAt(personYear.id, at)
    const data: PersonYearData = {
      person,
      personYear,
      taxYear,
      years: [],
      policies: [...policies].sort((a, b) => a.pension_company_id - b.pension_company_id || a.id - b.id),
      companies: new Map(companies.map((c) => [c.id, c])),
      notes: [],
      created: new Map(),
      documents: [],
      transactions,
      users: new Map()
    }
    return { version, data, attachments, users, statements }
  })

/** The read-only person-year page of a version; `can` answers the user's permissions (the transactions tab). */
export const personYearVersionView = (
  d: Effect.Effect.Success<ReturnType<typeof loadPersonYearVersion>>,
  fmt: Format,
  can: (...permissions: Array<string>) => boolean
) => {
  const view = personYearView(d.data, fmt, can)
  // The statements as the tab shows them, without its actions (the page is read-only).
  const statements = statementsTabView(
    { taxYear: d.data.taxYear, statements: d.statements, transactions: d.data.transactions },
    fmt,
    () => false
  ).rows
  const policyNumber = (id: unknown) => d.data.policies.find((p) => p.id === id)?.policy_number ?? ""
  const when = (iso: unknown) => (typeof iso === "string" ? fmt.dateTime(new Date(iso)) : "")
  return {
    title: `${view.title} · version`,
    heading: `${view.master.cpr} ${view.master.name} · ${view.year}`,
    notice: `Denne side viser en tidligere version af personskatteåret fra ${fmt.dateTime(d.version.history_date)}`,
    back: `/persontaxyear/${d.data.personYear.id}/history/`,
    master: view.master,
    policies: view.policies,
    foreignPensionNotes: view.foreignPensionNotes,
    generalNotes: view.generalNotes,
    statements,
    showTransactions: view.showTransactions,
    transactions: view.transactions,
    notes: [...d.attachments.notes].reverse().map((e) => ({
      content: String(e.snapshot.content ?? ""),
      policy: policyNumber(e.snapshot.policy_tax_year_id),
      editedBy: `${d.users.get(Number(e.snapshot.author_id)) ?? ""} ${when(e.snapshot.date)}`.trim()
    })),
    documents: d.attachments.documents.map((e) => ({
      name: String(e.snapshot.name ?? ""),
      description: String(e.snapshot.description ?? ""),
      policy: policyNumber(e.snapshot.policy_tax_year_id),
      at: when(e.snapshot.uploaded_at),
      by: e.snapshot.uploaded_by_id == null ? "" : (d.users.get(Number(e.snapshot.uploaded_by_id)) ?? "")
    }))
  }
}

/** A policy as it was at one of its versions, with its person-year as of that time. */
export const loadPolicyVersion = (historyId: number) =>
  Effect.gen(function* () {
    const version = yield* versionOf(historyId, "PolicyTaxYear")
    const at = version.history_date
    const policy = yield* decode(PolicyTaxYear)(version)
    const history = yield* History
    const persons = yield* Persons
    const ptyEntry = yield* history.stateAt("PersonTaxYear", policy.person_tax_year_id, at)
    const personYear =
      ptyEntry === null
        ? yield* persons.getPersonTaxYear(policy.person_tax_year_id)
        : yield* decode(PersonTaxYear)(ptyEntry)
    const person = yield* persons.get(personYear.person_id)
    const taxYear = yield* Effect.flatMap(TaxYears, (t) => t.get(personYear.tax_year_id))
    const company = yield* Effect.flatMap(Companies, (c) => c.get(policy.pension_company_id))
    const data: PersonYearData = {
      person,
      personYear,
      taxYear,
      years: [],
      policies: [policy],
      companies: new Map([[company.id, company]]),
      notes: [],
      created: new Map(),
      documents: [],
      transactions: [],
      users: new Map()
    }
    return { version, policy, data }
  })

/** The read-only policy page of a version (staff-web.md §10). */
export const policyVersionView = (d: Effect.Effect.Success<ReturnType<typeof loadPolicyVersion>>, fmt: Format) => {
  const view = policiesView(d.data, fmt, () => false)
  return {
    title: `Police ${d.policy.policy_number} · version`,
    heading: `Police ${d.policy.policy_number} · ${fmt.cpr(d.data.person.cpr)} ${d.data.person.name ?? ""}`,
    notice: `Denne side viser en tidligere version af policen fra ${fmt.dateTime(d.version.history_date)}`,
    back: `/policytaxyear/${d.policy.id}/history/`,
    year: d.data.taxYear.year,
    p: view.policies[0]!
  }
}
