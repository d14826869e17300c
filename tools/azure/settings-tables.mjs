#!/usr/bin/env node
// Prints each app's App Settings table, generated from its schema in libs/config (the one source).
//   node tools/azure/settings-tables.mjs [app]   print the table(s)
//   node tools/azure/settings-tables.mjs --write  regenerate the tables between the markers in DEPLOYMENT.md
//   node tools/azure/settings-tables.mjs --check  exit 1 naming every app whose table in DEPLOYMENT.md drifted
// Reads libs/config's built JS: run `npx nx run config:build` after changing a schema.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const docPath = join(root, 'DEPLOYMENT.md');
const fail = (message) => {
  console.error(message);
  process.exit(1);
};

const configDir = join(root, 'libs', 'config');
const built = join(configDir, 'dist', 'settings-table.js');
const newest = (dir, keep) =>
  Math.max(
    ...readdirSync(dir)
      .filter(keep)
      .map((f) => statSync(join(dir, f)).mtimeMs),
  );
const newestSource = newest(join(configDir, 'src'), (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
// tsc -b rewrites only the outputs whose source changed: the newest output tells when it last built.
if (!existsSync(built) || newest(join(configDir, 'dist'), (f) => f.endsWith('.js')) < newestSource) {
  fail(`libs/config/dist is missing or older than libs/config/src. Build it first:\n  npx nx run config:build`);
}
const { settingsSchemas, settingsTable, writeSettingsSections, driftedSettingsSections } = createRequire(import.meta.url)('@voice/config/settings-table');

const args = process.argv.slice(2);
const mode = args.find((a) => a.startsWith('--'));
const apps = args.filter((a) => !a.startsWith('--'));
const usage = `usage: node tools/azure/settings-tables.mjs [--write | --check] [${Object.keys(settingsSchemas).join(' | ')}]`;
if ((mode && !['--write', '--check'].includes(mode)) || args.filter((a) => a.startsWith('--')).length > 1) fail(usage);
for (const app of apps) if (!(app in settingsSchemas)) fail(`unknown app ${app}\n${usage}`);
const chosen = Object.fromEntries(Object.entries(settingsSchemas).filter(([app]) => !apps.length || apps.includes(app)));

if (mode === '--write') {
  const doc = readFileSync(docPath, 'utf8');
  const next = writeSettingsSections(doc, chosen);
  if (next !== doc) writeFileSync(docPath, next);
  console.log(`DEPLOYMENT.md: ${next === doc ? 'tables already current' : 'tables regenerated'} (${Object.keys(chosen).join(', ')})`);
} else if (mode === '--check') {
  const drifted = driftedSettingsSections(readFileSync(docPath, 'utf8'), chosen);
  if (drifted.length) {
    fail(
      `DEPLOYMENT.md's settings table differs from the schema for: ${drifted.join(', ')}\n` +
        `Regenerate: npx nx run config:build && node tools/azure/settings-tables.mjs --write`,
    );
  }
  console.log('DEPLOYMENT.md settings tables match the schemas.');
} else {
  for (const [app, schema] of Object.entries(chosen)) console.log(`### ${app}\n\n${settingsTable(schema)}`);
}
