import { z } from 'zod';
import { csv, port, setting } from './core';
import { driftedSettingsSections, settingRows, settingsSchemas, settingsSection, settingsTable, writeSettingsSections } from './settings-table';

const schema = z.object({
  PORT: setting(port(3001), { description: 'HTTP port.' }),
  ORIGINS: setting(csv().default(['a', 'b']), { description: 'Origins.' }),
  TOKEN: setting(z.string().optional(), { description: 'Use <name>|<key>, \\n allowed.', secret: true, requiredInProduction: true }),
  MODE: setting(z.string().optional(), { description: 'Mode.', defaultNote: 'fast in production' }),
});

const doc = (body = '') =>
  `# Title\n\nprose\n\n<!-- settings:one:start -->${body}<!-- settings:one:end -->\n\nmore prose\n\n<!-- settings:two:start -->\n<!-- settings:two:end -->\n`;

describe('settings table', () => {
  it('reads every variable with its metadata and default', () => {
    expect(settingRows(schema)).toEqual([
      { variable: 'PORT', requiredInProduction: false, secret: false, default: '3001', defaultIsNote: false, description: 'HTTP port.' },
      { variable: 'ORIGINS', requiredInProduction: false, secret: false, default: 'a,b', defaultIsNote: false, description: 'Origins.' },
      { variable: 'TOKEN', requiredInProduction: true, secret: true, default: '', defaultIsNote: false, description: 'Use <name>|<key>, \\n allowed.' },
      { variable: 'MODE', requiredInProduction: false, secret: false, default: 'fast in production', defaultIsNote: true, description: 'Mode.' },
    ]);
  });

  it('renders one Markdown row per variable, escaping what Markdown would swallow', () => {
    expect(settingsTable(schema).split('\n')).toEqual([
      '| Variable | Required in production | Secret (Key Vault reference) | Default | Description |',
      '| --- | --- | --- | --- | --- |',
      '| `PORT` | no | no | `3001` | HTTP port. |',
      '| `ORIGINS` | no | no | `a,b` | Origins. |',
      '| `TOKEN` | yes | yes |  | Use \\<name\\>\\|\\<key\\>, \\\\n allowed. |',
      '| `MODE` | no | no | fast in production | Mode. |',
      '',
    ]);
  });

  it('refuses a variable without a description', () => {
    expect(() => settingRows(z.object({ BARE: z.string() }))).toThrow('BARE has no setting() description');
  });

  it('rewrites only the text between the markers, and is stable', () => {
    const once = writeSettingsSections(doc('\nstale\n'), { one: schema, two: schema });
    expect(once.replace(/<!-- settings:(one|two):start -->[\s\S]*?<!-- settings:\1:end -->/g, '[$1]')).toBe(
      '# Title\n\nprose\n\n[one]\n\nmore prose\n\n[two]\n',
    );
    expect(settingsSection(once, 'one')).toBe(`\n${settingsTable(schema)}\n`);
    expect(writeSettingsSections(once, { one: schema, two: schema })).toBe(once);
    expect(driftedSettingsSections(once, { one: schema, two: schema })).toEqual([]);
  });

  it('names the app whose table drifted, or whose markers are missing', () => {
    const current = writeSettingsSections(doc(), { one: schema, two: schema });
    const grown = schema.extend({ NEW_SETTING: setting(z.string().optional(), { description: 'New.' }) });
    expect(driftedSettingsSections(current, { one: grown, two: schema })).toEqual(['one']);
    expect(driftedSettingsSections(current, { one: schema, three: schema })).toEqual(['three']);
    expect(() => writeSettingsSections(current, { three: schema })).toThrow('<!-- settings:three:start -->');
  });

  it('covers the three apps', () => {
    expect(Object.keys(settingsSchemas)).toEqual(['persistence-api', 'voice-api', 'web']);
  });
});
