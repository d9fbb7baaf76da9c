import { DOMParser } from "@xmldom/xmldom"
import { readFile, writeFile, mkdir } from "node:fs/promises"
import path from "node:path"

/** What the SP needs from the IdP's metadata. */
export interface IdpMetadata {
  readonly entityId: string
  readonly ssoUrl: string
  readonly sloUrl: string | null
  readonly certificates: ReadonlyArray<string>
}

const MD = "urn:oasis:names:tc:SAML:2.0:metadata"
const DS = "http://www.w3.org/2000/09/xmldsig#"
const REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"

/** Parses IdP metadata XML (the HTTP-Redirect endpoints and the signing certificates). */
export const parseIdpMetadata = (xml: string): IdpMetadata => {
  const doc = new DOMParser().parseFromString(xml, "text/xml")
  const entity = doc.getElementsByTagNameNS(MD, "EntityDescriptor")[0]
  const idp = doc.getElementsByTagNameNS(MD, "IDPSSODescriptor")[0]
  if (!entity || !idp) throw new Error("IdP metadata has no EntityDescriptor/IDPSSODescriptor")
  const location = (tag: string) => {
    const nodes = Array.from(idp.getElementsByTagNameNS(MD, tag))
    const node = nodes.find((n) => n.getAttribute("Binding") === REDIRECT) ?? nodes[0]
    return node?.getAttribute("Location") ?? null
  }
  const certificates = Array.from(idp.getElementsByTagNameNS(MD, "KeyDescriptor"))
    .filter((k) => (k.getAttribute("use") ?? "signing") === "signing")
    .flatMap((k) =>
      Array.from(k.getElementsByTagNameNS(DS, "X509Certificate")).map((c) => (c.textContent ?? "").replace(/\s+/g, ""))
    )
    .filter((c) => c.length > 0)
  const ssoUrl = location("SingleSignOnService")
  if (!ssoUrl || certificates.length === 0)
    throw new Error("IdP metadata lacks a SingleSignOnService or a signing certificate")
  return {
    entityId: entity.getAttribute("entityID") ?? "",
    ssoUrl,
    sloUrl: location("SingleLogoutService"),
    certificates
  }
}

/** Reads the cached metadata file, first refreshing it from `url` when `pull` (verified TLS: Node's default). */
export const loadIdpMetadata = async (file: string, url: string, pull: boolean): Promise<IdpMetadata> => {
  if (pull) {
    const res = await fetch(url, { signal: AbortSignal.timeout(15_000) })
    if (!res.ok) throw new Error(`Could not fetch IdP metadata from ${url}: HTTP ${res.status}`)
    const text = await res.text()
    parseIdpMetadata(text)
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, text)
  }
  return parseIdpMetadata(await readFile(file, "utf8"))
}
