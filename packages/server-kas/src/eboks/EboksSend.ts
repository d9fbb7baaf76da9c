/**
 * Sending documents through the e-Boks port and polling their post-processing (integrations.md §1.3, §1.5), with
 * the records kept by core's `EboksDispatches`. A send is idempotent: its message id is recorded before the request
 * (the intent); a later attempt that finds an intent asks e-Boks for that message first and records it instead of
 * sending a second letter.
 */
import { Dispatch, type DispatchItem, DomainRuleError, EboksDispatches, FileStore } from "@kas/core"
import { Chunk, Context, type Duration, Effect, Option } from "effect"
import { type EboksAnswer, Eboks, EboksError } from "./Eboks.js"

/** The waits and limits of §1.3 and §1.5; tests shorten them. */
export interface EboksTimingValue {
  /** Waits before the HTTP-error retries of a send (3 retries: 10, 20, 40 s). */
  readonly httpRetryDelays: ReadonlyArray<Duration.DurationInput>
  /** Attempts on timeouts and connection errors (5) and the wait between them (10 s). */
  readonly connectionAttempts: number
  readonly connectionRetryDelay: Duration.DurationInput
  /** Waits before the HTTP-error retries of a status call (4 retries: 10, 20, 40, 80 s). */
  readonly statusRetryDelays: ReadonlyArray<Duration.DurationInput>
  /** The wait before each polling pass (10 s). */
  readonly pollDelay: Duration.DurationInput
  /** How long a single dispatch polls a post-processed message (30 minutes, jobs.md §8.11). */
  readonly singlePollLimit: Duration.DurationInput
}

/** The spec's timing. */
export const specTiming: EboksTimingValue = {
  httpRetryDelays: ["10 seconds", "20 seconds", "40 seconds"],
  connectionAttempts: 5,
  connectionRetryDelay: "10 seconds",
  statusRetryDelays: ["10 seconds", "20 seconds", "40 seconds", "80 seconds"],
  pollDelay: "10 seconds",
  singlePollLimit: "30 minutes"
}

/** The timing in use (the spec's unless a test provides another). */
export class EboksTiming extends Context.Reference<EboksTiming>()("@kas/server-kas/EboksTiming", {
  defaultValue: () => specTiming
}) {}

/** The refusal of a send of a document that is neither `created` nor `failed` (§1.3). */
export const alreadySent = "Dokumentet er allerede afsendt og kan ikke sendes igen"

const recipientOf = (answer: EboksAnswer) => answer.recipients[0]

/** Records a message e-Boks accepted (or already had) for the item (§1.3 step 3). */
const record = (item: DispatchItem, answer: EboksAnswer, messageId: string) =>
  Effect.flatMap(EboksDispatches, (dispatches) =>
    dispatches.recordSent(item.kind, item.key, {
      messageId,
      recipientStatus: Dispatch.recipientStatusOf(recipientOf(answer)?.status),
      postProcessingStatus: Dispatch.postProcessingOf(recipientOf(answer)?.post_processing_status)
    })
  )

/** A status call with its HTTP-error retries (§1.5 step 3). */
export const statusWithRetries = (messageIds: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const eboks = yield* Eboks
    const timing = yield* EboksTiming
    let attempt = 0
    while (true) {
      const result = yield* Effect.either(eboks.status(messageIds))
      if (result._tag === "Right") return result.right
      const delay = timing.statusRetryDelays[attempt]
      if (result.left.reason !== "Http" || delay === undefined) return yield* Effect.fail(result.left)
      attempt++
      yield* Effect.sleep(delay)
    }
  })

/**
 * Sends one document (§1.3): only when it is `created` or `failed`. An intent left by an earlier attempt is
 * reconciled first: a message e-Boks knows is recorded and not sent again. HTTP errors are retried 3 times (a 409
 * gets a new message id first, unless e-Boks knows the message: then an earlier attempt delivered it and it is
 * recorded), timeouts and connection errors up to 5 attempts; a final failure marks the document `failed` and fails
 * with the e-Boks error (a failed status call fails it too, keeping the intent).
 */
