// The agent decrypts sops-encrypted endpoint configs (as the oauth function's encrypt-config makes them) for
// the connector and flowctl-go only: discovers and builds get plain configs, drafts keep them encrypted.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Agent } from '../../agent/src/agent.js';
import { type AgentConfig, parseAgentArgs } from '../../agent/src/config.js';
import { ageKeyFile, ensureAgeKey } from '../../main/services/functions/age-key-file.js';
import { sealConfig } from '../../shared/sops/seal-config.js';
import type { SopsDocument } from '../../shared/sops/sops-document.js';
import {
  flowBinDir,
  makeDraft,
  poolOf,
  publish,
  type SocketDataPlane,
  spec,
  startAgent,
  startSocketDataPlane,
  USERS,
  waitForJob,
} from '../agent/agent-harness.js';
import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';

const SCHEMA = {
  type: 'object',
  properties: { greetings: { type: 'integer' }, api_key: { type: 'string', secret: true } },
};
const IMAGE = 'example.com/source-sealed';

describe('the agent and sops-encrypted endpoint configs', () => {
  let cluster: TestCluster;
  let db: TestDatabase;
  let pool: pg.Pool;
  let agent: Agent;
  let binDir: string;
  let dataDir: string;
  let dataPlane: SocketDataPlane | undefined;
  let recipient: string;
  let tagId: string;
  /** The agent as the stack runs it: the data dir's age key, the double's data plane. */
  const agentOptions = (): Partial<AgentConfig> => ({
    binDir,
    sopsAgeKeyFile: ageKeyFile(dataDir),
    ...dataPlane!.addresses,
  });

  const seal = async (config: Record<string, number | string>, to = recipient): Promise<SopsDocument> => {
    const sealed = await sealConfig(SCHEMA, config, [to]);
    if (!sealed.ok) throw new Error(sealed.errors.join('; '));
    return sealed.document;
  };
  const discover = async (
    config: unknown,
  ): Promise<{ status: Awaited<ReturnType<typeof waitForJob>>; draftId: string }> => {
    const draftId = await makeDraft(pool, USERS.alice, []);
    const { rows } = await pool.query<{ id: string }>(
      `insert into discovers (capture_name, connector_tag_id, draft_id, endpoint_config) values ('aliceCo/sealed/cap', $1, $2, $3)
       returning id::text`,
      [tagId, draftId, JSON.stringify(config)],
    );
    return { status: await waitForJob(pool, 'discovers', rows[0]!.id), draftId };
  };
  const lastDiscoverStdin = (): unknown => {
    const calls = readFileSync(path.join(binDir, 'calls.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { argv: string[]; stdin?: string })
      .filter((c) => c.argv[1] === 'discover');
    return JSON.parse(calls.at(-1)!.stdin!);
  };
  const builtCatalog = (
    buildId: string,
  ): { captures: Record<string, { endpoint: { connector: { config: unknown } } }> } => {
    const builds = readFileSync(path.join(binDir, 'builds.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { buildId: string; catalog: ReturnType<typeof builtCatalog> });
    return builds.find((b) => b.buildId === buildId)!.catalog;
  };

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase();
    pool = poolOf(db.url);
    binDir = flowBinDir();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-agent-sops-'));
    recipient = (await ensureAgeKey(dataDir)).recipient;
    const connector = await pool.query<{ id: string }>(
      `insert into connectors (image_name, external_url) values ($1, 'https://example.com') returning id::text`,
      [IMAGE],
    );
    const tag = await pool.query<{ id: string }>(
      `insert into connector_tags (connector_id, image_tag, endpoint_spec_schema, protocol, job_status)
       values ($1, ':local', $2, 'capture', '{"type":"success"}') returning id::text`,
      [connector.rows[0]!.id, JSON.stringify(SCHEMA)],
    );
    tagId = tag.rows[0]!.id;
    // A real publication activates into a data plane: the flowctl-go double's, on unix sockets.
    dataPlane = await startSocketDataPlane(binDir);
    agent = await startAgent(db.url, agentOptions());
  });
  afterAll(async () => {
    await agent?.stop();
    await pool?.end();
    await db?.drop();
    await cluster?.stop();
    dataPlane?.stop();
    for (const dir of [binDir, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('hands the connector the decrypted config on a discover, and keeps it encrypted in the draft', async () => {
    const sealed = await seal({ greetings: 3, api_key: 'the-api-key' });
    const { status, draftId } = await discover(sealed);
    expect(status.job_status).toEqual({ type: 'success', specs: 3 });
    expect(lastDiscoverStdin()).toEqual({ greetings: 3, api_key: 'the-api-key' });
    const { rows } = await pool.query<{ spec: { endpoint: { connector: { config: unknown } } } }>(
      `select spec from draft_specs where draft_id = $1 and spec_type = 'capture'`,
      [draftId],
    );
    expect(rows[0]!.spec.endpoint.connector.config).toEqual(sealed);
    expect(JSON.stringify(rows[0]!.spec)).not.toContain('the-api-key');
  });

  it('builds with decrypted configs (what connectors get at run time); the draft keeps them encrypted', async () => {
    const sealed = await seal({ greetings: 1, api_key: 'build-time-key' });
    const capture = {
      ...(spec.capture('aliceCo/sealed/greetings') as Record<string, unknown>),
      endpoint: { connector: { image: `${IMAGE}:local`, config: sealed } },
    };
    const published = await publish(
      pool,
      USERS.alice,
      [
        { name: 'aliceCo/sealed/greetings', type: 'collection', spec: spec.collection() },
        { name: 'aliceCo/sealed/cap', type: 'capture', spec: capture },
      ],
      true,
    );
    expect(published.job_status.type).toBe('success');
    expect(builtCatalog(published.id).captures['aliceCo/sealed/cap']!.endpoint.connector.config).toEqual({
      greetings: 1,
      api_key: 'build-time-key',
    });
    const history = await pool.query<{ spec: unknown }>(
      `select spec from draft_specs where draft_id = $1 and catalog_name = 'aliceCo/sealed/cap'`,
      [published.draftId],
    );
    // A dry run keeps its draft: still the encrypted config.
    expect(JSON.stringify(history.rows[0]!.spec)).not.toContain('build-time-key');
  });

  it('publishes a sealed config: the build gets it decrypted, the live spec keeps it encrypted', async () => {
    const sealed = await seal({ greetings: 2, api_key: 'live-secret-key' });
    const capture = {
      ...(spec.capture('aliceCo/sealed/live-greetings') as Record<string, unknown>),
      endpoint: { connector: { image: `${IMAGE}:local`, config: sealed } },
    };
    const published = await publish(pool, USERS.alice, [
      { name: 'aliceCo/sealed/live-greetings', type: 'collection', spec: spec.collection() },
      { name: 'aliceCo/sealed/live-cap', type: 'capture', spec: capture },
    ]);
    expect(published.job_status.type).toBe('success');
    expect(builtCatalog(published.id).captures['aliceCo/sealed/live-cap']!.endpoint.connector.config).toEqual(
      {
        greetings: 2,
        api_key: 'live-secret-key',
      },
    );
    const live = await pool.query<{ spec: { endpoint: { connector: { config: unknown } } } }>(
      `select spec from live_specs where catalog_name = 'aliceCo/sealed/live-cap'`,
    );
    expect(live.rows).toHaveLength(1);
    expect(live.rows[0]!.spec.endpoint.connector.config).toEqual(sealed);
    expect(JSON.stringify(live.rows[0]!.spec)).not.toContain('live-secret-key');
    const history = await pool.query<{ spec: unknown }>(
      `select ps.spec from publication_specs ps join live_specs ls on ls.id = ps.live_spec_id
       where ls.catalog_name = 'aliceCo/sealed/live-cap'`,
    );
    expect(history.rows.length).toBeGreaterThan(0);
    for (const row of history.rows) expect(JSON.stringify(row.spec)).not.toContain('live-secret-key');
  });

  it('fails a discover or build whose config it cannot decrypt, saying why and never what', async () => {
    const otherKey = await identityToRecipient(await generateX25519Identity());
    const foreign = await seal({ greetings: 1, api_key: 'foreign-secret' }, otherKey);
    const { status } = await discover(foreign);
    expect(status.job_status.type).toBe('discoverFailed');
    expect(status.job_status.error).toMatch(
      /^the endpoint config is sops-encrypted and cannot be decrypted: none of the age keys can decrypt/,
    );
    expect(JSON.stringify(status)).not.toContain('foreign-secret');

    const capture = {
      ...(spec.capture('aliceCo/sealed2/greetings') as Record<string, unknown>),
      endpoint: { connector: { image: `${IMAGE}:local`, config: foreign } },
    };
    const published = await publish(
      pool,
      USERS.alice,
      [
        { name: 'aliceCo/sealed2/greetings', type: 'collection', spec: spec.collection() },
        { name: 'aliceCo/sealed2/cap', type: 'capture', spec: capture },
      ],
      true,
    );
    expect(published.job_status.type).toBe('buildFailed');
    const errors = await pool.query<{ scope: string; detail: string }>(
      'select scope, detail from draft_errors where draft_id = $1',
      [published.draftId],
    );
    expect(errors.rows).toEqual([
      {
        scope: 'file:///flow.json#/captures/aliceCo~1sealed2~1cap/endpoint/connector/config',
        detail: expect.stringContaining(
          'the endpoint config of aliceCo/sealed2/cap is sops-encrypted and cannot be decrypted',
        ) as unknown,
      },
    ]);
    // flowctl-go never got it: no build ran.
    expect(readFileSync(path.join(binDir, 'builds.jsonl'), 'utf8')).not.toContain(published.id);
  });

  it('without a key, says how to give it one; --sops-age-key-file or SOPS_AGE_KEY_FILE', async () => {
    await agent.stop();
    agent = await startAgent(db.url, { binDir, sopsAgeKeyFile: null, name: 'nokey' });
    try {
      const { status } = await discover(await seal({ greetings: 1, api_key: 'k' }));
      expect(status.job_status).toEqual({
        type: 'discoverFailed',
        error:
          'the endpoint config is sops-encrypted, but this agent has no age key to decrypt it (--sops-age-key-file)',
      });
      // Plain configs need no key.
      expect((await discover({ greetings: 2 })).status.job_status.type).toBe('success');
    } finally {
      await agent.stop();
      agent = await startAgent(db.url, agentOptions());
    }
    expect(parseAgentArgs(['--database', 'x', '--sops-age-key-file', '/k'], {}).sopsAgeKeyFile).toBe('/k');
    expect(parseAgentArgs(['--database', 'x'], { SOPS_AGE_KEY_FILE: '/env-k' }).sopsAgeKeyFile).toBe(
      '/env-k',
    );
  });
});
