// Measuring: per database, the server is started, seeded, and each scenario loaded in runs,
// each run right after a run of the same length against each baseline (raw node:http, then
// the no-storage pulse route), so that the three share the same moment of a shared machine.
import { alive, isInterrupted, stopChild, tail } from './children.mjs';
import { cpuProbe } from './cpu.mjs';
import { check, describeFailures, load, summarize } from './load.mjs';
import { rssMegabytes, sampleRss } from './memory.mjs';
import { benchDatabaseName, committedTransactions, dropDatabase, vacuumDatabase } from './postgres.mjs';
import { BUSY_OTHER, fmt, formatRunLine, indent } from './report.mjs';
import { baselineRequests, MANY_SERVICES, SEARCH_WORD, SERVICES_STEP, seedLoads, servicesLoad } from './scenarios.mjs';
import { settledBuild, startServer } from './servers.mjs';

/** What a run gathers for the report. */
export function createResults() {
  return {
    rows: [],
    problems: [],
    /** Which build (a hash of dist/main.js) each database was measured with. */
    builds: [],
    /** Rows measured while other processes used more than BUSY_OTHER % of a core. */
    busyRows: [],
    firstBuild: undefined,
    /** Per database: the server's RSS in MB idle after start, after the seeding, and with MANY_SERVICES services. */
    memory: [],
    /** The largest RSS in MB of each baseline during its runs. */
    baselineRss: {},
    /** Scenarios whose route the server does not have (404): rows without figures. */
    missing: [],
  };
}

const pause = (ms) => new Promise((done) => setTimeout(done, ms));

async function settledCommits() {
  await new Promise((done) => setTimeout(done, 1_500));
  return committedTransactions();
}

