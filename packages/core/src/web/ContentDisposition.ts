/**
 * A `Content-Disposition` header value with the file name as RFC 6266 wants it: an ASCII `filename` for old clients
 * (other characters, quotes and backslashes as `_`) and the exact name as UTF-8 in `filename*`. Every download uses it.
 */
export const contentDisposition = (disposition: "inline" | "attachment", filename: string): string => {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_")
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`
}
