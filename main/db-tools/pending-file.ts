import type { PendingFileContent, PendingFileHeader } from '../../shared/control-api.js';
import type { DiffSection, DiffStatement } from './schema-diff.js';
import { isDestructive } from './sql-names.js';
import { type SqlStatement, splitSql, SqlSyntaxError } from './sql-split.js';

/** The first line of every file `db diff` writes. */
const MARKER = '-- flow-desktop pending migration:';
/** How a noise statement is written: commented out, so applying the file can never run it. */
const NOISE_PREFIX = '-- noise: ';

const SECTION_TITLES: Record<DiffSection, string> = {
  schema: 'Schema (migra)',
  privileges: 'Privileges (ACLs compared as sets)',
  comments: 'Comments',
  publications: 'Publication membership',
};

/** Everything the header says besides the statements. */
export interface PendingFileMeta extends PendingFileHeader {
  readonly warnings: readonly string[];
}

/** A pending file's header and statements, read back from its text (which a reviewer may have edited). */
export interface ParsedPendingFile extends Omit<PendingFileContent, 'file' | 'text'> {
  readonly header: PendingFileHeader | null;
  /** The statements with their lines and parse-tree kinds (empty when the text does not parse). */
  readonly parsed: readonly SqlStatement[];
  /** Why Postgres's parser refuses the text (a reviewer's edit broke it), or null. */
  readonly syntaxError: string | null;
}

/** Renders a pending file: a header saying what it was diffed against, then the statements by section. */
export function renderPendingFile(meta: PendingFileMeta, statements: readonly DiffStatement[]): string {
  const apply = statements.filter((s) => !s.noise);
  const noise = statements.filter((s) => s.noise);
  const destructive = apply.filter((s) => s.destructive);
  const lines = [
    `${MARKER} ${meta.name}`,
    `-- target: ${meta.target}`,
    `-- target server: ${meta.targetServer}`,
    `-- generated: ${meta.generatedAt}`,
    `-- migrations head: ${meta.migrationsHead}`,
    `-- migrations checksum: ${meta.migrationsChecksum}`,
    `-- schemas: ${meta.schemas.join(', ')}`,
    `-- statements: ${apply.length} to apply, ${destructive.length} destructive, ${noise.length} flagged as noise`,
    ...destructive.map((s) => `-- destructive: ${firstLine(s.sql)}`),
    ...meta.warnings.map((w) => `-- warning: ${w}`),
    ...(noise.length > 0
      ? [
          '-- flagged noise: the target lists some privileges in another order than the migrations (Supabase re-grants',
          '--   during its own maintenance). The REVOKE/GRANT pairs that would only reorder them are flagged below',
          '--   as "-- noise:" lines, commented out: applying this file never runs them.',
        ]
      : []),
    '--',
    '-- Review every statement, then apply it (in one transaction, after a confirmation) with',
    `--   flow-desktop db apply --target <url of ${meta.target}> <this file>`,
    '',
  ];
  for (const section of Object.keys(SECTION_TITLES) as DiffSection[]) {
    const inSection = statements.filter((s) => s.section === section);
    if (inSection.length === 0) continue;
    lines.push(`-- ${SECTION_TITLES[section]}`, '');
    for (const s of inSection) {
      const sql = terminated(s.sql.trim());
      lines.push(s.noise ? `${NOISE_PREFIX}${sql.replaceAll('\n', ' ')}` : sql, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Reads a pending file: its header (when `db diff` wrote it), statements, destructive ones and noise. */
export async function parsePendingFile(text: string): Promise<ParsedPendingFile> {
  let parsed: SqlStatement[] = [];
  let syntaxError: string | null = null;
  try {
    parsed = await splitSql(text);
  } catch (error: unknown) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    syntaxError = error.message;
  }
  const statements = parsed.map((s) => s.sql);
  const lines = text.split('\n');
  // The header ends at the first line that is not a comment; noise lines come after it.
  const bodyStart = lines.findIndex((l) => !l.startsWith('--'));
  const noise = lines
    .slice(bodyStart < 0 ? lines.length : bodyStart)
    .filter((l) => l.startsWith(NOISE_PREFIX))
    .map((l) => l.slice(NOISE_PREFIX.length));
  return {
    header: parseHeader(text),
    statements,
    destructive: statements.filter(isDestructive),
    noise,
    parsed,
    syntaxError,
  };
}

function parseHeader(text: string): PendingFileHeader | null {
  if (!text.startsWith(MARKER)) return null;
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('--')) break;
    const match = /^-- ([a-z ]+): (.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined && !fields.has(match[1])) fields.set(match[1], match[2]);
  }
  const get = (key: string): string => fields.get(key) ?? '';
  return {
    name: (text.split('\n')[0] ?? '').slice(MARKER.length).trim(),
    target: get('target'),
    targetServer: get('target server'),
    generatedAt: get('generated'),
    migrationsHead: get('migrations head'),
    migrationsChecksum: get('migrations checksum'),
    schemas: get('schemas')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
}

/** `20250101120000_<name>.sql`, versioned like migrations (UTC), so the folder lists them in order. */
export function pendingFileName(name: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${stamp}_${name}.sql`;
}

/** A `--name` is a file-name part: letters, digits, `_` and `-`. */
export function checkPendingName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,80}$/.test(name)) {
    throw new Error(
      `--name "${name}" must be letters, digits, "_" or "-" (it becomes part of the file name)`,
    );
  }
  return name;
}

/** The statement with its semicolon (on a line of its own after a trailing line comment). */
function terminated(sql: string): string {
  if (sql.endsWith(';')) return sql;
  return /--[^\n]*$/.test(sql) ? `${sql}\n;` : `${sql};`;
}

function firstLine(sql: string): string {
  const line = sql.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
