/** keyward-token end to end: real processes, UDP, the keyward-authenticator CLI as the key. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const NODE_ARGS = ['--import', 'tsx', '--conditions=@keyward/source'];

let server: ChildProcess | undefined;
let udp = '';

function token(
  args: string[],
  stdin = '',
  target: string = udp,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, 'src/cli/keyward-token.ts', '--udp', target, ...args], {
      cwd: packageDir,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

beforeAll(async () => {
  const child = spawn(
    process.execPath,
    [...NODE_ARGS, 'src/cli/keyward-authenticator.ts', 'serve', '--udp', '127.0.0.1:0'],
    {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server = child;
  udp = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const match = /udp:\/\/(127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve(match[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`keyward-authenticator exited with ${code}`)));
  });
}, 60_000);

afterAll(() => {
  if (server?.pid !== undefined && server.exitCode === null) server.kill('SIGTERM');
});

describe('keyward-token ↔ keyward-authenticator over UDP', () => {
  it('reset, pin set, pin retries, wrong PIN, pin change, creds list, info, wink', async () => {
    const reset = await token(['reset', '--yes']);
    expect(reset.code, reset.stderr).toBe(0);
    expect((await token(['pin', 'set'], '1234\n')).code).toBe(0);
    const retries = await token(['--json', 'pin', 'retries']);
    expect(JSON.parse(retries.stdout)).toMatchObject({ pinSet: true, retries: 8 });
    const wrong = await token(['pin', 'change'], '0000\n5678\n');
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('Wrong PIN. 7 attempts left');
    expect((await token(['pin', 'change'], '1234\n567890\n')).code).toBe(0);
    const creds = await token(['--json', 'creds', 'list'], '567890\n');
    expect(JSON.parse(creds.stdout)).toMatchObject({ credentials: [], existingResidentCredentialsCount: 0 });
    const info = await token(['info']);
    expect(info.stdout).toContain('PIN:               set');
    expect((await token(['wink'])).code).toBe(0);
  }, 120_000);

  it('exits with 3 (and does not hang) when nothing answers', async () => {
    const silent = await token(['--timeout', '200', 'info'], '', '127.0.0.1:9');
    expect(silent.code).toBe(3);
    expect(silent.stderr).toContain('keyward-token:');
  }, 60_000);
});
