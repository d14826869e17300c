import { CommandError, parseCommand, USAGE } from './cli-command';

const refusal = (args: string[], nodeEnv: string) => {
  try {
    parseCommand(args, nodeEnv);
  } catch (err) {
    if (err instanceof CommandError) return err.message;
    throw err;
  }
  throw new Error(`accepted ${args.join(' ')}`);
};

describe('the database CLI command line', () => {
  it('reads the schema commands', () => {
    for (const name of ['migrate', 'revert', 'status'] as const) expect(parseCommand([name], 'production')).toEqual({ name });
  });

  it('seeds the clinic and the demo account outside production, and the clinic alone with --clinic-only', () => {
    expect(parseCommand(['seed'], 'development')).toEqual({ name: 'seed', demo: true });
    expect(parseCommand(['seed'], 'test')).toEqual({ name: 'seed', demo: true });
    expect(parseCommand(['seed', '--clinic-only'], 'development')).toEqual({ name: 'seed', demo: false });
  });

  it('never seeds the demo account in production, and says how to seed the clinic instead', () => {
    expect(refusal(['seed'], 'production')).toBe(
      'seed: the demo account is never created when NODE_ENV=production; load the clinic alone (doctors and their shifts) with seed --clinic-only',
    );
    expect(parseCommand(['seed', '--clinic-only'], 'production')).toEqual({ name: 'seed', demo: false });
  });

  it('answers anything else with the usage', () => {
    for (const args of [[], ['seed', '--demo'], ['seed', 'clinic-only'], ['migrate', '--clinic-only'], ['drop']]) {
      expect(refusal(args, 'development')).toBe(USAGE);
    }
  });
});
