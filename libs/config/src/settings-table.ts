import { z } from 'zod';
import type { SettingMeta } from './core';
import { persistenceApiSettings } from './persistence-api';
import { voiceApiSettings } from './voice-api';
import { webSettings } from './web';

/** Every app's settings schema, by app name: the single source of the DEPLOYMENT.md tables. */
export const settingsSchemas = {
  'persistence-api': persistenceApiSettings,
  'voice-api': voiceApiSettings,
  web: webSettings,
} satisfies Record<string, z.ZodObject>;

export type SettingsApp = keyof typeof settingsSchemas;
export const settingsApps = Object.keys(settingsSchemas) as SettingsApp[];

export interface SettingRow {
  variable: string;
  requiredInProduction: boolean;
  secret: boolean;
  /** The schema default as the variable would be written ('' when none), or the defaultNote in words. */
  default: string;
  defaultIsNote: boolean;
  description: string;
}

function defaultOf(field: z.ZodType): string {
  const parsed = field.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return '';
  return Array.isArray(parsed.data) ? parsed.data.join(',') : String(parsed.data);
}

export function settingRows(schema: z.ZodObject): SettingRow[] {
  return Object.entries(schema.shape).map(([variable, field]) => {
    const meta = (z.globalRegistry.get(field as z.ZodType) ?? {}) as Partial<SettingMeta>;
    if (!meta.description) throw new Error(`${variable} has no setting() description`);
    return {
      variable,
      requiredInProduction: meta.requiredInProduction === true,
      secret: meta.secret === true,
      default: meta.defaultNote ?? defaultOf(field as z.ZodType),
      defaultIsNote: meta.defaultNote !== undefined,
      description: meta.description,
    };
  });
}

/** Markdown text is escaped so that |, <, > and \ show as written. */
const text = (s: string) => s.replace(/[\\|<>]/g, (c) => `\\${c}`);
const code = (s: string) => (s === '' ? '' : `\`${s.replace(/\|/g, '\\|')}\``);

export function settingsTable(schema: z.ZodObject): string {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return (
    [
      row(['Variable', 'Required in production', 'Secret (Key Vault reference)', 'Default', 'Description']),
      row(['---', '---', '---', '---', '---']),
      ...settingRows(schema).map((r) =>
        row([
          code(r.variable),
          r.requiredInProduction ? 'yes' : 'no',
          r.secret ? 'yes' : 'no',
          r.defaultIsNote ? text(r.default) : code(r.default),
          text(r.description),
        ]),
      ),
    ].join('\n') + '\n'
  );
}

const markers = (app: string) => [`<!-- settings:${app}:start -->`, `<!-- settings:${app}:end -->`] as const;

/** The text between an app's markers, or undefined when the document lacks them. */
export function settingsSection(doc: string, app: string): string | undefined {
  const [start, end] = markers(app);
  const from = doc.indexOf(start);
  const to = doc.indexOf(end, from);
  if (from < 0 || to < 0) return undefined;
  return doc.slice(from + start.length, to);
}

/** What belongs between an app's markers: the generated table, set off by blank lines. */
export const settingsSectionFor = (schema: z.ZodObject) => `\n${settingsTable(schema)}\n`;

/** Replaces the text between each app's markers with its generated table; nothing else changes. */
export function writeSettingsSections(doc: string, schemas: Record<string, z.ZodObject> = settingsSchemas): string {
  let out = doc;
  for (const [app, schema] of Object.entries(schemas)) {
    const [start, end] = markers(app);
    if (settingsSection(out, app) === undefined) throw new Error(`DEPLOYMENT.md lacks the markers ${start} … ${end}`);
    const from = out.indexOf(start) + start.length;
    out = out.slice(0, from) + settingsSectionFor(schema) + out.slice(out.indexOf(end, from));
  }
  return out;
}

/** Apps whose section is missing or differs from what their schema generates. */
export const driftedSettingsSections = (doc: string, schemas: Record<string, z.ZodObject> = settingsSchemas): string[] =>
  Object.entries(schemas)
    .filter(([app, schema]) => settingsSection(doc, app) !== settingsSectionFor(schema))
    .map(([app]) => app);
