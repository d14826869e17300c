import { productionRequired, setting } from '@voice/config/core';
import { driftedSettingsSections, settingsSchemas, settingsSection, settingsTable } from '@voice/config/settings-table';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

// The schemas are read from libs/config's TypeScript sources (jest's '@voice/source' condition), so
// a variable added to a schema changes the expected table here at once: DEPLOYMENT.md must be
// regenerated (npx nx run config:build && node tools/azure/settings-tables.mjs --write).
const root = join(__dirname, '..', '..', '..');
const doc = readFileSync(join(root, 'DEPLOYMENT.md'), 'utf8');
const SECRETS = {
  'persistence-api': ['DATABASE_URL', 'JWT_PRIVATE_KEY', 'VOICE_API_CLIENT_SECRET', 'REDIS_URL'],
  'voice-api': ['VOICE_API_CLIENT_SECRET', 'LIVEKIT_API_SECRET', 'OPENAI_API_KEY'],
  web: ['REDIS_URL'],
};

describe("DEPLOYMENT.md's App Settings tables", () => {
  it.each(Object.entries(settingsSchemas))('%s: equals exactly the table its schema generates', (app, schema) => {
    expect(settingsSection(doc, app)).toBe(`\n${settingsTable(schema)}\n`);
  });

  it.each(Object.entries(settingsSchemas))('%s: lists every variable, the production-required ones and the secrets', (app, schema) => {
    const rows = (settingsSection(doc, app) ?? '')
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => l.split(' | '));
    const name = (cells: string[]) => cells[0].slice(3, -1);
    expect(rows.map(name)).toEqual(Object.keys(schema.shape));
    expect(rows.filter((cells) => cells[1] === 'yes').map(name)).toEqual(productionRequired(schema));
    expect(rows.filter((cells) => cells[2] === 'yes').map(name)).toEqual(expect.arrayContaining(SECRETS[app as keyof typeof SECRETS]));
  });

  it('would fail for an app whose schema gained a variable the document lacks', () => {
    expect(driftedSettingsSections(doc)).toEqual([]);
    const grown = {
      ...settingsSchemas,
      'voice-api': settingsSchemas['voice-api'].extend({ NEW_SETTING: setting(z.string().optional(), { description: 'New.' }) }),
    };
    expect(driftedSettingsSections(doc, grown)).toEqual(['voice-api']);
  });
});
