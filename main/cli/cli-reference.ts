import { Command, type Option } from 'commander';

import { withStackFlags } from './stack-options.js';

/** The markers around the generated part of docs/cli.md. */
export const REFERENCE_START =
  '<!-- cli-reference: generated from main/cli/program.ts by `npm run docs:cli`; do not edit by hand -->';
export const REFERENCE_END = '<!-- /cli-reference -->';

/**
 * The CLI reference in Markdown, from the command definitions themselves: every visible command with its
 * usage, arguments and options (the stack options every command takes are listed once).
 */
export function cliReference(program: Command): string {
  const help = program.createHelp();
  const stackFlags = new Set(withStackFlags(new Command()).options.map((o) => o.flags));
  const lines: string[] = [];
  lines.push('### Options of every command', '');
  lines.push(...optionTable(withStackFlags(new Command()).options));
  const walk = (command: Command, prefix: string): void => {
    for (const sub of help.visibleCommands(command)) {
      if (sub.name() === 'help') continue;
      const name = `${prefix} ${sub.name()}`;
      if (sub.commands.length > 0) {
        walk(sub, name);
        continue;
      }
      lines.push(`### \`${name}\``, '', `${capitalise(sub.description())}.`, '');
      lines.push('```', `${name} ${sub.usage()}`, '```', '');
      const args = sub.registeredArguments;
      if (args.length > 0) {
        lines.push('| argument | |', '|---|---|');
        for (const arg of args) {
          const shown = arg.required ? `<${arg.name()}>` : `[${arg.name()}]`;
          lines.push(`| \`${shown}\` | ${escape(arg.description)} |`);
        }
        lines.push('');
      }
      const own = help.visibleOptions(sub).filter((o) => !stackFlags.has(o.flags) && o.long !== '--help');
      if (own.length > 0) lines.push(...optionTable(own));
    }
  };
  walk(program, program.name());
  return lines.join('\n').trimEnd();
}

function optionTable(options: readonly Option[]): string[] {
  const rows = options.map((o) => {
    const notes = [
      o.mandatory ? 'required' : '',
      o.defaultValue !== undefined ? `default: \`${String(o.defaultValue)}\`` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return `| \`${o.flags}\` | ${escape(o.description)}${notes ? ` (${notes})` : ''} |`;
  });
  return ['| option | |', '|---|---|', ...rows, ''];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function escape(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** `doc` with its generated part replaced by `reference`; throws when the markers are missing. */
export function withReference(doc: string, reference: string): string {
  const start = doc.indexOf(REFERENCE_START);
  const end = doc.indexOf(REFERENCE_END);
  if (start < 0 || end < start) throw new Error('docs/cli.md has no cli-reference markers');
  return `${doc.slice(0, start + REFERENCE_START.length)}\n\n${reference}\n\n${doc.slice(end)}`;
}
