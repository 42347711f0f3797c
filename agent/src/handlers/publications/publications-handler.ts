// The publication job (shared/brief/agent.md, "Publications"): lock, check, apply, expand, check storage,
// build/test/activate (or record control-plane-only mode), commit; then delete the emptied draft.
import type { DataPlaneReport, PublicationChecks, PublicationStatus } from '../../jobs/job-status.js';
import type { PublicationRow } from '../../jobs/job-rows.js';
import { errorMessage, type JobContext, type JobHandler } from '../../queue/job-handler.js';
import {
  applySpec,
  deleteDraftIfEmpty,
  expandAndMarkBuild,
  insertDraftErrors,
  lockDraftSpecs,
  storageMappingsFor,
} from '../../sql/publication-sql.js';
import { catalogCheckErrors } from './catalog-checks.js';
import { type ParsedSpec, specDraftErrors } from './catalog-specs.js';
import { runDataPlaneSteps } from './data-plane-steps.js';
import { deletionsByBuild, parseLive, resolveSpecs } from './resolve-specs.js';
import { checkStorage } from './storage-check.js';
import { checkTransitions, type DraftError } from './transition-checks.js';

/** Recorded in the status and the log when there are no Flow binaries. */
export const CONTROL_PLANE_ONLY =
  'control-plane-only mode: no Flow binaries (--bin-dir) are configured, so build, test and activation were skipped';

/** What a publication without Flow binaries could check: the status's warning and checks summary. */
export const NOT_BUILT = 'checked by Flow Desktop; not built (flowctl-go not found)';

/** The checks report of a publication that got past (or stopped at) a step. */
function checksReport(
  binDir: string | null,
  stage: 'catalog' | 'build' | 'passed',
  steps: readonly string[],
): PublicationChecks {
  if (stage === 'catalog')
    return {
      catalog: 'failed',
      build: 'skipped',
      summary: "Flow Desktop's catalog checks failed; not built",
    };
  if (!binDir) return { catalog: 'passed', build: 'skipped', summary: NOT_BUILT };
  if (stage === 'build' && steps.at(-1) === 'build')
    return { catalog: 'passed', build: 'failed', summary: "checked by Flow Desktop; Flow's build failed" };
  if (stage === 'build' && steps.at(-1) === 'test')
    return { catalog: 'passed', build: 'failed', summary: "checked by Flow Desktop; Flow's tests failed" };
  const tested = steps.includes('test') ? ' and tested' : '';
  return { catalog: 'passed', build: 'passed', summary: `checked by Flow Desktop; built${tested} by Flow` };
}

