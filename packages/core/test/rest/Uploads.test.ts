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
})
