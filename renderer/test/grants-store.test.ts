import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixedClients } from '../src/api/clients.js';
import { type ApiTestEnv, type Client, startApiTestEnv } from '../../test/api/api-test-env.js';
import { createGrantsStore, grantsFilterTree } from '../src/stores/grants-store.js';

/** The grants store against real Postgres and the real API, as seeded users (their RLS decides). */
describe('grants store', () => {
  let env: ApiTestEnv;
  let alice: Client;
  let carol: Client;
  beforeAll(async () => {
    env = await startApiTestEnv();
    alice = await env.signedIn('alice@example.com');
    carol = await env.signedIn('carol@example.com');
  });
  afterAll(async () => {
    await env?.stop();
  });

  const row = (store: ReturnType<typeof createGrantsStore>, subject: string, object: string) =>
    store
      .getState()
      .grants.find((g) => (g.user_email ?? g.subject_role) === subject && g.object_role === object);

  it('loads the grants a user may see, with e-mails, and filters them on the server', async () => {
    const store = createGrantsStore(fixedClients(alice));
    await store.getState().load();
    const { grants, total, error } = store.getState();
    expect(error).toBeNull();
    expect(total).toBe(grants.length);
    expect(row(store, 'alice@example.com', 'aliceCo/')).toMatchObject({
      capability: 'admin',
      user_full_name: 'Alice',
    });
    expect(row(store, 'carol@example.com', 'aliceCo/')?.capability).toBe('read');
    expect(row(store, 'aliceCo/', 'bobCo/shared/')?.capability).toBe('read');
    // bob's own grants are none of alice's business.
    expect(grants.some((g) => g.object_role === 'bobCo/' || g.user_email === 'bob@example.com')).toBe(false);

    store.getState().setFilter('CAROL');
    await store.getState().load();
    expect(store.getState().grants.map((g) => g.user_email)).toEqual(['carol@example.com']);
    store.getState().setFilter('public');
    await store.getState().load();
    expect(store.getState().grants.map((g) => `${g.subject_role} ${g.object_role}`)).toEqual([
      'aliceCo/ estuary/public/',
    ]);
    // Characters of PostgREST's syntax are dropped, so a filter cannot add conditions of its own.
    store.getState().setFilter('x),id.not.is.null,or(id.not.is.null');
    await store.getState().load();
    expect(store.getState().error).toBeNull();
    expect(store.getState().grants).toEqual([]);
    expect(grantsFilterTree(' (),"* ')).toBeNull();
  });

  it('an admin adds a user grant by e-mail and a role grant, and removes them', async () => {
    let rolesChanged = 0;
    const store = createGrantsStore(fixedClients(alice), () => rolesChanged++);
    expect(
      await store.getState().addUserGrant({
        email: ' BOB@example.com ',
        objectRole: 'aliceCo/reports/',
        capability: 'read',
        detail: 'Bob reads the reports',
      }),
    ).toBe(true);
    expect(store.getState().notice).toBe('Granted read on aliceCo/reports/ to bob@example.com.');
    expect(row(store, 'bob@example.com', 'aliceCo/reports/')).toMatchObject({
      capability: 'read',
      detail: 'Bob reads the reports',
    });
    expect(rolesChanged).toBe(1);

    const again = {
      email: 'bob@example.com',
      objectRole: 'aliceCo/reports/',
      capability: 'write',
      detail: '',
    } as const;
    expect(await store.getState().addUserGrant(again)).toBe(false);
    expect(store.getState().error).toMatch(
      /^bob@example\.com already holds a grant on aliceCo\/reports\/; remove it first .*duplicate key .*\(23505\)$/,
    );
    expect(await store.getState().addUserGrant({ ...again, email: 'nobody@example.com' })).toBe(false);
    expect(store.getState().error).toBe(
      'No user has the e-mail address nobody@example.com (only admins of a prefix may look users up).',
    );

    expect(
      await store.getState().addRoleGrant({
        subjectRole: 'partnerCo/',
        objectRole: 'aliceCo/shared/',
        capability: 'read',
        detail: '',
      }),
    ).toBe(true);
    const roleGrant = row(store, 'partnerCo/', 'aliceCo/shared/');
    expect(roleGrant).toMatchObject({ capability: 'read', user_id: null, detail: null });

    const userGrant = row(store, 'bob@example.com', 'aliceCo/reports/');
    expect(await store.getState().removeGrant(userGrant!)).toBe(true);
    expect(await store.getState().removeGrant(roleGrant!)).toBe(true);
    expect(store.getState().notice).toBe('Removed read on aliceCo/shared/ from partnerCo/.');
    expect(row(store, 'bob@example.com', 'aliceCo/reports/')).toBeUndefined();
    expect(row(store, 'partnerCo/', 'aliceCo/shared/')).toBeUndefined();
  });

  it('refusals are clear: the database error for inserts, an explanation for deletes RLS hides', async () => {
    const store = createGrantsStore(fixedClients(carol));
    await store.getState().load();
    const aliceWrites = row(store, 'aliceCo/', 'aliceCo/');
    expect(aliceWrites?.capability).toBe('write');

    expect(
      await store.getState().addRoleGrant({
        subjectRole: 'carolCo/',
        objectRole: 'aliceCo/',
        capability: 'admin',
        detail: '',
      }),
    ).toBe(false);
    expect(store.getState().error).toBe(
      'You may not grant on aliceCo/: only its admins may add grants there.\n42501 · new row violates row-level security policy for table "role_grants"',
    );
    expect(await store.getState().removeGrant(aliceWrites!)).toBe(false);
    expect(store.getState().error).toBe(
      'Not removed: only admins of aliceCo/ or of aliceCo/ may remove this role grant (row-level security).',
    );
    await store.getState().load();
    expect(row(store, 'aliceCo/', 'aliceCo/')).toBeDefined();
    // Carol administers nothing, so she cannot look users up either.
    expect(
      await store.getState().addUserGrant({
        email: 'alice@example.com',
        objectRole: 'aliceCo/',
        capability: 'admin',
        detail: '',
      }),
    ).toBe(false);
    expect(store.getState().error).toMatch(/^No user has the e-mail address alice@example.com/);

    // A prefix must end in "/": the database's domain check says so.
    const admin = createGrantsStore(fixedClients(alice));
    expect(
      await admin
        .getState()
        .addRoleGrant({ subjectRole: 'aliceCo/', objectRole: 'aliceCo', capability: 'read', detail: '' }),
    ).toBe(false);
    expect(admin.getState().error).toMatch(
      /^That is not a catalog prefix: .*\n23514 · value for domain catalog_prefix/,
    );
  });

  it('a grantee may give up their own grant, and their roles are reloaded', async () => {
    let rolesChanged = 0;
    const store = createGrantsStore(fixedClients(carol), () => rolesChanged++);
    await store.getState().load();
    const own = row(store, 'carol@example.com', 'aliceCo/');
    expect(await store.getState().removeGrant(own!)).toBe(true);
    expect(rolesChanged).toBe(1);
    expect((await carol.rpc('auth_roles', { min_capability: 'read' })).data).toEqual([]);
    expect(store.getState().grants).toEqual([]);
  });

  it('user_profile_by_email: only for admins, only exact addresses', async () => {
    expect((await alice.rpc('user_profile_by_email', { email_address: 'Carol@Example.com' })).data).toEqual([
      {
        user_id: '33333333-3333-3333-3333-333333333333',
        email: 'carol@example.com',
        full_name: 'Carol',
        avatar_url: null,
      },
    ]);
    expect((await alice.rpc('user_profile_by_email', { email_address: '%@example.com' })).data).toEqual([]);
    expect((await carol.rpc('user_profile_by_email', { email_address: 'alice@example.com' })).data).toEqual(
      [],
    );
    const anon = await env.client().rpc('user_profile_by_email', { email_address: 'alice@example.com' });
    expect(anon.error?.code).toBe('42501');
  });
});
