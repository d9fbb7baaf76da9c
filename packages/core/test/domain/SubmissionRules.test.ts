import { describe, expect, it } from "@effect/vitest"
import { MAX_SUBMITTED_COMPANIES_PER_YEAR } from "../../src/domain/PensionCompany.js"
import { I18n, type Rest, SubmissionRules } from "../../src/index.js"

type Submission = Rest.Contract.Submission
type NewPolicy = Submission["new_policies"][number]

const pdf = new TextEncoder().encode("%PDF-1.4 x")
const file = (over: Partial<SubmissionRules.SubmittedFile> = {}): SubmissionRules.SubmittedFile => ({
  filename: "a.pdf",
  content: pdf,
  truncated: false,
  ...over
})
const context: SubmissionRules.SubmissionContext = {
  policies: [{ id: 1, pensionCompanyId: 7, policyNumber: "P-1", documentIds: [11, 12] }],
  companyIds: new Set([7])
}
const submission = (over: Partial<Submission> = {}): Submission => ({
  year: 2025,
  updated_by: "borger",
  person_tax_year: { general_notes: null, foreign_pension_notes: null },
  policies: [],
  new_policies: [],
  ...over
})
const newPolicy = (over: Partial<NewPolicy> = {}): NewPolicy => ({
  pension_company_id: 7,
  pension_company_name: null,
  policy_number: "P-2",
  self_reported_amount: 100,
  new_files: [],
  ...over
})
const check = (data: Submission, files: ReadonlyMap<string, SubmissionRules.SubmittedFile> = new Map()) =>
  SubmissionRules.validateSubmission(data, context, files)
const refs = (n: number) => Array.from({ length: n }, (_, i) => ({ part: `f${i}`, description: "" }))
const files = (n: number) => new Map(Array.from({ length: n }, (_, i) => [`f${i}`, file()] as const))