export const sendDocument = (item: DispatchItem) =>
  Effect.gen(function* () {
    const eboks = yield* Eboks
    const dispatches = yield* EboksDispatches
    const timing = yield* EboksTiming
    if (!Dispatch.allowDispatch(item.status)) {
      return yield* Effect.fail(new DomainRuleError({ rule: "dispatch", message: alreadySent }))
    }
    let messageId: string
    if (item.pendingMessageId !== null) {
      const known = (yield* statusWithRetries([item.pendingMessageId])).find(
        (a) => a.message_id === item.pendingMessageId
      )
      if (known !== undefined) return yield* record(item, known, item.pendingMessageId)
      messageId = item.pendingMessageId
    } else {
      messageId = eboks.newMessageId()
      yield* dispatches.recordIntent(item.kind, item.key, messageId)
    }
    const pdf = (yield* (yield* FileStore).get(item.fileId)).content
    let httpRetries = 0
    let connectionAttempts = 0
    while (true) {
      const result = yield* Effect.either(eboks.send({ messageId, cpr: item.cpr, title: item.title, pdf }))
      if (result._tag === "Right") return yield* record(item, result.right, messageId)
      const error = result.left
      let delay: Duration.DurationInput | undefined
      if (error.reason === "Http" || error.reason === "Decode") {
        // A 409 after an attempt whose answer was lost (a timeout) may mean e-Boks took that very letter: ask first.
        if (error.status === 409) {
          const known = (yield* statusWithRetries([messageId])).find((a) => a.message_id === messageId)
          if (known !== undefined) return yield* record(item, known, messageId)
        }
        delay = timing.httpRetryDelays[httpRetries++]
        if (delay !== undefined && error.status === 409) {
          messageId = eboks.newMessageId()
          yield* dispatches.recordIntent(item.kind, item.key, messageId)
        }
      } else if (++connectionAttempts < timing.connectionAttempts) {
        delay = timing.connectionRetryDelay
      }
      if (delay === undefined) {
        yield* dispatches.recordFailed(item.kind, item.key)
        return yield* Effect.fail(error)
      }
      yield* Effect.sleep(delay)
    }
  }).pipe(Effect.withSpan("EboksSend.sendDocument"))

/**
 * The polling of §1.5 step 3: before each of up to `passes` passes wait the poll delay, ask the status call for
 * 10 message ids at a time (8 requests in parallel) and resolve every item whose post-processing is no longer
 * `pending`. Returns the number resolved; stops early when none is left.
 */
export const pollPostProcessing = (items: ReadonlyArray<DispatchItem>, options?: { readonly passes?: number }) =>
  Effect.gen(function* () {
    const dispatches = yield* EboksDispatches
    const timing = yield* EboksTiming
    let waiting = items.filter((i) => i.messageId !== null)
    let resolved = 0
    for (let pass = 0; pass < (options?.passes ?? 5) && waiting.length > 0; pass++) {
      yield* Effect.sleep(timing.pollDelay)
      const chunks = Chunk.toReadonlyArray(Chunk.chunksOf(Chunk.fromIterable(waiting), 10)).map(Chunk.toReadonlyArray)
      const answers = yield* Effect.forEach(
        chunks,
        (chunk) =>
          statusWithRetries(chunk.map((i) => i.messageId!)).pipe(
            Effect.catchAll((e) => Effect.as(Effect.logWarning(`e-Boks status: ${e.message}`), []))
          ),
        { concurrency: 8 }
      )
      const byId = new Map(answers.flat().map((a) => [a.message_id, a]))
      const still: Array<DispatchItem> = []
      for (const item of waiting) {
        const pps = Option.fromNullable(recipientOf(byId.get(item.messageId!) ?? { message_id: "", recipients: [] }))
        const status = Option.map(pps, (r) => Dispatch.postProcessingOf(r.post_processing_status))
        if (Option.isSome(status) && status.value !== "pending") {
          yield* dispatches.resolvePostProcessing(item.kind, item.key, status.value)
          resolved++
        } else {
          still.push(item)
        }
      }
      waiting = still
    }
    return resolved
  }).pipe(Effect.withSpan("EboksSend.pollPostProcessing"))

export { EboksError }
