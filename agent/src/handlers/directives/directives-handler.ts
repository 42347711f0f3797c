// Applied directives: clickToAccept, grant and betaOnboard (shared/brief/agent.md, "Directives").
import type { DirectiveStatus } from '../../jobs/job-status.js';
import type { AppliedDirectiveRow } from '../../jobs/job-rows.js';
import { errorMessage, type JobContext, type JobHandler } from '../../queue/job-handler.js';
import {
  administeredTenant,
  provisionTenant,
  tenantTaken,
  upsertUserGrant,
  userIdByEmail,
} from '../../sql/directive-sql.js';
import {
  COMPONENT_RE,
  type DirectiveSpec,
  InvalidError,
  parseDirectiveSpec,
  PREFIX_RE,
  strictObject,
} from './directive-specs.js';
import { tenantTemplateSpecs } from './tenant-template.js';

/** Thrown for bad claims (as opposed to a bad directive). */
class InvalidClaims extends InvalidError {}

function claims<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error: unknown) {
    if (error instanceof InvalidError) throw new InvalidClaims(error.message);
    throw error;
  }
}

async function apply(ctx: JobContext<AppliedDirectiveRow>): Promise<DirectiveStatus> {
  const { row, log } = ctx;
  let spec: DirectiveSpec;
  try {
    spec = parseDirectiveSpec(row.spec);
  } catch (error: unknown) {
    if (error instanceof InvalidError) return { type: 'invalidDirective', error: error.message };
    throw error;
  }
  log.info(`applying ${spec.type} directive ${row.directive_id} for user ${row.user_id}`);
  try {
    switch (spec.type) {
      case 'clickToAccept':
        return clickToAccept(ctx);
      case 'grant':
        return await grant(ctx, spec);
      case 'betaOnboard':
        return await betaOnboard(ctx);
    }
  } catch (error: unknown) {
    if (error instanceof InvalidClaims) return { type: 'invalidClaims', error: error.message };
    if (error instanceof InvalidError) return { type: 'invalidDirective', error: error.message };
    throw error;
  }
}

function requireOps(row: AppliedDirectiveRow, type: string): void {
  if (row.catalog_prefix !== 'ops/')
    throw new InvalidError(`a ${type} directive must be under ops/, not ${row.catalog_prefix}`);
}

function clickToAccept(ctx: JobContext<AppliedDirectiveRow>): DirectiveStatus {
  requireOps(ctx.row, 'clickToAccept');
  const { version } = claims(() => strictObject(ctx.row.user_claims, ['version'], 'the claims'));
  if (typeof version !== 'string' || version === '')
    throw new InvalidClaims('version must be a non-empty string');
  // The successful application is itself the record of acceptance.
  ctx.log.info(`user ${ctx.row.user_id} accepted version ${version}`);
  return { type: 'success' };
}

async function grant(
  ctx: JobContext<AppliedDirectiveRow>,
  spec: DirectiveSpec & { type: 'grant' },
): Promise<DirectiveStatus> {
  const { row } = ctx;
  if (!spec.grantedPrefix.startsWith(row.catalog_prefix)) {
    throw new InvalidError(
      `grantedPrefix ${spec.grantedPrefix} is not within the directive's prefix ${row.catalog_prefix}`,
    );
  }
  const c = claims(() => strictObject(row.user_claims, ['requestedPrefix'], 'the claims'));
  let objectRole = spec.grantedPrefix;
  if (c.requestedPrefix !== undefined) {
    if (typeof c.requestedPrefix !== 'string' || !PREFIX_RE.test(c.requestedPrefix)) {
      throw new InvalidClaims(
        `requestedPrefix must be a catalog prefix ending in "/", not ${JSON.stringify(c.requestedPrefix)}`,
      );
    }
    if (!c.requestedPrefix.startsWith(spec.grantedPrefix)) {
      throw new InvalidClaims(
        `requestedPrefix ${c.requestedPrefix} is not within the granted prefix ${spec.grantedPrefix}`,
      );
    }
    objectRole = c.requestedPrefix;
  }
  await upsertUserGrant(ctx.client, row.user_id, objectRole, spec.capability);
  ctx.log.info(`granted ${spec.capability} on ${objectRole} to user ${row.user_id}`);
  return { type: 'success' };
}

async function betaOnboard(ctx: JobContext<AppliedDirectiveRow>): Promise<DirectiveStatus> {
  const { row, client, config, log } = ctx;
  requireOps(row, 'betaOnboard');
  const { requestedTenant } = claims(() => strictObject(row.user_claims, ['requestedTenant'], 'the claims'));
  if (typeof requestedTenant !== 'string' || !COMPONENT_RE.test(requestedTenant)) {
    throw new InvalidClaims(
      `requestedTenant must be a single catalog name component, not ${JSON.stringify(requestedTenant)}`,
    );
  }
  const tenant = `${requestedTenant}/`;
  const existing = await administeredTenant(client, row.user_id);
  if (existing)
    throw new InvalidClaims(
      `Cannot provision a new tenant because the user already administers tenant ${existing}`,
    );
  if (await tenantTaken(client, tenant))
    throw new InvalidClaims(`requested tenant ${requestedTenant} is not available`);
  const accountsId = await userIdByEmail(client, config.accountsEmail);
  if (!accountsId) throw new Error(`the accounts user ${config.accountsEmail} does not exist`);
  const templateSpecs = tenantTemplateSpecs(config.tenantTemplate, requestedTenant);
  const { draftId, publicationId } = await provisionTenant(client, {
    tenant,
    userId: row.user_id,
    accountsId,
    templateSpecs,
  });
  log.info(
    `provisioned tenant ${tenant}: draft ${draftId} with ${templateSpecs.length} template specs, publication ${publicationId}`,
  );
  return { type: 'success' };
}

/** Dequeues applied directives whose claims are set, and applies them. */
export const directivesHandler: JobHandler<AppliedDirectiveRow> = {
  table: 'applied_directives',
  dequeueSql: `select a.id::text, a.logs_token::text, a.directive_id::text, a.user_id::text, a.user_claims,
      d.catalog_prefix::text, d.spec
    from applied_directives a join directives d on d.id = a.directive_id
    where a.job_status->>'type' = 'queued' and a.user_claims is not null
    order by a.id limit 1 for update of a skip locked`,
  run: apply,
  failureStatus: (error) => ({ type: 'invalidDirective', error: errorMessage(error) }),
};
