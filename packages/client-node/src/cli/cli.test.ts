import { describe, expect, it } from 'vitest';
import { describeFailure, runCli } from './cli.js';
import { describeSuccess } from './run-messages.js';
import { COMMANDS } from './commands/index.js';
import { OutputTail } from './output-tail.js';

function job(lines: string[], code = 1) {
  const tail = new OutputTail(20);
  tail.write('stdout', Buffer.from(lines.map((line) => `${line}\n`).join('')));
  tail.end();
  return { code, outcome: `exit code ${code}`, durationMs: 1_500, tail };
}

describe('describeFailure', () => {
  it('says the command, the host, how it ended and the output', () => {
    expect(describeFailure(['backup', '--to', '/mnt/my disk'], job(['copying', 'disk full']), 'db1')).toBe(
      "`backup --to '/mnt/my disk'` on db1: exit code 1, 2 lines of output:\ncopying\ndisk full",
    );
  });

  it('says when there was no output', () => {
    expect(describeFailure(['false'], job([]), 'db1')).toBe('`false` on db1: exit code 1, no output');
  });

  it('leaves the output out when told', () => {
    expect(describeFailure(['backup'], job(['secret: hunter2']), 'db1', false)).toBe('`backup` on db1: exit code 1');
  });

  it('stays within the 10,000 characters of a run message, dropping the oldest output', () => {
    const lines = Array.from({ length: 30 }, (_, index) => `${index}`.padEnd(499, '.'));
    const tail = new OutputTail(30);
    tail.write('stdout', Buffer.from(lines.map((line) => `${line}\n`).join('')));
    tail.end();
    const message = describeFailure(['job'], { code: 1, outcome: 'exit code 1', durationMs: 1, tail }, 'db1');
    expect(message.length).toBeLessThanOrEqual(10_000);
    expect(message).toMatch(/, 30 lines of output:\n…/);
    expect(message.endsWith(lines[29] ?? '')).toBe(true);
  });
});

describe('describeSuccess', () => {
  it('is the last lines of output', () => {
    expect(describeSuccess(job(['dumping', 'dumped 3 GB'], 0))).toBe('dumping\ndumped 3 GB');
  });

  it('is nothing when the job wrote nothing', () => {
    expect(describeSuccess(job([], 0))).toBeUndefined();
  });

  it('keeps the last 1,000 characters of a pulse message, never cutting inside an emoji', () => {
    for (const padding of ['', 'x']) {
      const emoji = '😀'.repeat(200);
      const message = describeSuccess(job([padding + emoji, emoji, emoji, 'done'], 0)) ?? '';
      expect(message.length).toBeLessThanOrEqual(1_000);
      expect(message).toMatch(/^…😀+\n😀+\n😀+\ndone$/u);
    }
  });
});

describe('describeFailure with characters beyond the BMP', () => {
  // An emoji is two UTF-16 units: the cut falls inside one for one of two intro lengths.
  it.each(['db1', 'db12'])('drops the oldest output between characters, never inside an emoji (host %s)', (host) => {
    const lines = Array.from({ length: 20 }, () => '😀'.repeat(250));
    const message = describeFailure(['job'], job(lines), host);
    expect(message.length).toBeLessThanOrEqual(10_000);
    expect(message).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(message).toMatch(/\n…😀/);
  });
});

