import { describe, expect, it } from 'vitest';

import { canTransition } from './service-state.js';
import { dependencyOrder, NO_RESTART, type ServiceSpec, validateSpecs } from './service-spec.js';

const spec = (name: string, deps: string[] = [], extra: Partial<ServiceSpec> = {}): ServiceSpec => ({
  name,
  description: name,
  kind: 'daemon',
  dependsOn: deps.map((service) => ({ service, condition: 'healthy' })),
  launch: { type: 'task', run: () => Promise.resolve() },
  startGracePeriodMs: 0,
  startTimeoutMs: 1000,
  restart: NO_RESTART,
  stop: { signal: 'SIGTERM', timeoutMs: 1000 },
  ...extra,
});

describe('service specs', () => {
  it('orders dependencies first, keeping independent services in declaration order', () => {
    const order = dependencyOrder([
      spec('agent', ['migrate']),
      spec('api', ['migrate']),
      spec('migrate', ['db']),
      spec('db'),
    ]);
    expect(order.map((s) => s.name)).toEqual(['db', 'migrate', 'agent', 'api']);
  });

  it('rejects a cycle, naming it', () => {
    expect(() => validateSpecs([spec('a', ['b']), spec('b', ['c']), spec('c', ['a'])])).toThrow(
      'services depend on each other in a cycle: a → b → c → a',
    );
  });

  it('rejects unknown dependencies, duplicates and bad probes before anything starts', () => {
    expect(() => validateSpecs([spec('a', ['ghost'])])).toThrow(
      'service "a" depends on unknown service "ghost"',
    );
    expect(() => validateSpecs([spec('a'), spec('a')])).toThrow('service "a" is defined twice');
    const probe = {
      check: { kind: 'tcp' as const, host: '127.0.0.1', port: 1 },
      intervalMs: 0,
      startIntervalMs: 10,
      timeoutMs: 10,
      failureThreshold: 1,
    };
    expect(() => validateSpecs([spec('a', [], { probe })])).toThrow('non-positive interval');
    expect(() =>
      validateSpecs([spec('job', [], { kind: 'oneshot', probe: { ...probe, intervalMs: 5 } })]),
    ).toThrow('one-shot service "job" cannot have a probe');
  });
});

describe('service state machine', () => {
  it('allows the documented paths', () => {
    expect(canTransition('stopped', 'starting')).toBe(true);
    expect(canTransition('starting', 'healthy')).toBe(true);
    expect(canTransition('healthy', 'unhealthy')).toBe(true);
    expect(canTransition('unhealthy', 'healthy')).toBe(true);
    expect(canTransition('crashed', 'starting')).toBe(true);
    expect(canTransition('starting', 'completed')).toBe(true);
  });

  it('drops transitions that would let a late probe resurrect a stopping or failed service', () => {
    expect(canTransition('stopping', 'healthy')).toBe(false);
    expect(canTransition('stopped', 'healthy')).toBe(false);
    expect(canTransition('failed', 'healthy')).toBe(false);
    expect(canTransition('completed', 'healthy')).toBe(false);
  });
});