async function publish(ctx: JobContext<PublicationRow>): Promise<PublicationStatus> {
  const { client, row, log, config } = ctx;
  const pubId = row.id;
  const fail = async (
    type: 'buildFailed' | 'testFailed' | 'publishFailed',
    error: string,
    errors: readonly DraftError[],
    steps: readonly string[] = [],
    stage: 'catalog' | 'build' | 'passed' = 'catalog',
  ): Promise<PublicationStatus> => {
    await client.query('rollback to savepoint publish');
    await insertDraftErrors(client, row.draft_id, errors);
    for (const e of errors) log.info(`error: ${e.scope}: ${e.detail}`);
    const checks = checksReport(config.binDir, stage, steps);
    log.info(checks.summary);
    return { type, error, dataPlane: dataPlaneReport(config.binDir, steps), checks };
  };

  await client.query('delete from draft_errors where draft_id = $1', [row.draft_id]);
  await client.query('savepoint publish');
  log.info(`publishing draft ${row.draft_id}${row.dry_run ? ' (dry run)' : ''}`);
  const rows = await lockDraftSpecs(client, row.draft_id, pubId);
  if (rows.length === 0) {
    return fail('buildFailed', 'the draft has no specs', [
      { scope: 'flow://draft', detail: 'The draft has no specs to publish' },
    ]);
  }

  // Every schema problem of every spec, each scoped to its place (`name#/pointer`), before anything else.
  const schemaErrors = rows.flatMap((r) =>
    r.draft_type === null ? [] : specDraftErrors(r.catalog_name, r.draft_type, r.draft_spec),
  );
  if (schemaErrors.length > 0) return fail('buildFailed', 'invalid specifications', schemaErrors);

  const { resolved, parseErrors, atLeast, capabilityOf } = await resolveSpecs(
    client,
    rows,
    row.user_id,
    pubId,
  );
  if (parseErrors.length > 0) return fail('buildFailed', 'invalid specifications', parseErrors);
  // Flow Desktop's catalog checks run on every publication, binaries or not, before anything is applied: the
  // common mistakes come back in milliseconds, and a catalog Flow would refuse never reports success.
  const transitionErrors = [
    ...checkTransitions(resolved, atLeast),
    ...(await catalogCheckErrors(client, rows, capabilityOf)),
  ];
  if (transitionErrors.length > 0)
    return fail(
      'buildFailed',
      `the draft cannot be published: ${transitionErrors.length} problem(s) found by Flow Desktop's catalog checks`,
      transitionErrors,
    );
  log.info('catalog checks passed (names, keys and projections, schemas, bindings, deletions)');

  for (const s of resolved) {
    await applySpec(client, { row: s.row, parsed: s.parsed, pubId, userId: row.user_id, detail: row.detail });
  }
  const expanded = await expandAndMarkBuild(
    client,
    resolved.map((s) => s.row.live_spec_id),
    pubId,
  );
  log.info(`changed ${resolved.length} spec(s); ${expanded.length} connected spec(s) rebuilt with them`);

  const build: { name: string; parsed: ParsedSpec }[] = [];
  for (const s of resolved) if (s.parsed) build.push({ name: s.row.catalog_name, parsed: s.parsed });
  for (const e of expanded) build.push({ name: e.catalog_name, parsed: parseLive(e.spec_type, e.spec) });
  const storage = checkStorage(
    build,
    await storageMappingsFor(
      client,
      build.flatMap((b) => [b.name, `recovery/${b.name}`]),
    ),
  );
  if (storage.errors.length > 0)
    return fail('buildFailed', 'missing or invalid storage mappings', storage.errors);

  let steps: string[] = [];
  if (config.binDir) {
    const outcome = await runDataPlaneSteps(
      { binDir: config.binDir, network: config.connectorNetwork, log, signal: ctx.signal },
      {
        pubId,
        catalog: catalogOf(build, storage.used),
        hasTests: build.some((b) => b.parsed.type === 'test'),
        dryRun: row.dry_run,
        activate: build.filter((b) => b.parsed.type !== 'test').map((b) => b.name),
        deletions: deletionsByBuild(resolved),
        dataPlane: { broker: config.brokerAddress, consumer: config.consumerAddress },
        dataPlaneWaitMs: config.dataPlaneWaitMs,
        sopsAgeKeyFile: config.sopsAgeKeyFile,
      },
    );
    if (!outcome.ok)
      return fail(
        outcome.type,
        outcome.error,
        outcome.errors,
        outcome.steps,
        outcome.type === 'publishFailed' ? 'passed' : 'build',
      );
    steps = outcome.steps;
  } else {
    log.info(CONTROL_PLANE_ONLY);
  }
  const checks = checksReport(config.binDir, 'passed', steps);
  log.info(checks.summary);
  if (row.dry_run) {
    // A dry run leaves no trace but its status (and its logs).
    await client.query('rollback to savepoint publish');
  }
  return {
    type: 'success',
    dryRun: row.dry_run,
    changed: resolved.length,
    expanded: expanded.length,
    dataPlane: dataPlaneReport(config.binDir, steps),
    checks,
    ...(checks.build === 'skipped' ? { warning: checks.summary } : {}),
  };
}

function dataPlaneReport(binDir: string | null, steps: readonly string[]): DataPlaneReport {
  return binDir ? { mode: 'ran', steps } : { mode: 'skipped', reason: CONTROL_PLANE_ONLY, steps: [] };
}

function catalogOf(
  build: readonly { name: string; parsed: ParsedSpec }[],
  storageMappings: Record<string, unknown>,
): Record<string, unknown> {
  const section = (type: ParsedSpec['type']): Record<string, unknown> =>
    Object.fromEntries(build.filter((b) => b.parsed.type === type).map((b) => [b.name, b.parsed.spec]));
  return {
    collections: section('collection'),
    captures: section('capture'),
    materializations: section('materialization'),
    tests: section('test'),
    storageMappings,
  };
}

/** Dequeues publications and publishes their drafts. */
export const publicationsHandler: JobHandler<PublicationRow> = {
  table: 'publications',
  dequeueSql: `select id::text, logs_token::text, user_id::text, draft_id::text, dry_run, detail
    from publications where job_status->>'type' = 'queued'
    order by id limit 1 for update skip locked`,
  run: publish,
  failureStatus: (error) => ({ type: 'publishFailed', error: errorMessage(error) }),
  async afterCommit({ pool, row, status }) {
    if (status.type === 'success' && !row.dry_run) await deleteDraftIfEmpty(pool, row.draft_id);
  },
};
