import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from "node:fs"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import ssh2, { type Connection } from "ssh2"

// ssh2 is CommonJS: Node's ESM loader sees only its default export.
const { Server, utils } = ssh2
const { STATUS_CODE } = utils.sftp

/** A key pair in OpenSSH format, and the public key's type and base64 blob (as `known_hosts` has them). */
export const keyPair = () => {
  const pair = utils.generateKeyPairSync("ed25519")
  const [keytype, key] = pair.public.trim().split(/\s+/) as [string, string]
  return { privateKey: pair.private, publicKey: pair.public, keytype, key }
}

/** A local SFTP server (ssh2's Server) that stores uploads under a temporary folder. */
export interface SftpServer {
  readonly port: number
  readonly root: string
  /** The server's host key, for `TENQ_KNOWN_HOSTS`. */
  readonly hostKey: { readonly keytype: string; readonly key: string }
  /** Refuses writes past this many bytes per file ("disk full"); undefined: no limit. */
  quota: number | undefined
  readonly close: () => Promise<void>
}

/**
 * Starts an SFTP server on 127.0.0.1 accepting the user `user` with the public key `clientPublicKey` only; remote
 * paths are taken relative to a temporary folder with the sub-folders `folders`.
 */
export const startSftpServer = async (options: {
  readonly user: string
  readonly clientPublicKey: string
  readonly folders: ReadonlyArray<string>
}): Promise<SftpServer> => {
  const root = mkdtempSync(path.join(tmpdir(), "kas-sftp-"))
  for (const f of options.folders) mkdirSync(path.join(root, f), { recursive: true })
  const host = keyPair()
  const allowed = utils.parseKey(options.clientPublicKey)
  if (allowed instanceof Error) throw allowed
  const allowedKey = Array.isArray(allowed) ? allowed[0] : allowed
  const clients = new Set<Connection>()
  const state: { quota: number | undefined } = { quota: undefined }
  const server = new Server({ hostKeys: [host.privateKey] }, (client) => {
    clients.add(client)
    client.on("close", () => clients.delete(client))
    client.on("error", () => undefined)
    client.on("authentication", (ctx) => {
      if (
        ctx.method === "publickey" &&
        ctx.username === options.user &&
        ctx.key.algo === allowedKey.type &&
        ctx.key.data.equals(allowedKey.getPublicSSH())
      ) {
        if (ctx.signature && ctx.blob && allowedKey.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
          return ctx.reject()
        }
        return ctx.accept()
      }
      ctx.reject(["publickey"])
    })
    client.on("ready", () => {
      client.on("session", (acceptSession) => {
        const session = acceptSession()
        session.on("sftp", (acceptSftp) => {
          const sftp = acceptSftp()
          const open = new Map<number, { fd: number; size: number }>()
          let next = 0
          const handleOf = (buffer: Buffer) => (buffer.length === 4 ? buffer.readUInt32BE(0) : -1)
          const local = (remote: string) => path.join(root, path.posix.normalize(`/${remote}`))
          sftp.on("OPEN", (reqid, filename) => {
            try {
              const fd = openSync(local(filename), "w")
              const id = next++
              open.set(id, { fd, size: 0 })
              const handle = Buffer.alloc(4)
              handle.writeUInt32BE(id, 0)
              sftp.handle(reqid, handle)
            } catch {
              sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE, "No such file or directory")
            }
          })
          sftp.on("WRITE", (reqid, handle, offset, data) => {
            const file = open.get(handleOf(handle))
            if (!file) return sftp.status(reqid, STATUS_CODE.FAILURE, "Bad handle")
            if (state.quota !== undefined && offset + data.length > state.quota) {
              return sftp.status(reqid, STATUS_CODE.FAILURE, "No space left on device")
            }
            writeSync(file.fd, data, 0, data.length, offset)
            sftp.status(reqid, STATUS_CODE.OK)
          })
          sftp.on("CLOSE", (reqid, handle) => {
            const id = handleOf(handle)
            const file = open.get(id)
            if (!file) return sftp.status(reqid, STATUS_CODE.FAILURE, "Bad handle")
            closeSync(file.fd)
            open.delete(id)
            sftp.status(reqid, STATUS_CODE.OK)
          })
          sftp.on("REMOVE", (reqid, filename) => {
            try {
              unlinkSync(local(filename))
              sftp.status(reqid, STATUS_CODE.OK)
            } catch {
              sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE, "No such file or directory")
            }
          })
        })
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    root,
    hostKey: { keytype: host.keytype, key: host.key },
    get quota() {
      return state.quota
    },
    set quota(q: number | undefined) {
      state.quota = q
    },
    close: async () => {
      for (const c of clients) c.end()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      rmSync(root, { recursive: true, force: true })
    }
  }
}
