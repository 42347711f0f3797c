import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import type pg from 'pg';
import type { RJSFSchema } from '@rjsf/utils';
import { decryptSops } from 'sops-age';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Agent } from '../../agent/src/agent.js';
import type { AuthRoleRow } from '../../shared/control-plane-rows.js';
import { fixedClients } from '../src/api/clients.js';
import { type ApiTestEnv, type Client, startApiTestEnv } from '../../test/api/api-test-env.js';
import { flowBinDir, poolOf, startAgent, waitForJob } from '../../test/agent/agent-harness.js';
import { type DockerDouble, startDockerDouble } from '../../test/fixtures/docker/docker-double.js';
import { InterpretingValidator } from '../src/components/forms/schema-validator.js';
import { connectorUiSchema, formSchema } from '../src/components/forms/ui-schema.js';
import {
  captureNameProblem,
  createConnectorsStore,
  localized,
  suggestedCaptureName,
} from '../src/stores/connectors-store.js';
import { jobKey, useJobsStore } from '../src/stores/jobs-store.js';

const PAGE = `<html><head><meta property="og:title" content="Hello Connector">
<meta property="og:description" content="A flood of greetings"><meta property="og:image" content="/logo.png">
</head><body></body></html>`;

/**
 * The connectors store against real Postgres, the real API and a real agent, which pulls images through the
 * Docker double and runs the flowctl-go double (as the agent tests do).
 */
