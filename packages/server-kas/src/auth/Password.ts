import { randomBytes, scrypt, timingSafeEqual } from "node:crypto"

const N = 16384
const R = 8
const P = 1
const KEYLEN = 64

/**
 * At most this many scrypt derivations run at once (each takes a thread of libuv's pool of 4, which file and DNS work
 * share); further ones wait their turn, so parallel login attempts cannot tie up the pool.
 */
export const MAX_CONCURRENT_HASHING = 2

let running = 0
let peak = 0
let derivations = 0
const waiting: Array<() => void> = []

const acquire = (): Promise<void> => {
  if (running < MAX_CONCURRENT_HASHING) {
    running++
    return Promise.resolve()
  }
  return new Promise((resolve) => waiting.push(resolve)) // the releasing derivation hands its slot over
}
const release = () => {
  const next = waiting.shift()
  if (next) next()
  else running--
}

const derive = async (password: string, salt: Buffer, n: number, r: number, p: number) => {
  await acquire()
  peak = Math.max(peak, running)
  derivations++
  try {
    return await new Promise<Buffer>((resolve, reject) =>
      scrypt(password, salt, KEYLEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) =>
        err ? reject(err) : resolve(key)
      )
    )
  } finally {
    release()
  }
}

/** How many derivations ran so far and the most that ran at once since the last reset (for tests and metrics). */
export const hashingStats = (): { readonly derivations: number; readonly peak: number } => ({ derivations, peak })

/** Starts a new peak measurement. */
export const resetHashingPeak = () => {
  peak = running
}

/** An scrypt hash: `scrypt$N$r$p$salt$hash` (base64). */
export const hashPassword = async (password: string): Promise<string> => {
  const salt = randomBytes(16)
  const key = await derive(password, salt, N, R, P)
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`
}

const UNUSABLE_SALT = randomBytes(16)

/**
 * Checks a password against a stored hash in constant time; a malformed or missing hash (an unknown user name, a
 * system user without a password) never matches but costs the same scrypt work, so the answer time does not tell
 * which names exist.
 */
export const verifyPassword = async (password: string, stored: string | null): Promise<boolean> => {
  const parts = stored?.split("$") ?? []
  if (parts.length !== 6 || parts[0] !== "scrypt") {
    await derive(password, UNUSABLE_SALT, N, R, P)
    return false
  }
  const [, n, r, p, salt, hash] = parts
  const expected = Buffer.from(hash!, "base64")
  const key = await derive(password, Buffer.from(salt!, "base64"), Number(n), Number(r), Number(p))
  return key.length === expected.length && timingSafeEqual(key, expected)
}
