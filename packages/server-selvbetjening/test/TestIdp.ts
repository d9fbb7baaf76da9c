import { createSign, createVerify, randomBytes } from "node:crypto"
import http from "node:http"
import type { AddressInfo } from "node:net"
import { inflateRawSync, deflateRawSync } from "node:zlib"
import { generate } from "selfsigned"
import { SignedXml } from "xml-crypto"

/** Options of one SAML Response the test IdP issues. */
export interface LoginOptions {
  readonly inResponseTo: string
  readonly cpr?: string | null
  readonly name?: string
  readonly loa?: string
  readonly audience?: string
  readonly expired?: boolean
  readonly signed?: boolean
  /** More attributes in the signed assertion (e.g. a second CPR). */
  readonly extraAttributes?: ReadonlyArray<readonly [string, string]>
  /** The assertion's SubjectConfirmationData InResponseTo; `null` leaves it out (default: `inResponseTo`). */
  readonly subjectInResponseTo?: string | null
}

const ATTR = {
  specVersion: "https://data.gov.dk/model/core/specVersion",
  loa: "https://data.gov.dk/concept/core/nsis/loa",
  cpr: "https://data.gov.dk/model/core/eid/cprNumber",
  fullName: "https://data.gov.dk/model/core/eid/fullName"
}
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!)
const pemBody = (pem: string) => pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "")
const id = () => `_${randomBytes(16).toString("hex")}`

