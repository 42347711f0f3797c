// Directives (token exchange, single use, claims re-queue, finality), queue notifications and realtime.
import pg from 'pg';
import { describe, expect, it } from 'vitest';

import { useDatabase, sqlState, type DbFixture } from './support/database.js';
import { ACCOUNTS, ALICE, BOB, CAROL, as, sqlAs, tryAs, type SeedUser } from './support/sql-as.js';

const CLICK_TO_ACCEPT = 'd4a37dd7-1bf5-40e3-b715-60c4edd0f6dc';
const BETA_ONBOARD = '453e00cd-e12a-4ce5-b12d-3837aa385751';

let fx: DbFixture;
let pool: pg.Pool;

useDatabase((opened) => {
  fx = opened;
  pool = opened.pool;
});

interface Exchanged {
  directive_id: string;
  directive_type: string;
  directive_token: string | null;
  applied_id: string;
  applied_user: string;
  applied_status: unknown;
  applied_claims: unknown;
}

function exchange(user: SeedUser, token: string): Promise<Exchanged[]> {
  return sqlAs<Exchanged>(
    pool,
    user,
    `select (e.directive).id::text as directive_id, (e.directive).spec->>'type' as directive_type,
            (e.directive).token::text as directive_token, (e.applied_directive).id::text as applied_id,
            (e.applied_directive).user_id::text as applied_user, (e.applied_directive).job_status as applied_status,
            (e.applied_directive).user_claims as applied_claims
     from exchange_directive_token($1) e`,
    [token],
  );
}

async function status(appliedId: string): Promise<unknown> {
  return (
    await pool.query<{ job_status: unknown }>(`select job_status from applied_directives where id = $1`, [
      appliedId,
    ])
  ).rows[0]?.job_status;
}

