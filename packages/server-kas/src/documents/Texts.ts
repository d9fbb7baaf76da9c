/**
 * The texts of the two PDF documents (integrations.md Appendix A and B), Greenlandic (kl) and Danish (da). A Danish
 * text marked "(no kl text)" in the spec is the Danish one in both parts. `{…}` are placeholders filled by `fill`.
 * A39–A41 are followed by A47 in the letter (the spec's "+ A47"): the renderer appends it.
 */

/** One text in both languages. */
export interface Bilingual {
  readonly kl: string
  readonly da: string
}

/** The language of a document part. */
export type Language = keyof Bilingual

/** Replaces every `{name}` in `text` with `values[name]` (a missing value leaves the placeholder). */
export const fill = (text: string, values: Readonly<Record<string, string | number>>): string =>
  text.replace(/\{([a-z_+0-9]+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole))

/** Appendix A: the final statement. */
export const finalStatementTexts = {
  A1: {
    kl: "Pigisanit pissarsiat ilaasa akileraarutaat (KAS) pillugit {year}-mut inaarummik " + "naatsorsuut",
    da: "Slutopgørelse vedrørende skat af visse kapitalafkast (KAS) for {year}"
  },
  A2: {
    kl: "Ulloq: {date}",
    da: "Dato {date}"
  },
  A3: {
    kl: "Inuup normua:",
    da: "Personnummer:"
  },
  A4: {
    kl: "Pigisanit pissarsiat akileraarutaat:",
    da: "Kapitalafkastskat:"
  },
  A5: {
    kl:
      "Attavissaq: Akileraartarnermut Aqutsisoqarfik, \nPostboks 1605, 3900 Nuuk. \nTlf. 346510, " +
      "E-mail:tax@nanoq.gl",
    da: "Kontakt: Skattestyrelsen,\nPostboks 1605, 3900 Nuuk. \nTlf. 346510, Email:tax@nanoq.gl"
  },
  A6: {
    kl: "Ullut akileraartussaaffiit",
    da: "Antal skattepligtsdage"
  },
  A7: {
    kl:
      "Inaarummik naatsorsuutip imaraa pigisannit siorna pissarsiavit akileraarutaasa (KAS) " +
      "naatsorsorneqarnerat. Soraarnerussutisiaqarnissamut police-it tamarmik immikkut " +
      "naatsorsorneqarput.",
    da:
      "Slutopgørelsen indeholder en opgørelse af Deres kapitalafkastskat (KAS) for sidste år. " +
      "Opgørelsen er foretaget for hver pensionspolice."
  },
  A8: {
    kl:
      "Police-imi pissarsiassaraluit minusiuppata, taakku police-ip taassuma ukiuni tulliuttuni " +
      "10-ni pissarsiassartaanit plusiusunit ilanngaatissanngorlugit nuunneqarsinnaapput.",
    da: "Negative afkast kan fremføres til modregning i de følgende 10 års positive afkast af " + "samme police."
  },
  A9: {
    kl: "Soraarnerussutisiaqarnissamut sillimmasiisarfik: {company}",
    da: "Pensionsselskab: {company}"
  },
  A10: {
    kl: "Policenormu: {number}",
    da: "Policenummer: {number}"
  },
  A11: {
    kl: "Pigisanit pissarsiat",
    da: "Kapitalafkast"
  },
  A11b: {
    kl: "Nammineerluni nalunaarutigineqartoq",
    da: "Selvangivet kapitalafkast"
  },
  A12: {
    kl: "Ansat kapitalafkast",
    da: "Ansat kapitalafkast"
  },
  A13: {
    kl: "Ullunut akileraartussaaffinnut naatsorsukkat ({days_in_year}-init {days}-t)",
    da: "Justeret for antal skattepligtsdage i året ({days} af {days_in_year})"
  },
  A14: {
    kl: "Pissarsiassaraluit minusit kingusinnerusukkut ilanngaatissat",
    da: "Negativt afkast til fremførsel"
  },
  A15: {
    kl: "Pissarsiassaraluit minusit ilanngaatigineqartut ({year})",
    da: "Modregning af negativt afkast ({year})"
  },
  A16: {
    kl: "Akileraarusigassat (pigisanit pissarsiat ilanngareerlugit)",
    da: "Beskatningsgrundlag (kapitalafkast efter modregning)"
  },
  A17: {
    kl: "Pigisanit pissarsiat akileraarutaat (akileraarusigassat 15,3%-iat)",
    da: "Kapitalafkastskat (15,3% af beskatningsgrundlag)"
  },
  A18: {
    kl: "Akileraarut nunami allami akiligaq ilanngaatigineqartoq",
    da: "Nedslag for betalt skat i udlandet"
  },
  A19: {
    kl: "Pigisanit pissarsianit akileraarut akilerallagaq",
    da: "Forudbetalt kapitalafkastskat"
  },
  A20: {
    kl: "Pigisanit pissarsiat akileraarutaat",
    da: "Kapitalafkastskat"
  },
  A21: {
    kl: "Akilernissaa {company}-p isumagissavaa",
    da: "Afregnes af {company}"
  },
  A22: {
    kl: "Eqikkaaneq",
    da: "Opsummering"
  },
  A23: {
    kl: "Akiligassaq soraarnerussutisiaqarnissamut sillimmasiisarfivit isumagisassaa",
    da: "Afregnes af Deres pensionsselskab"
  },
  A24: {
    kl: "Illit akiligassat",
    da: "Indbetales af Dem"
  },
  A25: {
    kl: "Pigisanit pissarsiat akileraarutaat 15,3%\n{company} - {policy}",
    da: "Kapitalafkastskat 15,3% for\n{company} - {policy}"
  },
  A26: {
    kl: "Pigisanit pissarsiat akileraarutaat",
    da: "Kapitalafkastskat"
  },
  A27: {
    kl: "Pigisanit pissarsiat akileraarutaat akilerallagaq",
    da: "Modtaget indbetaling af foreløbig kapitalafkastskat"
  },
  A28: {
    kl: "Pigisanit pissarsiat akileraarutaat akiligassaq",
    da: "Kapitalafkastskat til betaling"
  },
  A29: {
    kl: "Siornatigut pigisanik pissarsiat akileraarutaannit akiligassinneqarneq:",
    da: "Tidligere opkrævet kapitalafkastskat:"
  },
  A30a: {
    kl: "Pigisanik pissarsiat akileraarutaannit akiligassinneqarpallaarneq:",
    da: "For meget opkrævet kapitalafkastskat:"
  },
  A30b: {
    kl: "Pigisanit pissarsianit akileraarutit annikippallaamik akiligassanngortinneqarsimasut:",
    da: "For lidt opkrævet kapitalafkastskat:"
  },
  A31a: {
    kl: "Akileraarutit sippuutaannut erniatigut tapiuliussaq {pct}% af {remainder} kr.:",
    da: "Godtgørelse af for meget opkrævet kapitalafkastskat {pct}% af {remainder} kr.:"
  },
  A31b: {
    kl:
      "Pigisanit pissarsianit akileraarutinut annikippallaamut akiliummut tapiliussaq ({pct}% " +
      "{remainder} kr.-ninit):",
    da: "Tillæg af for lidt opkrævet kapitalafkastskat ({pct}% af {remainder} kr.):"
  },
  A32a: {
    kl: "Pigisanik pissarsiat akileraarutit sippuutaat ajunngitsorsiat ilanngullugit:",
    da: "For meget opkrævet kapitalafkastskat med renter:"
  },
  A32b: {
    kl:
      "Siusinnerusukkut akileraarutit annikippallaamik akiligassanngortinneqarsimasut " + "tapiliussaq\nilanngullugu:",
    da: "For lidt opkrævet kapitalafkastskat med tillæg:"
  },
  A33: {
    kl: "Pigisanik pissarsiat akileraarutaat akiligassat akilerneqanngitsut:",
    da: "Ikke betalt kapitalafkastskat ifølge tidligere meddelelse:"
  },
  A34a: {
    kl: "Tunniunneqartussat katillugit:",
    da: "Til udbetaling i alt:"
  },
  A34b: {
    kl: "Akiligassat katillugit (DKK):",
    da: "Til opkrævning i alt (DKK):"
  },
  A35: {
    kl:
      "Akileraartarnermut Aqutsisoqarfiup soraarnerussutisiaqarnissamut sillimmasiisarfiit aamma " +
      "soraarnerussutisiaqarnissamut aningaasaateqarfiit ilaat, pigisanit pissarsiat " +
      "akileraarutaannik sullitamik soraarnerussutisiaqarnissamut aaqqissuussaannit " +
      "nuussisarnissamik isumaqatigiissuteqarfigai. Soraarnerussutisiaqarnissamut " +
      "sillimmasiisarfigisat soraarnerussutisiaqar-\nnissamulluunniit aningaasaateqarfigisat " +
      "taamatut isumaqatigiissuteqarsimappat, aningaasat qanoq amerlatigisut akilerneqarnissaat " +
      'takussutissami uani "Akiligassaq soraarnerussutisiaqarnissamut sillimmasiisarfivit ' +
      'isumagisassaa" takusinnaavat.',
    da:
      "Skattestyrelsen har indgået aftaler med nogle pensionsselskaber og pensionskasser om, at " +
      "de afregner kapitalafkastskatten fra deres kunders pensionsordninger. Hvis Deres " +
      "pensionsselskab eller pensionskasse har indgået en sådan aftale, kan De i boksen med " +
      'teksten "Afregnes af Deres pensionsselskab" se, hvor meget der vil blive afregnet.'
  },
  A36: {
    kl: 'Aningaasat takussutissami uani "Illit akiligassat" allaqqasut illit nammineerlutit ' + "akilissavatit.",
    da: 'De skal selv indbetale det beløb, som fremgår af boksen med teksten "Indbetales af Dem".'
  },
  A37: {
    kl: "Aningaasat takussutissami allaqqasut 0-iuppata minusiuppataluunniit (-) qanoq " + "iliuuseqassanngilatit.",
    da: "Er beløbet i boksen 0 eller negativt (-) skal De ikke foretage Dem yderligere."
  },
  A38: {
    kl:
      "Kingusinnerpaamik 20. september {betalingsaar} akiliiffigineqassaaq Akileraartarnermut " +
      "Aqutsisoqarfiup aningaaserivimmi kontua 6471 - 1508196, illit inuttut normut/KAS/Ukioq " +
      "akileraarfik nalunaarlugit. Soorlu ima 1234567890KAS2020.",
    da:
      "Indbetaling skal ske til Skattestyrelsens bankkonto 6471 - 1508196 med angivelse af Deres " +
      "Cpr-nummer/KAS/Skatteår senest den 20. september {betalingsaar}. Eksempelvis " +
      "1234567890KAS2020."
  },
  A39: {
    kl: "Akiligassaq akiligassanngoreerpoq.",
    da: "Beløbet er forfaldent til betaling."
  },
  A40: {
    kl:
      "Akiligassaq akilerneqassaaq ulloq {forfaldsdato} kingusinnerpaamillu akilerneqassalluni " +
      "ulloq {sidste_betalingsdato}.",
    da:
      "Beløbet forfalder til betaling den {forfaldsdato} med sidste rettidige betalingsdag den " +
      "{sidste_betalingsdato}."
  },
  A41: {
    kl:
      "Akiligassaq {ikke_betalt_fra_tidligere} kr. akiligassanngoreerpoq kiisalu akiligassaq " +
      "{for_lidt_opkraevet_med_tillaeg} kr. akilerneqassaaq ulloq {forfaldsdato} " +
      "kingusinnerpaamillu akilerneqassalluni ulloq {sidste_betalingsdato}.",
    da:
      "Beløbet {ikke_betalt_fra_tidligere} kr. er forfaldent til betaling og " +
      "{for_lidt_opkraevet_med_tillaeg} kr. forfalder til betaling den {forfaldsdato} med sidste " +
      "rettidige betalingsdag den {sidste_betalingsdato}."
  },
  A42: {
    kl:
      "Akilleraarutit sippuutaat ullut 14-it ingerlaneranni akilerneqarnissaat " +
      "naatsorsuutigineqassaaq. Akiliisitsiniartarnermi Oqartussat akiligassanut " +
      "ilanngaassissagaluarpata, pisinnaatitaaffimmik tigusinikkut akiliisitsissagaluarpata " +
      "imaluunniit pigisanik qularnaveeqqutitut sillimmasiussissaga-luarpata tamakku pillugit " +
      "Akiliisitsiniartarnermi Oqartussat immikkut nalunaarummik nassiussaqarumaarput.",
    da:
      "Overskydende skat påregnes udbetalt i løbet af 14 dage. Såfremt Inddrivelsesmyndigheden " +
      "foretager modregning, indtræden eller udlæg i den overskydende skat, bliver der fremsendt " +
      "særskilt meddelelse herom fra Inddrivelsesmyndigheden."
  },
  A43: {
    kl:
      "Akiliiffissatut killiliussaq qaangerneqarpat akileraartarneq akiliisitsiniartarnerlu " +
      "pillugit inatsisini maleruagassat malillugit ernialersuisoqassaaq.",
    da:
      "Overskrides sidste frist for indbetaling, vil der blive tilskrevet renter efter reglerne " +
      "i skatte- og inddrivelseslovgivningen."
  },
  A44: {
    kl:
      "Pigisanit pissarsiat akileraarutaannik akiliivallaarsimaguit aningaasat " +
      "akiliivallaarutaasut ilinnut tunniunneqassapput. Illit soraarnerussutisiaqarnissamut " +
      "sillimmasiisarfiit pigisanit pissarsiat akileraarutaannik akiliivallaarsimappat " +
      "aningaasat akiliivallaarutaasut soraarnerussutisiaqarnissamut aaqqissuussannut " +
      "ikineqassapput.",
    da:
      "Har De indbetalt for meget i kapitalafkastskat, vil den overskydende skat blive udbetalt " +
      "til Dem. Har Deres pensionsselskab indbetalt for meget kapitalafkastskat, vil den " +
      "overskydende skat blive indbetalt på Deres pensionsordning."
  },
  A45: {
    kl:
      "Pigisanit pissarsiat ilaasa akileraarutaat (KAS) pillugit inaarummik naatsorsuummut " +
      "tunngatillugu naammagittaalliuut allakkatigoorlunilu tunngavilersugaasoq qaammatit " +
      "pingasut qaangiutinnginneranni, akileraaruserinermik ingerlatsineq pillugu Inatsisartut " +
      "inatsisaanni maleruagassat malillugit uunga nassiunneqassaaq: Akileraarusiinernik " +
      "aalajangiisartut, Postboks 1037, 3900 Nuuk.",
    da:
      "Klage over slutopgørelse vedrørende skat af visse kapitalafkast (KAS) skal efter reglerne " +
      "i landstingslov om forvaltning af skatter, inden 3 måneder fremsendes skriftligt og " +
      "begrundet til Skatterådet, Postboks 1037, 3900 Nuuk."
  },
  A46: {
    kl:
      "Akileraarusiinernik aalajangiisartut naammagittaalliorfiginnginneranni Akileraartarnermut " +
      "Aqutsisoqarfimmut saaffiginneqqaarit, inaarummimmi naatsorsuummut apeqqutissariunnakkatit " +
      "tassani akissuteqarfigineqarsinnaassammata.",
    da:
      "Inden klage til Skatterådet bør De henvende Dem til Skattestyrelsen, som vil kunne " +
      "besvare eventuelle spørgsmål De måtte have vedrørende slutopgørelsen."
  },
  A47: {
    kl:
      "Akileraartarnermut Aqutsisoqarfiup aningaaserivimmi kontoa 6471 - 1508196 atorlugu " +
      "akiliisoqassaaq, illit inuttut normut/KAS/Ukioq akileraarfik nalunaarlugit soorlu imatut: " +
      "1234567890/KAS/{skatteaar}",
    da:
      "Indbetaling skal ske til Skattestyrelsens bankkonto 6471 - 1508196 med angivelse af Deres " +
      "Cpr.nr./KAS/Skatteår. Eksempel: 1234567890/KAS/{skatteaar}."
  }
} as const satisfies Record<string, Bilingual>

/** Appendix B: the tax slip. */
export const taxSlipTexts = {
  B1: {
    kl:
      "Soraarnerussutisiaqarnissamut aaqqissuussinerit nunani allaniittut ilaat pillugit " +
      "nammineerluni nalunaarsuineq {year}",
    da: "Selvangivelse af visse udenlandske pensionsordninger for {year}"
  },
  B2: {
    kl: "Nassitsinissamut killissarititaq {deadline}",
    da: "Indsendelsesfrist senest {deadline}"
  },
  B3: {
    kl: "Inuup normua:",
    da: "Personnummer:"
  },
  B4: {
    kl: "Pigisanit pissarsiat akileraarutaat:",
    da: "Kapitalafkastskat:"
  },
  B5: {
    kl:
      "Attavissaq: Akileraartarnermut Aqutsisoqarfik, \nPostboks 1605, 3900 Nuuk. \nTlf. 346510, " +
      "E-mail:tax@nanoq.gl",
    da: "Kontakt: Skattestyrelsen,\nPostboks 1605, 3900 Nuuk. \nTlf. 346510, Email:tax@nanoq.gl"
  },
  B6: {
    kl: "Nittartagaq iserfissaq",
    da: "Tast selv internet"
  },
  B7: {
    kl: "Ullut akileraartussaaffiit",
    da: "Antal skattepligtsdage"
  },
  B8: {
    kl:
      "Soraarnerussutisiaqarnissamut aaqqissuussinerit nunani allaniittut ilaat pillugit " +
      "nammineerluni nalunaarsuineq.",
    da: "Selvangivelse af visse udenlandske pensionsordninger."
  },
  B9: {
    kl:
      "Danskit soraarnerussutisiaqarnissamut sillimmasiisarfiini aamma " +
      "soraarnerussutisiaqarnissamut aningaasaateqarfiini inuunermut sillimmasiissutivit " +
      "soraarnerussutisiaqarnissamullu aaqqissuussavit ukiumi pineqartumi iluanaarutaat, kiisalu " +
      "soraarnerussutisiaqarnissamut aaqqissuussinernut nunani allaniittunut illit " +
      "namminerisamik akiliutitit nammineerluni nalunaarsuiffimmi uani nalunaarsussavatit.",
    da:
      "I denne selvangivelse skal du oplyse årets afkast fra dine livsforsikringer og " +
      "pensionsordninger i danske pensionsforsikringsselskaber og pensionskasser, samt dine " +
      "private indbetalinger til udenlandske pensionsordninger."
  },
  B10: {
    kl:
      "Soraarnerussutisiaqarnissamut aaqqissuussinermut Kalaallit Nunaata avataaniittumut " +
      "nammineerlutit akiliisimaguit akilersimasatit, soraarnerussutisiaqarnissamut " +
      "aaqqissuussinernut nunani allaniittunut nammineerluni akiliutaasimasut " +
      "nalunaarneqarfissaannut nammineerlutit nalunaarsussavatit. Paasissutissat taakku " +
      "soraarnerussutisiaqarnissamut aaqqissuussinermut peqataasussaatitaaneq pillugu " +
      "ukiumoortumik naatsorsuummi atorneqartussaapput.",
    da:
      "Indbetaler du selv til en pensionsordning uden for Grønland, skal du selvangive dine " +
      "indbetalinger i feltet om egen indbetalinger til pensionsordninger i andre lande. " +
      "Oplysningerne skal bruges til årsopgørelsen vedrørende obligatorisk pension."
  },
  B11: {
    kl:
      "Taakku saniatigut nalunaarutissaraatit danskit soraarnerussutisiaqarnissamut " +
      "sillimmasiisarfiini aamma soraarnerussutisiaqarnissamut aningaasaateqarfiini inuunermut " +
      "sillimmasiissutivit soraarnerussutisiaqarnissamullu aaqqissuussavit ukiumi pineqartumi " +
      "iluanaarutaat. Nalunaarutiginnittuussaanermi pineqanngillat soraarnerussutisiaqarnissamut " +
      "aaqqissuussinerit inuunermullu sillimmasiissutit, danskit soraarnerussutisiaqarnissamut " +
      "aaqqissuussinernit iluanaarutinik akileraarusiisarnermik inatsisaanni (PAL-lovimi) " +
      "pineqartut. Illit soraarnerussutisiaqarnissamut aaqqissuussinerit inuunermulluunniit " +
      "sillimmasiissutit danskit soraarnerussutisiaqarnissamut aaqqissuussinernit iluanaarutinik " +
      "akileraarusiisarnermik inatsisaanni pineqartunut ilaanersoq nalornissutigigukku illit " +
      "soraarnerussutisiaqarnissamut aningaasaateqarfigisat inuunermulluunniit " +
      "sillimasiisarfigisat saaffigisinnaavat.",
    da:
      "Derudover skal du oplyse årets afkast fra dine livsforsikringer og pensionsordninger i " +
      "danske pensionsforsikringsselskaber og pensionskasser. Oplysningspligten gælder ikke " +
      "pensionsordninger og livsforsikringer, som omfattes af den danske " +
      "pensionsafkastbeskatningslov (PAL-loven). Hvis du er i tvivl om din pensionsordning eller " +
      "livsforsikring er omfattet af den danske pensionsafkastbeskatningslov kan du kontakte din " +
      "pensionskasse eller dit livsforsikringsselskab."
  },
  B12: {
    kl:
      "Nammineerluni nalunaarsuiffimmi uani paasissutissanik naqeriikkanik allassimasoqarpat, " +
      "paasissutissat eqqortuunersut illit misissugassaraat.",
    da:
      "Hvis der på denne selvangivelse er fortrykte oplysninger, skal du kontrollere om " + "oplysningerne er rigtige."
  },
  B13: {
    kl:
      "Allanngortitassaappata ilassutissaqaruilluunniit nammineerluni nalunaarsuiffik " +
      "immersussavat atsiorlugulu, kingusinnerpaamillu {deadline} Akileraartarnermut " +
      "Aqutsisoqarfimmut nassiullugu imaluunniit taakku www.sullissivik.gl-ikkut " +
      "nalunaarutigalugit.",
    da:
      "Har du ændringer eller tilføjelser, skal du udfylde og underskrive selvangivelsen og " +
      "indsende den til Skattestyrelsen eller indberette dem via www.sullissivik.gl senest den " +
      "{deadline}."
  },
  B14: {
    kl: "Paasissutissat naqeriikkat isumaqatigigukkit ilassutissaqanngikkuillu qanoq " + "iliuuseqartariaqanngilatit.",
    da:
      "Er du enig i de fortrykte oplysninger og har du ikke noget at tilføje, behøver du ikke at " +
      "foretage dig yderligere."
  },
  B15: {
    kl:
      "Akileraartarnermut Aqutsisoqarfiup soraarnerussutisiaqarnissamut aaqqissuussiviit " +
      "ataasiakkaat, sullitamik pigisanit pissarsiat akileraarutaattut akiligassaannik " +
      "unerartitsillutillu akiliussinissaat pillugu isumaqatigiissuteqarfigai. Akiliineq illit " +
      "soraarnerussutisiaqarnissamut aaqqissuussivinnit isumagineqassappat tamanna ataani " +
      "allassimassaaq. Taamaattoqartillugu pigisanit pissarsianit akileraarut illit " +
      "nammineerlutit akilissanngilat.",
    da:
      "Skattestyrelsen har indgået aftale med enkelte pensionsselskaber om, at de indeholder og " +
      "indbetaler kapitalafkastskatten på vegne af deres kunder. Sker betalingen via dit " +
      "pensionsselskab, fremgår det nedenfor. I disse tilfælde skal du ikke indbetale " +
      "kapitalafkastskatten selv."
  },
  B16: {
    kl:
      "Inuunermut sillimmasiissutinit soraarnerussutisiaqarnissamullu aaqqissuussinernit " +
      "iluanaarutit pillugit inaarummik naatsorsuut {year} Akileraartarnermut Aqutsisoqarfiup " +
      "{year+1}-mi augustip naalernerani nassiutissavaa.",
    da: "Du vil modtage slutopgørelse {year} fra Skattestyrelsen ultimo august {year+1}."
  },
  B17: {
    kl: "Immersugassap aqqa",
    da: "Feltnavn"
  },
  B18: {
    kl: "Naqeriigaq",
    da: "Fortrykt"
  },
  B19: {
    kl: "Ullunut akileraarfinnut agguarneqarnera",
    da: "Forholdsmæssigt i skattepligtsperioden"
  },
  B20: {
    kl: "Nammineerluni nalunaarutigineqartoq",
    da: "Selvangivet"
  },
  B21: {
    kl: "Pigisanit pissarsiat PBL (DK) § 53 A",
    da: "Kapitalafkast PBL (DK) § 53 A"
  },
  B22: {
    kl:
      "* Soraarnerussutisiaqarnissamut aaqqissuussinermut uunga tunngatillugu akileraarut " +
      "soraarnerussutisiaqarnissamut aaqqissuussivimmit ingerlaannaartumik akilerneqassaaq",
    da: "* Skatten for denne pensionsordning betales automatisk af pensionsselskabet"
  },
  B23: {
    kl:
      "Soraarnerussutisiaqarnissamut aaqqissuussinerit nunani allaniittut ilaannit iluanaarutit " +
      "pillugit paasissutissat naqeriigaanngitsut uani nammineerlutit nalunaarutigisinnaavatit.",
    da:
      "Her kan du selvangive oplysninger om afkast af visse udenlandske pensionsordninger, som " + "ikke er fortrykte."
  },
  B24: {
    kl: "Soraarnerussutisiaqarnissamut aaqqissuussivik",
    da: "Pensionsselskab"
  },
  B25: {
    kl: "Policenormu",
    da: "Policenummer"
  },
  B26: {
    kl:
      "Soraarnerussutisiaqarnissamut aaqqissuussinerit nunani allaniittut ilaat pillugit " +
      "nammineerluni nalunaarsuinermut atatillugu paasissutissanik allanik nammineerluni " +
      "nalunaagassaqarpa?",
    da:
      "Er der yderligere information, som skal selvangives i forbindelse med udfyldelsen af " +
      "Selvangivelse for visse udenlandske pensionsordninger?"
  },
  B27: {
    kl:
      "Soraarnerussutisiaqarnissamut aaqqissuussinernut nunani allaniittunut, Danmark " +
      "ilanngullugu, nammineerluni akiliutit. Nuna soraarnerussutisiaqarnissamut " +
      "aaqqissuussinerup pilersinneqarfia, kiisalu aningaasat akiliutigineqartut amerlassusiat " +
      "nalunaakkit, uppernarsaat ilanngunneqassaq",
    da:
      "Privat indbetaling til pensionsordninger i andre lande, herunder Danmark. Angiv landet, " +
      "som pensionsordningen er hjemmehørende i, samt størrelsen på det indbetalte beløb, " +
      "dokumentation vedhæftes"
  },
  B28: {
    kl:
      "Paasissutissat Pigisanit pissarsiat ilaasa akileraaruserneqartarnerat pillugu " +
      "Inatsisartut inatsisaanni § 9-mi aalajangersakkat malillugit akisussaassuseqarluni " +
      "nalunaarneqartussaapput",
    da:
      "Oplysninger afgives under ansvar i henhold til bestemmelserne i § 9 i Inatsisartutlov om " +
      "beskatning af visse kapitalafkast"
  },
  B29: {
    kl: "Sumiiffik / Oqarasuaat",
    da: "Sted/tlf"
  },
  B30: {
    kl: "Ulloq",
    da: "Dato"
  },
  B31: {
    kl: "Atsiorneq",
    da: "Underskrift"
  }
} as const satisfies Record<string, Bilingual>
