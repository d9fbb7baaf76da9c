import { createHash } from "node:crypto"

/** A seeded pseudo-random generator (mulberry32): the only source of randomness of the mock data (eskat.md §6.3). */
export class Random {
  private state: number
  constructor(seed: number) {
    this.state = (Math.imul(seed | 0, 0x9e3779b1) ^ 0x5bd1e995) >>> 0
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  /** One element of a non-empty list. */
  pick<A>(list: ReadonlyArray<A>): A {
    return list[Math.floor(this.next() * list.length)]
  }
  /** One element, chosen with the given weights. */
  weighted<A>(list: ReadonlyArray<readonly [A, number]>): A {
    const total = list.reduce((s, [, w]) => s + w, 0)
    let r = this.next() * total
    for (const [a, w] of list) {
      r -= w
      if (r < 0) return a
    }
    return list[list.length - 1][0]
  }
}

const URL_NAMESPACE = Buffer.from("6ba7b8119dad11d180b400c04fd430c8", "hex")

/** A name-based UUID (version 5, SHA-1) in the URL namespace, as eskat.md §6.1 requires. */
export const uuidv5 = (name: string): string => {
  const hash = createHash("sha1").update(URL_NAMESPACE).update(name, "utf8").digest()
  hash[6] = (hash[6] & 0x0f) | 0x50
  hash[8] = (hash[8] & 0x3f) | 0x80
  const h = hash.subarray(0, 16).toString("hex")
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}