function median(values) {
  const sorted = values.filter((v) => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Fills the tables the scenarios read or update: every pulsed service exists, ~10,000 events. */
async function seed(server, scenarios, results) {
  for (const { what, amount, requests } of seedLoads(scenarios)) {
    const started = Date.now();
    const result = summarize(await load(server.url, { connections: 50, amount, requests }));
    const took = ((Date.now() - started) / 1000).toFixed(1);
    const ok = amount - result.non2xx - result.errors;
    console.log(`  seeded ${what} in ${took} s${result.non2xx || result.errors ? `: ${describeFailures(result)}` : ''}`);
    if (result.non2xx || result.errors || result.overran) {
      results.problems.push(
        `${server.database}: seeding ${what}: ${describeFailures(result)}${result.overran ? ' (stopped by the watchdog)' : ''}; ${ok} may have been stored`,
      );
    }
  }
}

/** The scenario's sample request, made once by hand: it must succeed, and the reads must see the seeded rows. */
async function checkScenario(scenario, server, results) {
  const body = await check(server.url, scenario.sample());
  if (scenario.id === 'events-search' && body.events.length === 0) {
    results.problems.push(`${server.database}: GET /events?message=${SEARCH_WORD} found no events: the seeding did not reach the table`);
  }
  if (scenario.id === 'events-list' && body.events.length < 100) {
    results.problems.push(`${server.database}: GET /events?limit=100 returned ${body.events.length} events, not 100`);
  }
  const wrong = scenario.checkAnswer?.(body);
  if (wrong) throw new Error(`${scenario.sample().method} ${scenario.sample().path} ${wrong}`);
}

/** One run against a baseline, its RSS sampled; the largest RSS seen is kept for the report. */
async function loadBaseline(baseline, connections, duration, results) {
  const rss = sampleRss(baseline.handle.child.pid);
  const run = summarize(await load(baseline.url, { connections, seconds: duration, requests: baselineRequests() }));
  const { max } = rss();
  if (max !== undefined) results.baselineRss[baseline.kind] = Math.max(results.baselineRss[baseline.kind] ?? 0, max);
  return run;
}

/** One measured run of the scenario, after its runs against the baselines; and where the server's output stood before it. */
async function measureRun({ scenario, server, baselines, connections }, { duration }, results) {
  const raw = await loadBaseline(baselines.raw, connections, duration, results);
  const noStorage = await loadBaseline(baselines.noStorage, connections, duration, results);
  const outputBefore = server.handle.output().length;
  const countCommits = server.database === 'postgres' && scenario.write;
  const commitsBefore = countCommits ? await settledCommits() : undefined;
  const cpu = cpuProbe(server.handle.child.pid, server.database === 'postgres' ? benchDatabaseName() : undefined);
  const rss = sampleRss(server.handle.child.pid);
  const run = summarize(await load(server.url, { connections, seconds: duration, requests: scenario.requests() }));
  run.rss = rss();
  run.cpu = cpu();
  if (countCommits) {
    const commitsAfter = await settledCommits();
    const commits = commitsAfter - commitsBefore;
    // Every 2xx write was committed; how many shared a commit is what group commit is for.
    if (commits > 0) run.perCommit = (run.statusCodes['200'] ?? 0) / commits;
  }
  if (scenario.eventsPerRequest) run.eventsPerSecond = run.rps * scenario.eventsPerRequest;
  run.raw = raw;
  run.noStorage = noStorage;
  run.ratioRaw = raw.rps ? run.rps / raw.rps : undefined;
  run.ratioNoStorage = noStorage.rps ? run.rps / noStorage.rps : undefined;
  return { run, outputBefore };
}

/** Says how a run went on the console; notes a failing baseline; throws if the server died. */
function reportRun(measuring, run, { index, repeat, outputBefore }, results) {
  const { scenario, server, connections } = measuring;
  const { database } = server;
  console.log(formatRunLine({ scenario, database, connections, index, repeat }, run));
  if (run.cpu.other > BUSY_OTHER) {
    console.log(`  ^ other processes used ${fmt.pct(run.cpu.other)}% of a core during this run: the machine was busy`);
  }
  const failures = describeFailures(run);
  if (failures || run.overran) {
    const newOutput = server.handle.output().slice(outputBefore);
    console.log(
      `\n  !!!!! ${scenario.label} on ${database}, c=${connections}: ${failures}${run.overran ? ' (overran; stopped by the watchdog)' : ''} !!!!!`,
    );
    if (newOutput.trim()) console.log(`  server output during this run:\n${indent(tail(newOutput, 20), '    | ')}\n`);
  }
  for (const [name, baseRun] of [
    ['raw node:http', run.raw],
    ['no-storage route', run.noStorage],
  ]) {
    if (describeFailures(baseRun)) {
      results.problems.push(`${name} baseline before ${scenario.id} on ${database}, c=${connections}: ${describeFailures(baseRun)}`);
    }
  }
  if (!alive(server.handle)) {
    throw new Error(
      `${server.handle.name} died during ${scenario.label} (${JSON.stringify(server.handle.exit)}):\n${tail(server.handle.output())}`,
    );
  }
}

/** The row of the table: the medians of the runs, and their failures added up. */
function summarizeRuns({ scenario, server, connections }, runs) {
  const sum = (key) => runs.reduce((total, run) => total + run[key], 0);
  const statusCodes = {};
  for (const run of runs) {
    for (const [code, count] of Object.entries(run.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  }
  return {
    scenario: scenario.label,
    database: server.database,
    connections,
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    non2xx: sum('non2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    statusCodes,
    eventsPerSecond: median(runs.map((r) => r.eventsPerSecond)),
    rawRps: median(runs.map((r) => r.raw.rps)),
    noStorageRps: median(runs.map((r) => r.noStorage.rps)),
    // The medians of the paired ratios: each run against the baselines measured just before it.
    ratioRaw: median(runs.map((r) => r.ratioRaw)),
    ratioNoStorage: median(runs.map((r) => r.ratioNoStorage)),
    rssMedian: median(runs.map((r) => r.rss.median)),
    rssMax: Math.max(...runs.map((r) => r.rss.max ?? 0)) || undefined,
    cpuServer: median(runs.map((r) => r.cpu.server)),
    cpuGenerator: median(runs.map((r) => r.cpu.generator)),
    cpuPostgres: median(runs.map((r) => r.cpu.postgres)),
    cpuOther: median(runs.map((r) => r.cpu.other)),
    cpuOtherMax: Math.max(...runs.map((r) => r.cpu.other ?? 0)),
    perCommit: median(runs.map((r) => r.perCommit)),
  };
}

async function measureScenario(measuring, settings, results) {
  const { scenario, server, connections } = measuring;
  const { database } = server;
  const { repeat, duration, warmup } = settings;
  try {
    await checkScenario(scenario, server, results);
  } catch (error) {
    // A route of the protocol this build does not have yet (404, or 405 where another
    // method has the path): a row that says so, no failure.
    if (!(scenario.optionalRoute && (error.status === 404 || error.status === 405))) throw error;
    console.log(`  ${scenario.id} ${database} c=${connections}: route missing (${error.status})`);
    results.rows.push({ scenario: scenario.label, database, connections, missing: true });
    results.missing.push(`${scenario.label} on ${database}`);
    return;
  }
  // Warm-up, not measured: the JIT, the prepared statements and the connection pools settle.
  await load(server.url, { connections, seconds: warmup, requests: scenario.requests() });

  const runs = [];
  for (let index = 1; index <= repeat; index++) {
    if (isInterrupted()) throw new Error('interrupted');
    const { run, outputBefore } = await measureRun(measuring, settings, results);
    runs.push(run);
    reportRun(measuring, run, { index, repeat, outputBefore }, results);
  }

  const row = summarizeRuns(measuring, runs);
  if (row.cpuOtherMax > BUSY_OTHER) {
    results.busyRows.push(
      `${scenario.label} on ${database}, c=${connections} (other processes: up to ${fmt.pct(row.cpuOtherMax)}% of a core)`,
    );
  }
  if (row.non2xx || row.errors) {
    results.problems.push(
      `${scenario.label} on ${database}, c=${connections}: ${describeFailures(row)} over ${repeat} run(s) of ${duration} s`,
    );
  }
  results.rows.push(row);
}

/** Notes the build measured on `database`, and a change of build since the first database. */
function recordBuild(results, database, build) {
  results.firstBuild ??= build;
  if (build !== results.firstBuild) {
    results.problems.push(
      `the server build changed during the run (${results.firstBuild} at the start, ${build} for ${database}): the rows of the two databases measure different code`,
    );
  }
  results.builds.push(`${database}: ${build}`);
}

/** Stops the server; what it printed at LOG_LEVEL=warn, and an unclean exit, are problems. */
async function stopServer(server, results) {
  const exit = await stopChild(server.handle);
  // With LOG_LEVEL=warn, whatever the server prints is a warning, an error or a crash.
  const output = server.handle.output().trim();
  const cleanExit = exit && exit.code === 0;
  if (!cleanExit) results.problems.push(`${server.handle.name} did not exit cleanly on SIGTERM: ${JSON.stringify(exit)}`);
  if (output) {
    const lines = output.split('\n').length;
    results.problems.push(
      `${server.handle.name} printed ${lines} line(s) at LOG_LEVEL=warn (last ones):\n\n\`\`\`\n${tail(output, 30)}\n\`\`\``,
    );
    console.log(`  ${server.handle.name} printed ${lines} line(s) at LOG_LEVEL=warn (last ones):\n${indent(tail(output, 30), '    | ')}`);
  }
}

/** The server's RSS now, in MB, after a moment without load. */
async function settledRss(server) {
  await pause(2_000);
  return rssMegabytes(server.handle.child.pid);
}

/** Pulses MANY_SERVICES services into existence, SERVICES_STEP at a time, printing the RSS after each step. */
async function seedManyServices(server, memory, results) {
  const started = Date.now();
  const steps = [];
  for (let from = 0; from < MANY_SERVICES; from += SERVICES_STEP) {
    if (isInterrupted()) throw new Error('interrupted');
    const { what, amount, requests } = servicesLoad(from, Math.min(from + SERVICES_STEP, MANY_SERVICES));
    const result = summarize(await load(server.url, { connections: 50, amount, requests }));
    if (result.non2xx || result.errors || result.overran) {
      results.problems.push(
        `${server.database}: seeding ${what}: ${describeFailures(result)}${result.overran ? ' (stopped by the watchdog)' : ''}`,
      );
    }
    steps.push(fmt.int(rssMegabytes(server.handle.child.pid)));
  }
  console.log(
    `  seeded ${MANY_SERVICES.toLocaleString('en-US')} services in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `RSS after each ${SERVICES_STEP.toLocaleString('en-US')} (MB): ${steps.join(' ')}`,
  );
  if (server.database === 'postgres') await vacuumDatabase();
  memory.manyServices = await settledRss(server);
  console.log(`  RSS with ${MANY_SERVICES.toLocaleString('en-US')} services, idle: ${fmt.int(memory.manyServices)} MB`);
}

/** Every scenario at its connection counts on one database, with a server of its own. */
export async function benchDatabaseKind(database, baselines, settings, results) {
  console.log(`\n== ${database} ==`);
  const startedAt = Date.now();
  recordBuild(results, database, await settledBuild(settings.serverEntry));
  const server = await startServer(database, settings);
  console.log(`  server ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (pid ${server.handle.child.pid}, ${server.url})`);
  const memory = { database };
  results.memory.push(memory);
  try {
    memory.idle = await settledRss(server);
    console.log(`  RSS idle after start: ${fmt.int(memory.idle)} MB`);
    await seed(server, settings.scenarios, results);
    if (database === 'postgres') await vacuumDatabase();
    memory.seeded = await settledRss(server);
    console.log(`  RSS after seeding: ${fmt.int(memory.seeded)} MB`);
    // Scenario by scenario (each at its connection counts), in the order of SCENARIOS.
    for (const scenario of settings.scenarios) {
      if (scenario.needs === 'many-services') await seedManyServices(server, memory, results);
      for (const connections of settings.connections ?? scenario.connections) {
        await measureScenario({ scenario, server, baselines, connections }, settings, results);
      }
    }
  } finally {
    await stopServer(server, results);
    if (database === 'postgres') await dropDatabase();
  }
}
