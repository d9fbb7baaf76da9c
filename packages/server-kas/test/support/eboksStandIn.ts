import https from "node:https"
import type { AddressInfo } from "node:net"
import type { TLSSocket } from "node:tls"
import { generate } from "selfsigned"

/**
 * A local stand-in for the agency's e-Boks proxy (integrations.md §1.3): HTTPS that requires a client certificate
 * signed by its CA, the send (`PUT …/dispatches/{id}`), status (`GET /rest/messages/{client}/?message_id=…`) and
 * client-info calls, answering per recipient CPR as the test scripts it.
 */
export type Behaviour =
  /** A valid e-Boks user. */
  | { readonly kind: "accept" }
  /** Not an e-Boks user: post-processing `pending`, resolved to `resolution` after `after` status calls. */
  | {
      readonly kind: "postProcessing"
      readonly recipient: "exempt" | "minor" | "invalid"
      readonly resolution: "address resolved" | "address not found" | "remote printed"
      readonly after: number
    }
  /** The recipient is dead. */
  | { readonly kind: "dead" }
  /** `failures` answers with HTTP `status`, then accepted. */
  | { readonly kind: "temporary"; readonly status: number; readonly failures: number }
  /** Always HTTP 400. */
  | { readonly kind: "permanent" }
  /** Never answers. */
  | { readonly kind: "timeout" }
  /** The first message id is "already used" (409), then accepted. */
  | { readonly kind: "conflict" }
  /** Accepted (the letter is delivered) but never answered (with `once`, only the first letter). */
  | { readonly kind: "hold"; readonly once?: boolean }

/** A request the stand-in received. */
export interface Received {
  readonly method: string
  readonly path: string
  readonly messageId: string
  readonly cpr: string
  readonly title: string
  readonly contentTypeId: string
  readonly pdf: Buffer
  readonly clientCertificate: boolean
}

export interface EboksStandIn {
  readonly url: string
  /** PEM files' contents: the CA (server verification) and the client's certificate and key. */
  readonly ca: string
  readonly clientCertificate: string
  readonly clientKey: string
  readonly received: Array<Received>
  /** The messages it accepted (what a recipient got), by message id. */
  readonly delivered: Map<string, string>
  readonly statusCalls: Array<ReadonlyArray<string>>
  readonly behave: (cpr: string, behaviour: Behaviour) => void
  readonly close: () => Promise<void>
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? ""

export const startEboksStandIn = async (): Promise<EboksStandIn> => {
  const keys = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }
    ],
    clientCertificate: { cn: "kas-test-client" }
  })
  const behaviours = new Map<string, Behaviour>()
  const attempts = new Map<string, number>()
  const answers = new Map<string, { cpr: string; behaviour: Behaviour; polls: number }>()
  const received: Array<Received> = []
  const delivered = new Map<string, string>()
  const statusCalls: Array<ReadonlyArray<string>> = []
  const pending = new Set<import("node:http").ServerResponse>()

  const answer = (messageId: string, a: { cpr: string; behaviour: Behaviour; polls: number }, resolve: boolean) => {
    // A status call answers with the recipient's current script (a test may change when it resolves).
    const current = behaviours.get(a.cpr)
    const b = resolve && current?.kind === "postProcessing" ? current : a.behaviour
    const recipient = b.kind === "postProcessing" ? b.recipient : b.kind === "dead" ? "dead" : ""
    let pps = ""
    if (b.kind === "postProcessing") {
      if (resolve) a.polls++
      pps = resolve && a.polls >= b.after ? b.resolution : "pending"
    }
    return {
      message_id: messageId,
      recipients: [
        {
          nr: a.cpr,
          recipient_type: "P",
          nationality: "DK",
          status: recipient,
          reject_reason: "",
          post_processing_status: pps
        }
      ]
    }
  }

  const server = https.createServer(
    { key: keys.private, cert: keys.cert, ca: keys.cert, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (c: Buffer) => chunks.push(c))
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "https://stand-in")
        const json = (status: number, body: unknown) => {
          res.writeHead(status, { "content-type": "application/json" })
          res.end(JSON.stringify(body))
        }
        const send = /^\/int\/rest\/srv\.svc\/3\/dispatchsystem\/([^/]+)\/dispatches\/([^/]+)$/.exec(url.pathname)
        if (req.method === "PUT" && send) {
          const xml = Buffer.concat(chunks).toString("utf8")
          const messageId = decodeURIComponent(send[2]!)
          const cpr = tag(xml, "Id")
          received.push({
            method: "PUT",
            path: url.pathname,
            messageId,
            cpr,
            title: tag(xml, "Title"),
            contentTypeId: tag(xml, "ContentTypeId"),
            pdf: Buffer.from(tag(xml, "Data"), "base64"),
            clientCertificate: (req.socket as TLSSocket).getPeerCertificate()?.subject?.CN === "kas-test-client"
          })
          const behaviour = behaviours.get(cpr) ?? { kind: "accept" }
          const n = (attempts.get(cpr) ?? 0) + 1
          attempts.set(cpr, n)
          if (behaviour.kind === "timeout") return void pending.add(res)
          if (behaviour.kind === "permanent") return json(400, { error: "Ugyldig modtager" })
          if (behaviour.kind === "temporary" && n <= behaviour.failures)
            return json(behaviour.status, { error: "busy" })
          if (behaviour.kind === "conflict" && n === 1) return json(409, { error: "message id already used" })
          if (answers.has(messageId)) return json(409, { error: "message id already used" })
          const a = { cpr, behaviour, polls: 0 }
          answers.set(messageId, a)
          delivered.set(messageId, cpr)
          if (behaviour.kind === "hold" && (n === 1 || !behaviour.once)) return void pending.add(res)
          return json(200, answer(messageId, a, false))
        }
        const status = /^\/rest\/messages\/([^/]+)\/$/.exec(url.pathname)
        if (req.method === "GET" && status) {
          const ids = url.searchParams.getAll("message_id")
          statusCalls.push(ids)
          return json(
            200,
            ids.flatMap((id) => {
              const a = answers.get(id)
              return a === undefined ? [] : [answer(id, a, true)]
            })
          )
        }
        if (req.method === "GET" && /^\/rest\/client\/[^/]+\/$/.test(url.pathname)) return json(200, { name: "KAS" })
        json(404, { error: "not found" })
      })
    }
  )
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: keys.cert,
    clientCertificate: keys.clientcert!,
    clientKey: keys.clientprivate!,
    received,
    delivered,
    statusCalls,
    behave: (cpr, behaviour) => {
      behaviours.set(cpr, behaviour)
      attempts.delete(cpr)
    },
    close: async () => {
      for (const res of pending) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    }
  }
}