describe('describeFailure of a very long command line', () => {
  it('shows the start of the command and stays within a run message', () => {
    const args = Array.from({ length: 2_000 }, (_, index) => `file-😀-${index}.log`);
    const message = describeFailure(['rm', ...args], job(['rm: permission denied']), 'db1');
    expect(message.length).toBeLessThanOrEqual(10_000);
    expect(message).toMatch(/^`rm 'file-😀-0\.log' 'file-😀-1\.log' .*…` on db1: exit code 1, 1 line of output:\nrm: permission denied$/);
    expect(message).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});

describe('runCli', () => {
  async function run(...argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      env: {},
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      version: '1.2.3',
    });
    return { code, stdout, stderr };
  }

  it.each(COMMANDS.map((command) => command.name))('prints the help of %s with --help', async (command) => {
    const result = await run(...command.split(' '), '--help');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^Usage: watchtower ${command}`));
  });

  it('says in one line, with exit code 2, that the server is not set', async () => {
    const result = await run('list');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'watchtower list: no server: set WATCHTOWER_URL (or pass --url), such as WATCHTOWER_URL=https://watchtower.example:4443; see watchtower list --help\n',
    );
  });

  it('refuses an option of another command', async () => {
    const result = await run('list', '--tail', '5');
    expect(result).toMatchObject({ code: 2, stderr: 'watchtower list: unknown option --tail; see watchtower list --help\n' });
  });

  it('asks for the job after -- in run', async () => {
    const result = await run('run', 'nightly', '--url', 'http://127.0.0.1:9', '--password', 'x');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^watchtower run: the job to run goes after --, such as/);
  });

  it('prints its version', async () => {
    expect(await run('--version')).toMatchObject({ code: 0, stdout: '1.2.3\n' });
  });

  it('reads the settings before the command name as after it', async () => {
    const after = await run('list', '--url', 'ftp://watchtower.example', '--password', 'x');
    const before = await run('--url', 'ftp://watchtower.example', '--password', 'x', 'list');
    expect(after).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^watchtower list: url must be the server's http\(s\) address.*"ftp:/),
    });
    expect(before).toEqual(after);
  });

  it('names the command in the error of an option it does not know', async () => {
    const result = await run('pulse', 'backup', '--nex-in', '1h', '--alert', 'log:ops');
    expect(result).toMatchObject({ code: 2, stderr: 'watchtower pulse: unknown option --nex-in; see watchtower pulse --help\n' });
  });

  it("refuses a command's option before the command name, saying where it goes", async () => {
    const result = await run('--next-in', '1h', 'pulse', 'backup', '--alert', 'log:ops');
    expect(result).toMatchObject({
      code: 2,
      stderr:
        'watchtower: unknown option --next-in before the command; the options of a command go after its name; see watchtower --help\n',
    });
  });

  it('asks for a command when only settings are given', async () => {
    const result = await run('--json');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^watchtower: no command; the commands are pulse, cancel, event, events, list, run/);
  });

  it.each(COMMANDS.map((command) => command.name))(
    'prints the same help of %s for help <command>, <command> --help and -h <command>',
    async (name) => {
      const words = name.split(' ');
      const asked = await run(...words, '--help');
      expect(asked.stdout).toMatch(new RegExp(`^Usage: watchtower ${name}`));
      expect(await run('help', ...words)).toEqual(asked);
      expect(await run('-h', ...words)).toEqual(asked);
    },
  );

  it.each(COMMANDS.map((command) => [command.name, command] as const))(
    'shows in the help of %s its arguments and every option it declares',
    async (name, command) => {
      const { stdout } = await run(...name.split(' '), '--help');
      const usage = stdout.split('\n')[0];
      for (const argument of command.arguments) expect(usage).toMatch(new RegExp(`<${argument}…?>`));
      for (const option of Object.keys(command.options)) {
        expect(usage).toContain(`--${option}`);
        expect(stdout).toMatch(new RegExp(`^  --${option}\\b`, 'm'));
      }
      expect(stdout).toMatch(/^ {2}--url URL +the server/m);
    },
  );

  it('lists every command of the table in its help', async () => {
    const { stdout } = await run('--help');
    for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${command.name} .*${command.summary.slice(0, 20)}`, 'm'));
    expect(await run()).toMatchObject({ code: 0, stdout });
  });

  it.each(['--help', ...COMMANDS.map((command) => `${command.name} --help`)])(
    'says in %s where the password comes from and what --quiet leaves out',
    async (asked) => {
      const { stdout } = await run(...asked.split(' '));
      expect(stdout).toMatch(/^ {2}--password-file PATH +a file that holds its password, trailing newlines dropped/m);
      expect(stdout).toMatch(/^ {2}-q, --quiet +print nothing on success/m);
      expect(stdout).toContain(
        'The password: --password, else --password-file, else $WATCHTOWER_PASSWORD, else the file\nof $WATCHTOWER_PASSWORD_FILE',
      );
      expect(stdout).toContain('events, list, runs and keys list still print');
    },
  );

  it('says that no password is given for an empty --password, as for none', async () => {
    const result = await run('list', '--url', 'http://127.0.0.1:9', '--password', '');
    expect(result).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^watchtower list: no password: set WATCHTOWER_PASSWORD or WATCHTOWER_PASSWORD_FILE/),
    });
  });

  it('prints the commands of keys for keys --help, help keys and -h keys', async () => {
    const asked = await run('keys', '--help');
    expect(asked).toMatchObject({ code: 0, stderr: '' });
    expect(asked.stdout).toMatch(/^Usage: watchtower keys <command>/);
    for (const name of ['create', 'list', 'revoke']) expect(asked.stdout).toMatch(new RegExp(`^  keys ${name} `, 'm'));
    expect(await run('help', 'keys')).toEqual(asked);
    expect(await run('-h', 'keys')).toEqual(asked);
  });

  it('names the commands of keys when none or an unknown one is given', async () => {
    expect(await run('keys')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'watchtower keys: no command; the keys commands are create, list, revoke (see watchtower keys --help)\n',
    });
    expect((await run('keys', 'delete', 'key_1')).stderr).toBe(
      'watchtower keys: unknown command "delete"; the keys commands are create, list, revoke (see watchtower keys --help)\n',
    );
  });

  it('asks for --name and --scope of keys create, and checks the scope, before anything is sent', async () => {
    const settings = ['--url', 'http://127.0.0.1:9', '--password', 'x'];
    expect(await run('keys', 'create', '--scope', 'read', ...settings)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'watchtower keys create: --name is required, such as --name "backup host"; see watchtower keys create --help\n',
    });
    expect((await run('keys', 'create', '--name', 'ci', ...settings)).stderr).toMatch(/^watchtower keys create: --scope is required/);
    expect((await run('keys', 'create', '--name', 'ci', '--scope', 'write', ...settings)).stderr).toBe(
      'watchtower keys create: --scope must be one of pulse, read, admin; received "write"; see watchtower keys create --help\n',
    );
  });

  it('asks for the id of keys revoke', async () => {
    expect((await run('keys', 'revoke')).stderr).toBe('watchtower keys revoke: missing <id>; see watchtower keys revoke --help\n');
  });

  it('prints its version for -v', async () => {
    expect(await run('-v')).toMatchObject({ code: 0, stdout: '1.2.3\n' });
  });

  it('says which commands a group of two-word commands has', async () => {
    expect(await run('service')).toMatchObject({
      code: 2,
      stderr: 'watchtower service: no command; the service commands are put (see watchtower service --help)\n',
    });
    expect(await run('service', 'remove', 'x')).toMatchObject({
      code: 2,
      stderr: 'watchtower service: unknown command "remove"; the service commands are put (see watchtower service --help)\n',
    });
  });

  it.each([
    [
      ['run', 'x', '--cron', '0 3 * * *', '--period', '1d', '--', 'true'],
      '--cron and --period are two schedules: give one of --cron, --period and --next-in',
    ],
    [['run', 'x', '--tz', 'Europe/Paris', '--', 'true'], '--tz is the time zone of --cron: give --cron with it'],
    [
      ['service', 'put', 'x', '--grace', '30m'],
      'a service needs a schedule: give --cron "15 3 * * *" (with --tz), --period 1d or --next-in 1h',
    ],
    [['service', 'put', 'x', '--period', '0'], '--period must be a positive number of seconds'],
  ])('refuses %j before sending anything', async (argv, said) => {
    const result = await run(...argv, '--url', 'http://127.0.0.1:9', '--password', 'x');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(said);
  });
});
