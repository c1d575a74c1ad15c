#!/usr/bin/env node
// The memory of an export: `npm run bench:export` (`-- --events 1000000` for a short run).
//
// PostgreSQL holds N events (10 million by default) in daily partitions, seeded through the
// driver straight into each day's table before it is attached (bench/lib/seed-events.mjs).
// The built server runs as a child process, as `npm start` runs it. This process reads
// GET /events/export of every event, first as fast as it can, then slowly (a reader that
// takes a chunk every few milliseconds, as a slow network would), while the server's
// resident memory (VmRSS of its process) is sampled. An export that holds one page at a
// time keeps the RSS flat, whatever the number of events; one that buffered the export
// would grow by about its size. The figures replace the export section of bench/RESULTS.md.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { cleanUp, cleanUpOnSignals, stopChild } from './lib/children.mjs';
import { HEADERS } from './lib/credentials.mjs';
import { DEFAULT_SERVER_ENTRY, RESULTS_FILE } from './lib/paths.mjs';
import { benchDatabaseUrl, dropDatabase, loadPostgresDriver } from './lib/postgres.mjs';
import { codeVersion, machine } from './lib/report.mjs';
import { postgresTarget, seedEvents } from './lib/seed-events.mjs';
import { settledBuild, startServer } from './lib/servers.mjs';

