// The report: the console lines of a run and the tables and notes of bench/RESULTS.md.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { relative } from 'node:path';
import { DEFAULT_SERVER_ENTRY, ROOT } from './paths.mjs';
import { SEARCH_EVERY, SEARCH_WORD, SEED_EVENTS, SERVICES } from './scenarios.mjs';

/** Rows measured while other processes used more than BUSY_OTHER % of a core are marked busy. */
export const BUSY_OTHER = 25;

export const fmt = {
  int: (n) => (n === undefined ? '–' : Math.round(n).toLocaleString('en-US')),
  ms: (n) => (n === undefined ? '–' : n < 10 ? n.toFixed(1) : String(Math.round(n))),
  // Two significant digits below 1 (0.052×, 0.0043×): the slow routes are far below the baseline.
  ratio: (n) => (n === undefined ? '–' : n >= 1 ? `${n.toFixed(2)}×` : `${Number(n.toPrecision(2))}×`),
  pct: (n) => (n === undefined ? '–' : String(Math.round(n))),
};

export function indent(text, prefix) {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/** The console line of one measured run and the baseline run before it. */
export function formatRunLine({ scenario, database, connections, index, repeat }, run, baseRun) {
  return (
    `  ${scenario.id.padEnd(13)} ${database.padEnd(8)} c=${connections} run ${index}/${repeat}: ` +
    `${fmt.int(run.rps)} req/s, p50 ${fmt.ms(run.p50)} ms, p99 ${fmt.ms(run.p99)} ms; ` +
    `baseline ${fmt.int(baseRun.rps)} req/s → ${fmt.ratio(run.ratio)}; ` +
    `CPU server ${fmt.pct(run.cpu.server)}%, generator ${fmt.pct(run.cpu.generator)}%` +
    (run.cpu.postgres !== undefined ? `, postgres ${fmt.pct(run.cpu.postgres)}%` : '') +
    (run.cpu.other !== undefined ? `, other ${fmt.pct(run.cpu.other)}%` : '') +
    (run.cpu.steal > 5 ? `, stolen ${fmt.pct(run.cpu.steal)}%` : '') +
    (run.perCommit !== undefined ? `; ${run.perCommit.toFixed(1)} writes per commit` : '')
  );
}

/** The table of rows, in Markdown (as RESULTS.md and the console show it). */
export function table(rows) {
  const header = [
    'scenario',
    'database',
    'conn',
    'req/s (2xx)',
    'p50 ms',
    'p99 ms',
    'non-2xx',
    'errors',
    'baseline req/s',
    'ratio',
    'CPU % server / gen / pg / other',
    'writes per commit',
  ];
  const lines = rows.map((row) => [
    row.scenario,
    row.database,
    String(row.connections),
    fmt.int(row.rps),
    fmt.ms(row.p50),
    fmt.ms(row.p99),
    row.non2xx ? `**${row.non2xx}**` : '0',
    row.errors ? `**${row.errors}**` : '0',
    fmt.int(row.baselineRps),
    fmt.ratio(row.ratio),
    `${fmt.pct(row.cpuServer)} / ${fmt.pct(row.cpuGenerator)} / ${row.database === 'postgres' ? fmt.pct(row.cpuPostgres) : '–'} / ` +
      (row.cpuOtherMax > BUSY_OTHER ? `**${fmt.pct(row.cpuOther)}**` : fmt.pct(row.cpuOther)),
    row.perCommit === undefined ? '–' : row.perCommit.toFixed(1),
  ]);
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i >= 2 ? '---:' : '---')).join('|')}|`,
    ...lines.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

function commandLine() {
  const given = process.argv.slice(2).join(' ');
  return process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${given ? ` -- ${given}` : ''}`
    : `node bench/run.mjs${given ? ` ${given}` : ''}`;
}

