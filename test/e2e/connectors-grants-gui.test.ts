// The control-plane GUI's connectors, grants and directives in Chromium, against `flow-desktop serve` with one
// agent that runs the flowctl-go double (Flow binaries) and pulls through the Docker double.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { createClient, type RealtimeClientOptions } from '@supabase/supabase-js';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { flowBinDir, type JobResult, waitForJob } from '../agent/agent-harness.js';
import { type DockerDouble, startDockerDouble } from '../fixtures/docker/docker-double.js';
import { screenshot } from '../support/browser.js';
import { goTo, type GuiSession, signInAs, startGui } from '../support/gui.js';

const OG_PAGE = `<html><head><meta property="og:title" content="Hello Connector">
<meta property="og:description" content="A flood of greetings"></head><body></body></html>`;

/** The hello-world connector's endpoint as a real connector describes one: required fields, a secret. */
const HELLO_ENDPOINT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Hello World',
  type: 'object',
  required: ['address', 'user', 'password'],
  properties: {
    address: { type: 'string', title: 'Address', description: 'host:port of the greeter', order: 0 },
    user: { type: 'string', title: 'User', order: 1 },
    password: { type: 'string', title: 'Password', secret: true, order: 2 },
    greetings: { type: 'integer', title: 'Greetings per second', default: 10, minimum: 1 },
  },
};

/** Node 20 has no WebSocket and the embedded API serves no realtime: a transport that is never used. */
class NoWebSocket {
  constructor() {
    throw new Error('realtime is not served by the embedded API');
  }
}

