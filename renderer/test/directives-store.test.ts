import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Agent } from '../../agent/src/agent.js';
import { fixedClients } from '../src/api/clients.js';
import { type ApiTestEnv, type Client, startApiTestEnv } from '../../test/api/api-test-env.js';
import { poolOf, startAgent, USERS, waitForJob } from '../../test/agent/agent-harness.js';
import { claimsSchema } from '../src/pages/directives/claims-schemas.js';
import { createDirectivesStore, directiveInputProblem } from '../src/stores/directives-store.js';

/** The directives store against real Postgres, the real API and a real (in-process) agent. */
describe('directives store', () => {
  let env: ApiTestEnv;
  let agent: Agent;
  let accounts: Client;
  let alice: Client;
  beforeAll(async () => {
    env = await startApiTestEnv();
    agent = await startAgent(env.db.url);
    // The agent first applies the seeded betaOnboard of the accounts user: it then administers ops/.
    const pool = poolOf(env.db.url);
    try {
      const { rows } = await pool.query<{ id: string }>(
        'select id::text from applied_directives where user_id = $1',
        [USERS.accounts],
      );
      expect((await waitForJob(pool, 'applied_directives', rows[0]!.id)).job_status.type).toBe('success');
    } finally {
      await pool.end();
    }
    accounts = await env.signedIn('accounts@estuary.dev');
    alice = await env.signedIn('alice@example.com');
  });
  afterAll(async () => {
    await agent?.stop();
    await env?.stop();
  });

  /** A new user, signed up through Auth (auto-confirmed) and signed in. */
  const newUser = async (email: string): Promise<Client> => {
    const client = env.client();
    const { error } = await client.auth.signUp({ email, password: 'secret123' });
    if (error) throw error;
    return client;
  };
  const roles = async (client: Client): Promise<unknown> =>
    (await client.rpc('auth_roles', { min_capability: 'read' })).data;

  it('an admin of ops/ creates a single-use betaOnboard; a new user applies it and gets a tenant', async () => {
    const admin = createDirectivesStore(fixedClients(accounts));
    const created = await admin.getState().create({
      catalogPrefix: 'ops/',
      type: 'betaOnboard',
      singleUse: true,
      detail: 'For dana',
    });
    expect(admin.getState().error).toBeNull();
    expect(created).toMatchObject({
      catalog_prefix: 'ops/',
      single_use: true,
      spec: { type: 'betaOnboard' },
    });
    expect(created?.token).toMatch(/^[0-9a-f-]{36}$/);
    expect(admin.getState().administered.map((d) => d.detail)).toContain('For dana');

    const dana = await newUser('dana@example.com');
    let applied = 0;
    const store = createDirectivesStore(fixedClients(dana), () => applied++);
    const pending = await store.getState().exchangeToken(` ${created!.token!} `);
    expect(store.getState().applyError).toBeNull();
    expect(pending?.directive).toMatchObject({ spec: { type: 'betaOnboard' }, catalog_prefix: 'ops/' });
    expect(pending?.applied.user_claims).toBeNull();
    // Exchanged but without claims, the application waits (the agent takes only rows with claims).
    expect(store.getState().applied.map((a) => [a.job_status.type, a.user_claims])).toEqual([
      ['queued', null],
    ]);

    const refused = await store.getState().submitClaims({ requestedTenant: 'dana/co' });
    expect(refused?.status).toEqual({
      type: 'invalidClaims',
      error: 'requestedTenant must be a single catalog name component, not "dana/co"',
    });
    expect(applied).toBe(0);
    const done = await store.getState().submitClaims({ requestedTenant: 'danaCo' });
    expect(done?.status).toEqual({ type: 'success' });
    expect(applied).toBe(1);
    expect(await roles(dana)).toContainEqual({ role_prefix: 'danaCo/', capability: 'admin' });
    expect(store.getState().applied.map((a) => a.job_status.type)).toEqual(['success']);
    // The token was single-use: it is gone from the admin's list, and a second exchange is refused.
    await admin.getState().load();
    expect(admin.getState().administered.find((d) => d.id === created!.id)?.token).toBeNull();

    const erin = createDirectivesStore(await newUser('erin@example.com').then((c) => fixedClients(c)));
    expect(await erin.getState().exchangeToken(created!.token!)).toBeNull();
    expect(erin.getState().applyError).toBe(
      `Bearer token ${created!.token!} is not valid (23514): no directive has this token (any more). A single-use token works once; ask the directive's admin for a new one.`,
    );
    expect(await erin.getState().exchangeToken('not-a-token')).toBeNull();
    expect(erin.getState().applyError).toMatch(/^A directive token looks like .* \(a UUID\)\.$/);
  });

  it('an unfinished application can be continued later; a completed one is final', async () => {
    const frank = await newUser('frank@example.com');
    const first = createDirectivesStore(fixedClients(frank));
    expect(await first.getState().exchangeToken('d4a37dd7-1bf5-40e3-b715-60c4edd0f6dc')).not.toBeNull();
    // Another session (a reload): the application is listed, waiting for its claims.
    const later = createDirectivesStore(fixedClients(frank));
    await later.getState().load();
    const waiting = later.getState().applied[0]!;
    expect(waiting.directives?.spec).toEqual({ type: 'clickToAccept' });
    later.getState().resume(waiting);
    expect(later.getState().pending?.applied.id).toBe(waiting.id);
    expect((await later.getState().submitClaims({ version: 'v1' }))?.status).toEqual({ type: 'success' });
    // The database refuses changes to a successful application: the store shows its message.
    later.getState().resume(later.getState().applied[0]!);
    expect(await later.getState().submitClaims({ version: 'v2' })).toBeNull();
    expect(later.getState().applyError).toBe(
      'Cannot modify an applied directive which has completed (23514)',
    );
    // Another user signs in on the same GUI: nothing of frank's stays.
    later.getState().forUser('frank');
    later.getState().forUser('someone-else');
    expect(later.getState()).toMatchObject({ pending: null, applyError: null, applied: [], loaded: false });
  });

  it('admins manage directives of their prefixes only; the agent’s rules are checked before creating', async () => {
    const store = createDirectivesStore(fixedClients(alice));
    expect(
      await store
        .getState()
        .create({ catalogPrefix: 'aliceCo/', type: 'betaOnboard', singleUse: true, detail: '' }),
    ).toBeNull();
    expect(store.getState().error).toBe('The agent applies betaOnboard directives only under ops/.');
    expect(
      directiveInputProblem({
        catalogPrefix: 'aliceCo/',
        type: 'grant',
        singleUse: false,
        detail: '',
        grantedPrefix: 'bobCo/',
        capability: 'read',
      }),
    ).toBe('The granted prefix must be within aliceCo/ (e.g. aliceCo/shared/).');

    const grant = await store.getState().create({
      catalogPrefix: 'aliceCo/',
      type: 'grant',
      singleUse: false,
      detail: 'Partners read shared',
      grantedPrefix: 'aliceCo/shared/',
      capability: 'read',
    });
    expect(grant?.spec).toEqual({ type: 'grant', grantedPrefix: 'aliceCo/shared/', capability: 'read' });
    expect(store.getState().notice).toBe('Created a grant directive under aliceCo/.');
    // RLS: bob administers bobCo/ only, so alice's directive is invisible to him and he cannot create under aliceCo/.
    const bob = createDirectivesStore(await env.signedIn('bob@example.com').then((c) => fixedClients(c)));
    await bob.getState().load();
    expect(bob.getState().administered).toEqual([]);
    expect(await bob.getState().remove(grant!)).toBe(false);
    expect(bob.getState().error).toBe(
      'Not deleted: only admins of aliceCo/ may delete its directives (row-level security).',
    );
    expect(
      await bob.getState().create({
        catalogPrefix: 'aliceCo/',
        type: 'grant',
        singleUse: false,
        detail: '',
        grantedPrefix: 'aliceCo/',
        capability: 'admin',
      }),
    ).toBeNull();
    expect(bob.getState().error).toBe(
      'Row-level security refused the change to directives: your grants do not cover it.\n42501 · new row violates row-level security policy for table "directives"',
    );

    // A grant directive applied by a new user: a role on the granted prefix.
    const gina = await newUser('gina@example.com');
    const applier = createDirectivesStore(fixedClients(gina));
    await applier.getState().exchangeToken(grant!.token!);
    expect((await applier.getState().submitClaims({}))?.status).toEqual({ type: 'success' });
    expect(await roles(gina)).toEqual([{ role_prefix: 'aliceCo/shared/', capability: 'read' }]);

    // A directive someone applied cannot be deleted (the application refers to it): the database says so.
    expect(await store.getState().remove(grant!)).toBe(false);
    expect(store.getState().error).toMatch(
      /^This directive has been applied, so it cannot be deleted: the applications refer to it\.\n23503 · .*violates foreign key constraint/,
    );
    const unused = await store.getState().create({
      catalogPrefix: 'aliceCo/',
      type: 'grant',
      singleUse: true,
      detail: 'unused',
      grantedPrefix: 'aliceCo/',
      capability: 'read',
    });
    expect(await store.getState().remove(unused!)).toBe(true);
    expect(store.getState().administered.map((d) => d.id)).toEqual([grant!.id]);
  });

  it('claims forms follow the agent: one tenant name component, a version, an optional prefix', () => {
    expect(claimsSchema({ type: 'betaOnboard' })).toMatchObject({
      required: ['requestedTenant'],
      additionalProperties: false,
    });
    expect(claimsSchema({ type: 'clickToAccept' })).toMatchObject({ required: ['version'] });
    expect(claimsSchema({ type: 'grant', grantedPrefix: 'aliceCo/' })).not.toHaveProperty('required');
    expect(claimsSchema({ type: 'somethingNew' })).toMatchObject({
      additionalProperties: { type: 'string' },
    });
  });
});
