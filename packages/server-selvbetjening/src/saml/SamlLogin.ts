import { type CacheProvider, type Profile, SAML, type SamlConfig, ValidateInResponseTo } from "@node-saml/node-saml"
import { readFileSync } from "node:fs"
import { type Cpr, isCpr, type KasConfig } from "@kas/core"
import type { IdpMetadata } from "./IdpMetadata.js"

/** The attributes NemLog-in sends (selvbetjening.md §3.2). */
export const ATTR = {
  specVersion: "https://data.gov.dk/model/core/specVersion",
  loa: "https://data.gov.dk/concept/core/nsis/loa",
  orgName: "https://data.gov.dk/model/core/eid/professional/orgName",
  cpr: "https://data.gov.dk/model/core/eid/cprNumber",
  fullName: "https://data.gov.dk/model/core/eid/fullName",
  cvr: "https://data.gov.dk/model/core/eid/professional/cvr"
} as const

/** Issued request ids and accepted assertion ids, kept server-side (PostgreSQL in production). */
export interface RequestStore {
  readonly save: (id: string) => Promise<void>
  /** When an unexpired, unanswered id was issued (ISO time), or null. */
  readonly issuedAt: (id: string) => Promise<string | null>
  /**
   * Atomically marks an unanswered, unexpired request id answered and remembers the assertion id until `until`; false
   * when the request was unknown, expired or already answered, or the assertion was accepted before.
   */
  readonly answer: (requestId: string, assertionId: string, until: Date) => Promise<boolean>
}

/** The SAML data kept in the session for single logout. */
export interface SamlSessionData {
  readonly nameID: string
  readonly nameIDFormat: string
  readonly sessionIndex?: string | undefined
}

/** The outcome of a login callback (§3.3): the error page to show, or the citizen. */
export type LoginOutcome =
  | {
      readonly _tag: "Refused"
      readonly page: "login-repeat" | "login-timeout" | "login_assurance" | "login-nocpr" | "refused"
      readonly reason: string
    }
  | {
      readonly _tag: "Ok"
      readonly cpr: Cpr
      readonly name: string
      readonly loa: string
      readonly assertionId: string
      readonly saml: SamlSessionData
    }

type Node = Record<string, unknown>
const children = (node: unknown, name: string): ReadonlyArray<Node> => {
  const v = typeof node === "object" && node !== null ? (node as Node)[name] : undefined
  return Array.isArray(v) ? (v as Array<Node>) : []
}
const attrOf = (node: Node, name: string): string | undefined => {
  const v = (node.$ as Record<string, unknown> | undefined)?.[name]
  return typeof v === "string" ? v : undefined
}
const textOf = (value: unknown): string =>
  typeof value === "string" ? value : typeof (value as Node | null)?._ === "string" ? ((value as Node)._ as string) : ""

/** What this SP reads from the signed assertion node-saml verified (never from the unsigned envelope). */
interface SignedAssertion {
  readonly id: string
  /** The latest NotOnOrAfter of its conditions and subject confirmations: until then it could be accepted. */
  readonly until: Date
  /** Every value of one attribute, over all its Attribute elements. */
  readonly values: (name: string) => ReadonlyArray<string>
}

const signedAssertion = (profile: Profile): SignedAssertion | null => {
  const assertion = profile.getAssertion?.().Assertion as Node | undefined
  const id = assertion ? attrOf(assertion, "ID") : undefined
  if (!assertion || !id) return null
  const confirmations = children(assertion, "Subject")
    .flatMap((s) => children(s, "SubjectConfirmation"))
    .flatMap((c) => children(c, "SubjectConfirmationData"))
  const limits = [...children(assertion, "Conditions"), ...confirmations].map((n) =>
    Date.parse(attrOf(n, "NotOnOrAfter") ?? "")
  )
  if (limits.length === 0 || limits.some(Number.isNaN)) return null
  const attributes = children(assertion, "AttributeStatement").flatMap((s) => children(s, "Attribute"))
  return {
    id,
    until: new Date(Math.max(...limits)),
    values: (name) =>
      attributes.filter((a) => attrOf(a, "Name") === name).flatMap((a) => children(a, "AttributeValue").map(textOf))
  }
}

/** The attributes a session is made of: each must come at most once (never guess which of two CPRs counts). */
const SINGLE_VALUED = [ATTR.loa, ATTR.cpr, ATTR.fullName, ATTR.specVersion]

const pem = (value: string) => (value.includes("-----BEGIN") ? value : readFileSync(value, "utf8"))

