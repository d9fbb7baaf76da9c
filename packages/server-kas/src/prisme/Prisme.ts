import type { KasConfig } from "@kas/core"
import { Chunk, Context, Data, Effect, Layer, Option, Redacted, Stream } from "effect"
import { readFileSync } from "node:fs"
import { homedir } from "node:os"
import path from "node:path"
import ssh2, { type Client, type ConnectConfig, type SFTPWrapper } from "ssh2"

// ssh2 is CommonJS: under plain node (the built server) only its default export is reliable, not named ones.
const { Client: SshClient, utils } = ssh2

/** The remote destinations of a 10Q file (integrations.md §2.7); the mocking destination uploads nothing. */
export type RemoteDestination = "10q_production" | "10q_development"

/**
 * The upload failed: `NotConfigured` (no host, user or folder), `Unreachable` (no connection), `HostKey` (the
 * server's key is not pinned), `Authentication` (the server refused the user or key), `Write` (the server refused
 * the file, e.g. a full folder). The message is Danish and safe to show (no secrets).
 */
export class PrismeUploadError extends Data.TaggedError("PrismeUploadError")<{
  readonly reason: "NotConfigured" | "Unreachable" | "HostKey" | "Authentication" | "Write"
  readonly message: string
}> {}

/** One upload: the file name in the destination's folder, the content as chunks, progress in bytes written. */
export interface Upload<E> {
  readonly destination: RemoteDestination
  readonly fileName: string
  readonly content: Stream.Stream<Uint8Array, E>
  readonly progress?: ((bytesWritten: number) => Effect.Effect<void>) | undefined
}

/** Prisme's SFTP folder (integrations.md §2.6 step 5). */
export class Prisme extends Context.Tag("@kas/server-kas/Prisme")<
  Prisme,
  {
    /** Writes the file; returns its remote path. A failed upload leaves no file behind when it can remove it. */
    readonly upload: <E>(upload: Upload<E>) => Effect.Effect<string, PrismeUploadError | E>
  }
>() {
  /** The SFTP client on the settings of configuration.md §4.5, the host key pinned. */
  static readonly live = (settings: KasConfig.BackOfficeConfig.TenQSettings) =>
    Layer.succeed(Prisme, { upload: (u) => uploadSftp(settings, u) })
}

const knownHostFiles = () => [path.join(homedir(), ".ssh", "known_hosts"), "/etc/ssh/ssh_known_hosts"]

/** The pinned keys of a host: `TENQ_KNOWN_HOSTS` and the system's known hosts (plain, unhashed entries). */
export const pinnedKeys = (
  host: string,
  port: number,
  configured: ReadonlyArray<KasConfig.BackOfficeConfig.KnownHost>,
  files: ReadonlyArray<string> = knownHostFiles()
): ReadonlyArray<{ readonly keytype: string; readonly key: string }> => {
  const names = new Set([host, `[${host}]:${port}`])
  if (port === 22) names.add(host)
  const out = configured.filter((k) => names.has(k.hostname)).map((k) => ({ keytype: k.keytype, key: k.key }))
  for (const file of files) {
    let text: string
    try {
      text = readFileSync(file, "utf8")
    } catch {
      continue
    }
    for (const line of text.split("\n")) {
      const [hosts, keytype, key] = line.trim().split(/\s+/)
      if (!hosts || !keytype || !key || hosts.startsWith("#") || hosts.startsWith("|")) continue
      if (hosts.split(",").some((h) => names.has(h))) out.push({ keytype, key })
    }
  }
  return out
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e))

const connect = (settings: KasConfig.BackOfficeConfig.TenQSettings, host: string, user: string) =>
  Effect.async<Client, PrismeUploadError>((resume) => {
    const pinned = pinnedKeys(host, settings.port, settings.knownHosts)
    let hostKeyRefused = false
    const client = new SshClient()
    const config: ConnectConfig = {
      host,
      port: settings.port,
      username: user,
      readyTimeout: 20_000,
      hostVerifier: (key: Buffer) => {
        const blob = key.toString("base64")
        const parsed = utils.parseKey(key)
        const type = parsed instanceof Error ? undefined : (Array.isArray(parsed) ? parsed[0] : parsed)?.type
        const ok = pinned.some((p) => p.key === blob && (type === undefined || p.keytype === type))
        if (!ok) hostKeyRefused = true
        return ok
      }
    }
    if (Option.isSome(settings.password)) config.password = Redacted.value(settings.password.value)
    if (Option.isSome(settings.privateKey)) config.privateKey = Redacted.value(settings.privateKey.value)
    const where = `${host}:${settings.port}`
    client.once("ready", () => resume(Effect.succeed(client)))
    client.once("error", (e: Error & { level?: string }) => {
      client.end()
      if (hostKeyRefused) {
        return resume(
          Effect.fail(
            new PrismeUploadError({
              reason: "HostKey",
              message: `SFTP-serverens nøgle (${where}) er ikke kendt; tilføj den til TENQ_KNOWN_HOSTS`
            })
          )
        )
      }
      if (e.level === "client-authentication") {
        return resume(
          Effect.fail(
            new PrismeUploadError({
              reason: "Authentication",
              message: `SFTP-serveren ${where} afviste login for brugeren ${user}`
            })
          )
        )
      }
      resume(
        Effect.fail(
          new PrismeUploadError({
            reason: "Unreachable",
            message: `Kunne ikke forbinde til SFTP-serveren ${where}: ${describe(e)}`
          })
        )
      )
    })
    try {
      client.connect(config)
    } catch (e) {
      resume(
        Effect.fail(new PrismeUploadError({ reason: "Authentication", message: `SFTP-login fejlede: ${describe(e)}` }))
      )
    }
    return Effect.sync(() => client.end())
  })

