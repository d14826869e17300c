export const USAGE = 'usage: cli <migrate|revert|status|seed [--clinic-only]>';

/** A command line the CLI refuses: its message is all the operator needs (no stack). */
export class CommandError extends Error {
  override name = 'CommandError';
}

export type Command = { name: 'migrate' } | { name: 'revert' } | { name: 'status' } | { name: 'seed'; demo: boolean };

/**
 * Reads the CLI's arguments. `seed` loads the clinic (doctors and their shifts) and the demo account;
 * `seed --clinic-only` the clinic alone, the one seed production allows: the demo account's
 * password is public, so it is never created when NODE_ENV=production.
 */
export function parseCommand(args: string[], nodeEnv: string): Command {
  const [name, ...flags] = args;
  if (name === 'migrate' || name === 'revert' || name === 'status') {
    if (flags.length) throw new CommandError(USAGE);
    return { name };
  }
  if (name !== 'seed' || flags.some((f) => f !== '--clinic-only')) throw new CommandError(USAGE);
  const demo = !flags.includes('--clinic-only');
  if (demo && nodeEnv === 'production') {
    throw new CommandError(
      'seed: the demo account is never created when NODE_ENV=production; load the clinic alone (doctors and their shifts) with seed --clinic-only',
    );
  }
  return { name, demo };
}
