import path from 'node:path';

import { bundledNodeCommand } from '../../process/service-bundle.js';
import { PROJECT_ROOT } from '../../stack/project-paths.js';
import { ageKeyFile } from '../functions/age-key-file.js';
import type { StackServiceContext } from '../../stack/stack-services.js';
import { databaseReadiness, DEFAULT_RESTART, type ServiceSpec } from '../../supervisor/service-spec.js';

/** How long an agent's activation waits for the stack's data plane to answer. */
const DATA_PLANE_WAIT_MS = 60_000;

/** The agent's entry point (agent/src/main.ts), run with tsx. */
export const AGENT_ENTRY = path.join(PROJECT_ROOT, 'agent', 'src', 'main.ts');

/**
 * The control-plane agents: `config.agentCount` processes named agent-1, agent-2 ..., each working the same
 * queue (rows are locked `for update skip locked`, so they never collide). They connect as role `postgres`.
 * Where flowctl-go is found (bin dir → resources/bin → PATH) its folder is their bin dir, and when the stack runs
 * a temp-data-plane they activate publications into it (its broker and consumer addresses); without flowctl-go
 * they run in control-plane-only mode. Without Docker, connector jobs fail with a status that says so. SIGTERM
 * lets the current job finish (or roll back) before the process exits.
 */
export function agentServices(ctx: StackServiceContext): ServiceSpec[] {
  const databaseUrl = ctx.db.owner;
  const flowctl = ctx.dataPlane.flowctl;
  const binDir = flowctl ? path.dirname(flowctl) : null;
  const addresses = ctx.dataPlane.addresses;
  return Array.from({ length: ctx.config.agentCount }, (_, i): ServiceSpec => {
    const name = `agent-${i + 1}`;
    // sops-encrypted endpoint configs are decrypted with the data directory's key (made by edge-functions).
    const args = [
      '--database',
      databaseUrl,
      '--name',
      name,
      '--sops-age-key-file',
      ageKeyFile(ctx.config.layout.root),
    ];
    if (binDir) args.push('--bin-dir', binDir);
    if (binDir && addresses) {
      args.push('--broker-address', addresses.broker, '--consumer-address', addresses.consumer);
      // Agents and the data plane start side by side, and a crashed data plane is restarted: a publication that
      // comes meanwhile waits for it rather than failing.
      args.push('--data-plane-wait-ms', String(DATA_PLANE_WAIT_MS));
    }
    return {
      name,
      description: binDir
        ? `control-plane agent (Flow binaries from ${binDir}${addresses ? `, data plane at ${addresses.consumer}` : ''})`
        : 'control-plane agent (control-plane-only mode)',
      kind: 'daemon',
      dependsOn: [{ service: 'migrate', condition: 'completed' }],
      launch: {
        type: 'process',
        // An empty BIN_DIR keeps a BIN_DIR of the user's environment from switching modes behind the stack's back;
        // DOCKER_HOST is inherited.
        command: () => bundledNodeCommand(AGENT_ENTRY, 'agent', args, { BIN_DIR: binDir ?? '' }),
      },
      // No port to probe: the agent prints "[agent-N] ready" once it is connected and listening, and exits on
      // a fatal start-up error; after that, staying up is its liveness.
      readyLine: new RegExp(`^\\[${name}\\] ready$`),
      // Like the API, an agent is only ready while its database answers.
      readiness: databaseReadiness(databaseUrl),
      startGracePeriodMs: 1500,
      startTimeoutMs: 30_000,
      restart: DEFAULT_RESTART,
      // The agent's own bound for a running job is 20 s; then it abandons (rolls back) the job and exits.
      stop: { signal: 'SIGTERM', timeoutMs: 30_000 },
    };
  });
}
