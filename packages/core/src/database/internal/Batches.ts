/** One caller waiting for its key's value. */
interface Waiting<K, G, V> {
  readonly key: K
  readonly group: G
  readonly resolve: (value: V) => void
  readonly reject: (error: unknown) => void
}

/**
 * Reads by key, gathered into loads of many keys: a call waits, with the calls of the same group (`===`) made
 * meanwhile, for one `load(keys, group)`, and gets the value of its own key from the map the load answers (a key the
 * map lacks fails that call). At most `concurrency` loads run at a time; what is asked for while they run goes into
 * the next, so a lone call is loaded at once (after the current turn of the event loop) and calls under load are
 * loaded many at a time. A failed load fails each of its calls.
 */
export const batched = <K, G, V>(
  load: (keys: ReadonlyArray<K>, group: G) => Promise<ReadonlyMap<K, V>>,
  options: { readonly concurrency?: number; readonly maxKeys?: number } = {}
): ((key: K, group: G) => Promise<V>) => {
  const concurrency = options.concurrency ?? 2
  const maxKeys = options.maxKeys ?? 50
  let queue: Array<Waiting<K, G, V>> = []
  let running = 0
  let scheduled = false

  const schedule = () => {
    if (scheduled || queue.length === 0 || running >= concurrency) return
    scheduled = true
    setImmediate(flush)
  }

  const settle = (batch: ReadonlyArray<Waiting<K, G, V>>, values: ReadonlyMap<K, V>) => {
    for (const w of batch) {
      const value = values.get(w.key)
      if (value === undefined) w.reject(new Error("a batched load answered no value for a key it was given"))
      else w.resolve(value)
    }
  }

  const flush = () => {
    scheduled = false
    while (queue.length > 0 && running < concurrency) {
      const group = queue[0]!.group
      const batch: Array<Waiting<K, G, V>> = []
      const rest: Array<Waiting<K, G, V>> = []
      for (const w of queue) (w.group === group && batch.length < maxKeys ? batch : rest).push(w)
      queue = rest
      running++
      Promise.resolve()
        .then(() =>
          load(
            batch.map((w) => w.key),
            group
          )
        )
        .then(
          (values) => settle(batch, values),
          (error: unknown) => {
            for (const w of batch) w.reject(error)
          }
        )
        .finally(() => {
          running--
          schedule()
        })
    }
  }

  return (key, group) =>
    new Promise<V>((resolve, reject) => {
      queue.push({ key, group, resolve, reject })
      schedule()
    })
}