describe('directives', () => {
  it("seeds the ops/ directives and the accounts user's queued betaOnboard", async () => {
    const { rows } = await pool.query(
      `select d.spec->>'type' as type, d.token::text, a.user_id::text, a.user_claims, a.job_status
       from directives d left join applied_directives a on a.directive_id = d.id where d.catalog_prefix = 'ops/' order by 1`,
    );
    expect(rows).toEqual([
      {
        type: 'betaOnboard',
        token: BETA_ONBOARD,
        user_id: ACCOUNTS.id,
        user_claims: { requestedTenant: 'ops' },
        job_status: { type: 'queued' },
      },
      { type: 'clickToAccept', token: CLICK_TO_ACCEPT, user_id: null, user_claims: null, job_status: null },
    ]);
  });

  it('exchanging a token applies the directive for the caller, who may then see it', async () => {
    expect(await sqlAs(pool, ALICE, `select * from directives`)).toEqual([]);
    const [row] = await exchange(ALICE, CLICK_TO_ACCEPT);
    expect(row).toMatchObject({
      directive_type: 'clickToAccept',
      directive_token: CLICK_TO_ACCEPT,
      applied_user: ALICE.id,
      applied_status: { type: 'queued' },
      applied_claims: null,
    });
    expect(await sqlAs(pool, ALICE, `select spec->>'type' as type from directives`)).toEqual([
      { type: 'clickToAccept' },
    ]);
    expect(await sqlAs(pool, ALICE, `select id::text from applied_directives`)).toEqual([
      { id: row!.applied_id },
    ]);
    expect(
      await sqlAs(pool, BOB, `select * from applied_directives where id = $1`, [row!.applied_id]),
    ).toEqual([]);
    // A multi-use token keeps working.
    expect(await exchange(BOB, CLICK_TO_ACCEPT)).toHaveLength(1);
  });

  it('rejects unknown tokens with check_violation', async () => {
    const token = '00000000-0000-4000-8000-000000000000';
    const error = await tryAs(pool, ALICE, `select exchange_directive_token($1)`, [token]).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: '23514', message: `Bearer token ${token} is not valid` });
  });

  it('single-use tokens work once, even when exchanged concurrently', async () => {
    const [made] = await sqlAs<{ token: string }>(
      pool,
      ALICE,
      `insert into directives (catalog_prefix, spec, single_use) values ('aliceCo/', '{"type":"grant","capability":"read","grantedPrefix":"aliceCo/"}', true) returning token::text`,
    );
    // Two requests at once: the first locks the directive; the second waits, then no longer finds the token.
    const results = await Promise.allSettled([exchange(BOB, made!.token), exchange(CAROL, made!.token)]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatchObject({ code: '23514' });
    const winner = fulfilled[0]!.value;
    expect(winner[0]!.directive_token).toBeNull();
    expect(
      await sqlAs(pool, ALICE, `select token from directives where catalog_prefix = 'aliceCo/'`),
    ).toEqual([{ token: null }]);
    expect(await sqlState(exchange(ALICE, made!.token))).toBe('23514');
  });

  it('only admins of a prefix create and manage its directives, whose spec needs a string type', async () => {
    const insert = `insert into directives (catalog_prefix, spec) values ($1, $2) returning id`;
    expect(await tryAs(pool, ALICE, insert, ['aliceCo/', '{"type":"clickToAccept"}'])).toHaveLength(1);
    expect(await sqlState(tryAs(pool, ALICE, insert, ['ops/', '{"type":"clickToAccept"}']))).toBe('42501');
    expect(await sqlState(tryAs(pool, ALICE, insert, ['aliceCo/', '{"type":1}']))).toBe('23514');
    expect(await sqlState(tryAs(pool, ALICE, insert, ['aliceCo/', '{}']))).toBe('23514');
    // Having applied the ops/ clickToAccept does not let alice change it.
    expect(
      await tryAs(
        pool,
        ALICE,
        `update directives set single_use = true where catalog_prefix = 'ops/' returning id`,
      ),
    ).toEqual([]);
    expect(
      await tryAs(pool, ALICE, `delete from directives where catalog_prefix = 'ops/' returning id`),
    ).toEqual([]);
  });

  it('changing claims re-queues the application; unchanged claims do not', async () => {
    const [row] = await exchange(CAROL, CLICK_TO_ACCEPT);
    const id = row!.applied_id;
    await pool.query(
      `update applied_directives set job_status = '{"type":"invalidClaims","error":"missing version"}' where id = $1`,
      [id],
    );
    const update = `update applied_directives set user_claims = $2 where id = $1 returning job_status`;
    expect(await sqlAs(pool, CAROL, update, [id, '{"version":"v1"}'])).toEqual([
      { job_status: { type: 'queued' } },
    ]);
    await pool.query(
      `update applied_directives set job_status = '{"type":"invalidClaims","error":"bad"}' where id = $1`,
      [id],
    );
    expect(await sqlAs(pool, CAROL, update, [id, '{"version":"v1"}'])).toEqual([
      { job_status: { type: 'invalidClaims', error: 'bad' } },
    ]);
    // Users may change nothing but their claims, and only on their own applications.
    expect(
      await sqlState(
        tryAs(pool, CAROL, `update applied_directives set job_status = '{"type":"success"}' where id = $1`, [
          id,
        ]),
      ),
    ).toBe('42501');
    expect(await tryAs(pool, BOB, update, [id, '{"version":"v2"}'])).toEqual([]);
  });

  it('a successful application can be neither changed nor deleted', async () => {
    const [row] = await exchange(BOB, BETA_ONBOARD);
    const id = row!.applied_id;
    // Before success, the user may still withdraw it.
    expect(
      await tryAs(pool, BOB, `delete from applied_directives where id = $1 returning id`, [id]),
    ).toHaveLength(1);
    expect(
      await sqlAs(
        pool,
        BOB,
        `update applied_directives set user_claims = '{"requestedTenant":"bobCo2"}' where id = $1 returning id`,
        [id],
      ),
    ).toHaveLength(1);
    // The agent then records success.
    await pool.query(`update applied_directives set job_status = '{"type":"success"}' where id = $1`, [id]);
    expect(await status(id)).toEqual({ type: 'success' });
    expect(
      await sqlState(
        tryAs(
          pool,
          BOB,
          `update applied_directives set user_claims = '{"requestedTenant":"other"}' where id = $1`,
          [id],
        ),
      ),
    ).toBe('23514');
    expect(await sqlState(tryAs(pool, BOB, `delete from applied_directives where id = $1`, [id]))).toBe(
      '23514',
    );
    // Not even the agent (as postgres) may rewrite history.
    expect(
      await sqlState(
        pool.query(`update applied_directives set job_status = '{"type":"queued"}' where id = $1`, [id]),
      ),
    ).toBe('23514');
    expect(await status(id)).toEqual({ type: 'success' });
  });
});

