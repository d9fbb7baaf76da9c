/**
 * Logged-in users for the benchmarks that load pages: citizen sessions written straight into selvbetjening's session
 * table (a SAML login per connection would measure the IdP, not the page), and staff users logged in over HTTP through
 * kas web's login form.
 */
import { createHash, randomBytes } from "node:crypto"
import { sql } from "./Processes.js"

/** One logged-in citizen session per CPR, written into selvbetjening's session table; returns their cookies. */
export const citizenSessions = async (portalUrl: string, cprs: ReadonlyArray<string>): Promise<Array<string>> => {
  const cookies: Array<string> = []
  for (const cpr of cprs) {
    const token = randomBytes(32).toString("base64url")
    await sql(
      portalUrl,
      "insert into selvbetjening.sessions (id, data, expires_at) values ($1, $2::jsonb, now() + interval '1 hour')",
      [
        createHash("sha256").update(token).digest("hex"),
        JSON.stringify({ user_info: { cpr, personname: `Borger ${Number(cpr)}` }, _csrf: "bench" })
      ]
    )
    cookies.push(`sessionid=${token}`)
  }
  return cookies
}

/** Logs a staff user in over HTTP (the login form with its CSRF token); returns the session cookie. */
export const staffLogin = async (kasUrl: string, username: string, password = "admin"): Promise<string> => {
  const form = await fetch(`${kasUrl}/accounts/login/`)
  const cookie = form.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ")
  const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await form.text())?.[1] ?? ""
  const res = await fetch(`${kasUrl}/accounts/login/`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password, csrfmiddlewaretoken: token })
  })
  if (res.status !== 302) throw new Error(`login as ${username}: ${res.status}`)
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ")
}
