/** The baseline of bench/selvbetjening: a bare Koa endpoint answering a constant page (run as its own process). */
import Koa from "koa"

const page =
  `<!doctype html><html lang="da"><head><title>Kapitalafkastskat</title></head><body>` +
  `${"<p>Kapitalafkastskat</p>".repeat(200)}</body></html>`
const app = new Koa()
app.use((ctx) => {
  ctx.type = "text/html; charset=utf-8"
  ctx.body = page
})
const port = Number(process.argv[2] ?? 18090)
app.listen(port, "127.0.0.1", () => console.log(`bare listening on ${port}`))
