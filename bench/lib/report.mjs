// The report: the console lines of a run and the tables and notes of bench/RESULTS.md.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { relative } from 'node:path';
import { DEFAULT_SERVER_ENTRY, ROOT } from './paths.mjs';
import { BATCH_EVENTS, MANY_SERVICES, SEARCH_EVERY, SEARCH_WORD, SEED_EVENTS, SERVICES } from './scenarios.mjs';

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

/** The console line of one measured run and the baseline runs before it. */
export function formatRunLine({ scenario, database, connections, index, repeat }, run) {
  return (
    `  ${scenario.id.padEnd(13)} ${database.padEnd(8)} c=${connections} run ${index}/${repeat}: ` +
    `${fmt.int(run.rps)} req/s` +
    (run.eventsPerSecond !== undefined ? ` (${fmt.int(run.eventsPerSecond)} events/s)` : '') +
    `, p50 ${fmt.ms(run.p50)} ms, p99 ${fmt.ms(run.p99)} ms; ` +
    `no-storage ${fmt.int(run.noStorage.rps)} req/s → ${fmt.ratio(run.ratioNoStorage)}, ` +
    `raw ${fmt.int(run.raw.rps)} req/s → ${fmt.ratio(run.ratioRaw)}; ` +
    `RSS ${fmt.int(run.rss.median)}/${fmt.int(run.rss.max)} MB; ` +
    `CPU server ${fmt.pct(run.cpu.server)}%, generator ${fmt.pct(run.cpu.generator)}%` +
    (run.cpu.postgres !== undefined ? `, postgres ${fmt.pct(run.cpu.postgres)}%` : '') +
    (run.cpu.other !== undefined ? `, other ${fmt.pct(run.cpu.other)}%` : '') +
    (run.cpu.steal > 5 ? `, stolen ${fmt.pct(run.cpu.steal)}%` : '') +
    (run.perCommit !== undefined ? `; ${run.perCommit.toFixed(1)} writes per commit` : '')
  );
}

function markdownTable(header, lines, leftColumns) {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i >= leftColumns ? '---:' : '---')).join('|')}|`,
    ...lines.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

/** The table of rows, in Markdown (as RESULTS.md and the console show it). */
export function table(rows) {
  const header = [
    'scenario',
    'database',
    'conn',
    'req/s (2xx)',
    '× no-storage',
    '× raw',
    'events/s',
    'p50 ms',
    'p99 ms',
    'non-2xx',
    'errors',
    'no-storage req/s',
    'raw req/s',
    'RSS MB median / max',
    'CPU % server / gen / pg / other',
    'writes per commit',
  ];
  const lines = rows.map((row) =>
    row.missing
      ? [row.scenario, row.database, String(row.connections), 'route missing', ...header.slice(4).map(() => '–')]
      : [
          row.scenario,
          row.database,
          String(row.connections),
          fmt.int(row.rps),
          `**${fmt.ratio(row.ratioNoStorage)}**`,
          fmt.ratio(row.ratioRaw),
          row.eventsPerSecond === undefined ? '–' : fmt.int(row.eventsPerSecond),
          fmt.ms(row.p50),
          fmt.ms(row.p99),
          row.non2xx ? `**${row.non2xx}**` : '0',
          row.errors ? `**${row.errors}**` : '0',
          fmt.int(row.noStorageRps),
          fmt.int(row.rawRps),
          `${fmt.int(row.rssMedian)} / ${fmt.int(row.rssMax)}`,
          `${fmt.pct(row.cpuServer)} / ${fmt.pct(row.cpuGenerator)} / ${row.database === 'postgres' ? fmt.pct(row.cpuPostgres) : '–'} / ` +
            (row.cpuOtherMax > BUSY_OTHER ? `**${fmt.pct(row.cpuOther)}**` : fmt.pct(row.cpuOther)),
          row.perCommit === undefined ? '–' : row.perCommit.toFixed(1),
        ],
  );
  return markdownTable(header, lines, 2);
}

/** The server's memory per database, and the baselines' for scale. */
export function memoryTable({ memory, baselineRss, rows }) {
  const header = [
    'process',
    'idle after start',
    'after seeding',
    'largest during the runs',
    `${MANY_SERVICES.toLocaleString('en-US')} services, idle`,
  ];
  const lines = memory.map(({ database, idle, seeded, manyServices }) => {
    const during = rows.filter((row) => row.database === database && !row.missing).map((row) => row.rssMax ?? 0);
    return [
      `server, ${database}`,
      fmt.int(idle),
      fmt.int(seeded),
      during.length ? fmt.int(Math.max(...during)) : '–',
      fmt.int(manyServices),
    ];
  });
  if (baselineRss.raw !== undefined) lines.push(['raw node:http baseline', '–', '–', fmt.int(baselineRss.raw), '–']);
  if (baselineRss['no-storage'] !== undefined) {
    lines.push(['no-storage pulse route baseline', '–', '–', fmt.int(baselineRss['no-storage']), '–']);
  }
  return markdownTable(header, lines, 1);
}

export function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
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
function describeRun({ started, code, elapsed }, { serverEntry, repeat, duration, warmup }, { builds }) {
  return [
    `- date: ${started.toISOString().replace(/\.\d+Z$/, 'Z')}; the whole run took ${formatDuration(elapsed)}`,
    `- machine: ${machine()}`,
    `- command: \`${commandLine()}\``,
    `- code: ${code}${serverEntry === DEFAULT_SERVER_ENTRY ? '' : ` (server: ${serverEntry})`}; ` +
      `build measured (sha256 of ${relative(ROOT, serverEntry)}, first 12 digits): ${builds.join(', ') || 'none'}`,
    `- each row: ${repeat} measured run(s) of ${duration} s, each right after a ${duration} s run of raw node:http and then one of ` +
      `the no-storage pulse route, at the same connection count; a ${warmup} s warm-up per row; autocannon 9, pipelining 1, ` +
      'every request with the `password` header',
    `- data: ${SERVICES.toLocaleString('en-US')} services pulsed once before the pulse rows (so they measure updates); ` +
      `${SEED_EVENTS.toLocaleString('en-US')} events seeded before the reads, 1 in ${SEARCH_EVERY} containing "${SEARCH_WORD}"; ` +
      `batches of ${BATCH_EVENTS.toLocaleString('en-US')} short events; ` +
      'on PostgreSQL a `VACUUM ANALYZE` after each seeding (as autovacuum would do soon on a real server; PGlite has no autovacuum and gets none)',
  ];
}

