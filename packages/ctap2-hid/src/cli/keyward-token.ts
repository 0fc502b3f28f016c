/**
 * `keyward-token`: the administrator's tool for a FIDO2 security key (PIN, credentials, reset),
 * over USB or `--udp HOST:PORT`. Run `keyward-token --help` for commands and exit codes.
 */
import { runTokenCli } from './token-main.ts';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));
const code = await runTokenCli(
  process.argv.slice(2),
  { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
  undefined,
  controller.signal,
);
process.exitCode = code;
