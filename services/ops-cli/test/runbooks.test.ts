// Every command a runbook names exists: appgov-ops subcommands with their flags and arguments, the
// chart's deployment names in kubectl commands, and the repository paths it points at.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { findCommand } from '../src/commands.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const dir = join(root, 'docs/runbooks');
const runbooks = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');
// Deployments the chart renders (helm/appgov/templates/<service>/), as `<release>-<name>` with release appgov.
const DEPLOYMENTS = new Set(['appgov-connection', 'appgov-ingest', 'appgov-catalog', 'appgov-notification']);

/** Every appgov-ops / kubectl command line in code blocks and inline code. */
function commandsOf(text: string): string[] {
  const out: string[] = [];
  for (const block of text.matchAll(/```(?:sh|bash)?\n([\s\S]*?)```/g)) {
    out.push(...(block[1] ?? '').split('\n').map((l) => l.trim()));
  }
  for (const inline of text.matchAll(/`([^`\n]+)`/g)) out.push((inline[1] ?? '').trim());
  return out.filter((l) => /^(appgov-ops|kubectl|helm) /.test(l));
}

/** Problems with one appgov-ops command line (placeholders like <connectionId> count as arguments). */
export function checkOpsCommand(line: string): string[] {
  const argv = line.split(/\s+/).slice(1);
  const found = findCommand(argv);
  if (!found) return [`no such command: ${line}`];
  const problems: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < found.rest.length; i++) {
    const arg = found.rest[i] as string;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const type = found.spec.options[arg.slice(2)];
    if (!type) problems.push(`${found.spec.name} has no option ${arg}: ${line}`);
    else if (type === 'string') i++;
  }
  if (positionals.length !== found.spec.args.length) {
    problems.push(`${found.spec.name} takes ${found.spec.args.length} argument(s): ${line}`);
  }
  return problems;
}

t.test('the checker itself rejects what does not exist', async (t) => {
  t.same(checkOpsCommand('appgov-ops dlq replay --topic x --dry-run'), []);
  t.same(checkOpsCommand('appgov-ops sync <connectionId>'), []);
  t.equal(checkOpsCommand('appgov-ops dlq purge').length, 1, 'unknown subcommand');
  t.equal(checkOpsCommand('appgov-ops dlq replay --force').length, 1, 'unknown flag');
  t.equal(checkOpsCommand('appgov-ops sync').length, 1, 'missing argument');
});

t.test('every runbook names only commands and paths that exist', async (t) => {
  t.ok(runbooks.length >= 20, `${runbooks.length} runbooks`);
  const problems: string[] = [];
  let opsCommands = 0;
  for (const file of runbooks) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const line of commandsOf(text)) {
      if (line.startsWith('appgov-ops ')) {
        opsCommands++;
        problems.push(...checkOpsCommand(line).map((p) => `${file}: ${p}`));
      }
      for (const m of line.matchAll(/deploy\/([a-z0-9-]+)/g)) {
        if (!DEPLOYMENTS.has(m[1] as string)) problems.push(`${file}: no deployment ${m[1]}: ${line}`);
      }
    }
    for (const m of text.matchAll(/`((?:deploy|services|test|docs|libs|scripts|helm)\/[\w./-]+)`/g)) {
      if (!existsSync(join(root, m[1] as string))) problems.push(`${file}: no file ${m[1]}`);
    }
  }
  t.ok(opsCommands > 0, `${opsCommands} appgov-ops commands checked`);
  t.same(problems, [], 'no runbook names a command, deployment or file that does not exist');
});
