import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { sessionTableSql } from "@kas/core/web"

/** Staff users, groups and permissions (domain.md §9, §2.20), staff sessions, REST tokens, user admin log. */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`create schema if not exists web`
  yield* sql`create table web.users (
    id serial primary key,
    username text not null unique check (length(username) between 1 and 150),
    password_hash text,
    is_active boolean not null default true,
    is_superuser boolean not null default false,
    created_at timestamptz not null default now(),
    last_login timestamptz
  )`
  yield* sql`create table web.groups (
    id serial primary key,
    name text not null unique
  )`
  yield* sql`create table web.group_permissions (
    group_id int not null references web.groups(id),
    permission text not null,
    primary key (group_id, permission)
  )`
  yield* sql`create table web.user_groups (
    user_id int not null references web.users(id),
    group_id int not null references web.groups(id),
    primary key (user_id, group_id)
  )`
  yield* sql`create table web.rest_tokens (
    key_hash text primary key,
    user_id int not null references web.users(id),
    created_at timestamptz not null default now()
  )`
  yield* sql`create table web.user_changes (
    id serial primary key,
    changed_by_id int references web.users(id),
    user_id int not null references web.users(id),
    changed_at timestamptz not null default now(),
    old_values jsonb,
    new_values jsonb not null
  )`
  yield* sql.unsafe(sessionTableSql("web.sessions"))
})