describe('connectors store', () => {
  let env: ApiTestEnv;
  let pool: pg.Pool;
  let agent: Agent;
  let docker: DockerDouble;
  let web: http.Server;
  let tmp: string;
  let binDir: string;
  let alice: Client;
  let carol: Client;

  beforeAll(async () => {
    // With the Edge Functions runtime: the store encrypts endpoint configs with the oauth function.
    env = await startApiTestEnv({ functions: true });
    pool = poolOf(env.db.url);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'flow-connectors-store-'));
    docker = await startDockerDouble(path.join(tmp, 'docker.sock'));
    web = http.createServer((req, res) => {
      if (req.url === '/') res.end(PAGE);
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    // The seeded connectors point at real websites: make them local, so the test needs no internet.
    await pool.query('update connectors set external_url = $1', [
      `http://127.0.0.1:${(web.address() as AddressInfo).port}/`,
    ]);
    binDir = flowBinDir();
    agent = await startAgent(env.db.url, {
      binDir,
      dockerSocket: docker.socketPath,
      sopsAgeKeyFile: env.ageKeyFile,
    });
    const { rows } = await pool.query<{ id: string }>('select id::text from connector_tags');
    for (const row of rows) await waitForJob(pool, 'connector_tags', row.id);
    alice = await env.signedIn('alice@example.com');
    carol = await env.signedIn('carol@example.com');
  });
  afterAll(async () => {
    await agent?.stop();
    await docker?.close();
    await new Promise((resolve) => web?.close(resolve));
    await pool?.end();
    await env?.stop();
    rmSync(tmp, { recursive: true, force: true });
    rmSync(binDir, { recursive: true, force: true });
  });

  const tagOf = async (imageSuffix: string): Promise<string> => {
    const store = createConnectorsStore(fixedClients(alice));
    await store.getState().load();
    const connector = store.getState().connectors.find((c) => c.image_name.endsWith(imageSuffix));
    return connector!.connector_tags[0]!.id;
  };
  const finished = async (discoverId: string) => {
    const key = jobKey('discovers', discoverId);
    await expect
      .poll(() => useJobsStore.getState().jobs[key]?.endedAt ?? null, { timeout: 20_000 })
      .not.toBeNull();
    return useJobsStore.getState().jobs[key]!;
  };

  it('loads the connectors with their tags, recommended first, with Open Graph metadata', async () => {
    const store = createConnectorsStore(fixedClients(alice));
    await store.getState().load();
    const { connectors, error, loaded } = store.getState();
    expect(error).toBeNull();
    expect(loaded).toBe(true);
    expect(connectors.map((c) => [c.image_name, c.recommended])).toEqual([
      ['ghcr.io/estuary/materialize-postgres', true],
      ['ghcr.io/estuary/source-postgres', true],
      ['ghcr.io/estuary/source-hello-world', false],
    ]);
    const hello = connectors[2]!;
    // The seed's admin patch wins over the fetched page's title.
    expect(localized(hello.title)).toBe('Hello World');
    expect(localized(hello.short_description)).toBe('A flood of greetings');
    expect(hello.connector_tags).toEqual([
      expect.objectContaining({
        image_tag: ':v1',
        job_status: { type: 'success' },
        protocol: 'capture',
        documentation_url: 'https://docs.example/source-hello-world',
      }),
    ]);
    // The list leaves the schemas out; the wizard loads them per tag.
    expect(hello.connector_tags[0]).not.toHaveProperty('endpoint_spec_schema');
    await store.getState().loadTag(hello.connector_tags[0]!.id);
    expect(store.getState().tag).toMatchObject({
      image_tag: ':v1',
      endpoint_spec_schema: { type: 'object', properties: { address: { type: 'string' } } },
      connectors: { image_name: 'ghcr.io/estuary/source-hello-world' },
    });
    await store.getState().loadTag('00:00:00:00:00:00:00:01');
    expect(store.getState().tagError).toBe('There is no connector tag 00:00:00:00:00:00:00:01.');
  });

  it('discovers into a new draft: the capture and its collections arrive in the draft', async () => {
    const tagId = await tagOf('source-hello-world');
    const store = createConnectorsStore(fixedClients(alice));
    const started = await store.getState().startDiscover({
      tagId,
      captureName: 'aliceCo/hello/source-hello-world',
      endpointConfig: { address: 'localhost:5432', password: 'secret' },
      detail: 'Discover hello',
    });
    expect(store.getState().submitError).toBeNull();
    expect(started).toMatchObject({ tagId, captureName: 'aliceCo/hello/source-hello-world' });
    expect(store.getState().discover).toEqual(started);
    const job = await finished(started!.discoverId);
    expect(job.status).toEqual({ type: 'success', specs: 3 });
    expect(job.logs.some((l) => l.log_line.includes('merged 3 spec(s)'))).toBe(true);

    const draft = await alice.from('drafts').select('detail').eq('id', started!.draftId).single();
    expect(draft.data).toEqual({ detail: 'Discover hello' });
    const specs = await alice
      .from('draft_specs')
      .select('catalog_name, spec_type, spec')
      .eq('draft_id', started!.draftId)
      .order('catalog_name')
      .returns<{ catalog_name: string; spec_type: string; spec: unknown }[]>();
    expect(specs.data?.map((s) => [s.catalog_name, s.spec_type])).toEqual([
      ['aliceCo/hello/farewells', 'collection'],
      ['aliceCo/hello/greetings', 'collection'],
      ['aliceCo/hello/source-hello-world', 'capture'],
    ]);
    expect(specs.data?.[2]?.spec).toMatchObject({
      endpoint: {
        connector: {
          image: 'ghcr.io/estuary/source-hello-world:v1',
          config: { address: 'localhost:5432', password: 'secret' },
        },
      },
    });
  });

  it('saves secret fields sops-encrypted (the oauth function), and refuses a config the schema rejects', async () => {
    const tagId = await tagOf('source-hello-world');
    const schema = await pool.query<{ endpoint_spec_schema: unknown }>(
      'select endpoint_spec_schema from connector_tags where id = $1',
      [tagId],
    );
    await pool.query('update connector_tags set endpoint_spec_schema = $2 where id = $1', [
      tagId,
      JSON.stringify({
        type: 'object',
        required: ['address'],
        properties: { address: { type: 'string' }, password: { type: 'string', secret: true } },
      }),
    ]);
    try {
      const store = createConnectorsStore(fixedClients(alice));
      const started = await store.getState().startDiscover({
        tagId,
        captureName: 'aliceCo/sealed/source-hello-world',
        endpointConfig: { address: 'localhost:5432', password: 'typed-in-the-form' },
        detail: 'Discover sealed',
      });
      expect(store.getState().submitError).toBeNull();
      expect(started?.encryptedFields).toEqual(['password']);
      expect((await finished(started!.discoverId)).status).toEqual({ type: 'success', specs: 3 });
      const capture = await alice
        .from('draft_specs')
        .select('spec')
        .eq('draft_id', started!.draftId)
        .eq('spec_type', 'capture')
        .single<{ spec: { endpoint: { connector: { config: Record<string, unknown> } } } }>();
      const config = capture.data!.spec.endpoint.connector.config;
      expect(config.address).toBe('localhost:5432');
      expect(config.password_sops).toMatch(/^ENC\[AES256_GCM,/);
      expect(JSON.stringify(config)).not.toContain('typed-in-the-form');
      expect(await decryptSops(config, { secretKey: env.ageIdentity!, fileType: 'json' })).toEqual({
        address: 'localhost:5432',
        password_sops: 'typed-in-the-form',
      });

      const draftsBefore = (await alice.from('drafts').select('id')).data?.length;
      const refused = await store.getState().startDiscover({
        tagId,
        captureName: 'aliceCo/sealed/again',
        endpointConfig: { password: 'not-shown-anywhere' },
        detail: 'x',
      });
      expect(refused).toBeNull();
      expect(store.getState().submitError).toBe(
        "The configuration could not be encrypted: Failed to encrypt the endpoint specification. (config) must have required property 'address' (HTTP 400)",
      );
      expect((await alice.from('drafts').select('id')).data?.length).toBe(draftsBefore);
    } finally {
      await pool.query('update connector_tags set endpoint_spec_schema = $2 where id = $1', [
        tagId,
        JSON.stringify(schema.rows[0]!.endpoint_spec_schema),
      ]);
    }
  });

  it('failures: a refused insert leaves no draft behind, a failed discover keeps its draft for a retry', async () => {
    const tagId = await tagOf('source-hello-world');
    const store = createConnectorsStore(fixedClients(alice));
    const draftsBefore = (await alice.from('drafts').select('id')).data?.length;
    expect(
      await store
        .getState()
        .startDiscover({ tagId, captureName: 'not a name!', endpointConfig: {}, detail: 'x' }),
    ).toBeNull();
    expect(store.getState().submitError).toMatch(
      /^That is not a catalog name: .*\n23514 · value for domain catalog_name/,
    );
    expect((await alice.from('drafts').select('id')).data?.length).toBe(draftsBefore);

    // A materialization cannot discover: the agent says so, and the draft stays for the next attempt.
    const wrong = await store.getState().startDiscover({
      tagId: await tagOf('materialize-postgres'),
      captureName: 'aliceCo/pg/source',
      endpointConfig: {},
      detail: 'Discover pg',
    });
    expect((await finished(wrong!.discoverId)).status).toEqual({
      type: 'discoverFailed',
      error: 'ghcr.io/estuary/materialize-postgres:v1 is a materialization connector, not a capture',
    });
    const retry = await store.getState().startDiscover({
      tagId,
      captureName: 'aliceCo/pg/source',
      endpointConfig: {},
      detail: 'ignored',
      draftId: wrong!.draftId,
    });
    expect(retry?.draftId).toBe(wrong!.draftId);
    expect((await finished(retry!.discoverId)).status).toEqual({ type: 'success', specs: 3 });

    // Carol cannot discover into alice's draft (RLS); alice's draft is not touched by the failure.
    const intruder = createConnectorsStore(fixedClients(carol));
    expect(
      await intruder.getState().startDiscover({
        tagId,
        captureName: 'aliceCo/x/source',
        endpointConfig: {},
        detail: '',
        draftId: wrong!.draftId,
      }),
    ).toBeNull();
    expect(intruder.getState().submitError).toBe(
      'Row-level security refused the change to discovers: your grants do not cover it.\n42501 · new row violates row-level security policy for table "discovers"',
    );
    expect((await alice.from('drafts').select('id').eq('id', wrong!.draftId)).data).toHaveLength(1);
  });

  it('capture names: catalog names under a writable prefix, suggested from the first one', () => {
    const roles: AuthRoleRow[] = [
      { role_prefix: 'aliceCo/', capability: 'admin' },
      { role_prefix: 'bobCo/shared/', capability: 'read' },
    ];
    expect(suggestedCaptureName('ghcr.io/estuary/source-postgres', roles)).toBe('aliceCo/source-postgres');
    expect(captureNameProblem('aliceCo/source-postgres', roles)).toBeNull();
    expect(captureNameProblem('', roles)).toMatch(/^Enter a name/);
    expect(captureNameProblem('aliceCo/a b', roles)).toMatch(/^Not a catalog name/);
    expect(captureNameProblem('aliceCo/', roles)).toMatch(/^Not a catalog name/);
    expect(captureNameProblem('capture', roles)).toBe('The name needs a prefix, e.g. acmeCo/capture.');
    expect(captureNameProblem('bobCo/shared/x', roles)).toBe('You may write only under aliceCo/.');
    expect(captureNameProblem('aliceCo/x', [])).toMatch(/^You may not write any prefix yet/);
    expect(localized({ 'de-DE': 'Hallo' })).toBe('Hallo');
    expect(localized({ 'de-DE': 'Hallo', 'en-US': 'Hello' })).toBe('Hello');
    expect(localized(null)).toBeNull();
  });

  it('endpoint forms: secrets as passwords, multiline as text areas, fields in their order', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        user: { type: 'string', order: 1 },
        host: { type: 'string', order: 0 },
        password: { type: 'string', secret: true, order: 2 },
        key: { type: 'string', airbyte_secret: true, multiline: true },
        advanced: {
          type: 'object',
          properties: { notes: { type: 'string', multiline: true } },
        },
        auth: {
          oneOf: [
            { type: 'object', properties: { token: { type: 'string', secret: true } } },
            { type: 'object', properties: { user: { type: 'string' } } },
          ],
        },
      },
    };
    expect(connectorUiSchema(schema)).toEqual({
      'ui:order': ['host', 'user', 'password', '*'],
      password: { 'ui:widget': 'password' },
      key: { 'ui:widget': 'password' },
      advanced: { notes: { 'ui:widget': 'textarea' } },
      auth: { token: { 'ui:widget': 'password' } },
    });
    expect(formSchema(schema)).not.toHaveProperty('$schema');
    expect(formSchema(null)).toEqual({ type: 'object' });
  });

  it('endpoint forms validate without generating code (the GUI’s CSP forbids eval), as rjsf expects', () => {
    const validator = new InterpretingValidator();
    const schema: RJSFSchema = {
      type: 'object',
      required: ['address', 'tenant'],
      definitions: { port: { type: 'integer', minimum: 1, maximum: 65535 } },
      properties: {
        address: { type: 'string', minLength: 3 },
        tenant: { type: 'string', pattern: '^[\\p{L}\\p{N}]+$' },
        port: { $ref: '#/definitions/port' },
        tls: { type: 'object', properties: { mode: { enum: ['off', 'require'] } } },
      },
    };
    const realFunction = globalThis.Function;
    // Code generation fails as it does under the CSP: an Ajv-based validator could not compile a schema.
    globalThis.Function = function blocked(): never {
      throw new EvalError('Refused to evaluate a string as JavaScript (test)');
    } as unknown as FunctionConstructor;
    try {
      const empty = validator.validateFormData({}, schema);
      expect(empty.errors.map((e) => [e.name, e.property, e.message])).toEqual([
        ['required', '.address', 'is required'],
        ['required', '.tenant', 'is required'],
      ]);
      expect(empty.errorSchema).toMatchObject({
        address: { __errors: ['is required'] },
        tenant: { __errors: ['is required'] },
      });
      const wrong = validator.validateFormData(
        { address: 'ab', tenant: 'ünï/x', port: 70000, tls: { mode: 'maybe' } },
        schema,
      );
      expect(wrong.errors.map((e) => [e.name, e.property])).toEqual([
        ['minLength', '.address'],
        ['pattern', '.tenant'],
        ['maximum', '.port'],
        ['enum', '.tls.mode'],
      ]);
      expect(wrong.errors[1]?.params).toEqual({ pattern: '^[\\p{L}\\p{N}]+$' });
      expect(
        validator.validateFormData({ address: 'abc', tenant: 'ünï', port: 5432 }, schema).errors,
      ).toEqual([]);
      // rjsf asks about sub-schemas (oneOf options, references) with the root for their definitions.
      expect(validator.isValid({ $ref: '#/definitions/port' }, 80 as never, schema)).toBe(true);
      expect(validator.isValid({ $ref: '#/definitions/port' }, 0 as never, schema)).toBe(false);
      expect(
        validator.validateFormData({ a: 1 }, { type: 'object', additionalProperties: false }).errors,
      ).toEqual([expect.objectContaining({ name: 'additionalProperties' })]);
    } finally {
      globalThis.Function = realFunction;
    }
  });
});
