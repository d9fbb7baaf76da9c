/** Truncation toward zero that never yields -0 (so results compare and serialise as plain 0). */
export const trunc = (x: number): number => Math.trunc(x) + 0

/** Floor that never yields -0. */
export const floor = (x: number): number => Math.floor(x) + 0

/** The sum of some numbers, left to right. */
export const sum = (values: Iterable<number>): number => {
  let total = 0
  for (const value of values) total += value
  return total
}
