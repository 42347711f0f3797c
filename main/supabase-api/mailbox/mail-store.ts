import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { MailMessage } from '../../../shared/mailbox.js';

export type { MailMessage };

/** What a sender supplies; id and date are added. */
export type OutgoingMail = Omit<MailMessage, 'id' | 'date' | 'from'>;

const ID = /^[0-9a-f-]{36}$/;

/** Owner-only, like secrets.json: the messages hold sign-in codes and links. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * Messages kept as one JSON file each under `<dataDir>/mailbox/` (or in memory when no folder is given). The
 * folder and its files are readable by their owner only; a folder made by an older version is tightened on
 * start.
 */
export class MailStore {
  private readonly memory = new Map<string, MailMessage>();

  constructor(private readonly dir: string | null) {
    if (!dir) return;
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    chmodSync(dir, DIR_MODE);
    for (const file of readdirSync(dir))
      if (file.endsWith('.json')) chmodSync(path.join(dir, file), FILE_MODE);
  }

  /** Stores a message and returns it. */
  add(mail: OutgoingMail): MailMessage {
    const message: MailMessage = {
      ...mail,
      id: randomUUID(),
      date: new Date().toISOString(),
      from: 'noreply@flow-desktop.local',
    };
    if (this.dir)
      writeFileSync(path.join(this.dir, `${message.id}.json`), JSON.stringify(message, null, 2), {
        mode: FILE_MODE,
      });
    else this.memory.set(message.id, message);
    return message;
  }

  /** All messages, newest first, optionally only those to one recipient (case-insensitive). */
  list(to?: string): MailMessage[] {
    const all = this.dir ? this.readAll(this.dir) : [...this.memory.values()];
    const wanted = to?.toLowerCase();
    return all
      .filter((m) => wanted === undefined || m.to.toLowerCase() === wanted)
      .sort((a, b) => b.date.localeCompare(a.date));
  }

  /** One message by id. */
  get(id: string): MailMessage | null {
    if (!ID.test(id)) return null;
    if (!this.dir) return this.memory.get(id) ?? null;
    try {
      return JSON.parse(readFileSync(path.join(this.dir, `${id}.json`), 'utf8')) as MailMessage;
    } catch {
      return null;
    }
  }

  /** Deletes one message; true when it existed. */
  delete(id: string): boolean {
    if (!this.get(id)) return false;
    if (this.dir) rmSync(path.join(this.dir, `${id}.json`), { force: true });
    else this.memory.delete(id);
    return true;
  }

  /** Deletes all messages (of one recipient, when given); returns how many. */
  clear(to?: string): number {
    const doomed = this.list(to);
    for (const m of doomed) this.delete(m.id);
    return doomed.length;
  }

  private readAll(dir: string): MailMessage[] {
    const out: MailMessage[] = [];
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.json')) continue;
      const m = this.get(file.slice(0, -5));
      if (m) out.push(m);
    }
    return out;
  }
}