const { values: options } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '10' },
    format: { type: 'string', default: 'ndjson' },
    'slow-seconds': { type: 'string', default: '20' },
    'pg-url': { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(options.events);
const DAYS = Number(options.days);
const FORMAT = options.format;
const SLOW_MS = Number(options['slow-seconds']) * 1000;
const SAMPLE_MS = 250;
// The export counts as flat when the RSS of its second half stays within this much of the
// first half's peak: the garbage of each page lets the heap grow at first (V8 collects it
// lazily), but memory that held the export would keep growing with the events read.
const FLAT_MARGIN_MB = 32;
const SLOW_CHUNK_MS = 50;

const mb = (bytes) => bytes / 1024 / 1024;

/** The resident memory of a process, in bytes (Linux). */
function rssOf(pid) {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Samples the RSS of `pid` until stopped: its samples in bytes. */
function sampleRss(pid) {
  const samples = [];
  const timer = setInterval(() => samples.push(rssOf(pid)), SAMPLE_MS);
  return {
    samples,
    stop: () => {
      clearInterval(timer);
      return samples;
    },
  };
}

/** Reads the export: every byte when `untilMs` is undefined, else slowly until then. */
async function readExport(url, { slow = false, untilMs } = {}) {
  const aborter = new AbortController();
  const response = await fetch(`${url}/events/export?format=${FORMAT}`, { headers: HEADERS, signal: aborter.signal });
  if (response.status !== 200) throw new Error(`export: HTTP ${response.status}: ${await response.text()}`);
  const reader = response.body.getReader();
  let bytes = 0;
  let lines = 0;
  const started = Date.now();
  try {
    for (;;) {
      if (untilMs !== undefined && Date.now() - started >= untilMs) break;
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
      if (slow) await new Promise((wait) => setTimeout(wait, SLOW_CHUNK_MS));
    }
  } finally {
    aborter.abort();
  }
  return { bytes, lines, seconds: (Date.now() - started) / 1000 };
}

const stats = (samples) => {
  const sorted = samples.filter(Number.isFinite).sort((a, b) => a - b);
  const half = Math.floor(samples.length / 2);
  return {
    min: sorted[0] ?? 0,
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
    firstHalfMax: Math.max(0, ...samples.slice(0, half).filter(Number.isFinite)),
    secondHalfMax: Math.max(0, ...samples.slice(half).filter(Number.isFinite)),
    // One sample a second, to see the trend.
    series: samples.filter((_, i) => i % Math.round(1_000 / SAMPLE_MS) === 0).map((value) => Math.round(mb(value))),
  };
};

async function measure() {
  const loadAtStart = os.loadavg()[0];
  const pgUrl = options['pg-url'] ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const server = await startServer('postgres', { serverEntry: DEFAULT_SERVER_ENTRY, pgUrl });
  const sql = loadPostgresDriver()(benchDatabaseUrl(), { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const pid = server.handle.child.pid;
  try {
    console.log(`seeding ${EVENTS.toLocaleString('en-US')} events over ${DAYS} days:`);
    const seedStarted = Date.now();
    await seedEvents(postgresTarget(sql), { events: EVENTS, days: DAYS });
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    // The level before: a small export warms the code paths, then the server settles.
    await readExport(server.url, { untilMs: 1_000 });
    await new Promise((wait) => setTimeout(wait, 2_000));
    const idle = rssOf(pid);
    console.log(`server RSS before the export: ${mb(idle).toFixed(0)} MB; reading the whole export (${FORMAT})…`);
    const fast = sampleRss(pid);
    const whole = await readExport(server.url);
    const fastRss = stats(fast.stop());
    console.log(`  RSS each second (MB): ${fastRss.series.join(' ')}`);
    console.log(
      `  ${whole.lines.toLocaleString('en-US')} lines, ${mb(whole.bytes).toFixed(0)} MB in ${whole.seconds.toFixed(1)} s; RSS ${mb(fastRss.min).toFixed(0)}–${mb(fastRss.max).toFixed(0)} MB`,
    );
    console.log(`reading slowly for ${SLOW_MS / 1000} s…`);
    const slow = sampleRss(pid);
    const partial = await readExport(server.url, { slow: true, untilMs: SLOW_MS });
    const slowRss = stats(slow.stop());
    console.log(`  RSS each second (MB): ${slowRss.series.join(' ')}`);
    console.log(
      `  ${partial.lines.toLocaleString('en-US')} lines read; RSS ${mb(slowRss.min).toFixed(0)}–${mb(slowRss.max).toFixed(0)} MB`,
    );
    return { load: [loadAtStart, os.loadavg()[0]], seedSeconds, idle, whole, fastRss, partial, slowRss };
  } finally {
    await sql.end({ timeout: 5 });
    await stopChild(server.handle);
    await dropDatabase();
  }
}

function report(result) {
  const margin = FLAT_MARGIN_MB * 1024 * 1024;
  const flat = [result.fastRss, result.slowRss].every((rss) => rss.secondHalfMax - rss.firstHalfMax <= margin);
  const lines = [
    '| reading | lines | MB | seconds | events/s | server RSS min / median / max MB |',
    '|---|---:|---:|---:|---:|---:|',
    `| whole export, as fast as it reads | ${result.whole.lines.toLocaleString('en-US')} | ${mb(result.whole.bytes).toFixed(0)} | ${result.whole.seconds.toFixed(1)} | ${Math.round(result.whole.lines / result.whole.seconds).toLocaleString('en-US')} | ${[result.fastRss.min, result.fastRss.median, result.fastRss.max].map((v) => mb(v).toFixed(0)).join(' / ')} |`,
    `| slow reader (a chunk every ${SLOW_CHUNK_MS} ms), ${SLOW_MS / 1000} s | ${result.partial.lines.toLocaleString('en-US')} | ${mb(result.partial.bytes).toFixed(0)} | ${result.partial.seconds.toFixed(1)} | ${Math.round(result.partial.lines / result.partial.seconds).toLocaleString('en-US')} | ${[result.slowRss.min, result.slowRss.median, result.slowRss.max].map((v) => mb(v).toFixed(0)).join(' / ')} |`,
  ];
  return { table: lines.join('\n'), flat };
}

const START = '<!-- export:start -->';
const END = '<!-- export:end -->';

function writeSection(result, started, code, { table, flat }) {
  const section = [
    START,
    '## Export (`npm run bench:export`)',
    '',
    `- date: ${started.toISOString().replace(/\.\d+Z$/, 'Z')}; machine: ${machine()}; code: ${code}`,
    `- load average (1 min) of the machine at the start and the end: ${result.load.map((value) => value.toFixed(1)).join(' / ')}`,
    `- PostgreSQL, ${EVENTS.toLocaleString('en-US')} events in ${DAYS} daily partitions (seeded in ${result.seedSeconds.toFixed(0)} s); GET /events/export?format=${FORMAT} of all of them`,
    `- server RSS before the export: ${mb(result.idle).toFixed(0)} MB; flat (the second half of each reading within ${FLAT_MARGIN_MB} MB of the first half's peak): ${flat ? 'yes' : 'NO'}`,
    `- RSS each second, whole export (MB): ${result.fastRss.series.join(' ')}`,
    '',
    table,
    END,
  ].join('\n');
  const current = readFileSync(RESULTS_FILE, 'utf8');
  const next = current.includes(START)
    ? current.replace(new RegExp(`${START}[\\s\\S]*${END}`), section)
    : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(RESULTS_FILE, next);
}

async function main() {
  cleanUpOnSignals();
  if (!['ndjson', 'csv'].includes(FORMAT)) throw new Error(`--format must be ndjson or csv; received ${FORMAT}`);
  await settledBuild(DEFAULT_SERVER_ENTRY);
  const started = new Date();
  const code = codeVersion();
  console.log(`watchtower export bench: ${machine()}`);
  let result;
  try {
    result = await measure();
  } finally {
    await cleanUp();
  }
  const summary = report(result);
  console.log(
    `\n${summary.table}\nRSS flat (second half within ${FLAT_MARGIN_MB} MB of the first half's peak): ${summary.flat ? 'yes' : 'NO'}`,
  );
  if (!options['no-write']) writeSection(result, started, code, summary);
  if (!summary.flat || result.whole.lines !== EVENTS) process.exitCode = 1;
}

main().catch(async (error) => {
  console.error(`bench: ${error.stack ?? error}`);
  await cleanUp();
  process.exit(1);
});
