// Build, test and activate a publication with Flow's flowctl-go (§1.9 of the contracts). The caller decides
// what the database does with the outcome; nothing here touches Postgres.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { readBuildErrors } from '../../flow/build-db.js';
import { waitForBuildsRoot } from '../../flow/builds-root.js';
import {
  apiActivate,
  apiBuild,
  apiDelete,
  apiTest,
  type FlowContext,
  startTempDataPlane,
  stopTempDataPlane,
} from '../../flow/flowctl.js';
import { exitDescription } from '../../flow/run-command.js';
import { unsealCatalog } from '../../sops/config-unsealer.js';
import type { DraftError } from './transition-checks.js';

/** What to build and deploy. */
export interface DataPlaneRequest {
  readonly pubId: string;
  readonly catalog: Record<string, unknown>;
  readonly hasTests: boolean;
  readonly dryRun: boolean;
  /** Non-deleted changed specs plus expanded ones (tests excluded). */
  readonly activate: readonly string[];
  /** Deleted specs grouped by the build that last built them. */
  readonly deletions: ReadonlyMap<string, readonly string[]>;
  readonly dataPlane: { readonly broker: string; readonly consumer: string };
  /** How long to wait for an unreachable data plane (starting, restarting) before failing; 0 = not at all. */
  readonly dataPlaneWaitMs?: number;
  /** The age key that sops-encrypted endpoint configs are decrypted with for the build. */
  readonly sopsAgeKeyFile?: string | null;
}

/** The outcome of the data-plane steps. */
export type DataPlaneOutcome =
  | { readonly ok: true; readonly steps: string[] }
  | {
      readonly ok: false;
      readonly type: 'buildFailed' | 'testFailed' | 'publishFailed';
      readonly error: string;
      readonly errors: DraftError[];
      readonly steps: string[];
    };

/** Runs build → test → (unless dry run) activate and delete, in a fresh temp dir that is removed afterwards. */
export async function runDataPlaneSteps(ctx: FlowContext, req: DataPlaneRequest): Promise<DataPlaneOutcome> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'flow-agent-build-'));
  const steps: string[] = [];
  const fail = (
    type: 'buildFailed' | 'testFailed' | 'publishFailed',
    error: string,
    errors: DraftError[] = [],
  ): DataPlaneOutcome => ({
    ok: false,
    type,
    error,
    errors: errors.length > 0 ? errors : [{ scope: 'flow://publication', detail: error }],
    steps,
  });
  try {
    const builds = path.join(tmp, 'builds');
    mkdirSync(builds);
    // flowctl-go and the connectors get endpoint configs decrypted; the database keeps them encrypted.
    const unsealed = await unsealCatalog(req.catalog, req.sopsAgeKeyFile ?? null);
    if (unsealed.errors.length > 0)
      return fail('buildFailed', unsealed.errors[0]!.detail, [...unsealed.errors]);
    writeFileSync(path.join(builds, 'flow.json'), JSON.stringify(unsealed.catalog, null, 2));
    steps.push('build');
    const built = await apiBuild(ctx, builds, req.pubId);
    const buildDb = path.join(builds, req.pubId);
    const buildErrors = existsSync(buildDb) ? await readBuildErrors(buildDb) : [];
    if (buildErrors.length > 0) {
      const errors = buildErrors.map((e) => ({ scope: e.scope ?? 'flow://publication', detail: e.error }));
      return fail('buildFailed', `${buildErrors.length} build error(s)`, errors);
    }
    if (built.code !== 0)
      return fail(
        'buildFailed',
        `flowctl-go api build ${exitDescription(built)} without reporting build errors`,
      );

    if (req.hasTests) {
      steps.push('test');
      const tested = await runTests(ctx, tmp, req.pubId);
      if (tested) return fail('testFailed', tested);
    } else {
      ctx.log.info('no tests in this build: the test data plane is skipped');
    }
    if (req.dryRun) return { ok: true, steps };

    steps.push('activate');
    const root = await waitForBuildsRoot(
      req.dataPlane.consumer,
      req.dataPlaneWaitMs ?? 0,
      (error) => ctx.log.info(`waiting for the data plane (${error})`),
      ctx.signal,
    ).catch((e: unknown) => e as Error);
    if (root instanceof Error) return fail('publishFailed', root.message);
    if (!root.startsWith('file://'))
      return fail('publishFailed', `builds root ${root} is not a local file:// folder`);
    // Activations read the build from the data plane's builds root (the local stand-in for `gsutil cp`).
    const rootDir = fileURLToPath(root);
    mkdirSync(rootDir, { recursive: true });
    copyFileSync(buildDb, path.join(rootDir, req.pubId));
    ctx.log.info(`build ${req.pubId} copied into the data plane's builds root ${root}`);
    if (req.activate.length > 0) {
      const activated = await apiActivate(ctx, req.dataPlane, req.pubId, { names: req.activate });
      if (activated.code !== 0)
        return fail('publishFailed', `flowctl-go api activate ${exitDescription(activated)}`);
    }
    for (const [buildId, names] of req.deletions) {
      steps.push('delete');
      const deleted = await apiDelete(ctx, req.dataPlane, buildId, { names });
      if (deleted.code !== 0)
        return fail('publishFailed', `flowctl-go api delete ${exitDescription(deleted)}`);
    }
    return { ok: true, steps };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Tests a build on its own temp data plane; returns an error message, or null when the tests pass. */
async function runTests(ctx: FlowContext, tmp: string, buildId: string): Promise<string | null> {
  const { running, addresses } = await startTempDataPlane(ctx, tmp);
  try {
    const activated = await apiActivate(ctx, addresses, buildId, { allDerivations: true });
    if (activated.code !== 0)
      return `activating derivations for the tests failed: flowctl-go ${exitDescription(activated)}`;
    const tested = await apiTest(ctx, addresses, buildId);
    await apiDelete(ctx, addresses, buildId, { allDerivations: true });
    return tested.code === 0 ? null : 'one or more test cases failed';
  } finally {
    await stopTempDataPlane(running);
  }
}