describe('queue notifications', () => {
  interface Heard {
    channel: string;
    payload: string | undefined;
  }

  async function listen(
    channels: string[],
  ): Promise<{ heard: Heard[]; settle(): Promise<void>; close(): Promise<void> }> {
    const client = new pg.Client({ connectionString: fx.db.url });
    await client.connect();
    const heard: Heard[] = [];
    client.on('notification', (n) => heard.push({ channel: n.channel, payload: n.payload }));
    for (const channel of channels) await client.query(`listen ${client.escapeIdentifier(channel)}`);
    return {
      heard,
      // Notifications are delivered at commit; a round trip on the listener lets pending ones arrive.
      async settle() {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await client.query('select 1');
      },
      close: () => client.end(),
    };
  }

  const CHANNELS = ['connector_tags', 'discovers', 'publications', 'applied_directives'];

  it('fires per table, with the row id, when rows are queued and committed', async () => {
    const listener = await listen(CHANNELS);
    try {
      const [draft] = await sqlAs<{ id: string }>(
        pool,
        ALICE,
        `insert into drafts (detail) values ('d') returning id::text`,
      );
      const [pub] = await sqlAs<{ id: string }>(
        pool,
        ALICE,
        `insert into publications (draft_id) values ($1) returning id::text`,
        [draft!.id],
      );
      const [tag] = (
        await pool.query<{ id: string }>(
          `insert into connector_tags (connector_id, image_tag) select id, ':v2' from connectors order by id limit 1 returning id::text`,
        )
      ).rows;
      const [disc] = await sqlAs<{ id: string }>(
        pool,
        ALICE,
        `insert into discovers (capture_name, connector_tag_id, draft_id, endpoint_config) values ('aliceCo/c', $1, $2, '{}') returning id::text`,
        [tag!.id, draft!.id],
      );
      const [applied] = await exchange(ALICE, CLICK_TO_ACCEPT);
      await listener.settle();
      expect(listener.heard).toEqual([
        { channel: 'publications', payload: pub!.id },
        { channel: 'connector_tags', payload: tag!.id },
        { channel: 'discovers', payload: disc!.id },
        { channel: 'applied_directives', payload: applied!.applied_id },
      ]);
    } finally {
      await listener.close();
    }
  });

  it('fires on re-queue, but not for finished jobs or rolled-back work', async () => {
    const listener = await listen(CHANNELS);
    try {
      const [draft] = await sqlAs<{ id: string }>(
        pool,
        BOB,
        `insert into drafts (detail) values ('d') returning id::text`,
      );
      listener.heard.length = 0;
      await sqlAs(pool, BOB, `insert into publications (draft_id) values ($1)`, [draft!.id], {
        rollback: true,
      });
      const { rows } = await pool.query<{ id: string }>(
        `select id::text from connector_tags order by id limit 1`,
      );
      const tagId = rows[0]!.id;
      await pool.query(`update connector_tags set job_status = '{"type":"success"}' where id = $1`, [tagId]);
      await listener.settle();
      expect(listener.heard).toEqual([]);
      await pool.query(`update connector_tags set job_status = '{"type":"queued"}' where id = $1`, [tagId]);
      await listener.settle();
      expect(listener.heard).toEqual([{ channel: 'connector_tags', payload: tagId }]);
    } finally {
      await listener.close();
    }
  });
});

describe('realtime', () => {
  it('publishes exactly the asynchronous tables', async () => {
    const { rows } = await pool.query<{ tablename: string }>(
      `select tablename from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'public' order by 1`,
    );
    expect(rows.map((r) => r.tablename)).toEqual([
      'applied_directives',
      'connector_tags',
      'discovers',
      'publications',
    ]);
  });
});

describe('as()', () => {
  it('sets the role and claims the way the REST API does', async () => {
    const rows = await as(
      pool,
      ALICE,
      async (c) =>
        (
          await c.query<Record<string, unknown>>(
            `select current_user::text as role, auth.uid()::text as uid, auth.email() as email, auth.role() as jwt_role`,
          )
        ).rows,
    );
    expect(rows).toEqual([
      { role: 'authenticated', uid: ALICE.id, email: ALICE.email, jwt_role: 'authenticated' },
    ]);
    expect(await sqlAs(pool, 'anon', `select current_user::text as role, auth.uid() as uid`)).toEqual([
      { role: 'anon', uid: null },
    ]);
    expect(await sqlAs(pool, 'service_role', `select current_user::text as role`)).toEqual([
      { role: 'service_role' },
    ]);
  });
});