describe("SubmissionRules", () => {
  it("accepts a valid submission with files, a known company and a new company name", () => {
    const data = submission({
      policies: [
        { id: 1, self_reported_amount: 5, documents: [{ id: 11, keep: false, description: "" }], new_files: refs(1) }
      ],
      new_policies: [
        newPolicy(),
        newPolicy({ pension_company_id: null, pension_company_name: "Ny", policy_number: "P-1" })
      ]
    })
    expect(check(data, files(1))).toEqual([])
  })

  it("notesTooLong: each note at most 10.000 characters", () => {
    const long = "x".repeat(10_001)
    expect(check(submission({ person_tax_year: { general_notes: long, foreign_pension_notes: long } }))).toEqual([
      { path: "person_tax_year.general_notes", reason: "notesTooLong" },
      { path: "person_tax_year.foreign_pension_notes", reason: "notesTooLong" }
    ])
    const ok = "x".repeat(10_000)
    expect(check(submission({ person_tax_year: { general_notes: ok, foreign_pension_notes: null } }))).toEqual([])
  })

  it("policyRepeated: a policy appears once", () => {
    const p = { id: 1, self_reported_amount: null, documents: [], new_files: [] }
    expect(check(submission({ policies: [p, p] }))).toEqual([{ path: "policies[1].id", reason: "policyRepeated" }])
  })

  it("descriptionTooLong: document and new-file descriptions at most 255 characters", () => {
    const long = "d".repeat(256)
    const data = submission({
      policies: [
        {
          id: 1,
          self_reported_amount: null,
          documents: [{ id: 11, keep: true, description: long }],
          new_files: [{ part: "f0", description: long }]
        }
      ]
    })
    expect(check(data, files(1))).toEqual([
      { path: "policies[0].documents[0].description", reason: "descriptionTooLong" },
      { path: "policies[0].new_files[0].description", reason: "descriptionTooLong" }
    ])
  })

  it("fileMissing, fileTooLarge, fileEmpty, fileBadType: the upload rules with the file's name", () => {
    const data = submission({ new_policies: [newPolicy({ new_files: refs(4) })] })
    const received = new Map([
      ["f1", file({ filename: "big.pdf", truncated: true })],
      ["f2", file({ filename: "empty.pdf", content: new Uint8Array() })],
      ["f3", file({ filename: "x.exe", content: new Uint8Array([0x4d, 0x5a]) })]
    ])
    expect(check(data, received)).toEqual([
      { path: "new_policies[0].new_files[0]", reason: "fileMissing" },
      { path: "new_policies[0].new_files[1]", reason: "fileTooLarge", file: "big.pdf" },
      { path: "new_policies[0].new_files[2]", reason: "fileEmpty", file: "empty.pdf" },
      { path: "new_policies[0].new_files[3]", reason: "fileBadType", file: "x.exe" }
    ])
  })

  it("tooManyFiles: kept and new documents of a policy at most 10", () => {
    const existing = (n: number, keepAll: boolean) =>
      submission({
        policies: [
          {
            id: 1,
            self_reported_amount: null,
            documents: [{ id: 11, keep: keepAll, description: "" }],
            new_files: refs(n)
          }
        ]
      })
    expect(check(existing(9, true), files(9))).toEqual([{ path: "policies[0].new_files", reason: "tooManyFiles" }])
    expect(check(existing(9, false), files(9))).toEqual([])
    const fresh = (n: number) => submission({ new_policies: [newPolicy({ new_files: refs(n) })] })
    expect(check(fresh(10), files(10))).toEqual([])
    expect(check(fresh(11), files(11))).toEqual([{ path: "new_policies[0].new_files", reason: "tooManyFiles" }])
  })

  it("policyNumberRequired, amountRequired, companyRequired: the three groups of a new policy", () => {
    const data = submission({
      new_policies: [
        newPolicy({
          pension_company_id: null,
          pension_company_name: "  ",
          policy_number: " ",
          self_reported_amount: null
        })
      ]
    })
    expect(check(data)).toEqual([
      { path: "new_policies[0].policy_number", reason: "policyNumberRequired" },
      { path: "new_policies[0].self_reported_amount", reason: "amountRequired" },
      { path: "new_policies[0].pension_company_id", reason: "companyRequired" }
    ])
  })

  it("policyNumberTooLong: the policy-number rule (40 characters)", () => {
    expect(check(submission({ new_policies: [newPolicy({ policy_number: "x".repeat(41) })] }))).toEqual([
      { path: "new_policies[0].policy_number", reason: "policyNumberTooLong" }
    ])
  })

  it("companyUnknown and companyNameTooLong", () => {
    const data = submission({
      new_policies: [
        newPolicy({ pension_company_id: 99 }),
        newPolicy({ pension_company_id: null, pension_company_name: "n".repeat(256) })
      ]
    })
    expect(check(data)).toEqual([
      { path: "new_policies[0].pension_company_id", reason: "companyUnknown" },
      { path: "new_policies[1].pension_company_name", reason: "companyNameTooLong" }
    ])
    const ok = newPolicy({ pension_company_id: null, pension_company_name: "n".repeat(255) })
    expect(check(submission({ new_policies: [ok] }))).toEqual([])
  })

  it("duplicatePolicy: same company and number as an existing or an earlier new policy", () => {
    const data = submission({
      new_policies: [
        newPolicy({ policy_number: " P-1 " }),
        newPolicy({ pension_company_id: null, pension_company_name: "Ny", policy_number: "A" }),
        newPolicy({ pension_company_id: null, pension_company_name: "n Y ", policy_number: "A" })
      ]
    })
    expect(check(data)).toEqual([
      { path: "new_policies[0].policy_number", reason: "duplicatePolicy" },
      { path: "new_policies[2].policy_number", reason: "duplicatePolicy" }
    ])
  })

  it("every reason has a Danish text; the field messages of the back office", () => {
    const da = I18n.translator("da")
    for (const reason of SubmissionRules.reasons)
      expect(SubmissionRules.messageOf(da, { path: "x", reason })).not.toBe("")
    expect(
      SubmissionRules.fieldMessages(da, [
        { path: "new_policies[0].pension_company_name", reason: "companyNameTooLong" },
        { path: "new_policies[0].pension_company_id", reason: "companyUnknown" },
        { path: "new_policies[0].policy_number", reason: "policyNumberTooLong" },
        { path: "new_policies[0].new_files[0]", reason: "fileBadType", file: "x.exe" },
        { path: "new_policies[0].new_files[0]", reason: "fileMissing" },
        { path: "new_policies[1].pension_company_name", reason: "companyCapReached" }
      ])
    ).toEqual({
      "new_policies[1].pension_company_name": [
        `Der kan højst oprettes ${MAX_SUBMITTED_COMPANIES_PER_YEAR} nye pensionsselskaber pr. år`
      ],
      "new_policies[0].pension_company_name": ["Navnet må højst være 255 tegn"],
      "new_policies[0].pension_company_id": ["Ukendt pensionsselskab"],
      "new_policies[0].policy_number": ["Policenummeret må højst være 40 tegn"],
      "new_policies[0].new_files[0]": [
        "Filen x.exe har en filtype, der ikke er tilladt (kun PDF, JPEG og PNG)",
        "Der blev ikke indsendt nogen fil"
      ]
    })
  })
})
