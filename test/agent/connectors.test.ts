// Connector tags (pull through the Docker double, spec through the flowctl-go double, Open Graph of a local page)
// and discovers (merge into the draft); plus what happens without Docker or Flow binaries.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Agent } from '../../agent/src/agent.js';
import { NO_FLOW_BINARIES } from '../../agent/src/handlers/connector-tags/connector-tags-handler.js';
import { type DockerDouble, startDockerDouble } from '../fixtures/docker/docker-double.js';
import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';
import { flowBinDir, makeDraft, poolOf, startAgent, USERS, viewLogs, waitForJob } from './agent-harness.js';

const PAGE = `<html><head><meta property="og:title" content="Hello Connector">
<meta property="og:description" content="A flood of greetings"><meta property="og:image" content="/logo.png">
<meta property="og:site_name" content="Example"></head><body></body></html>`;

describe('connector tags and discovers (real Postgres, Docker and Flow doubles)', () => {
  let cluster: TestCluster;
  let db: TestDatabase;
  let pool: pg.Pool;
  let agent: Agent;
  let docker: DockerDouble;
  let web: http.Server;
  let baseUrl: string;
  let tmp: string;
  let binDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase();
    pool = poolOf(db.url);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'flow-connectors-'));
    docker = await startDockerDouble(path.join(tmp, 'docker.sock'), { failImages: ['source-missing'] });
    web = http.createServer((req, res) => {
      if (req.url === '/') res.end(PAGE);
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    binDir = flowBinDir();
    // The seeded tags point at real websites; make them local so the test does not need the internet.
    await pool.query('update connectors set external_url = $1', [`${baseUrl}/`]);
    agent = await startAgent(db.url, { binDir, dockerSocket: docker.socketPath });
  });
  afterAll(async () => {
    await agent.stop();
    await docker.close();
    await new Promise((resolve) => web.close(resolve));
    await pool.end();
    await db.drop();
    await cluster.stop();
    rmSync(tmp, { recursive: true, force: true });
    rmSync(binDir, { recursive: true, force: true });
  });

  const connector = async (image: string, url = `${baseUrl}/`): Promise<string> =>
    (
      await pool.query<{ id: string }>(
        'insert into connectors (image_name, external_url) values ($1, $2) returning id::text',
        [image, url],
      )
    ).rows[0]!.id;
  const tag = async (
    connectorId: string,
    imageTag: string,
  ): Promise<{ id: string; status: Awaited<ReturnType<typeof waitForJob>> }> => {
    const { rows } = await pool.query<{ id: string }>(
      'insert into connector_tags (connector_id, image_tag) values ($1, $2) returning id::text',
      [connectorId, imageTag],
    );
    return { id: rows[0]!.id, status: await waitForJob(pool, 'connector_tags', rows[0]!.id) };
  };

  it('specifies the seeded tags: pull, spec, open graph', async () => {
    const { rows } = await pool.query<{ id: string }>('select id::text from connector_tags');
    for (const row of rows)
      expect((await waitForJob(pool, 'connector_tags', row.id)).job_status).toEqual({ type: 'success' });
    expect(docker.pulls).toEqual(
      expect.arrayContaining([
        'ghcr.io/estuary/source-hello-world:v1',
        'ghcr.io/estuary/materialize-postgres:v1',
      ]),
    );
    const tags = await pool.query(
      `select c.image_name, t.protocol, t.documentation_url, c.open_graph_raw, c.title from connector_tags t
       join connectors c on c.id = t.connector_id where c.image_name like '%hello-world'`,
    );
    expect(tags.rows[0]).toMatchObject({
      protocol: 'capture',
      documentation_url: 'https://docs.example/source-hello-world',
      open_graph_raw: {
        'en-US': {
          title: 'Hello Connector',
          description: 'A flood of greetings',
          image: `${baseUrl}/logo.png`,
          site_name: 'Example',
        },
      },
    });
  });

  it('does not pull :local images; reports pull, spec and open graph failures', async () => {
    const local = await tag(await connector('example.com/source-local'), ':local');
    expect(local.status.job_status).toEqual({ type: 'success' });
    expect(docker.pulls.some((p) => p.includes('source-local'))).toBe(false);

    const missing = await tag(await connector('example.com/source-missing'), ':v1');
    expect(missing.status.job_status).toEqual({
      type: 'pullFailed',
      error:
        'pulling example.com/source-missing:v1 failed: manifest for example.com/source-missing:v1 not found: manifest unknown',
    });

    const noPage = await tag(await connector('example.com/source-nopage', `${baseUrl}/missing`), ':v1');
    expect(noPage.status.job_status).toEqual({
      type: 'openGraphFailed',
      error: `GET ${baseUrl}/missing answered 404`,
    });
  });

  it('without Docker or Flow binaries, tags fail saying exactly what is missing', async () => {
    await agent.stop();
    const noDocker = await startAgent(db.url, {
      binDir,
      dockerSocket: path.join(tmp, 'no-docker.sock'),
      name: 'nodocker',
    });
    try {
      const result = await tag(await connector('example.com/source-a'), ':v1');
      expect(result.status.job_status).toEqual({
        type: 'pullFailed',
        error: `Docker is not available: there is no Docker Engine socket at ${path.join(tmp, 'no-docker.sock')} (set DOCKER_HOST)`,
      });
      const logs = await viewLogs(pool, result.status.logs_token);
      expect(logs.some((l) => l.log_line.startsWith('pull failed: Docker is not available'))).toBe(true);
    } finally {
      await noDocker.stop();
    }
    const noFlow = await startAgent(db.url, {
      binDir: null,
      dockerSocket: docker.socketPath,
      name: 'noflow',
    });
    try {
      const result = await tag(await connector('example.com/source-b'), ':v1');
      expect(result.status.job_status).toEqual({ type: 'specFailed', error: NO_FLOW_BINARIES });
    } finally {
      await noFlow.stop();
    }
    agent = await startAgent(db.url, { binDir, dockerSocket: docker.socketPath });
  });

  it('discovers merge a capture and its collections into the draft, keeping other specs', async () => {
    const { rows } = await pool.query<{ id: string }>(
      `select t.id::text from connector_tags t join connectors c on c.id = t.connector_id where c.image_name like '%hello-world'`,
    );
    const tagId = rows[0]!.id;
    await waitForJob(pool, 'connector_tags', tagId);
    const draftId = await makeDraft(pool, USERS.alice, [
      { name: 'aliceCo/keep/me', type: 'collection', spec: { schema: {}, key: ['/k'] } },
    ]);
    const queue = async (
      captureName: string,
      draft = draftId,
    ): Promise<Awaited<ReturnType<typeof waitForJob>>> => {
      const d = await pool.query<{ id: string }>(
        `insert into discovers (capture_name, connector_tag_id, draft_id, endpoint_config) values ($1, $2, $3, '{"greetings": 10}')
         returning id::text`,
        [captureName, tagId, draft],
      );
      return waitForJob(pool, 'discovers', d.rows[0]!.id);
    };
    expect((await queue('aliceCo/hello/source-hello-world')).job_status).toEqual({
      type: 'success',
      specs: 3,
    });
    const specs = await pool.query<{ catalog_name: string; spec_type: string; spec: unknown }>(
      'select catalog_name, spec_type, spec from draft_specs where draft_id = $1 order by catalog_name',
      [draftId],
    );
    expect(specs.rows.map((r) => [r.catalog_name, r.spec_type])).toEqual([
      ['aliceCo/hello/farewells', 'collection'],
      ['aliceCo/hello/greetings', 'collection'],
      ['aliceCo/hello/source-hello-world', 'capture'],
      ['aliceCo/keep/me', 'collection'],
    ]);
    expect(specs.rows[2]!.spec).toEqual({
      endpoint: { connector: { image: 'ghcr.io/estuary/source-hello-world:v1', config: { greetings: 10 } } },
      bindings: [
        { resource: { stream: 'greetings' }, target: 'aliceCo/hello/greetings' },
        { resource: { stream: 'farewells' }, target: 'aliceCo/hello/farewells' },
      ],
    });
    expect(specs.rows[1]!.spec).toEqual({
      schema: { type: 'object', properties: { id: { type: 'integer' } } },
      key: ['/id'],
    });
  });

  it('discover failures: a wrong protocol, a failing connector, an unmergeable name', async () => {
    const { rows } = await pool.query<{ id: string; image_name: string }>(
      `select t.id::text, c.image_name from connector_tags t join connectors c on c.id = t.connector_id`,
    );
    const byImage = (suffix: string): string => rows.find((r) => r.image_name.endsWith(suffix))!.id;
    for (const r of rows) await waitForJob(pool, 'connector_tags', r.id);
    const draftId = await makeDraft(pool, USERS.alice, []);
    const queue = async (tagId: string): Promise<Awaited<ReturnType<typeof waitForJob>>> => {
      const d = await pool.query<{ id: string }>(
        `insert into discovers (capture_name, connector_tag_id, draft_id, endpoint_config) values ('aliceCo/d/cap', $1, $2, '{}')
         returning id::text`,
        [tagId, draftId],
      );
      return waitForJob(pool, 'discovers', d.rows[0]!.id);
    };
    expect((await queue(byImage('materialize-postgres'))).job_status).toEqual({
      type: 'discoverFailed',
      error: 'ghcr.io/estuary/materialize-postgres:v1 is a materialization connector, not a capture',
    });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(binDir, 'flowctl-double.json'), JSON.stringify({ failDiscover: true }));
    expect((await queue(byImage('source-postgres'))).job_status).toEqual({
      type: 'discoverFailed',
      error: 'flowctl-go api discover exited with status 2',
    });
    writeFileSync(
      path.join(binDir, 'flowctl-double.json'),
      JSON.stringify({
        discover: {
          bindings: [
            { recommendedName: 'not a name!', resourceSpec: {}, documentSchema: {}, keyPtrs: ['/id'] },
          ],
        },
      }),
    );
    const merge = await queue(byImage('source-postgres'));
    expect(merge.job_status.type).toBe('mergeFailed');
    expect(merge.job_status.error).toMatch(/Must be a valid catalog name/);
    writeFileSync(path.join(binDir, 'flowctl-double.json'), '{}');
  });
});
