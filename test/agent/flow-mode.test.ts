// Publications with Flow binaries (the flowctl-go test double): build errors into draft_errors, test and
// activation failures, deploy with a data plane, dry runs and deletions.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { Agent } from '../../agent/src/agent.js';
import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';
import {
  flowBinDir,
  poolOf,
  publish,
  type SocketDataPlane,
  spec,
  startAgent,
  startSocketDataPlane,
  USERS,
  viewLogs,
} from './agent-harness.js';

describe('publications with Flow binaries (flowctl-go double, real Postgres)', () => {
  let cluster: TestCluster;
  let db: TestDatabase;
  let pool: pg.Pool;
  let agent: Agent;
  let binDir: string;
  let dataPlane: SocketDataPlane;

  const behave = (behaviour: object): void =>
    writeFileSync(path.join(binDir, 'flowctl-double.json'), JSON.stringify(behaviour));
  const calls = (): string[][] =>
    existsSync(path.join(binDir, 'calls.jsonl'))
      ? readFileSync(path.join(binDir, 'calls.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { argv: string[] }).argv)
      : [];
  const callsOf = (buildId: string): string[] =>
    calls()
      .filter((argv) => argv.includes(buildId) || argv.includes(`--build-id=${buildId}`))
      .map(
        (argv) =>
          argv.slice(0, 2).join(' ') +
          (argv.includes('--all-derivations') ? ' all' : '') +
          argv
            .filter((a) => a.startsWith('--name='))
            .map((a) => ` ${a}`)
            .join(''),
      );

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase();
    pool = poolOf(db.url);
    binDir = flowBinDir();
    // The long-running data plane the agent deploys into: the double's temp-data-plane on unix sockets.
    dataPlane = await startSocketDataPlane(binDir);
    agent = await startAgent(db.url, { binDir, ...dataPlane.addresses });
  });
  afterAll(async () => {
    await agent.stop();
    dataPlane.stop();
    await pool.end();
    await db.drop();
    await cluster.stop();
    rmSync(binDir, { recursive: true, force: true });
  });
  beforeEach(() => behave({}));

  const catalog = (dir: string) => [
    { name: `aliceCo/${dir}/src`, type: 'collection' as const, spec: spec.collection() },
    { name: `aliceCo/${dir}/der`, type: 'collection' as const, spec: spec.derivation(`aliceCo/${dir}/src`) },
    {
      name: `aliceCo/${dir}/test`,
      type: 'test' as const,
      spec: spec.test(`aliceCo/${dir}/src`, `aliceCo/${dir}/der`),
    },
  ];

  it('builds, tests on a temp data plane, and activates into the data plane', async () => {
    const result = await publish(pool, USERS.alice, catalog('ok'));
    expect(result.job_status).toMatchObject({
      type: 'success',
      dataPlane: { mode: 'ran', steps: ['build', 'test', 'activate'] },
    });
    expect(callsOf(result.id)).toEqual([
      'api build',
      'api activate all',
      'api test',
      'api delete all',
      'api activate --name=aliceCo/ok/der --name=aliceCo/ok/src',
    ]);
    expect(existsSync(path.join(dataPlane.dir, 'builds', result.id))).toBe(true);
    const logs = await viewLogs(pool, result.logs_token);
    expect(logs).toContainEqual({ stream: 'test:1', log_line: 'Ran 1 tests, 1 passed, 0 failed' });
    expect(logs).toContainEqual({ stream: 'activate:1', log_line: 'activating aliceCo/ok/src' });
  });

  it('copies build errors from the build database into draft_errors (buildFailed)', async () => {
    behave({ failBuildFor: 'broken' });
    const result = await publish(pool, USERS.alice, [
      { name: 'aliceCo/f/broken', type: 'collection', spec: spec.collection() },
    ]);
    expect(result.job_status).toMatchObject({ type: 'buildFailed', error: '1 build error(s)' });
    const errors = await pool.query('select scope, detail from draft_errors where draft_id = $1', [
      result.draftId,
    ]);
    expect(errors.rows).toEqual([
      {
        scope: 'file:///flow.json#/collections/aliceCo~1f~1broken',
        detail: 'aliceCo/f/broken is invalid (as the test asked)\n\nCaused by:\n    failBuildFor',
      },
    ]);
    expect(
      (await pool.query(`select 1 from live_specs where catalog_name = 'aliceCo/f/broken'`)).rowCount,
    ).toBe(0);
    const logs = await viewLogs(pool, result.logs_token);
    expect(logs.some((l) => l.stream === 'build:2' && l.log_line === 'panic: 1 build errors')).toBe(true);
  });

  it('a build that fails without errors is an internal failure', async () => {
    behave({ crashBuild: true });
    const result = await publish(pool, USERS.alice, [
      { name: 'aliceCo/f/crash', type: 'collection', spec: spec.collection() },
    ]);
    expect(result.job_status).toMatchObject({
      type: 'buildFailed',
      error: 'flowctl-go api build exited with status 2 without reporting build errors',
    });
  });

  it('failing tests: testFailed', async () => {
    behave({ failTests: true });
    const result = await publish(pool, USERS.alice, catalog('tf'));
    expect(result.job_status).toMatchObject({ type: 'testFailed', error: 'one or more test cases failed' });
    expect(
      (await pool.query(`select 1 from live_specs where catalog_name like 'aliceCo/tf/%'`)).rowCount,
    ).toBe(0);
  });

  it('failing activation: publishFailed, nothing applied', async () => {
    behave({ failActivate: true });
    const result = await publish(pool, USERS.alice, [
      { name: 'aliceCo/af/c', type: 'collection', spec: spec.collection() },
    ]);
    expect(result.job_status).toMatchObject({
      type: 'publishFailed',
      error: 'flowctl-go api activate exited with status 2',
    });
    expect((await pool.query(`select 1 from live_specs where catalog_name = 'aliceCo/af/c'`)).rowCount).toBe(
      0,
    );
  });

  it('a dry run builds and tests but activates nothing', async () => {
    const result = await publish(pool, USERS.alice, catalog('dry'), true);
    expect(result.job_status).toMatchObject({
      type: 'success',
      dryRun: true,
      dataPlane: { steps: ['build', 'test'] },
    });
    expect(callsOf(result.id)).toEqual(['api build', 'api activate all', 'api test', 'api delete all']);
  });

  it('deletes removed specs with the build that last built them', async () => {
    const first = await publish(pool, USERS.alice, [
      { name: 'aliceCo/del/c', type: 'collection', spec: spec.collection() },
    ]);
    expect(first.job_status.type).toBe('success');
    const second = await publish(pool, USERS.alice, [{ name: 'aliceCo/del/c', type: null }]);
    expect(second.job_status).toMatchObject({
      type: 'success',
      dataPlane: { steps: ['build', 'activate', 'delete'] },
    });
    expect(callsOf(first.id)).toContain('api delete --name=aliceCo/del/c');
  });

  it('an unreachable data plane fails the publication with a clear error', async () => {
    const other = await startAgent(db.url, {
      binDir,
      consumerAddress: 'unix://localhost/nonexistent/consumer.sock',
      name: 'lonely',
    });
    await agent.stop();
    try {
      const result = await publish(pool, USERS.alice, [
        { name: 'aliceCo/un/c', type: 'collection', spec: spec.collection() },
      ]);
      expect(result.job_status.type).toBe('publishFailed');
      expect(result.job_status.error).toMatch(
        /the data plane at unix:\/\/localhost\/nonexistent\/consumer.sock is unreachable/,
      );
    } finally {
      await other.stop();
      agent = await startAgent(db.url, { binDir, ...dataPlane.addresses });
    }
  });
});
