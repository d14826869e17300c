import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { STATE_FILE } from './paths';

/** What global setup created, written as it goes so that teardown also cleans up after a failed setup. */
export interface E2EState {
  tmpDir?: string;
  database?: { serverUrl: string; url: string };
  children: { name: string; pid: number }[];
}

export function writeState(state: E2EState): void {
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
}

export function readState(): E2EState | undefined {
  return existsSync(STATE_FILE) ? (JSON.parse(readFileSync(STATE_FILE, 'utf8')) as E2EState) : undefined;
}
