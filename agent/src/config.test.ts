import { describe, expect, it } from 'vitest';

import { dockerSocketFrom, parseAgentArgs } from './config.js';

describe('agent config', () => {
  it('takes flags over environment, and an empty bin dir means control-plane-only mode', () => {
    const config = parseAgentArgs(['--database', 'postgres://flag', '--name', 'agent-3'], {
      DATABASE_URL: 'postgres://env',
      BIN_DIR: '',
      DOCKER_HOST: 'unix:///tmp/d.sock',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://flag',
      binDir: null,
      name: 'agent-3',
      dockerSocket: '/tmp/d.sock',
      connectorNetwork: 'host',
      accountsEmail: 'accounts@estuary.dev',
    });
    expect(parseAgentArgs([], { DATABASE_URL: 'postgres://env', BIN_DIR: '/opt/flow' }).binDir).toBe(
      '/opt/flow',
    );
  });

  it('rejects a missing database, bad numbers and unknown flags', () => {
    expect(() => parseAgentArgs([], {})).toThrow('--database (or DATABASE_URL) is required');
    expect(() => parseAgentArgs(['--database', 'x', '--poll-interval-ms', 'soon'], {})).toThrow(
      '--poll-interval-ms must be a positive number',
    );
    expect(() => parseAgentArgs(['--database', 'x', '--nope'], {})).toThrow();
    expect(() => parseAgentArgs(['--database', 'x', '--data-plane-wait-ms=-1'], {})).toThrow(
      '--data-plane-wait-ms must be a non-negative number',
    );
  });

  it('waits for the data plane only when told to', () => {
    expect(parseAgentArgs(['--database', 'x'], {}).dataPlaneWaitMs).toBe(0);
    expect(parseAgentArgs(['--database', 'x', '--data-plane-wait-ms', '60000'], {}).dataPlaneWaitMs).toBe(
      60_000,
    );
  });

  it('finds the Docker socket from DOCKER_HOST or the default', () => {
    expect(dockerSocketFrom(undefined)).toBe('/var/run/docker.sock');
    expect(dockerSocketFrom('tcp://1.2.3.4:2375')).toBe('/var/run/docker.sock');
  });
});
