import type { Db } from '../../db/retrying-db.js';

import { AuthError } from '../auth-error.js';
import type { UserStore } from '../user-store.js';
import type { UserRow } from '../user-json.js';
import type { ProviderUser } from './provider-catalog.js';

/**
 * Finds or makes the user behind an external identity, with GoTrue's account-linking decision
 * (`models.DetermineAccountLinking`): an identity seen before signs in its user (its data refreshed); a new
 * identity whose provider says the e-mail is verified joins the account with that e-mail; anything else is a
 * new account, and an unverified e-mail that another account already has is left off it, so nobody takes an
 * account over by claiming its address at a provider.
 */
export class ExternalAccounts {
  constructor(
    private readonly db: Db,
    private readonly users: UserStore,
  ) {}

  /** The user for `identity` at `provider`, created or linked as needed; `signupAllowed` as config.toml says. */
  async resolve(provider: string, identity: ProviderUser, signupAllowed: boolean): Promise<UserRow> {
    const data = JSON.stringify(identity.identityData);
    const known = await this.db.query<{ user_id: string }>(
      `update auth.identities set identity_data = $3::jsonb, last_sign_in_at = now(), updated_at = now()
       where provider = $1 and provider_id = $2 returning user_id`,
      [provider, identity.subject, data],
    );
    let userId = known.rows[0]?.user_id ?? null;
    const email = identity.email.toLowerCase();
    if (userId === null && email !== '' && identity.emailVerified) {
      const existing = await this.users.byEmail(email);
      if (existing) {
        userId = existing.id;
        await this.addIdentity(existing.id, provider, identity);
        if (!existing.email_confirmed_at) {
          // GoTrue's RemoveUnconfirmedIdentities: whoever registered the unconfirmed address (a password, another
          // identity) loses that door now that the owner proved the address; then the address is confirmed.
          await this.db.query(
            `with gone as (delete from auth.identities where user_id = $1 and not (provider = $2 and provider_id = $3))
             update auth.users set encrypted_password = '', email_confirmed_at = now(), updated_at = now() where id = $1`,
            [existing.id, provider, identity.subject],
          );
        }
      }
    }
    if (userId === null) {
      if (!signupAllowed)
        throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance');
      const taken = email !== '' && (await this.users.byEmail(email)) !== null;
      const { rows } = await this.db.query<{ id: string }>(
        `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
           confirmation_token, recovery_token, email_change_token_new, email_change, email_change_token_current,
           phone_change, phone_change_token, reauthentication_token, raw_app_meta_data, raw_user_meta_data,
           is_super_admin, created_at, updated_at)
         values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
           nullif($1::text, ''), '', case when nullif($1::text, '') is not null then now() end, '', '', '', '', '', '', '', '',
           jsonb_build_object('provider', $2::text, 'providers', jsonb_build_array($2::text)), $3::jsonb, false,
           now(), now())
         returning id`,
        [taken ? '' : email, provider, data],
      );
      userId = rows[0]!.id;
      await this.addIdentity(userId, provider, identity);
    } else {
      // GoTrue's UpdateUserMetaData and UpdateAppMetaDataProviders.
      await this.db.query(
        `update auth.users set
           raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || $2::jsonb,
           raw_app_meta_data = jsonb_set(coalesce(raw_app_meta_data, '{}'::jsonb), '{providers}',
             (select coalesce(jsonb_agg(distinct i.provider), '[]'::jsonb) from auth.identities i where i.user_id = $1)),
           updated_at = now()
         where id = $1`,
        [userId, data],
      );
    }
    return (await this.users.byId(userId))!;
  }

  private async addIdentity(userId: string, provider: string, identity: ProviderUser): Promise<void> {
    await this.db.query(
      `insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
       values ($1, $2, $3::jsonb, $4, now(), now(), now())`,
      [identity.subject, userId, JSON.stringify(identity.identityData), provider],
    );
  }
}
