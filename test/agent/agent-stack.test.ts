// End to end through the CLI: `up --agents 2` runs agent-1 and agent-2 as supervised services, and they provision
// the seeded ops tenant on first start (control-plane-only mode: no Flow binaries here).
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';

import { isAlive } from '../../main/process/process-group.js';
import { TestStack } from '../support/cli.js';

describe('agents as stack services (CLI, real Postgres)', () => {
  const stacks: TestStack[] = [];
  afterEach(async () => {
    await Promise.all(stacks.splice(0).map((s) => s.cleanup()));
  });

  it('runs agent-1 and agent-2 healthy and completes the seeded ops onboarding', async () => {
    const stack = await TestStack.create();
    stacks.push(stack);
    const up = await stack.cli(['up', '--detach', '--agents', '2']);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toMatch(/✓ agent-1 healthy/);
    expect(up.stdout).toMatch(/✓ agent-2 healthy/);

    const status = await stack.status();
    const agents = status.services.filter((s) => s.name.startsWith('agent-'));
    expect(agents.map((a) => [a.name, a.state])).toEqual([
      ['agent-1', 'healthy'],
      ['agent-2', 'healthy'],
    ]);
    for (const a of agents) expect(isAlive(a.pid!)).toBe(true);

    const client = new pg.Client({ connectionString: status.DB_URL });
    await client.connect();
    try {
      const deadline = Date.now() + 20_000;
      let rows: { directive: string; publication: string | null }[] = [];
      while (Date.now() < deadline) {
        ({ rows } = await client.query<{ directive: string; publication: string | null }>(
          `select a.job_status->>'type' as directive,
                  (select p.job_status->>'type' from publications p where p.user_id = a.user_id limit 1) as publication
           from applied_directives a where a.user_id = 'ffffffff-ffff-ffff-ffff-ffffffffffff'`,
        ));
        if (rows[0]?.directive !== 'queued' && rows[0]?.publication !== 'queued' && rows[0]?.publication)
          break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(rows).toEqual([{ directive: 'success', publication: 'success' }]);
      const tenant = await client.query(`select tenant from tenants where tenant = 'ops/'`);
      expect(tenant.rowCount).toBe(1);
      // Without Docker the seeded connector tags fail with a status saying so, rather than hanging.
      const tags = await client.query<{ type: string; error: string }>(
        `select job_status->>'type' as type, job_status->>'error' as error from connector_tags`,
      );
      for (const t of tags.rows) {
        if (t.type === 'queued') continue;
        expect(t.type).toBe('pullFailed');
        expect(t.error).toMatch(/Docker is not available|Docker Engine/);
      }
    } finally {
      await client.end();
    }

    const down = await stack.cli(['down']);
    expect(down.code).toBe(0);
    for (const a of agents) expect(isAlive(a.pid!)).toBe(false);
  }, 90_000);
});
