import http from "node:http"
import type { AddressInfo } from "node:net"
import net from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { HttpError, MULTIPART_MALFORMED, parseMultipart } from "../../src/web/index.js"

// parseMultipart (busboy) on a real HTTP server: the parts a browser or a hostile client can send.

let server: http.Server
let url: string
let settled = 0
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const maxFiles = new URL(req.url ?? "/", "http://localhost").searchParams.get("maxFiles")
    parseMultipart(req, {
      maxFileBytes: 16,
      maxTotalBytes: 1024,
      ...(maxFiles === null ? {} : { maxFiles: Number(maxFiles), tooManyFilesMessage: `Højst ${maxFiles} filer` })
    }).then(
      (body) => {
        settled++
        res.setHeader("content-type", "application/json")
        const files = body.files.map((f) => ({ field: f.field, filename: f.filename, size: f.content.length }))
        res.end(JSON.stringify({ fields: Object.entries(body.fields), files }))
      },
      (e: unknown) => {
        settled++
        res.statusCode = e instanceof HttpError ? e.status : 500
        res.end(e instanceof Error ? e.message : String(e))
      }
    )
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((r) => server.close(() => r()))
})

const B = "zz"
const part = (disposition: string, value: string) =>
  `--${B}\r\nContent-Disposition: form-data; ${disposition}\r\n\r\n${value}\r\n`
const post = (body: string, type = `multipart/form-data; boundary=${B}`, query = "") =>
  fetch(url + query, { method: "POST", body, headers: { "content-type": type }, signal: AbortSignal.timeout(60_000) })

describe("parseMultipart", () => {
  it("refuses more files than maxFiles with its message (the files past the limit were dropped unsaid)", async () => {
    const file = (i: number) => part(`name="file-${i}-file"; filename="f${i}.pdf"`, "%PDF")
    const empty = (i: number) => part(`name="file-${i}-file"; filename=""`, "")
    const within = await post(
      `${file(0)}${empty(1)}${file(2)}${empty(3)}${empty(4)}--${B}--\r\n`,
      undefined,
      "?maxFiles=2"
    )
    expect(within.status).toBe(200)
    const body = (await within.json()) as { files: Array<{ field: string }> }
    expect(body.files.map((f) => f.field)).toEqual(["file-0-file", "file-2-file"])
    const over = await post(`${file(0)}${file(1)}${file(2)}--${B}--\r\n`, undefined, "?maxFiles=2")
    expect(over.status).toBe(413)
    expect(await over.text()).toBe("Højst 2 filer")
  })

  it("drops a part with an empty name (such a file part gave the citizen form a 500, 3651472)", async () => {
    const res = await post(
      part('name=""; filename="a.pdf"', "%PDF") +
        part('name=""', "value") +
        part('name="f"; filename="b.pdf"', "%PDF-b") +
        part('name="x"', "1") +
        `--${B}--\r\n`
    )
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ fields: [["x", ["1"]]], files: [{ field: "f", filename: "b.pdf", size: 6 }] })
  })

  it("reads parts named like Object.prototype's members as plain fields (they hung the request)", async () => {
    const names = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]
    const res = await post(`${names.map((n) => part(`name="${n}"`, n.toUpperCase())).join("")}--${B}--\r\n`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ fields: names.map((n) => [n, [n.toUpperCase()]]), files: [] })
  })

  it("answers 400 with a Danish message for a body cut short, without a boundary or not multipart", async () => {
    for (const [body, type] of [
      [part('name="x"', "1"), undefined],
      [`--${B}\r\nContent-Disposition: form-data; name="x"\r\n\r\n1`, undefined],
      ["garbage", undefined],
      ["", undefined],
      [part('name="x"', "1"), "multipart/form-data"]
    ] as const) {
      const res = await post(body, type)
      expect(res.status).toBe(400)
      expect(await res.text()).toBe(MULTIPART_MALFORMED)
    }
  })

  it("answers 413 for a body over the limit, declared or sent chunked", async () => {
    const big = `${part('name="x"', "y".repeat(2000))}--${B}--\r\n`
    expect((await post(big)).status).toBe(413)
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode(big.slice(i * 600, (i + 1) * 600)))
        c.close()
      }
    })
    const res = await fetch(url, {
      method: "POST",
      body: chunked,
      duplex: "half",
      headers: { "content-type": `multipart/form-data; boundary=${B}` },
      signal: AbortSignal.timeout(60_000)
    } as RequestInit)
    expect(res.status).toBe(413)
  })

  it("settles when the client goes away mid-body, and the server keeps answering", async () => {
    const before = settled
    const { port } = server.address() as AddressInfo
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.write(
          `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${B}\r\n` +
            `Content-Length: 500\r\n\r\n${part('name="x"', "1")}`,
          () => {
            socket.destroy()
            resolve()
          }
        )
      })
      socket.on("error", reject)
    })
    // Polls until the parse of the abandoned request has settled (without the abort handling it never does).
    for (let i = 0; i < 3000 && settled === before; i++) await new Promise((r) => setTimeout(r, 20))
    expect(settled).toBe(before + 1)
    const res = await post(`${part('name="x"', "2")}--${B}--\r\n`)
    expect(await res.json()).toEqual({ fields: [["x", ["2"]]], files: [] })
  })
})
