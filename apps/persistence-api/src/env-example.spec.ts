import { persistenceApiSettings } from '@voice/config/persistence-api';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('.env.example', () => {
  it('documents exactly the variables the config schema reads', () => {
    const text = readFileSync(join(__dirname, '..', '.env.example'), 'utf8');
    const documented = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect([...new Set(documented)].sort()).toEqual(Object.keys(persistenceApiSettings.shape).sort());
  });
});