/** The sections after the table: the busy rows and the problems, or that there were none. */
function describeTrouble({ busyRows, problems, missing }) {
  const out = [];
  if (missing.length) out.push(`Routes this build does not have (404 or 405, no figures): ${missing.join('; ')}.`, '');
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

const HOW_TO_READ = [
  'The machine is shared and its speed drifts, so absolute req/s compare badly between runs: compare ratios, measured in ' +
    'the same run, not req/s. Each measured run of a row comes right after a run of the same length and connection count ' +
    'against each of two baselines, raw node:http first, then the no-storage route, so the three share the same few ' +
    'seconds of the machine (no baseline run is shared between rows: a row with a slow moment has slow baselines too). ' +
    'Both baselines are loaded with the same pulses (`POST /heartbeat` of the seeded services, taken in turn).',
  '',
  "- **× no-storage**, the figure that counts: the row's req/s divided by the req/s of the same Hono + zod pulse route " +
    "that stores nothing (`bench/lib/ceiling-server.mjs`: the server's own hono, @hono/node-server and the protocol's " +
    "`PulseRequest` schema, the password checked as the server checks it, the real answer's JSON shape). No durable pulse " +
    'can beat it, so 1.00× would be a server whose storage, middleware and logging cost nothing; 0.70× keeps 70 % of the ceiling. ' +
    'For the reads and healthz it says how far a route stands from a bare validated POST. For the batch row it compares ' +
    `requests of ${BATCH_EVENTS.toLocaleString('en-US')} events with single pulses: read its events/s instead.`,
  '- **× raw**: the same against a bare `node:http` server that reads the body and answers a small JSON object: what is ' +
    "left of the machine's plain HTTP capacity, Hono and zod included. The median of the paired ratios over the runs.",
  '- Only 2xx answers count as throughput: non-2xx answers and socket errors are listed apart, and any above 0 is a ' +
    'failure of the run, not a figure. **events/s** (batch rows): 2xx answers × events per request. p50/p99 are latencies ' +
    'in ms, the median over the runs. "route missing": the build answered 404 (or 405) to the route (a part of the protocol it does ' +
    'not have yet); the row has no figures and does not fail the run.',
  "- **RSS** is the server's resident memory (VmRSS of /proc/PID/status, its worker processes added, the PostgreSQL backends not), " +
    'sampled every 250 ms during the measured runs of the row: the median and the largest sample. The memory table gives ' +
    `it idle after start (before any load), after the seeding, the largest of all rows, and idle with ` +
    `${MANY_SERVICES.toLocaleString('en-US')} services (\`--scenario services-100k\`, whose row is the RSS under load at that size).`,
  "- The load generator runs on the same cores as the server (and PostgreSQL): the CPU column gives each one's share in % " +
    'of one core (200 = both cores; the server with its worker processes), to tell a slow route from a starved one; "other" is everything else on the machine, and a ' +
    'high figure there means the row was measured on a busy machine.',
  '- "writes per commit" (PostgreSQL write rows) is 2xx answers ÷ every transaction committed in the bench database during ' +
    'the run (pg_stat_database.xact_commit): with group commit and nothing else it is the average batch; any other ' +
    'transaction the server makes per request (a NOTIFY, a read) pulls it towards 1 or below.',
].join('\n');

/** The whole of RESULTS.md. */
export function markdown(run, settings, results) {
  const out = [];
  out.push('# Benchmark results', '');
  out.push(
    'Written by `bench/run.mjs`; the latest run replaces this part. The sections between `<!-- NAME:start -->` and ' +
      '`<!-- NAME:end -->` below are written by the other benches and kept as they are.',
    '',
  );
  out.push(...describeRun(run, settings, results));
  out.push('');
  if (run.failure) out.push(`**THE RUN FAILED before it finished: ${run.failure}** The rows below are the ones measured before.`, '');
  out.push(table(results.rows), '');
  if (results.memory.length) out.push('### Memory (RSS, MB)', '', memoryTable(results), '');
  out.push(...describeTrouble(results));
  out.push('## How to read this', '');
  out.push(HOW_TO_READ, '');
  return out.join('\n');
}

/** The end of the console output: the table, the busy rows and the problems. */
export function printSummary(results) {
  const { rows, busyRows, problems } = results;
  console.log(`\n${table(rows)}\n`);
  if (results.memory.length) console.log(`Memory (RSS, MB):\n\n${memoryTable(results)}\n`);
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

/** The marked blocks other commands wrote into RESULTS.md (`<!-- NAME:start -->` … `<!-- NAME:end -->`), in their order. */
export function markedBlocks(text) {
  return [...text.matchAll(/<!-- ([\w.-]+):start -->[\s\S]*?<!-- \1:end -->/g)].map((match) => match[0]);
}
