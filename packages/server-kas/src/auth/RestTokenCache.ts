import { createHash } from "node:crypto"

/** How long a valid REST token is taken as valid without asking the database again (revocation's delay). */
export const REST_TOKEN_CACHE_MS = 5000

/**
 * The REST token check with a memory of the tokens found valid in the last `ttlMs`, keyed by the SHA-256 of the token
 * (the raw secret is not kept). A token is looked up again once its entry is older than `ttlMs`, so a revoked token
 * or a deactivated user is refused at the latest `ttlMs` after the change; an invalid token is never remembered.
 * Answers `true` at once for a remembered token, else a promise of the lookup's answer.
 */
export const restTokenCache = (options: { readonly ttlMs: number; readonly now?: () => number }) => {
  const now = options.now ?? Date.now
  const valid = new Map<string, number>()
  return (token: string, lookup: (token: string) => Promise<boolean>): true | Promise<boolean> => {
    const key = createHash("sha256").update(token).digest("base64")
    const until = valid.get(key)
    if (until !== undefined && until > now()) return true
    return lookup(token).then((ok) => {
      if (!ok) valid.delete(key)
      else {
        if (valid.size >= 1000) valid.clear()
        valid.set(key, now() + options.ttlMs)
      }
      return ok
    })
  }
}