/** The service provider: signed AuthnRequests, signed assertions required, the callback checks of §3.3 in order. */
export const makeSamlLogin = (
  settings: KasConfig.SelvbetjeningConfig.SamlSettings,
  idp: IdpMetadata,
  store: RequestStore
) => {
  const cacheProvider: CacheProvider = {
    saveAsync: async (key, value) => {
      await store.save(key)
      return { value, createdAt: Date.now() }
    },
    getAsync: (key) => store.issuedAt(key),
    // Answering is done once, atomically, after validation (`RequestStore.answer`); node-saml's own removal is not.
    removeAsync: async (key) => key
  }
  const key = pem(settings.spKey)
  const cert = pem(settings.spCertificate)
  const config: SamlConfig = {
    entryPoint: idp.ssoUrl,
    logoutUrl: idp.sloUrl ?? idp.ssoUrl,
    issuer: settings.spEntityId,
    callbackUrl: settings.spLoginCallbackUri,
    logoutCallbackUrl: settings.spLogoutCallbackUri,
    idpCert: [...idp.certificates],
    idpIssuer: settings.idpEntityId,
    privateKey: key,
    publicCert: cert,
    decryptionPvk: key,
    signatureAlgorithm: "sha256",
    digestAlgorithm: "sha256",
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    audience: settings.spEntityId,
    identifierFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    disableRequestedAuthnContext: true,
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: 7_200_000,
    acceptedClockSkewMs: 0,
    cacheProvider,
    metadataOrganization: {
      OrganizationName: [{ "@xml:lang": "da", "#text": "Skattestyrelsen" }],
      OrganizationDisplayName: [{ "@xml:lang": "da", "#text": `${settings.spName} – ${settings.spDescription}` }],
      OrganizationURL: [{ "@xml:lang": "da", "#text": "https://nanoq.gl" }]
    },
    metadataContactPerson: [
      {
        "@contactType": "technical",
        GivenName: settings.contactTechnicalName,
        EmailAddress: [settings.contactTechnicalEmail]
      },
      {
        "@contactType": "support",
        GivenName: settings.contactSupportName,
        EmailAddress: [settings.contactSupportEmail]
      }
    ]
  }
  const saml = new SAML(config)
  // ForceAuthn is a setting of node-saml, not of one request: a second SP (same key, same request store) for the
  // MitID conformance page that re-authenticates (§14.4). Its responses are validated by `saml` like any other.
  const forced = new SAML({ ...config, forceAuthn: true })

  /** The IdP URL of a new signed AuthnRequest; `back` travels as RelayState; `forceAuthn` asks for a fresh login. */
  const loginUrl = (back: string, options: { readonly forceAuthn?: boolean } = {}) =>
    (options.forceAuthn ? forced : saml).getAuthorizeUrlAsync(back, undefined, {})

  /**
   * Runs the checks of §3.3 on a posted SAMLResponse. Everything it acts on comes from node-saml's validated profile
   * and the signed assertion; the request id is answered and the assertion id remembered in one step.
   */
  const callback = async (samlResponse: string): Promise<LoginOutcome> => {
    let profile: Profile | null
    try {
      profile = (await saml.validatePostResponseAsync({ SAMLResponse: samlResponse })).profile
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      if (/InResponseTo/.test(message)) return { _tag: "Refused", page: "login-repeat", reason: message }
      // Which page to show only: the response is refused either way.
      const xml = Buffer.from(samlResponse, "base64").toString("utf8")
      const passed = [...xml.matchAll(/\bNotOnOrAfter="([^"]+)"/g)].some((m) => Date.parse(m[1]!) <= Date.now())
      const expired = passed || /expired|too old/i.test(message)
      return { _tag: "Refused", page: expired ? "login-timeout" : "refused", reason: message }
    }
    if (!profile) return { _tag: "Refused", page: "refused", reason: "no profile" }
    const assertion = signedAssertion(profile)
    if (!assertion) return { _tag: "Refused", page: "refused", reason: "assertion without ID or NotOnOrAfter" }
    const inResponseTo = profile.inResponseTo
    if (typeof inResponseTo !== "string" || !(await store.answer(inResponseTo, assertion.id, assertion.until))) {
      return { _tag: "Refused", page: "login-repeat", reason: `request or assertion ${assertion.id} already answered` }
    }
    const repeated = SINGLE_VALUED.find((name) => assertion.values(name).length > 1)
    if (repeated) return { _tag: "Refused", page: "refused", reason: `attribute ${repeated} given more than once` }
    const loa = assertion.values(ATTR.loa)[0] ?? ""
    if (!/(^|\/)(Substantial|High)$/.test(loa))
      return { _tag: "Refused", page: "login_assurance", reason: `level of assurance ${loa || "missing"}` }
    const cpr = assertion.values(ATTR.cpr)[0]
    if (!isCpr(cpr)) return { _tag: "Refused", page: "login-nocpr", reason: "no CPR" }
    return {
      _tag: "Ok",
      cpr,
      name: assertion.values(ATTR.fullName)[0] ?? "",
      loa,
      assertionId: assertion.id,
      saml: { nameID: profile.nameID, nameIDFormat: profile.nameIDFormat, sessionIndex: profile.sessionIndex }
    }
  }

  /** The IdP URL of a signed LogoutRequest for the session's SAML data. */
  const logoutUrl = (data: SamlSessionData) =>
    saml.getLogoutUrlAsync(
      {
        issuer: settings.idpEntityId,
        nameID: data.nameID,
        nameIDFormat: data.nameIDFormat,
        sessionIndex: data.sessionIndex
      } as Profile,
      "",
      {}
    )

  /**
   * Validates a redirect-bound LogoutResponse or IdP-started LogoutRequest. For a request, returns the URL of the
   * signed LogoutResponse to send back.
   */
  const logoutCallback = async (
    query: Record<string, string>,
    originalQuery: string
  ): Promise<{ readonly respondTo: string | null }> => {
    const { profile, loggedOut } = await saml.validateRedirectAsync(query, originalQuery)
    if (query.SAMLRequest && profile)
      return { respondTo: await saml.getLogoutResponseUrlAsync(profile, query.RelayState ?? "", {}, true) }
    if (!loggedOut) throw new Error("not a logout message")
    return { respondTo: null }
  }

  /** SP metadata (§3.2). */
  const metadata = () => saml.generateServiceProviderMetadata(cert, cert)

  return { loginUrl, callback, logoutUrl, logoutCallback, metadata }
}

/** The SP built from settings. */
export type SamlLogin = ReturnType<typeof makeSamlLogin>