/** The commit measured, and whether the server's sources differed from it. */
export function codeVersion() {
  const git = (...gitArgs) => spawnSync('git', gitArgs, { cwd: ROOT, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'not a git checkout';
  const dirty = git('status', '--porcelain', '--', 'apps', 'packages').stdout.trim().split('\n').filter(Boolean);
  return (
    `commit ${head.stdout.trim()}` +
    (dirty.length
      ? ` plus uncommitted changes to ${dirty.length} file(s) under apps/ or packages/`
      : ', no uncommitted changes under apps/ or packages/')
  );
}

export function machine() {
  const cpus = os.cpus();
  return (
    `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown model'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `${os.type()} ${os.release()}, Node.js ${process.version}`
  );
}

/** The list under the title: when, where, what was measured and how. */
function describeRun({ started, code }, { serverEntry, repeat, duration, warmup }, { builds }) {
  return [
    `- date: ${started.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- machine: ${machine()}`,
    `- command: \`${commandLine()}\``,
    `- code: ${code}${serverEntry === DEFAULT_SERVER_ENTRY ? '' : ` (server: ${serverEntry})`}; ` +
      `build measured (sha256 of ${relative(ROOT, serverEntry)}, first 12 digits): ${builds.join(', ') || 'none'}`,
    `- each row: ${repeat} measured run(s) of ${duration} s, each right after a ${duration} s run of the baseline; ` +
      `a ${warmup} s warm-up per scenario; autocannon 9, pipelining 1, every request with the \`password\` header`,
    `- data: ${SERVICES.toLocaleString('en-US')} services pulsed once before the pulse scenario (so it measures updates); ` +
      `${SEED_EVENTS.toLocaleString('en-US')} events seeded before the reads, 1 in ${SEARCH_EVERY} containing "${SEARCH_WORD}"; ` +
      'on PostgreSQL a `VACUUM ANALYZE` after the seeding (as autovacuum would do soon on a real server; PGlite has no autovacuum and gets none)',
  ];
}

/** The sections after the table: the busy rows and the problems, or that there were none. */
function describeTrouble({ busyRows, problems }) {
  const out = [];
  if (busyRows.length) {
    out.push('## Measured on a busy machine', '');
    out.push(
      `Other processes (not the server, the load generator or its PostgreSQL backends) used more than ${BUSY_OTHER}% ` +
        'of a core during these rows: their figures (ratios included, since the load came and went) are less trustworthy.',
      '',
    );
    for (const row of busyRows) out.push(`- ${row}`);
    out.push('');
  }
  if (problems.length) {
    out.push('## Problems seen in this run', '');
    for (const problem of problems) out.push(`- ${problem}`);
    out.push('');
  } else {
    out.push('No non-2xx answers, no connection errors, no timeouts, nothing printed by the server at LOG_LEVEL=warn.', '');
  }
  return out;
}

const HOW_TO_READ =
  'The machine is shared and its speed drifts, so absolute req/s compare badly between runs. ' +
  "**ratio** is the server's req/s divided by the req/s of a bare `node:http` server answering a small JSON " +
  'body, measured with the same connections for the same time just before (the median of the paired ratios). ' +
  "It says what share of the machine's plain HTTP capacity a route keeps once it goes through Hono, validation, " +
  'auth and the database; compare ratios, not req/s, across runs and machines. 1.00× would be as fast as raw ' +
  "node:http; the `healthz` row is the framework's own cost plus one database round trip. " +
  'Only 2xx answers count as throughput: non-2xx answers and socket errors are listed apart, and any above 0 ' +
  'is a failure of the run, not a figure. p50/p99 are latencies in ms, the median over the runs. ' +
  "The load generator runs on the same cores as the server (and PostgreSQL): the CPU column gives each one's " +
  'share in % of one core (200 = both cores), to tell a slow route from a starved one; "other" is everything ' +
  'else on the machine, and a high figure there means the row was measured on a busy machine. ' +
  '"writes per commit" (PostgreSQL write rows) is 2xx answers ÷ every transaction committed in the bench database ' +
  'during the run (pg_stat_database.xact_commit): with group commit and nothing else it is the average batch; ' +
  'any other transaction the server makes per request (a NOTIFY, a read) pulls it towards 1 or below.';

/** The whole of RESULTS.md. */
export function markdown(run, settings, results) {
  const out = [];
  out.push('# Benchmark results', '');
  out.push('Written by `bench/run.mjs`; the latest run replaces this file.', '');
  out.push(...describeRun(run, settings, results));
  out.push('');
  if (run.failure) out.push(`**THE RUN FAILED before it finished: ${run.failure}** The rows below are the ones measured before.`, '');
  out.push(table(results.rows), '');
  out.push(...describeTrouble(results));
  out.push('## How to read this', '');
  out.push(HOW_TO_READ, '');
  return out.join('\n');
}

/** The end of the console output: the table, the busy rows and the problems. */
export function printSummary({ rows, busyRows, problems }) {
  console.log(`\n${table(rows)}\n`);
  if (busyRows.length) {
    console.log(`Measured while other processes used more than ${BUSY_OTHER}% of a core:`);
    for (const row of busyRows) console.log(`- ${row}`);
    console.log('');
  }
  if (problems.length) {
    console.log('!!!!!!!!!! PROBLEMS !!!!!!!!!!');
    for (const problem of problems) console.log(`- ${problem}`);
    console.log('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n');
  }
}
