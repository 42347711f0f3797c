import type { Db } from '../db/retrying-db.js';

import { USER_COLUMNS, type UserRow } from './user-json.js';

/** What a new user gets. */
export interface NewUser {
  readonly email: string;
  readonly encryptedPassword: string;
  readonly confirmed: boolean;
  readonly userMetadata: Record<string, unknown>;
  readonly appMetadata?: Record<string, unknown>;
  readonly role?: string;
  readonly confirmationToken?: string;
}

/** Reads and writes auth.users and auth.identities as Supabase Auth does. */
export class UserStore {
  constructor(private readonly db: Db) {}

  private async one(sql: string, params: unknown[]): Promise<UserRow | null> {
    const { rows } = await this.db.query<UserRow>(sql, params);
    return rows[0] ?? null;
  }

  /** The user with this (lower-cased) e-mail. */
  byEmail(email: string): Promise<UserRow | null> {
    return this.one(
      `select ${USER_COLUMNS} from auth.users u where lower(u.email) = lower($1) and not u.is_sso_user limit 1`,
      [email],
    );
  }

  /** The user with this id. */
  byId(id: string): Promise<UserRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(null);
    return this.one(`select ${USER_COLUMNS} from auth.users u where u.id = $1`, [id]);
  }

  /** The user whose confirmation or recovery token is `hash`, with which one matched. */
  async byTokenHash(
    hash: string,
    email: string | null,
  ): Promise<{ user: UserRow; kind: 'confirmation' | 'recovery' } | null> {
    const user = await this.one(
      `select ${USER_COLUMNS} from auth.users u
       where (u.confirmation_token = $1 or u.recovery_token = $1) and ($2::text is null or lower(u.email) = lower($2))
       limit 1`,
      [hash, email],
    );
    if (!user) return null;
    return { user, kind: user.confirmation_token === hash ? 'confirmation' : 'recovery' };
  }

  /** Inserts a user and its e-mail identity; returns the new user. */
  async create(u: NewUser): Promise<UserRow> {
    const { rows } = await this.db.query<{ id: string }>(
      `with u as (
         insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
           confirmation_token, confirmation_sent_at, recovery_token, email_change_token_new, email_change,
           email_change_token_current, phone_change, phone_change_token, reauthentication_token,
           raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at)
         values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', $6::text, lower($1::text), $2::text,
           case when $3::boolean then now() end, $4::text, case when $4::text <> '' then now() end, '', '', '', '', '', '', '',
           $7::jsonb, $5::jsonb, false, now(), now())
         returning id, email)
       insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
       select u.id::text, u.id, jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', $3::boolean,
         'phone_verified', false), 'email', now(), now(), now() from u
       returning user_id as id`,
      [
        u.email,
        u.encryptedPassword,
        u.confirmed,
        u.confirmationToken ?? '',
        JSON.stringify(u.userMetadata),
        u.role ?? 'authenticated',
        JSON.stringify(u.appMetadata ?? { provider: 'email', providers: ['email'] }),
      ],
    );
    return (await this.byId(rows[0]!.id))!;
  }

  /** Updates columns of a user from a fixed set of named changes; returns the updated user. */
  async update(
    id: string,
    changes: {
      email?: string;
      encryptedPassword?: string;
      userMetadata?: Record<string, unknown>;
      appMetadata?: Record<string, unknown>;
      confirm?: boolean;
      confirmationToken?: string;
      recoveryToken?: string;
      clearTokens?: boolean;
      signedIn?: boolean;
      bannedUntil?: Date | null;
    },
  ): Promise<UserRow> {
    await this.db.query(
      `update auth.users set
         email = coalesce(lower($2::text), email),
         encrypted_password = coalesce($3::text, encrypted_password),
         raw_user_meta_data = coalesce($4::jsonb, raw_user_meta_data),
         raw_app_meta_data = coalesce($5::jsonb, raw_app_meta_data),
         email_confirmed_at = case when $6::boolean then coalesce(email_confirmed_at, now()) else email_confirmed_at end,
         confirmation_token = case when $9::boolean then '' else coalesce($7::text, confirmation_token) end,
         confirmation_sent_at = case when $7::text is not null then now() else confirmation_sent_at end,
         recovery_token = case when $9::boolean then '' else coalesce($8::text, recovery_token) end,
         recovery_sent_at = case when $8::text is not null then now() else recovery_sent_at end,
         last_sign_in_at = case when $10::boolean then now() else last_sign_in_at end,
         banned_until = case when $11::boolean then $12::timestamptz else banned_until end,
         updated_at = now()
       where id = $1`,
      [
        id,
        changes.email ?? null,
        changes.encryptedPassword ?? null,
        changes.userMetadata ? JSON.stringify(changes.userMetadata) : null,
        changes.appMetadata ? JSON.stringify(changes.appMetadata) : null,
        changes.confirm ?? false,
        changes.confirmationToken ?? null,
        changes.recoveryToken ?? null,
        changes.clearTokens ?? false,
        changes.signedIn ?? false,
        changes.bannedUntil !== undefined,
        changes.bannedUntil ?? null,
      ],
    );
    if (changes.email !== undefined || changes.confirm) {
      await this.db.query(
        `update auth.identities set identity_data = identity_data || jsonb_build_object('email', u.email,
           'email_verified', u.email_confirmed_at is not null), updated_at = now()
         from auth.users u where u.id = $1 and identities.user_id = u.id and identities.provider = 'email'`,
        [id],
      );
    }
    return (await this.byId(id))!;
  }

  /** Deletes a user (sessions, identities and tokens cascade). */
  async delete(id: string): Promise<void> {
    await this.db.query('delete from auth.users where id = $1', [id]);
  }

  /** A page of users, newest first, with the total count. */
  async list(page: number, perPage: number): Promise<{ users: UserRow[]; total: number }> {
    const { rows } = await this.db.query<UserRow>(
      `select ${USER_COLUMNS} from auth.users u order by u.created_at desc, u.id limit $1 offset $2`,
      [perPage, (page - 1) * perPage],
    );
    const count = await this.db.query<{ n: string }>('select count(*) as n from auth.users');
    return { users: rows, total: Number(count.rows[0]!.n) };
  }
}