const sftpOf = (client: Client) =>
  Effect.async<SFTPWrapper, PrismeUploadError>((resume) => {
    client.sftp((err, sftp) =>
      resume(
        err
          ? Effect.fail(
              new PrismeUploadError({ reason: "Write", message: `SFTP kunne ikke startes: ${describe(err)}` })
            )
          : Effect.succeed(sftp)
      )
    )
  })

/** The size of one SFTP write (servers accept at least 32 KB). */
const PIECE = 32_768
/** Content elements (a 10Q transaction's lines, or its separator) gathered into one buffer before writing. */
const REWRITE_ELEMENTS = 4_096

const writeError = (file: string, e: unknown) =>
  new PrismeUploadError({
    reason: "Write",
    message: `Filen ${file} kunne ikke skrives på SFTP-serveren: ${describe(e)}`
  })

/** Opens, writes (chunk by chunk, each acknowledged) and closes the remote file. */
const writeFile = <E>(sftp: SFTPWrapper, remote: string, upload: Upload<E>) =>
  Effect.gen(function* () {
    const handle = yield* Effect.async<Buffer, PrismeUploadError>((resume) =>
      sftp.open(remote, "w", (err, h) => resume(err ? Effect.fail(writeError(remote, err)) : Effect.succeed(h)))
    )
    let offset = 0
    const write = (piece: Buffer, at: number) =>
      Effect.async<void, PrismeUploadError>((resume) =>
        sftp.write(handle, piece, 0, piece.length, at, (err) =>
          resume(err ? Effect.fail(writeError(remote, err)) : Effect.void)
        )
      )
    const written = yield* upload.content.pipe(
      // Larger buffers keep more pieces in flight per round of acknowledgements (a cursor's chunks are small).
      Stream.rechunk(REWRITE_ELEMENTS),
      Stream.chunks,
      Stream.map((chunk) => Buffer.concat(Chunk.toReadonlyArray(chunk))),
      // Reading the content runs ahead of the upload by a few chunks.
      Stream.buffer({ capacity: 8 }),
      Stream.runForEach((buffer) =>
        Effect.gen(function* () {
          // Pieces the SFTP protocol accepts, several in flight at once, each acknowledged.
          const pieces: Array<{ readonly piece: Buffer; readonly at: number }> = []
          for (let start = 0; start < buffer.length; start += PIECE) {
            pieces.push({ piece: buffer.subarray(start, Math.min(buffer.length, start + PIECE)), at: offset + start })
          }
          yield* Effect.forEach(pieces, (p) => write(p.piece, p.at), { concurrency: 16, discard: true })
          offset += buffer.length
          if (upload.progress) yield* upload.progress(offset)
        })
      ),
      Effect.as(offset),
      Effect.ensuring(Effect.async<void>((resume) => sftp.close(handle, () => resume(Effect.void))))
    )
    return written
  }).pipe(
    Effect.tapError(() =>
      Effect.async<void>((resume) => {
        // A partial file must not be taken for a delivered one.
        sftp.unlink(remote, () => resume(Effect.void))
      }).pipe(Effect.timeout("10 seconds"), Effect.ignore)
    )
  )

const uploadSftp = <E>(
  settings: KasConfig.BackOfficeConfig.TenQSettings,
  upload: Upload<E>
): Effect.Effect<string, PrismeUploadError | E> =>
  Effect.gen(function* () {
    const folder = upload.destination === "10q_production" ? settings.prodPath : settings.testPath
    const missing = [
      Option.isNone(settings.host) ? "TENQ_HOST" : undefined,
      Option.isNone(settings.user) ? "TENQ_USER" : undefined,
      Option.isNone(folder)
        ? upload.destination === "10q_production"
          ? "TENQ_PROD_PATH"
          : "TENQ_TEST_PATH"
        : undefined
    ].filter((n) => n !== undefined)
    if (missing.length > 0 || Option.isNone(settings.host) || Option.isNone(settings.user) || Option.isNone(folder)) {
      return yield* Effect.fail(
        new PrismeUploadError({
          reason: "NotConfigured",
          message: `SFTP er ikke sat op: ${missing.join(", ")} mangler`
        })
      )
    }
    const remote = path.posix.join(folder.value, upload.fileName)
    return yield* Effect.acquireUseRelease(
      connect(settings, settings.host.value, settings.user.value),
      (client) =>
        Effect.flatMap(sftpOf(client), (sftp) =>
          writeFile(sftp, remote, upload).pipe(Effect.ensuring(Effect.sync(() => sftp.end())))
        ),
      (client) => Effect.sync(() => client.end())
    ).pipe(Effect.as(remote))
  })

/** The live upload on explicit settings (the layer's implementation; tests point it at a local server). */
export const sftpUpload = uploadSftp
