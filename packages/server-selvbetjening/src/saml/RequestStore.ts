import { SqlClient } from "@effect/sql"
import { Effect, Option } from "effect"
import type { KasConfig } from "@kas/core"
import type { AppRuntime } from "../runtime.js"
import { loadIdpMetadata } from "./IdpMetadata.js"
import { makeSamlLogin, type RequestStore, type SamlLogin } from "./SamlLogin.js"

const MAX_AGE_SECONDS = 7200

/**
 * Issued request ids in `selvbetjening.saml_requests`, valid 7 200 s and answered once (§3.2, §3.3), and the ids of
 * accepted assertions in `selvbetjening.saml_assertions` until their NotOnOrAfter.
 */
export const pgRequestStore = (runtime: AppRuntime): RequestStore => {
  const run = <A>(f: (sql: SqlClient.SqlClient) => Effect.Effect<A, unknown>) =>
    runtime.runPromise(Effect.flatMap(SqlClient.SqlClient, f))
  return {
    save: (id) =>
      run((sql) =>
        sql`insert into selvbetjening.saml_requests (id) values (${id}) on conflict do nothing`.pipe(
          Effect.zipRight(
            sql`delete from selvbetjening.saml_requests
              where created_at < now() - make_interval(secs => ${MAX_AGE_SECONDS})`
          )
        )
      ).then(() => undefined),
    issuedAt: (id) =>
      run(
        (sql) => sql<{ created_at: Date }>`select created_at from selvbetjening.saml_requests
        where id = ${id} and answered_at is null and created_at > now() - make_interval(secs => ${MAX_AGE_SECONDS})`
      ).then((r) => (r[0] ? new Date(r[0].created_at).toISOString() : null)),
    // One statement, so two posts of one response cannot both pass: the request row is locked by the first update,
    // the second finds it answered; an assertion id already remembered makes the whole answer false.
    answer: (requestId, assertionId, until) =>
      run((sql) =>
        sql`delete from selvbetjening.saml_assertions where expires_at < now()`.pipe(
          Effect.zipRight(
            sql<{ answered: boolean }>`with request as (
                update selvbetjening.saml_requests set answered_at = now()
                where id = ${requestId} and answered_at is null
                  and created_at > now() - make_interval(secs => ${MAX_AGE_SECONDS})
                returning id
              ), assertion as (
                insert into selvbetjening.saml_assertions (id, expires_at)
                select ${assertionId}::text, ${until.toISOString()}::timestamptz from request
                on conflict (id) do nothing
                returning id
              )
              select exists (select 1 from assertion) as answered`
          )
        )
      ).then((r) => r[0]?.answered === true)
  }
}

/** The SAML service provider when LOGIN_PROVIDER=saml (IdP metadata from its cache file, refreshed when configured). */
export const buildSaml = async (
  settings: KasConfig.SelvbetjeningConfig.SelvbetjeningSettings,
  runtime: AppRuntime
): Promise<SamlLogin | null> => {
  if (Option.isNone(settings.saml)) return null
  const s = settings.saml.value
  const idp = await loadIdpMetadata(s.idpMetadataFile, s.idpMetadata, s.pullIdpMetadata)
  return makeSamlLogin(s, idp, pgRequestStore(runtime))
}
