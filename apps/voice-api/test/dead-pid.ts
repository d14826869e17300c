import { execFileSync } from 'node:child_process';

/** A pid that certainly ran on this host and has exited. */
export const deadPid = () => Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
