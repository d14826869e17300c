import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, freePorts } from './ports';
import { alive, runToCompletion, startProcess, stopPid, waitForHealthy } from './processes';

const env = { PATH: process.env.PATH };
/** A tiny server: answers `status` on every request, logs a line, exits on SIGTERM unless told to ignore it. */
const server = (port: number, status = 200, ignoreTerm = false) => [
  '-e',
  `require('http').createServer((q, s) => { s.statusCode = ${status}; s.end('hi'); }).listen(${port}, '127.0.0.1', () => console.log('listening on ${port}'));` +
    (ignoreTerm ? `process.on('SIGTERM', () => console.log('ignoring SIGTERM'));` : ''),
];

describe('free ports', () => {
  it('gives distinct ports nothing listens on', async () => {
    const ports = await freePorts(3);
    expect(new Set(ports).size).toBe(3);
    const port = await freePort();
    const proc = startProcess({ name: 'probe', args: server(port), env });
    await waitForHealthy(proc, `http://127.0.0.1:${port}/`);
    await proc.stop();
  });
});

describe('child processes', () => {
  it('waits until the process serves 200, keeps its output, and stops it with SIGTERM', async () => {
    const port = await freePort();
    const proc = startProcess({ name: 'web', args: server(port), env });
    await waitForHealthy(proc, `http://127.0.0.1:${port}/health`, 10_000);
    expect(proc.output()).toContain(`listening on ${port}`);
    expect(await proc.stop()).toEqual({ code: null, signal: 'SIGTERM', timedOut: false });
    expect(proc.running()).toBe(false);
  });

  it('fails at once, with the output, when the process exits before serving', async () => {
    const proc = startProcess({ name: 'broken', args: ['-e', 'console.error("no config"); process.exit(3)'], env });
    await expect(waitForHealthy(proc, 'http://127.0.0.1:1/', 10_000)).rejects.toThrow(/broken exited \(code 3\)[\s\S]*no config/);
  });

  it('reports the last answer when the process never becomes healthy', async () => {
    const port = await freePort();
    const proc = startProcess({ name: 'sick', args: server(port, 503), env });
    await expect(waitForHealthy(proc, `http://127.0.0.1:${port}/`, 1_000)).rejects.toThrow(/sick did not answer 200 .* \(last: 503 hi\)/);
    await proc.stop();
  });

  it('writes the output to <logDir>/<name>.log and kills what ignores SIGTERM after the grace period', async () => {
    const port = await freePort();
    const logDir = mkdtempSync(join(tmpdir(), 'testing-spec-'));
    const proc = startProcess({ name: 'stubborn', args: server(port, 200, true), env, logDir });
    await waitForHealthy(proc, `http://127.0.0.1:${port}/`);
    expect(await proc.stop(300)).toEqual({ code: null, signal: 'SIGKILL', timedOut: true });
    expect(readFileSync(join(logDir, 'stubborn.log'), 'utf8')).toContain('ignoring SIGTERM');
  });

  it('sends SIGTERM to the leader only, and SIGKILL to its whole group after the grace period', async () => {
    const port = await freePort();
    // The script and its server ignore SIGTERM (an ignored signal stays ignored across exec).
    const script = `trap '' TERM; node -e "${server(port)[1].replace(/"/g, '\\"')}" & wait`;
    const proc = startProcess({ name: 'script', command: 'bash', args: ['-c', script], env, group: true });
    await waitForHealthy(proc, `http://127.0.0.1:${port}/`);
    expect(await proc.stop(300)).toEqual({ code: null, signal: 'SIGKILL', timedOut: true });
    await new Promise((r) => setTimeout(r, 200));
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('runs a command to completion and names it when it fails', () => {
    expect(runToCompletion('echo', ['-e', 'console.log("done")'], { env })).toBe('done\n');
    expect(() => runToCompletion('migrate', ['-e', 'console.error("no table"); process.exit(2)'], { env })).toThrow(/migrate .* failed \(exit 2\):\nno table/);
  });

  it('stops a process known only by its pid', async () => {
    const port = await freePort();
    const proc = startProcess({ name: 'by-pid', args: server(port), env });
    await waitForHealthy(proc, `http://127.0.0.1:${port}/`);
    const pid = proc.child.pid ?? -1;
    await stopPid(pid);
    expect(alive(pid)).toBe(false);
  });
});
