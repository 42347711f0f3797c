import { describe, expect, it } from 'vitest';

import type { ServiceInfo } from '../../shared/service-info.js';
import type { StackStatus } from '../../shared/stack-status.js';
import { guiConfig, isDesktopGuiConfig } from './gui-config.js';
import { classifyNavigation, isAppUrl } from './navigation-policy.js';
import { quitDecision, startOwnership } from './quit-policy.js';
import { trayModel, type TrayMenuItem } from './tray-model.js';
import { mainWindowOptions } from './window-options.js';

const APP = 'http://127.0.0.1:5433';

function service(name: string, state: ServiceInfo['state']): ServiceInfo {
  return {
    name,
    description: name,
    kind: 'daemon',
    state,
    pid: null,
    port: null,
    url: null,
    restarts: 0,
    startedAt: null,
    lastError: null,
    dependsOn: [],
    notInstalledReason: null,
  };
}

function status(state: StackStatus['state'], services: ServiceInfo[] = []): StackStatus {
  return {
    running: true,
    state,
    pid: 42,
    dataDir: '/data',
    services,
    connection: {
      API_URL: 'http://127.0.0.1:5431',
      REST_URL: 'http://127.0.0.1:5431/rest/v1',
      DB_URL: 'postgresql://postgres:postgres@127.0.0.1:5432/postgres',
      STUDIO_URL: APP,
      INBUCKET_URL: 'http://127.0.0.1:5434',
      JWT_SECRET: 'jwt',
      ANON_KEY: 'anon',
      SERVICE_ROLE_KEY: 'service',
    },
    uiUrl: APP,
  };
}

const actions = (items: readonly TrayMenuItem[]): Record<string, boolean> =>
  Object.fromEntries(items.flatMap((i) => (i.kind === 'action' ? [[i.action, i.enabled]] : [])));

describe('mainWindowOptions', () => {
  it('turns on every security flag and sets the preload', () => {
    const prefs = mainWindowOptions('/app/out/main/preload.cjs').webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/out/main/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('classifyNavigation', () => {
  it.each([
    [`${APP}/`, 'allow'],
    [`${APP}/#logs`, 'allow'],
    ['http://127.0.0.1:5431/auth/v1/verify?token=x', 'external'],
    ['https://docs.estuary.dev/', 'external'],
    ['mailto:someone@example.com', 'external'],
    ['http://localhost:5433/', 'external'],
    ['https://user:pass@example.com/', 'deny'],
    [`http://user:pass@127.0.0.1:5433/`, 'deny'],
    ['file:///etc/passwd', 'deny'],
    ['javascript:alert(1)', 'deny'],
    ['data:text/html,<h1>x</h1>', 'deny'],
    ['vscode://open', 'deny'],
    ['not a url', 'deny'],
  ])('%s → %s', (url, verdict) => {
    expect(classifyNavigation(url, APP)).toBe(verdict);
  });

  it('trusts only frames of the app origin', () => {
    expect(isAppUrl(`${APP}/`, APP)).toBe(true);
    expect(isAppUrl('https://evil.example/', APP)).toBe(false);
    expect(isAppUrl(undefined, APP)).toBe(false);
  });
});

describe('trayModel', () => {
  it('shows "starting" with restart disabled before the first status', () => {
    const model = trayModel(null);
    expect(model.tooltip).toBe('Flow Desktop — stack starting…');
    expect(actions(model.items)).toEqual({
      'open-window': true,
      'restart-stack': false,
      'copy-db-url': false,
      'show-logs': true,
      quit: true,
    });
  });

  it('shows a running stack with every quick action', () => {
    const model = trayModel(status('running', [service('postgres', 'healthy')]));
    expect(model.tooltip).toBe('Flow Desktop — stack running');
    expect(Object.values(actions(model.items)).every(Boolean)).toBe(true);
    expect(model.items[0]).toEqual({ kind: 'info', label: 'Stack: running' });
  });

  it('names the services in trouble when degraded', () => {
    const model = trayModel(
      status('degraded', [
        service('postgres', 'healthy'),
        service('agent-1', 'crashed'),
        service('api', 'failed'),
      ]),
    );
    expect(model.tooltip).toBe('Flow Desktop — stack degraded (agent-1 crashed, api failed)');
    expect(model.items).toContainEqual({ kind: 'info', label: '  agent-1: crashed' });
    expect(actions(model.items)['restart-stack']).toBe(true);
  });

  it('disables restart while the stack is stopping', () => {
    expect(actions(trayModel(status('stopping')).items)['restart-stack']).toBe(false);
  });
});

describe('quit policy', () => {
  it('stops a stack the app started unless the user keeps it running', () => {
    expect(quitDecision('detached', false).stopStack).toBe(true);
    expect(quitDecision('detached', true).stopStack).toBe(false);
    expect(quitDecision('child', false).stopStack).toBe(true);
  });

  it('cannot keep a child supervisor alive, and never stops a stack started elsewhere', () => {
    expect(quitDecision('child', true)).toMatchObject({ stopStack: true, reason: /next start/ });
    expect(quitDecision('attached', false).stopStack).toBe(false);
    expect(quitDecision('attached', true).stopStack).toBe(false);
  });

  it('starts detached when the user keeps the stack running, and attaches to a running one', () => {
    expect(startOwnership(true, false)).toBe('attached');
    expect(startOwnership(true, true)).toBe('attached');
    expect(startOwnership(false, true)).toBe('detached');
    expect(startOwnership(false, false)).toBe('child');
  });
});

describe('gui config', () => {
  it('carries exactly the control API, its token, the Supabase URL and the anon key', () => {
    const config = guiConfig({ url: 'http://127.0.0.1:5433', token: 't' }, status('running'));
    expect(config).toEqual({
      controlUrl: 'http://127.0.0.1:5433',
      token: 't',
      supabaseUrl: 'http://127.0.0.1:5431',
      anonKey: 'anon',
    });
    expect(isDesktopGuiConfig(config)).toBe(true);
  });

  it('rejects anything else at the preload boundary', () => {
    expect(isDesktopGuiConfig(null)).toBe(false);
    expect(isDesktopGuiConfig({ controlUrl: 'x', token: 't' })).toBe(false);
    expect(
      isDesktopGuiConfig({ controlUrl: 'x', token: 't', supabaseUrl: 's', anonKey: 'a', serviceKey: 'no' }),
    ).toBe(false);
  });
});
