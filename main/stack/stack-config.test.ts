import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { readConfigTomlPorts, resolveStackConfig, saveLastUsedPorts } from './stack-config.js';
import { SUPABASE_DIR } from './project-paths.js';

describe('stack configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'stack-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the original project's ports from supabase/config.toml", () => {
    expect(readConfigTomlPorts(path.join(SUPABASE_DIR, 'config.toml'))).toEqual({
      api: 5431,
      db: 5432,
      studio: 5433,
      inbucket: 5434,
    });
  });

  it('takes flags over environment over the sticky ports over config.toml', () => {
    const dataDir = path.join(dir, 'data');
    expect(resolveStackConfig({ dataDir }, {}).ports).toEqual({
      api: 5431,
      db: 5432,
      studio: 5433,
      inbucket: 5434,
      broker: 8080,
      consumer: 9000,
      gateway: 28318,
    });
    saveLastUsedPorts(path.join(dataDir, 'stack.json'), {
      api: 6001,
      db: 6002,
      studio: 6003,
      inbucket: 6004,
    });
    expect(resolveStackConfig({ dataDir }, {}).ports.db).toBe(6002);
    expect(resolveStackConfig({ dataDir }, { FLOW_DESKTOP_DB_PORT: '7002' }).ports.db).toBe(7002);
    expect(
      resolveStackConfig({ dataDir, ports: { db: 8002 } }, { FLOW_DESKTOP_DB_PORT: '7002' }).ports.db,
    ).toBe(8002);
  });

  it('makes the data plane ports configurable and sticky like the others', () => {
    const dataDir = path.join(dir, 'dp');
    const first = resolveStackConfig({ dataDir, ports: { broker: 18080, consumer: 19000 } }, {});
    saveLastUsedPorts(path.join(dataDir, 'stack.json'), first.ports);
    expect(resolveStackConfig({ dataDir }, {}).ports).toMatchObject({
      broker: 18080,
      consumer: 19000,
      gateway: 28318,
    });
    expect(resolveStackConfig({ dataDir }, { FLOW_DESKTOP_GATEWAY_PORT: '38318' }).ports.gateway).toBe(38318);
    expect(() => resolveStackConfig({ dataDir, ports: { consumer: 0 } }, {})).toThrow(
      '--consumer-port must be a port number',
    );
  });

  it('rejects ports that are not ports, naming where they came from', () => {
    expect(() => resolveStackConfig({ dataDir: dir, ports: { db: 70000 } }, {})).toThrow(
      '--db-port must be a port number between 1 and 65535, not "70000"',
    );
    expect(() => resolveStackConfig({ dataDir: dir }, { FLOW_DESKTOP_API_PORT: 'abc' })).toThrow(
      'FLOW_DESKTOP_API_PORT must be a port number',
    );
    const toml = path.join(dir, 'config.toml');
    writeFileSync(toml, '[db]\nport = 0\n');
    expect(() => readConfigTomlPorts(toml)).toThrow(`[db] port in ${toml} must be a port number`);
  });

  it('uses FLOW_DESKTOP_HOME, agent count and bin dir from the environment', () => {
    const config = resolveStackConfig(
      {},
      { FLOW_DESKTOP_HOME: dir, FLOW_DESKTOP_AGENTS: '4', FLOW_DESKTOP_BIN_DIR: '/opt/flow' },
    );
    expect(config.layout.root).toBe(dir);
    expect(config.layout.pgdata).toBe(path.join(dir, 'postgres'));
    expect(config.agentCount).toBe(4);
    expect(config.flowBinDir).toBe('/opt/flow');
    expect(() => resolveStackConfig({ dataDir: dir, agentCount: -1 }, {})).toThrow('agent count');
  });
});
