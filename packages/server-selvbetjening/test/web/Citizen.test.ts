import { describe, expect, it } from "vitest"
import { I18n, Rest } from "@kas/core"
import { isPublic, safeBack } from "../../src/web/Citizen.js"

describe("paths, language and formats", () => {
  it("treats only the listed paths as public and follows only local back URLs", () => {
    expect(isPublic("/login")).toBe(true)
    expect(isPublic("/login/")).toBe(true)
    expect(isPublic("/static/x.css")).toBe(true)
    expect(isPublic("/policy/edit/")).toBe(false)
    expect(isPublic("/")).toBe(false)
    expect(safeBack("//evil.example/")).toBe("/")
    expect(safeBack("/policy/2025/")).toBe("/policy/2025/")
  })
  it("reads the shared language cookie and formats amounts with '.'", () => {
    expect(I18n.languageOf("kl-GL")).toBe("kl")
    expect(I18n.languageOf("da-DK")).toBe("da")
    expect(I18n.languageOf("en")).toBe("da")
    expect(I18n.translator("kl")("submit")).toBe("Nassiuguk")
    expect(I18n.translator("kl")("cannotEdit")).toBe("Der kan ikke ændres på selvangivelsen på nuværende tidspunkt")
    expect(I18n.formatAmount(-1234567)).toBe("-1.234.567")
  })
  it("checks file types on the content as well as the name", () => {
    const pdf = new TextEncoder().encode("%PDF-1.4")
    expect(Rest.Uploads.allowedType("a.pdf", pdf)).toBe("application/pdf")
    expect(Rest.Uploads.allowedType("a.png", pdf)).toBeNull()
    expect(Rest.Uploads.allowedType("a.pdf", new Uint8Array([0x4d, 0x5a]))).toBeNull()
    expect(Rest.Uploads.shortenFileName(`${"x".repeat(300)}.pdf`)).toHaveLength(255)
    expect(Rest.Uploads.shortenFileName(`${"x".repeat(300)}.pdf`).endsWith(".pdf")).toBe(true)
  })
})
