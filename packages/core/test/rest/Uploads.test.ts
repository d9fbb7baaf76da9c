import { describe, expect, it } from "@effect/vitest"
import { I18n, Rest } from "../../src/index.js"

const { Uploads } = Rest
const pdf = new TextEncoder().encode("%PDF-1.4 …")
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])

describe("Uploads: the file rules of selvbetjening.md §8", () => {
  it("accepts a PDF, JPEG or PNG whose name and content agree", () => {
    expect(Uploads.uploadProblem({ name: "a.pdf", content: pdf })).toBeNull()
    expect(Uploads.uploadProblem({ name: "B.PNG", content: png })).toBeNull()
    expect(Uploads.uploadProblem({ name: "c.jpeg", content: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]) })).toBeNull()
  })

  it("checks size first, then emptiness, then type", () => {
    const big = new Uint8Array(Uploads.MAX_FILE_BYTES + 1)
    big.set(pdf)
    expect(Uploads.uploadProblem({ name: "a.exe", content: big })).toBe("too-large")
    expect(Uploads.uploadProblem({ name: "a.pdf", content: pdf, truncated: true })).toBe("too-large")
    expect(Uploads.uploadProblem({ name: "a.exe", content: new Uint8Array() })).toBe("empty")
    expect(Uploads.uploadProblem({ name: "a.png", content: pdf })).toBe("bad-type")
    expect(Uploads.uploadProblem({ name: "a.pdf", content: new Uint8Array([0x4d, 0x5a]) })).toBe("bad-type")
  })

  it("an agreement file (staff-web.md §14) must be a PDF by its bytes and its name, within the same limits", () => {
    expect(Uploads.checkAgreementUpload({ name: "aftale.pdf", content: pdf })).toBeNull()
    expect(Uploads.uploadProblem({ name: "b.png", content: png }, Uploads.AGREEMENT_TYPES)).toBe("bad-type")
    expect(Uploads.checkAgreementUpload({ name: "b.png", content: png })).toBe(
      "Filen b.png har en filtype, der ikke er tilladt (kun PDF)"
    )
    expect(Uploads.checkAgreementUpload({ name: "c.pdf", content: png })).toBe(
      "Filen c.pdf har en filtype, der ikke er tilladt (kun PDF)"
    )
    expect(Uploads.checkAgreementUpload({ name: "d.pdf", content: new Uint8Array() })).toBe("Den indsendte fil er tom")
    expect(Uploads.checkAgreementUpload({ name: "e.pdf", content: pdf, truncated: true })).toBe(
      "Filen e.pdf er for stor (højst 10 MB)"
    )
  })

  it("takes exactly 10 MB", () => {
    const limit = new Uint8Array(Uploads.MAX_FILE_BYTES)
    limit.set(pdf)
    expect(Uploads.uploadProblem({ name: "a.pdf", content: limit })).toBeNull()
  })

  it("the back office answers with the Danish texts, the portal with the citizen's language", () => {
    expect(Uploads.checkUpload({ name: "a.png", content: pdf })).toBe(
      "Filen a.png har en filtype, der ikke er tilladt (kun PDF, JPEG og PNG)"
    )
    expect(Uploads.checkUpload({ name: "a.pdf", content: pdf, truncated: true })).toBe(
      "Filen a.pdf er for stor (højst 10 MB)"
    )
    expect(Uploads.checkUpload({ name: "a.pdf", content: new Uint8Array() })).toBe("Den indsendte fil er tom")
    expect(Uploads.checkUpload({ name: "a.pdf", content: pdf })).toBeNull()
    expect(I18n.translator("kl")(Uploads.uploadProblemText.empty)).toBe("Fil nassiunneqartoq imaqanngilaq.")
    expect(Uploads.uploadMessages.tooMany).toBe("Der kan højst vedhæftes 10 filer pr. police")
    expect(Uploads.uploadMessages.missing).toBe("Der blev ikke indsendt nogen fil")
    expect(Uploads.uploadMessages.requestTooLarge).toBe("Indsendelsen er for stor (højst 50 MB)")
  })

  it("staff attachments (staff-web.md §7): also TIFF, DOCX, XLSX, MSG, EML and TXT, judged by name and content", () => {
    const staff = (name: string, content: Uint8Array) => Uploads.uploadProblem({ name, content }, Uploads.staffTypes)
    const text = (s: string) => new TextEncoder().encode(s)
    const zip = (inner: string) => text(`PK\u0003\u0004....[Content_Types].xml....${inner}`)
    expect(staff("a.pdf", pdf)).toBeNull()
    expect(staff("scan.TIF", new Uint8Array([0x49, 0x49, 0x2a, 0, 8]))).toBeNull()
    expect(staff("scan.tiff", new Uint8Array([0x4d, 0x4d, 0, 0x2a, 8]))).toBeNull()
    expect(staff("brev.docx", zip("word/document.xml"))).toBeNull()
    expect(staff("ark.xlsx", zip("xl/workbook.xml"))).toBeNull()
    expect(staff("ark.docx", zip("xl/workbook.xml"))).toBe("bad-type")
    expect(staff("mail.msg", new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]))).toBeNull()
    expect(staff("mail.eml", text("Received: from x\r\nSubject: Hej\r\n\r\nTekst"))).toBeNull()
    expect(staff("mail.eml", text("bare tekst"))).toBe("bad-type")
    expect(staff("note.txt", text("Linje 1\nLinje 2 æøå\t\n"))).toBeNull()
    expect(staff("note.txt", new Uint8Array([0x41, 0, 0x42]))).toBe("bad-type")
    expect(staff("prog.exe", new Uint8Array([0x4d, 0x5a]))).toBe("bad-type")
    expect(staff("a.png", pdf)).toBe("bad-type")
    // Citizens still get PDF, JPEG and PNG only.
    expect(Uploads.uploadProblem({ name: "note.txt", content: text("hej") })).toBe("bad-type")
    expect(Uploads.staffUploadMessages["too-large"]).toBe("Filen er for stor (højst 10 MB)")
    expect(Uploads.staffUploadMessages["bad-type"]).toBe("Filtypen er ikke tilladt")
  })

  it("serves a staff file with its checked type; text as UTF-8 when it is, else Windows-1252", () => {
    expect(Uploads.staffContentType("a.pdf", pdf)).toBe("application/pdf")
    expect(Uploads.staffContentType("a.txt", new TextEncoder().encode("æøå"))).toBe("text/plain; charset=utf-8")
    expect(Uploads.staffContentType("a.txt", new Uint8Array([0xe6, 0xf8, 0xe5]))).toBe(
      "text/plain; charset=windows-1252"
    )
    expect(Uploads.staffContentType("a.exe", pdf)).toBe("application/octet-stream")
  })
})