/** A self-signed SAML IdP for the tests: verifies signed AuthnRequests and issues (optionally broken) responses. */
export const startTestIdp = async (sp: {
  readonly entityId: string
  readonly acs: string
  readonly sloCallback: string
  readonly spCert: string
}) => {
  const keys = await generate([{ name: "commonName", value: "test-idp" }], { keySize: 2048, algorithm: "sha256" })
  const entityId = "https://test-idp.example/"
  let pending: ((cpr: string) => LoginOptions & { relayState: string }) | null = null
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://idp")
    if (url.pathname === "/sso") {
      const parsed = parseRedirect(url)
      const persons = ["1802602810", "0101709901"]
      res.setHeader("content-type", "text/html; charset=utf-8")
      // A login page: one form per person, posting a signed response to the SP (as NemLog-in would after MitID).
      res.end(
        `<!doctype html><title>Test IdP</title>${persons
          .map((cpr) => {
            const name = cpr === "1802602810" ? "Anna Testesen" : "Bent Andersen"
            const response = idp.response({ inResponseTo: parsed.id, cpr, name })
            return (
              `<form method="post" action="${esc(sp.acs)}">` +
              `<input type="hidden" name="SAMLResponse" value="${esc(response)}">` +
              `<input type="hidden" name="RelayState" value="${esc(parsed.relayState)}">` +
              `<button type="submit" id="login-${cpr}">Log ind som ${cpr}</button></form>`
            )
          })
          .join("")}`
      )
      return
    }
    if (url.pathname === "/slo") {
      const parsed = parseRedirect(url)
      res.statusCode = 302
      res.setHeader("location", idp.logoutResponseUrl(parsed.id))
      res.end()
      return
    }
    res.statusCode = 404
    res.end()
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  /** Decodes a redirect-bound message and checks its RSA-SHA256 signature with the SP certificate. */
  const parseRedirect = (url: URL) => {
    const message = url.searchParams.get("SAMLRequest") ?? ""
    const relayState = url.searchParams.get("RelayState") ?? ""
    const sigAlg = url.searchParams.get("SigAlg") ?? ""
    const signature = url.searchParams.get("Signature") ?? ""
    const raw = url.search.slice(1).split("&")
    const pick = (k: string) => raw.find((p) => p.startsWith(`${k}=`))
    const signedPart = ["SAMLRequest", "RelayState", "SigAlg"]
      .map(pick)
      .filter((p): p is string => p !== undefined)
      .join("&")
    const verifier = createVerify("RSA-SHA256")
    verifier.update(signedPart)
    const signed = sigAlg.endsWith("rsa-sha256") && signature !== "" && verifier.verify(sp.spCert, signature, "base64")
    const xml = inflateRawSync(Buffer.from(message, "base64")).toString("utf8")
    return { id: /\bID="([^"]+)"/.exec(xml)?.[1] ?? "", relayState, signed, xml }
  }

  const idp = {
    entityId,
    url: base,
    cert: keys.cert,
    parseRedirect: (location: string) => parseRedirect(new URL(location)),
    setPending: (f: typeof pending) => {
      pending = f
    },
    metadata: () => `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
  entityID="${entityId}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
      <ds:X509Certificate>${pemBody(keys.cert)}</ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${base}/slo"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${base}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`,
    /** A base64 SAMLResponse for `options` (signed assertion unless `signed: false`). */
    response: (o: LoginOptions): string => Buffer.from(idp.responseXml(o)).toString("base64"),
    /** The XML of that SAMLResponse (to tamper with in the tests). */
    responseXml: (o: LoginOptions): string => {
      const now = Date.now()
      const iso = (ms: number) => new Date(ms).toISOString()
      const until = o.expired ? iso(now - 60_000) : iso(now + 300_000)
      const attrs: Array<readonly [string, string]> = [
        [ATTR.specVersion, "OIO-SAML-3.0"],
        [ATTR.loa, o.loa ?? "Substantial"],
        [ATTR.fullName, o.name ?? "Anna Testesen"]
      ]
      if (o.cpr !== null) attrs.push([ATTR.cpr, o.cpr ?? "1802602810"])
      attrs.push(...(o.extraAttributes ?? []))
      const subjectInResponseTo = o.subjectInResponseTo === undefined ? o.inResponseTo : o.subjectInResponseTo
      const confirmationInResponseTo = subjectInResponseTo === null ? "" : ` InResponseTo="${subjectInResponseTo}"`
      const assertionId = id()
      const attributes = attrs
        .map(
          ([n, v]) =>
            `<saml:Attribute Name="${n}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
            `<saml:AttributeValue>${esc(v)}</saml:AttributeValue></saml:Attribute>`
        )
        .join("")
      const xml =
        `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ` +
        `xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id()}" Version="2.0" ` +
        `IssueInstant="${iso(now)}" Destination="${sp.acs}" InResponseTo="${o.inResponseTo}">` +
        `<saml:Issuer>${entityId}</saml:Issuer>` +
        `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
        `<saml:Assertion ID="${assertionId}" Version="2.0" IssueInstant="${iso(now)}">` +
        `<saml:Issuer>${entityId}</saml:Issuer><saml:Subject>` +
        `<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">` +
        `nameid-${o.cpr ?? "x"}</saml:NameID>` +
        `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
        `<saml:SubjectConfirmationData${confirmationInResponseTo} NotOnOrAfter="${until}" Recipient="${sp.acs}"/>` +
        `</saml:SubjectConfirmation></saml:Subject>` +
        `<saml:Conditions NotBefore="${iso(now - 600_000)}" NotOnOrAfter="${until}"><saml:AudienceRestriction>` +
        `<saml:Audience>${o.audience ?? sp.entityId}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
        `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${id()}"><saml:AuthnContext>` +
        `<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml:AuthnContextClassRef>` +
        `</saml:AuthnContext></saml:AuthnStatement>` +
        `<saml:AttributeStatement>${attributes}</saml:AttributeStatement></saml:Assertion></samlp:Response>`
      if (o.signed === false) return xml
      const sig = new SignedXml({
        privateKey: keys.private,
        signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        canonicalizationAlgorithm: "http://www.w3.org/2001/10/xml-exc-c14n#"
      })
      sig.addReference({
        xpath: "//*[local-name(.)='Assertion']",
        digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha256",
        transforms: ["http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#"]
      })
      sig.computeSignature(xml, {
        location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: "after" }
      })
      return sig.getSignedXml()
    },
    /** The SP's logout callback URL carrying a signed LogoutResponse to request `inResponseTo`. */
    logoutResponseUrl: (inResponseTo: string): string => {
      const xml =
        `<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ` +
        `xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id()}" Version="2.0" ` +
        `IssueInstant="${new Date().toISOString()}" Destination="${sp.sloCallback}" InResponseTo="${inResponseTo}">` +
        `<saml:Issuer>${entityId}</saml:Issuer>` +
        `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
        `</samlp:LogoutResponse>`
      const response = encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString("base64"))
      const sigAlg = encodeURIComponent("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
      const q = `SAMLResponse=${response}&SigAlg=${sigAlg}`
      const signer = createSign("RSA-SHA256")
      signer.update(q)
      return `${sp.sloCallback}?${q}&Signature=${encodeURIComponent(signer.sign(keys.private, "base64"))}`
    },
    stop: () => new Promise<void>((r) => server.close(() => r()))
  }
  void pending
  return idp
}

/** The test IdP. */
export type TestIdp = Awaited<ReturnType<typeof startTestIdp>>
