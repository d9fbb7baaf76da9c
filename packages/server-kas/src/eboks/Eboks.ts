/**
 * The e-Boks port (integrations.md §1): one call per method, no retries (those are `EboksSend`'s). The live layer
 * talks HTTPS with a client certificate to the agency's e-Boks proxy (configuration.md §4.4); the mock layer sends
 * nothing and answers every recipient as a valid e-Boks user (§1.6).
 */
import { randomUUID } from "node:crypto"
import { readFileSync } from "node:fs"
import type { KasConfig } from "@kas/core"
import { Context, Data, Effect, Layer, Option } from "effect"
import { Agent, request } from "undici"

/** One recipient of a message as e-Boks answers it. */
export interface EboksRecipient {
  readonly nr: string
  readonly recipient_type: string
  readonly nationality: string
  readonly status: string
  readonly reject_reason: string
  readonly post_processing_status: string
}

/** e-Boks' answer for one message (send and status calls). */
export interface EboksAnswer {
  readonly message_id: string
  readonly recipients: ReadonlyArray<EboksRecipient>
}

/** A message to send: the recipient's CPR (type P), the title and the PDF. */
export interface EboksMessage {
  readonly messageId: string
  readonly cpr: string
  readonly title: string
  readonly pdf: Uint8Array
}

/**
 * A call to e-Boks failed: `Http` (an answer with an error status; `status` and `body`), `Timeout` (no answer in
 * time), `Connection` (could not connect or the connection broke) or `Decode` (an answer that is not e-Boks').
 */
export class EboksError extends Data.TaggedError("EboksError")<{
  readonly reason: "Http" | "Timeout" | "Connection" | "Decode"
  readonly status?: number | undefined
  readonly body?: string | undefined
  readonly cause?: unknown
}> {
  override get message() {
    if (this.reason === "Http") return `e-Boks svarede ${this.status}: ${(this.body ?? "").slice(0, 500)}`
    if (this.reason === "Timeout") return "e-Boks svarede ikke inden for tidsfristen"
    if (this.reason === "Connection") return "Der kunne ikke oprettes forbindelse til e-Boks"
    return "e-Boks svarede med et ukendt format"
  }
}

/** The e-Boks port. */
export class Eboks extends Context.Tag("@kas/server-kas/Eboks")<
  Eboks,
  {
    /** A new message id (§1.2). */
    readonly newMessageId: () => string
    /** `PUT …/dispatches/{message_id}`: sends one message. */
    readonly send: (message: EboksMessage) => Effect.Effect<EboksAnswer, EboksError>
    /** `GET /rest/messages/{client_id}/?message_id=…`: the answers of the messages e-Boks knows. */
    readonly status: (messageIds: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<EboksAnswer>, EboksError>
    /** `GET /rest/client/{client_id}/`: the operator's connectivity check. */
    readonly clientInfo: () => Effect.Effect<unknown, EboksError>
  }
>() {
  /** EBOKS_MOCK=true: nothing is sent; every recipient is valid and every message becomes `send` (§1.6). */
  static readonly layerMock = Layer.succeed(Eboks, {
    newMessageId: () => randomUUID().replaceAll("-", ""),
    send: (message) =>
      Effect.succeed({
        message_id: message.messageId,
        recipients: [
          {
            nr: message.cpr,
            recipient_type: "P",
            nationality: "DK",
            status: "",
            reject_reason: "",
            post_processing_status: ""
          }
        ]
      }),
    status: () => Effect.succeed([]),
    clientInfo: () => Effect.succeed({ mock: true })
  })

  /** The agency's proxy with mutual TLS; `timeoutMs` is the request timeout (60 s, §1.3). */
  static readonly layerLive = (settings: LiveSettings, options?: { readonly timeoutMs?: number }) =>
    Layer.scoped(Eboks, makeLive(settings, options?.timeoutMs ?? 60_000))

  /** The layer EBOKS_MOCK chooses. */
  static readonly layer = (settings: KasConfig.BackOfficeConfig.EboksSettings) =>
    settings.mock
      ? Eboks.layerMock
      : Eboks.layerLive({
          host: Option.getOrThrow(settings.host),
          clientId: Option.getOrThrow(settings.clientId),
          systemId: Option.getOrThrow(settings.systemId),
          contentTypeId: Option.getOrThrow(settings.contentTypeId),
          certificate: readFileSync(Option.getOrThrow(settings.clientCertificates), "utf8"),
          privateKey: readFileSync(Option.getOrThrow(settings.clientPrivateKey), "utf8"),
          ca: readFileSync(Option.getOrThrow(settings.verify), "utf8")
        })
}

/** The live layer's settings, with the PEM contents read. */
export interface LiveSettings {
  readonly host: string
  readonly clientId: string
  readonly systemId: string
  readonly contentTypeId: string
  readonly certificate: string
  readonly privateKey: string
  readonly ca: string
}

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** The dispatch XML of §1.2. */
export const dispatchXml = (message: EboksMessage, contentTypeId: string): string =>
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<Dispatch xmlns="urn:eboks:en:3.0.0">' +
  `<DispatchRecipient><Id>${escapeXml(message.cpr)}</Id><Type>P</Type><Nationality>DK</Nationality>` +
  "</DispatchRecipient>" +
  `<ContentTypeId>${escapeXml(contentTypeId)}</ContentTypeId>` +
  `<Title>${escapeXml(message.title)}</Title>` +
  `<Content><Data>${Buffer.from(message.pdf).toString("base64")}</Data><FileExtension>pdf</FileExtension></Content>` +
  "</Dispatch>"

/** A message id: EBOKS_SYSTEM_ID zero-padded to 6 digits, EBOKS_CLIENT_ID, a random UUID as 32 hex digits (§1.2). */
export const messageIdOf = (systemId: string, clientId: string): string =>
  `${systemId.padStart(6, "0")}${clientId}${randomUUID().replaceAll("-", "")}`

const timeoutCodes = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"])

const classify = (cause: unknown): EboksError => {
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : ""
  const name = cause instanceof Error ? cause.name : ""
  if (timeoutCodes.has(code) || name === "TimeoutError" || name === "AbortError") {
    return new EboksError({ reason: "Timeout", cause })
  }
  return new EboksError({ reason: "Connection", cause })
}

const isAnswer = (value: unknown): value is EboksAnswer =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { message_id?: unknown }).message_id === "string" &&
  Array.isArray((value as { recipients?: unknown }).recipients)