describe('Control-plane GUI: connectors, grants, directives (Chromium)', () => {
  let gui: GuiSession;
  let page: Page;
  let pool: pg.Pool;
  let docker: DockerDouble;
  let web: http.Server;
  let tmp: string;
  let binDir: string;
  /** Images the Docker double refuses to pull (emptied when the "registry" has them again). */
  const failImages: string[] = [];

  /** Waits until a queue row has left `queued`; returns its status. */
  const jobOf = async (table: string, id: string): Promise<JobResult['job_status']> =>
    (await waitForJob(pool, table, id, 60_000)).job_status;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'flow-cp-gui-'));
    docker = await startDockerDouble(path.join(tmp, 'docker.sock'), { failImages });
    web = http.createServer((req, res) => {
      if (req.url === '/') res.end(OG_PAGE);
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    binDir = flowBinDir();
    gui = await startGui({
      agents: 1,
      env: { FLOW_DESKTOP_BIN_DIR: binDir, DOCKER_HOST: `unix://${docker.socketPath}` },
    });
    page = gui.page;
    pool = new pg.Pool({ connectionString: gui.status.DB_URL, max: 2 });
    // The seeded connectors point at real websites: point them at a local page and fetch the tags again.
    await pool.query('update connectors set external_url = $1', [
      `http://127.0.0.1:${(web.address() as AddressInfo).port}/`,
    ]);
    const { rows } = await pool.query<{ id: string }>(
      `update connector_tags set job_status = '{"type":"queued"}' returning id::text`,
    );
    for (const row of rows) expect(await jobOf('connector_tags', row.id)).toEqual({ type: 'success' });
    // The flowctl-go double describes every endpoint alike; give hello-world a realistic one.
    await pool.query(
      `update connector_tags t set endpoint_spec_schema = $1 from connectors c
       where c.id = t.connector_id and c.image_name = 'ghcr.io/estuary/source-hello-world'`,
      [JSON.stringify(HELLO_ENDPOINT_SCHEMA)],
    );
  }, 240_000);
  afterAll(async () => {
    await pool?.end();
    await gui?.close();
    await docker?.close();
    await new Promise((resolve) => web?.close(resolve));
    rmSync(tmp, { recursive: true, force: true });
    if (binDir) rmSync(binDir, { recursive: true, force: true });
  });

  const card = (image: string) => page.locator(`[data-testid="connector-card"][data-image="${image}"]`);

  it('alice discovers a capture through the wizard and opens the draft it filled', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => screenshot(page, 'cp-failed-discover'));
    await signInAs(page, 'alice');
    await goTo(page, '/connectors');
    await expect.poll(() => page.locator('[data-testid="connector-card"]').count()).toBe(3);
    const hello = card('ghcr.io/estuary/source-hello-world');
    await expect.poll(() => hello.locator('h3').textContent()).toBe('Hello World');
    expect(await hello.locator('[data-testid="connector-tag"]').getAttribute('data-status')).toBe('success');
    expect(await hello.getByRole('link', { name: 'Docs' }).getAttribute('href')).toBe(
      'https://docs.example/source-hello-world',
    );
    // Materializations cannot be discovered: their cards offer no Discover.
    expect(
      await card('ghcr.io/estuary/materialize-postgres').getByRole('button', { name: 'Discover' }).count(),
    ).toBe(0);
    await screenshot(page, 'cp-connectors');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'cp-connectors-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await hello.getByRole('button', { name: 'Discover' }).click();
    await expect.poll(() => page.locator('[data-testid="endpoint-form"]').count()).toBe(1);
    const name = page.locator('[data-testid="capture-name"]');
    await expect.poll(() => name.inputValue()).toBe('aliceCo/source-hello-world');
    expect(await page.getByLabel('Password').getAttribute('type')).toBe('password');
    await name.fill('hello');
    await name.blur();
    await expect
      .poll(() => page.locator('#capture-name-problem').textContent())
      .toBe('The name needs a prefix, e.g. acmeCo/hello.');
    await name.fill('aliceCo/hello/source-hello-world');
    // Submitting without the required fields shows the schema's errors and sends nothing.
    await page.locator('[data-testid="discover-submit"]').click();
    await expect
      .poll(() => page.locator('[data-testid="endpoint-form"] .text-danger').count())
      .toBeGreaterThan(0);
    expect((await pool.query('select 1 from discovers')).rowCount).toBe(0);
    await screenshot(page, 'cp-discover-form');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'cp-discover-form-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByLabel('Address').fill('localhost:7000');
    await page.getByLabel('User').fill('greeter');
    await page.getByLabel('Password').fill('s3cret');
    await page.locator('[data-testid="discover-submit"]').click();
    await expect
      .poll(() => page.locator('[data-testid="job-progress"]').getAttribute('data-status'), {
        timeout: 30_000,
      })
      .toBe('success');
    expect(await page.locator('[data-testid="job-logs"]').textContent()).toContain('merged 3 spec(s)');
    // The password went through the oauth function's encrypt-config: saved encrypted, and the wizard says so.
    expect(await page.locator('[data-testid="encrypted-fields"]').textContent()).toMatch(
      /^Saved encrypted \(sops, this stack’s key.*password\.$/,
    );
    await screenshot(page, 'cp-discover-done');

    await page.locator('[data-testid="open-draft"]').click();
    await expect.poll(() => page.evaluate('window.location.hash')).toMatch(/^#\/drafts\//);
    const draftId = decodeURIComponent(
      String(await page.evaluate('window.location.hash')).split('/')[2] ?? '',
    );
    const specs = await pool.query<{ catalog_name: string; spec_type: string; spec: unknown }>(
      'select catalog_name, spec_type, spec from draft_specs where draft_id = $1 order by catalog_name',
      [draftId],
    );
    expect(specs.rows.map((r) => [r.catalog_name, r.spec_type])).toEqual([
      ['aliceCo/hello/farewells', 'collection'],
      ['aliceCo/hello/greetings', 'collection'],
      ['aliceCo/hello/source-hello-world', 'capture'],
    ]);
    expect(specs.rows[2]!.spec).toMatchObject({
      endpoint: {
        connector: {
          image: 'ghcr.io/estuary/source-hello-world:v1',
          config: {
            address: 'localhost:7000',
            user: 'greeter',
            password_sops: expect.stringMatching(/^ENC\[AES256_GCM,data:/) as unknown,
            greetings: 10,
          },
        },
      },
    });
    expect(JSON.stringify(specs.rows[2]!.spec)).not.toContain('s3cret');
    // The draft editor lists what the discover merged.
    for (const spec of specs.rows)
      await expect.poll(() => page.getByText(spec.catalog_name, { exact: true }).count()).toBeGreaterThan(0);
    await screenshot(page, 'cp-discover-draft');
  }, 120_000);

  it('a tag whose spec the agent could not fetch says so and offers nothing to submit', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => screenshot(page, 'cp-failed-no-schema'));
    const { rows } = await pool.query<{ id: string }>(
      `with c as (insert into connectors (image_name, external_url) values ('example.com/source-pending', 'http://127.0.0.1:9/')
         returning id)
       insert into connector_tags (connector_id, image_tag, job_status)
       select id, ':v2', '{"type":"pullFailed","error":"pulling example.com/source-pending:v2 failed: manifest unknown"}' from c
       returning id::text`,
    );
    await goTo(page, `/connectors/discover/${encodeURIComponent(rows[0]!.id)}`);
    await expect
      .poll(() => page.locator('[data-testid="discover-unavailable"]').textContent())
      .toContain('This tag has no endpoint schema yet');
    expect(await page.locator('[data-testid="discover-unavailable"]').textContent()).toContain(
      'manifest unknown',
    );
    expect(await page.locator('[data-testid="discover-submit"]').count()).toBe(0);
    await screenshot(page, 'cp-discover-no-schema');
  });

  it('a tag whose image pull failed shows why and a Retry that queues a new job; the card follows it', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => screenshot(page, 'cp-failed-retry'));
    failImages.push('source-flaky');
    const { rows } = await pool.query<{ id: string; logs_token: string }>(
      `with c as (insert into connectors (image_name, external_url) values ('example.com/source-flaky', $1)
         returning id)
       insert into connector_tags (connector_id, image_tag) select id, ':v1' from c
       returning id::text, logs_token::text`,
      [`http://127.0.0.1:${(web.address() as AddressInfo).port}/`],
    );
    const tagId = rows[0]!.id;
    expect(await jobOf('connector_tags', tagId)).toMatchObject({ type: 'pullFailed' });
    await goTo(page, '/connectors');
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    const tag = card('example.com/source-flaky').locator('[data-testid="connector-tag"]');
    await expect.poll(() => tag.getAttribute('data-status')).toBe('pullFailed');
    expect(await tag.locator('[data-testid="tag-status"]').textContent()).toBe('pull failed');
    expect(await tag.locator('[data-testid="tag-error"]').textContent()).toContain('manifest unknown');
    // Ready tags offer no Retry.
    expect(
      await page
        .locator('[data-testid="connector-tag"][data-status="success"] [data-testid="tag-retry"]')
        .count(),
    ).toBe(0);
    await screenshot(page, 'cp-connector-pull-failed');

    // The registry has the image now. Every status the card shows from here on is recorded.
    failImages.length = 0;
    // A string expression: this file is type-checked without the DOM library.
    await page.evaluate(`(() => {
      const el = document.querySelector('[data-testid="connector-card"][data-image="example.com/source-flaky"] [data-testid="connector-tag"]');
      const seen = (globalThis.tagStates = []);
      new MutationObserver(() => {
        const status = el.getAttribute('data-status');
        if (seen[seen.length - 1] !== status) seen.push(status);
      }).observe(el, { attributes: true, attributeFilter: ['data-status'] });
    })()`);
    const pullsBefore = docker.pulls.length;
    await tag.locator('[data-testid="tag-retry"]').click();
    await expect.poll(() => tag.getAttribute('data-status'), { timeout: 30_000 }).toBe('success');
    expect(await page.evaluate('globalThis.tagStates')).toEqual(['queued', 'success']);
    expect(await tag.locator('[data-testid="tag-retry"]').count()).toBe(0);
    expect(await tag.locator('[data-testid="tag-error"]').count()).toBe(0);
    // A new job ran: a new logs token, and the image was pulled this time.
    const after = await pool.query<{ logs_token: string; job_status: { type: string } }>(
      'select logs_token::text, job_status from connector_tags where id = $1::flowid',
      [tagId],
    );
    expect(after.rows[0]!.job_status).toEqual({ type: 'success' });
    expect(after.rows[0]!.logs_token).not.toBe(rows[0]!.logs_token);
    expect(docker.pulls.slice(pullsBefore)).toContain('example.com/source-flaky:v1');

    // The route checks what it is given (the GUI's own session calls it here).
    const call = (body: unknown): Promise<unknown> =>
      page.evaluate(
        `fetch('/v1/connector-tags/retry', { method: 'POST', headers: { 'x-requested-by': 'flow-desktop',
           'content-type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(body))} })
           .then(async (r) => ({ status: r.status, code: (await r.json()).error?.code }))`,
      );
    expect(await call({ tagId: "1' or true --" })).toEqual({ status: 400, code: 'bad_request' });
    expect(await call({ tagId: 'ff:ff:ff:ff:ff:ff:ff:f0' })).toEqual({
      status: 404,
      code: 'no_connector_tag',
    });
  }, 90_000);

  it('alice adds a role grant on aliceCo/ and removes it; carol is refused with the API’s message', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => screenshot(page, 'cp-failed-grants'));
    await goTo(page, '/grants');
    const rows = page.locator('[data-testid="grant-row"]');
    await expect.poll(() => rows.count()).toBeGreaterThan(3);
    await page.locator('[data-testid="grants-filter"]').fill('carol');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-subject')).toBe('carol@example.com');
    await page.locator('[data-testid="grants-filter"]').fill('');
    await expect.poll(() => rows.count()).toBeGreaterThan(3);

    const form = page.locator('[data-testid="add-role-grant"]');
    await form.getByLabel('Subject role').fill('partnerCo/');
    expect(await form.getByLabel('Object role').inputValue()).toBe('aliceCo/');
    await form.getByLabel('Capability', { exact: true }).selectOption('read');
    await form.getByLabel('Detail').fill('Partners read aliceCo/');
    // The keyboard is enough: Enter in a field submits its form.
    await form.getByLabel('Detail').press('Enter');
    const added = page.locator(
      '[data-testid="grant-row"][data-subject="partnerCo/"][data-object="aliceCo/"]',
    );
    await expect.poll(() => added.count()).toBe(1);
    expect(await page.locator('[data-testid="grants-notice"]').textContent()).toBe(
      'Granted read on aliceCo/ to specs under partnerCo/.',
    );
    const stored = await pool.query(`select capability from role_grants where subject_role = 'partnerCo/'`);
    expect(stored.rows).toEqual([{ capability: 'read' }]);
    await screenshot(page, 'cp-grants');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'cp-grants-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await added.getByRole('button', { name: /^Remove/ }).click();
    await added.getByRole('button', { name: 'Confirm remove' }).click();
    await expect.poll(() => added.count()).toBe(0);
    expect((await pool.query(`select 1 from role_grants where subject_role = 'partnerCo/'`)).rowCount).toBe(
      0,
    );

    await signInAs(page, 'carol');
    await goTo(page, '/grants');
    await form.getByLabel('Subject role').fill('carolCo/');
    await form.getByLabel('Object role').fill('aliceCo/');
    await form.getByRole('button', { name: 'Add role grant' }).click();
    await expect
      .poll(() => page.locator('[data-testid="grants-error"]').textContent())
      .toBe(
        'You may not grant on aliceCo/: only its admins may add grants there.42501 · new row violates row-level security policy for table "role_grants"',
      );
    const aliceWrites = page.locator(
      '[data-testid="grant-row"][data-subject="aliceCo/"][data-object="aliceCo/"]',
    );
    await aliceWrites.getByRole('button', { name: /^Remove/ }).click();
    await aliceWrites.getByRole('button', { name: 'Confirm remove' }).click();
    await expect
      .poll(() => page.locator('[data-testid="grants-error"]').textContent())
      .toBe(
        'Not removed: only admins of aliceCo/ or of aliceCo/ may remove this role grant (row-level security).',
      );
    expect((await pool.query(`select 1 from role_grants where subject_role = 'carolCo/'`)).rowCount).toBe(0);
    expect(
      (
        await pool.query(
          `select 1 from role_grants where subject_role = 'aliceCo/' and object_role = 'aliceCo/'`,
        )
      ).rowCount,
    ).toBe(1);
    await screenshot(page, 'cp-grants-refused');
  }, 120_000);

  it('a single-use betaOnboard directive onboards a new user once; the second use is refused', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => screenshot(page, 'cp-failed-directives'));
    // The agent applies the seeded onboarding of the accounts user first: then it administers ops/.
    const seeded = await pool.query<{ id: string }>(
      `select a.id::text from applied_directives a join auth.users u on u.id = a.user_id
       where u.email = 'accounts@estuary.dev'`,
    );
    expect(await jobOf('applied_directives', seeded.rows[0]!.id)).toEqual({ type: 'success' });
    await signInWithPassword(page, 'accounts@estuary.dev', 'password');
    await expect
      .poll(() => page.locator('[data-testid="user-roles"]').textContent())
      .toContain('ops/ (admin)');

    await goTo(page, '/directives');
    const create = page.locator('[data-testid="create-directive"]');
    await create.getByLabel('Type').selectOption('betaOnboard');
    await expect.poll(() => create.getByLabel('Catalog prefix').inputValue()).toBe('ops/');
    expect(await create.getByLabel('Single use').isChecked()).toBe(true);
    await create.getByLabel('Detail').fill('For Nadia');
    await create.getByRole('button', { name: 'Create directive' }).click();
    const row = page.locator('[data-testid="directive-row"][data-type="betaOnboard"]', {
      hasText: 'For Nadia',
    });
    await expect.poll(() => row.count()).toBe(1);
    const tokenCell = row.locator('[data-testid="directive-token"]');
    expect(await tokenCell.textContent()).toMatch(/^[•-]+$/);
    await row.getByRole('button', { name: 'Reveal' }).click();
    const token = (await tokenCell.textContent()) ?? '';
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await screenshot(page, 'cp-directives-admin');

    // A new user signs up (auto-confirmed), signs in through the GUI, and applies the token.
    const status = gui.status;
    const supabase = createClient(status.API_URL, status.ANON_KEY, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: NoWebSocket as unknown as NonNullable<RealtimeClientOptions['transport']> },
    });
    const signUp = await supabase.auth.signUp({ email: 'nadia@example.com', password: 'nadia-password' });
    expect(signUp.error).toBeNull();
    await signInWithPassword(page, 'nadia@example.com', 'nadia-password');
    await goTo(page, '/directives');
    // Nothing of the previous user's session stays on the page.
    await expect.poll(() => page.locator('[data-testid="directives-page"]').count()).toBe(1);
    expect(await page.locator('[data-testid="directives-notice"]').count()).toBe(0);
    await page.locator('[data-testid="token-input"]').fill(token);
    await page.getByRole('button', { name: 'Exchange token' }).click();
    await expect.poll(() => page.locator('[data-testid="pending-type"]').textContent()).toBe('betaOnboard');
    const tenant = page.getByLabel('Tenant name');
    // The claims form may re-render once more as the exchanged application loads (dropping what was typed):
    // type, apply and read the error until the form has settled.
    await expect
      .poll(async () => {
        await tenant.fill('nadia/co');
        await page.getByRole('button', { name: 'Apply', exact: true }).click();
        return page.locator('[data-testid="claims-form"] .text-danger').first().textContent();
      })
      .toContain('must be one name');
    await tenant.fill('nadiaCo');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect
      .poll(() => page.locator('[data-testid="job-progress"]').getAttribute('data-status'), {
        timeout: 30_000,
      })
      .toBe('success');
    await expect
      .poll(() => page.locator('[data-testid="roles-after"]').textContent())
      .toContain('nadiaCo/ (admin)');
    await expect
      .poll(() => page.locator('[data-testid="user-roles"]').textContent())
      .toContain('nadiaCo/ (admin)');
    expect((await pool.query(`select 1 from tenants where tenant = 'nadiaCo/'`)).rowCount).toBe(1);
    await screenshot(page, 'cp-directive-applied');

    await page.getByRole('button', { name: 'Done' }).click();
    await page.locator('[data-testid="token-input"]').fill(token);
    await page.getByRole('button', { name: 'Exchange token' }).click();
    await expect
      .poll(() => page.locator('[data-testid="apply-error"]').textContent())
      .toBe(
        `Bearer token ${token} is not valid (23514): no directive has this token (any more). A single-use token works once; ask the directive's admin for a new one.`,
      );
    await screenshot(page, 'cp-directive-token-used');

    // Its admin cannot delete a directive someone applied (the application refers to it): said in a
    // sentence, the foreign-key error on the detail line, the directive kept.
    await signInWithPassword(page, 'accounts@estuary.dev', 'password');
    await goTo(page, '/directives');
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Confirm delete' }).click();
    const refused = page.locator('[data-testid="directives-error"]');
    await expect
      .poll(() => refused.locator('.notice-sentence').textContent())
      .toBe('This directive has been applied, so it cannot be deleted: the applications refer to it.');
    expect(await refused.locator('.notice-detail').textContent()).toMatch(
      /^23503 · update or delete on table "directives" violates foreign key constraint/,
    );
    expect(await row.count()).toBe(1);
    await screenshot(page, 'cp-directive-delete-refused');
  }, 180_000);
});

/** Signs in with the Account page's e-mail and password form (replacing any session), and waits for the badge. */
async function signInWithPassword(page: Page, email: string, password: string): Promise<void> {
  await goTo(page, '/account');
  await page.locator('[data-testid="password-email"]').fill(email);
  await page.locator('[data-testid="password-password"]').fill(password);
  await page.getByRole('button', { name: 'Sign in with password', exact: true }).click();
  await expect.poll(() => page.locator('[data-testid="user-email"]').textContent()).toBe(email);
}
