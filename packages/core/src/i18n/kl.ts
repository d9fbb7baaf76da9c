import type { MessageKey } from "./da.js"

/**
 * The Greenlandic message catalogue (selvbetjening.md Appendix A). Keys without a Greenlandic text fall back to
 * Danish until the agency supplies them.
 */
export const kl: Partial<Record<MessageKey, string>> = {
  loggedInAs: "{name}-itut iserpoq",
  logout: "Aniffissaq",
  switchToDa: "Dansk",
  switchToKl: "Kalaallisut",
  description: "Nassuiaat",
  keepFile: "Fil atortiinnaruk",
  required: "Immersugassaq una allaffigineqassaaq.",
  fileMissing: "Fil nassiunneqanngilaq.",
  fileEmpty: "Fil nassiunneqartoq imaqanngilaq.",
  fieldName: "Immersugassap aqqa",
  fieldNumber: "Immersugassaq",
  taxDaysInYear: "Ukiumi akileraarfiusumi ullut akileraartussaaffiit: {N}",
  newPolicy: "Police nutaaq nalunaaruk",
  policyTitle: "{company}-iit, {policy}-t",
  pensionCompany: "Soraarnerussutisiaqarnissamut aaqqissuussivik",
  policyNumber: "Policenormu",
  kas201: "Pigisanit pissarsiat PBL (DK) § 53 A",
  prefilled: "Naqeriigaq",
  selfReported: "Nammineerluni nalunaarutigineqartoq",
  taxDays: "Ullut akileraarfiit",
  proportional: "Ullunut akileraarfinnut agguarneqarnera",
  ourCalculation: "Naatsorsugarput {value}",
  amount: "Aningaasat:",
  yourCorrection: "Illit aaqqiissutit:",
  companyPays:
    "Soraarnerussutisiaqarnissamut aaqqissuussinermut uunga tunngatillugu akileraarut " +
    "soraarnerussutisiaqarnissamut aaqqissuussivimmit ingerlaannaartumik akilerneqassaaq",
  docsHeading: "Pigisanit pissarsianit akileraarutip akilersimasap uppernarsaataa",
  docsHelpForeign: "Pigisanit pissarsianit akileraarutip nunami allami akilersimasap uppernarsaataa ilanngunneqassaaq.",
  docsHelp:
    "Pigisanit pissarsianit akileraarutip akilersimasap uppernarsaataa ilanngunneqassaaq. Kalaallit Nunaanni aamma " +
    "nunami allami akilersimasat uppernarsaataat uani tamaasa ilanngunneqarsinnaapput.",
  remove: "Peeruk",
  generalNotes:
    "Soraarnerussutisiaqarnissamut aaqqissuussinerit nunani allaniittut ilaat pillugit nammineerluni " +
    "nalunaarsuinermut atatillugu paasissutissanik allanik nammineerluni nalunaagassaqarpa?",
  foreignNotes:
    "Soraarnerussutisiaqarnissamut aaqqissuussinernut nunani allaniittunut namminerisamik akiliutit. Nuna " +
    "soraarnerussutisiaqarnissamut aaqqissuussinerup pilersinneqarfia kiisalu aningaasat akiliutigineqartut " +
    "amerlassusiat nalunaakkit.",
  submit: "Nassiuguk",
  noPersonData: "Inuk taanna pillugu paasissutissat amigaataapput",
  submitted: "Nammineerluni nalunaarsuiffik maanna nutarterneqarpoq. Immersugaq ammaqqikkumagukku attataasaq",
  openForm: "Nammineerluni nalunaarsuiffik ammaruk",
  kas205: "Pigisanit pissarsianit akileraarut akilerallagaq",
  documentation: "Uppernarsaat",
  summary: "Eqikkaaneq",
  notesGeneralHeading: "Nammineerluni nalunaarsuinermi nalunaagassat allat.",
  notesForeignHeading:
    "Soraarnerussutisiaqarnissamut aaqqissuussinernut nunani allaniittunut, nammineq pilersissimasanut akiliutit. " +
    "Amerlassusiat aamma nuna nalunaakkit.",
  noNotes: "Nalunaagaqanngilaq",
  chooseCompany: "--- aqqa nalunaaruk ---"
}
