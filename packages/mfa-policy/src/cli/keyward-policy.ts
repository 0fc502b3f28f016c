// The `keyward-policy` command: the one place that touches the process.
import { runCli } from './run.ts';

process.exitCode = runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