const makeLive = (settings: LiveSettings, timeoutMs: number) =>
  Effect.gen(function* () {
    const agent = yield* Effect.acquireRelease(
      Effect.sync(
        () =>
          new Agent({
            connect: { cert: settings.certificate, key: settings.privateKey, ca: settings.ca, timeout: timeoutMs },
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs
          })
      ),
      (a) => Effect.promise(() => a.close())
    )
    const base = settings.host.replace(/\/+$/, "")
    const call = (method: "GET" | "PUT", path: string, body?: string) =>
      Effect.tryPromise({
        try: async (signal) => {
          const res = await request(`${base}${path}`, {
            method,
            dispatcher: agent,
            headers: { "content-type": "application/xml", accept: "application/json" },
            body,
            signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
          })
          return { status: res.statusCode, text: await res.body.text() }
        },
        catch: classify
      }).pipe(
        Effect.flatMap(({ status, text }) =>
          status >= 400
            ? Effect.fail(new EboksError({ reason: "Http", status, body: text }))
            : Effect.try({
                try: () => JSON.parse(text) as unknown,
                catch: (cause) => new EboksError({ reason: "Decode", body: text.slice(0, 500), cause })
              })
        )
      )
    return {
      newMessageId: () => messageIdOf(settings.systemId, settings.clientId),
      send: (message: EboksMessage) =>
        call(
          "PUT",
          `/int/rest/srv.svc/3/dispatchsystem/${encodeURIComponent(settings.systemId)}/dispatches/` +
            encodeURIComponent(message.messageId),
          dispatchXml(message, settings.contentTypeId)
        ).pipe(
          Effect.flatMap((json) =>
            isAnswer(json) ? Effect.succeed(json) : Effect.fail(new EboksError({ reason: "Decode" }))
          ),
          Effect.withSpan("Eboks.send")
        ),
      status: (messageIds: ReadonlyArray<string>) =>
        call(
          "GET",
          `/rest/messages/${encodeURIComponent(settings.clientId)}/?` +
            messageIds.map((id) => `message_id=${encodeURIComponent(id)}`).join("&")
        ).pipe(
          Effect.flatMap((json) =>
            Array.isArray(json) && json.every(isAnswer)
              ? Effect.succeed(json as ReadonlyArray<EboksAnswer>)
              : Effect.fail(new EboksError({ reason: "Decode" }))
          ),
          Effect.withSpan("Eboks.status")
        ),
      clientInfo: () => call("GET", `/rest/client/${encodeURIComponent(settings.clientId)}/`)
    }
  })
