/**
 * API benchmark: creating and reading cases through the real API, next to the two ceilings it
 * cannot beat on this machine, measured in the same run at the same concurrency:
 *   - Postgres: pgbench running the very statements the API issued (captured, not retyped);
 *   - HTTP: a bare Fastify route.
 * Target: the API creates and reads at least half as fast as pgbench runs the same SQL.
 *
 * Env: DATABASE_URL (only its server is used; the run creates and drops database fordra_bench_api),
 * REDIS_URL, BENCH_SECONDS (per scenario, default 15: the whole run then stays under two minutes),
 * BENCH_CONNECTIONS (default 16), BENCH_ROUNDS (default 1; see ROUNDS below), and for studying
 * one scenario BENCH_ONLY, BENCH_PROFILE, BENCH_PERF_MAP and BENCH_PIPELINED (below). Figures are printed, never
 * asserted; the exit code is non-zero only when something failed (an error response, a failed
 * pgbench transaction, a crash).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@fordra/api';
import { apiEnv, parseEnv } from '@fordra/config';
import { migrateToLatest } from '@fordra/db';
import { systemClock } from '@fordra/domain';
import { createRedis, type Redis, deleteKeysWithPrefix } from '@fordra/jobs';
import { createLogger } from '@fordra/runtime';
import { benchDatabase, query, redisPrefixFor, redisUrl, serverUrl, settle as settleDb, sweepKeys } from './common-db.js';
import { exitWith, hostBusy, busyBefore, hostCpu, onInterrupt, positiveInt } from './common-proc.js';
import { fmt, printBusyBefore, printTable } from './common-report.js';
import { runLoad, type Measured } from './load.js';
import { runPgbench } from './pgbench.js';
import { describeStatement, recordingDb, renameVariable, toPgbenchScript, type CapturedQuery } from './sql.js';
import type { FromTarget, TargetMode, ToTarget } from './target.js';

const database = benchDatabase('fordra_bench_api');

const SECONDS = positiveInt('BENCH_SECONDS', 15);
// BENCH_ROUNDS splits each scenario's time into rounds in which the API and pgbench take turns, so
// that a machine whose speed drifts (a shared VM's does, by 10% within a minute) slows both sides
// alike; the verdict is the median round's. One round by default: pgbench runs markedly slower in
// short runs (measured here: 3 200-3 500 reads/s in 5 s rounds against 5 200 in one 15 s run, the
// API unchanged), so rounds shorter than about 15 s flatter the API. Use them with BENCH_SECONDS
// of 45 and more.
const ROUNDS = positiveInt('BENCH_ROUNDS', 1);
const ROUND_SECONDS = Math.max(3, Math.round(SECONDS / ROUNDS));
if (ROUNDS > 1 && ROUND_SECONDS < 15) console.warn(`Rounds of ${ROUND_SECONDS} s understate pgbench (see bench/api.ts); the ratios will flatter the API.`);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 16);
const PGBENCH_THREADS = Math.min(2, CONNECTIONS);
// Long enough for V8 to optimise the hot paths and for the pool to open its connections.
const WARMUP_SECONDS = Math.min(2, SECONDS);
// Distinct rows to spread requests over; pgbench takes one script file per row (it allows 128).
const POOL = 64;
const TARGET_RATIO = 0.5;
// BENCH_PIPELINED=1: pgbench also runs the create and the read pipelined as the API sends them
// (off by default to keep the run under two minutes). Not the target's ceiling, which is pgbench
// sending one statement at a time, but it shows how much of the API's ratio the pipelining makes.
const PIPELINED = process.env.BENCH_PIPELINED === '1';
// BENCH_PROFILE=<folder>: each server under load writes a V8 CPU profile there when it stops.
const PROFILE_DIR = process.env.BENCH_PROFILE;
// BENCH_PERF_MAP=1: the servers write /tmp/perf-<pid>.map, so that Linux perf names their JavaScript
// (`perf record -g -p <pid>`): unlike V8's profile, perf counts CPU time, not time off the CPU.
const PERF_MAP = process.env.BENCH_PERF_MAP === '1';
// BENCH_ONLY=read (or create, http, comma-separated): run only those scenarios, to study one of them.
const SCENARIOS = ['http', 'create', 'read'] as const;
const ONLY = new Set((process.env.BENCH_ONLY ?? SCENARIOS.join(',')).split(',').map((s) => s.trim()));
for (const s of ONLY) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`BENCH_ONLY: unknown scenario ${s}; use ${SCENARIOS.join(', ')}`);

const benchUrl = database.url;
const redisPrefix = redisPrefixFor('api');
const adminToken = randomBytes(24).toString('hex');

/** Each scenario starts from the same plans and I/O, whatever ran before it. */
const settle = () => settleDb((statement) => query(benchUrl, statement));

// ---------------------------------------------------------------------------------------------
// Setup: data through the API itself, and the SQL of one create and one read, captured.

interface Fixture {
  key: string;
  debtorIds: string[];
  caseIds: string[];
  createSql: CapturedQuery[];
  readSql: CapturedQuery[];
  createScript: string;
  /** The same, with the statements the API sends together in pgbench pipelines. */
  createPipelinedScript: string;
  readScript: string;
  readPipelinedScript: string;
  variables: Map<string, string>;
}

const invoice = { number: 'F-1001', issueDate: '2026-10-01', dueDate: '2026-10-31', amount: 125_000 };
const caseBody = (debtorId: string) => ({ debtorId, invoices: [invoice] });

async function call<T>(app: FastifyInstance, method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object): Promise<T> {
  const res = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body}`);
  return res.json<T>();
}

async function prepare(redis: Redis): Promise<Fixture> {
  const recording = recordingDb(benchUrl);
  const config = parseEnv(apiEnv, { DATABASE_URL: benchUrl, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix, ADMIN_TOKEN: adminToken, LOG_LEVEL: 'silent' });
  const logger = createLogger({ name: 'bench-setup', level: 'silent', pretty: false });
  const app = await buildApp({ db: recording.db, redis, clock: systemClock, config, logger });
  try {
    await migrateToLatest(recording.db);
    const { creditor, apiKey } = await call<{ creditor: { id: string }; apiKey: { id: string; key: string } }>(
      app,
      'POST',
      '/v1/admin/creditors',
      { authorization: `Bearer ${adminToken}` },
      { name: 'Bench AB', country: 'SE' },
    );
    const auth = { authorization: `Bearer ${apiKey.key}` };

    const debtorIds: string[] = [];
    const caseIds: string[] = [];
    for (let i = 0; i < POOL; i++) {
      const debtor = await call<{ id: string }>(app, 'POST', '/v1/debtors', auth, {
        kind: 'business',
        name: `Kund ${i} AB`,
        email: `ap${i}@kund.example`,
        address: { line1: `Storgatan ${i + 1}`, postalCode: '111 22', city: 'Stockholm', country: 'SE' },
      });
      debtorIds.push(debtor.id);
      caseIds.push((await call<{ id: string }>(app, 'POST', '/v1/cases', auth, caseBody(debtor.id))).id);
    }

    // The key check and its last-used stamp are cached; the requests above warmed both, so what is
    // recorded now is the steady-state SQL of a request.
    let opened: { id: string; paymentReference?: string | null } | undefined;
    const createSql = await recording.record(async () => {
      opened = await call(app, 'POST', '/v1/cases', auth, caseBody(debtorIds[0]!));
    });
    const readSql = await recording.record(async () => {
      await call(app, 'GET', `/v1/cases/${caseIds[0]}`, auth);
    });
    if (!opened) throw new Error('the create answered nothing');

    const createSpec = {
      known: new Map([
        [creditor.id, 'creditor_id'],
        [apiKey.id, 'api_key_id'],
        [debtorIds[0]!, 'debtor_id'],
        // Each case's payment reference is unique: pgbench draws a fresh one per transaction (below).
        ...(opened.paymentReference ? [[opened.paymentReference, 'payment_reference'] as [string, string]] : []),
      ]),
    };
    const create = toPgbenchScript(createSql, createSpec);
    const createPipelined = toPgbenchScript(createSql, { ...createSpec, pipelines: true });
    const drawReference = (text: string) => `\\set payment_reference random(1000000000, 999999999999999)\n${text}`;
    const readSpec = {
      known: new Map([
        [creditor.id, 'creditor_id'],
        [caseIds[0]!, 'case_id'],
      ]),
    };
    const read = toPgbenchScript(readSql, readSpec);
    // Under load, a read's audit row goes out with another request's statement (see alongside in
    // packages/db), which a single recorded request cannot show: pgbench's pipelined read sends
    // both of its statements together.
    const readPipelined = toPgbenchScript(
      readSql.map((q) => ({ ...q, write: 0 })),
      { ...readSpec, pipelines: true },
    );
    // Both scripts share one pgbench variable namespace, so their constants get distinct names.
    const variables = new Map<string, string>([
      ['creditor_id', creditor.id],
      ['api_key_id', apiKey.id],
    ]);
    // A script's constants (its pipelined twin has the same ones) become prefixed -D variables.
    const withConstants = (text: string, constants: Map<string, string>, prefix: string) => {
      for (const [k, v] of constants) {
        variables.set(`${prefix}${k}`, v);
        text = renameVariable(text, k, `${prefix}${k}`);
      }
      return text;
    };
    const createScript = withConstants(drawReference(create.text), create.constants, 'c_');
    const createPipelinedScript = withConstants(drawReference(createPipelined.text), createPipelined.constants, 'c_');
    const readScript = withConstants(read.text, read.constants, 'r_');
    const readPipelinedScript = withConstants(readPipelined.text, readPipelined.constants, 'r_');
    debtorIds.forEach((id, i) => variables.set(`debtor_id_${i}`, id));
    caseIds.forEach((id, i) => variables.set(`case_id_${i}`, id));
    return { key: apiKey.key, debtorIds, caseIds, createSql, readSql, createScript, createPipelinedScript, readScript, readPipelinedScript, variables };
  } finally {
    await app.close();
    await recording.db.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// The server under load runs in a child process: see target.ts.

interface Target {
  url: string;
  /** CPU time the server process has used so far, in microseconds. */
  cpu: () => Promise<number>;
  /** The first lines the server logged, and how many there were in all. */
  log: { first: string[]; count: number };
  stop: () => Promise<void>;
}

const children = new Set<ChildProcess>();

function startTarget(mode: TargetMode): Promise<Target> {
  const child = fork(fileURLToPath(new URL('./target.ts', import.meta.url)), [mode], {
    execArgv: [...process.execArgv, ...(PERF_MAP ? ['--perf-basic-prof'] : []), ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])],
    env: { ...process.env, BENCH_DATABASE_URL: benchUrl, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix, ADMIN_TOKEN: adminToken },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.add(child);
  // A failing server logs a stack per request; a few lines explain it, thousands would bury the results.
  const log = { first: [] as string[], count: 0 };
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      log.count++;
      if (log.first.length < 3) log.first.push(line.length > 600 ? `${line.slice(0, 600)}...` : line);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => (children.delete(child), resolve())));
  const send = (m: ToTarget) => child.send(m);
  const cpuWaiters: ((micros: number) => void)[] = [];
  child.on('message', (m: FromTarget) => {
    if (m.type === 'cpu') cpuWaiters.shift()?.(m.micros);
  });

  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the ${mode} server exited with ${code} before listening:\n${log.first.join('\n')}`)));
    child.on('message', (m: FromTarget) => {
      if (m.type !== 'ready') return;
      resolve({
        url: `http://127.0.0.1:${m.port}`,
        log,
        cpu: () =>
          new Promise((done) => {
            cpuWaiters.push(done);
            send('cpu');
          }),
        stop: async () => {
          if (child.exitCode === null && child.connected) send('stop');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        },
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------

interface Row {
  name: string;
  m: Measured;
  /** Share of the machine's CPU in use during the run, 0..1. */
  host: number;
  /** API process CPU per answered request, microseconds. */
  apiCpuPerRequest?: number;
}

const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;

async function main(): Promise<number> {
  const started = Date.now();
  console.log(
    `Fordra API benchmark: ${CONNECTIONS} connections, ${SECONDS} s per scenario (HTTP after ${WARMUP_SECONDS} s warm-up), ${cpus().length} CPU cores, Node ${process.version}`,
  );
  printBusyBefore(await busyBefore(500), { onlyWhenBusy: true });

  await database.create();
  const [{ autovacuum }] = (await query<{ autovacuum: string }>(benchUrl, 'SHOW autovacuum')) as [{ autovacuum: string }];
  console.log(`Postgres ${serverUrl.host}, database ${database.name} (created for this run, dropped after it); autovacuum ${autovacuum}, so each scenario starts with VACUUM ANALYZE and CHECKPOINT`);

  const redis = createRedis(redisUrl, { maxRetriesPerRequest: 3 });
  const workDir = await mkdtemp(join(tmpdir(), 'fordra-bench-'));
  let api: Target | undefined;
  try {
    const fx = await prepare(redis);
    // Statements sent in one write are bracketed together.
    const listing = (queries: readonly CapturedQuery[]) => {
      const writes = [...new Set(queries.map((q) => q.write))].map((w) => queries.filter((q) => q.write === w).map((q) => describeStatement(q.sql)));
      return `${queries.length} statements in ${writes.length} writes: ${writes.map((w) => (w.length > 1 ? `[${w.join(', ')}]` : w[0])).join(', ')}`;
    };
    console.log(`\nSetup: 1 creditor, ${fx.debtorIds.length} debtors, ${fx.caseIds.length} cases to read. Steady-state SQL, captured from the API:`);
    console.log(`  POST /v1/cases      ${listing(fx.createSql)}`);
    console.log(`  GET /v1/cases/{id}  ${listing(fx.readSql)}`);

    // One script per debtor (or case), each reading its own -D variable, so pgbench spreads over the same rows as the HTTP load.
    const scriptFiles = async (name: string, script: string, variable: string) => {
      const dir = join(workDir, name);
      await mkdir(dir);
      const files: string[] = [];
      for (let i = 0; i < POOL; i++) {
        const file = join(dir, `${i}.sql`);
        await writeFile(file, renameVariable(script, variable, `${variable}_${i}`));
        files.push(file);
      }
      return files;
    };
    const createFiles = await scriptFiles('create', fx.createScript, 'debtor_id');
    const createPipelinedFiles = PIPELINED ? await scriptFiles('create-pipelined', fx.createPipelinedScript, 'debtor_id') : [];
    const readPipelinedFiles = PIPELINED ? await scriptFiles('read-pipelined', fx.readPipelinedScript, 'case_id') : [];
    const readFiles = await scriptFiles('read', fx.readScript, 'case_id');

    const rows: Row[] = [];
    const measure = async (name: string, run: () => Promise<Measured>, target?: Target) => {
      process.stdout.write(`  ${name.padEnd(48)} `);
      const host0 = hostCpu();
      const cpu0 = await target?.cpu();
      const m = await run();
      const cpu1 = await target?.cpu();
      const row: Row = { name, m, host: hostBusy(host0, hostCpu()) };
      if (cpu0 !== undefined && cpu1 !== undefined && m.requests > 0) row.apiCpuPerRequest = (cpu1 - cpu0) / m.requests;
      rows.push(row);
      console.log(`${fmt(m.rps, 0).padStart(6)} req/s${m.errors ? `, ${m.errors} errors` : ''}`);
    };

    console.log('\nRunning:');
    const bare = ONLY.has('http') ? await startTarget('bare') : undefined;
    if (bare) try {
      await runLoad({ url: bare.url, connections: CONNECTIONS, seconds: WARMUP_SECONDS });
      await measure('HTTP ceiling: bare Fastify GET /', () => runLoad({ url: bare.url, connections: CONNECTIONS, seconds: SECONDS }));
    } finally {
      await bare.stop();
    }

    api = await startTarget('api');
    const url = api.url;
    const headers = { authorization: `Bearer ${fx.key}`, 'content-type': 'application/json' };
    const bodies = fx.debtorIds.map((id) => JSON.stringify(caseBody(id)));
    const create = (seconds: number) =>
      runLoad({ url, connections: CONNECTIONS, seconds, method: 'POST', headers, next: () => ({ path: '/v1/cases', body: pick(bodies) }) });
    const read = (seconds: number) => runLoad({ url, connections: CONNECTIONS, seconds, headers, next: () => ({ path: `/v1/cases/${pick(fx.caseIds)}` }) });
    const pgbench = (files: string[]) => async () => {
      const logDir = await mkdtemp(join(workDir, 'log-'));
      return runPgbench({ url: benchUrl, files, variables: fx.variables, clients: CONNECTIONS, threads: PGBENCH_THREADS, seconds: ROUND_SECONDS, logDir });
    };
    const warmups: Measured[] = [await create(WARMUP_SECONDS), await read(WARMUP_SECONDS)];
    const target = api;
    for (let round = 1; round <= ROUNDS; round++) {
      const scenario = async (name: string, run: () => Promise<Measured>, on?: Target) => {
        await settle();
        await measure(`${name} #${round}`, run, on);
      };
      if (ONLY.has('create')) {
        await scenario('API create: POST /v1/cases', () => create(ROUND_SECONDS), target);
        await scenario('pgbench create: same SQL, one transaction', pgbench(createFiles));
        if (PIPELINED) await scenario('pgbench pipelined create: same writes', pgbench(createPipelinedFiles));
      }
      if (ONLY.has('read')) {
        await scenario('API read: GET /v1/cases/{id}', () => read(ROUND_SECONDS), target);
        await scenario('pgbench read: same SQL', pgbench(readFiles));
        if (PIPELINED) await scenario('pgbench pipelined read: both statements together', pgbench(readPipelinedFiles));
      }
    }
    await api.stop();
    // A warm-up that fails is as much an error as a measured run that does.
    const warmupErrors = warmups.reduce((n, w) => n + w.errors, 0);

    report(rows);
    console.log(`\nWhole run: ${fmt((Date.now() - started) / 1000, 0)} s`);

    const failed = rows.filter((r) => r.m.errors > 0);
    for (const r of failed) console.error(`ERROR in ${r.name}: ${r.m.errorDetail}`);
    if (warmupErrors > 0) console.error(`ERROR: ${warmupErrors} failed requests during the API warm-ups`);
    if (api.log.count > 0) console.error(`The API logged ${api.log.count} lines; the first:\n${api.log.first.join('\n')}`);
    return failed.length > 0 || warmupErrors > 0 ? 1 : 0;
  } finally {
    await api?.stop();
    for (const c of children) c.kill('SIGTERM');
    await rm(workDir, { recursive: true, force: true });
    await deleteKeysWithPrefix(redis, redisPrefix).finally(() => redis.quit());
    await database.drop();
  }
}

/** The rounds of one scenario, found by the name they start with. */
const roundsOf = (rows: Row[], prefix: string) => rows.filter((r) => r.name.startsWith(prefix));
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : Number.NaN;
};

function report(rows: Row[]): void {
  const verdict = (r: number) => (Number.isFinite(r) ? (r >= TARGET_RATIO ? 'PASS' : 'MISS') : 'n/a');
  // Each API round against the pgbench round that ran right after it.
  const ratiosOf = (api: string, pg: string) => {
    const a = roundsOf(rows, api);
    const p = roundsOf(rows, pg);
    return a.map((r, i) => (p[i] && p[i].m.rps > 0 ? r.m.rps / p[i].m.rps : Number.NaN));
  };
  const ratios = new Map([
    ['API create', ratiosOf('API create', 'pgbench create')],
    ['API read', ratiosOf('API read', 'pgbench read')],
  ]);

  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'host CPU', 'API CPU/req', 'API/pgbench', `>= ${TARGET_RATIO}`];
  const body = rows.map((r) => {
    const key = [...ratios.keys()].find((k) => r.name.startsWith(k));
    const round = key === undefined ? -1 : roundsOf(rows, key).indexOf(r);
    const x = key === undefined ? undefined : ratios.get(key)![round];
    return [
      r.name,
      fmt(r.m.rps, 0),
      fmt(r.m.p50, 2),
      fmt(r.m.p99, 2),
      String(r.m.errors),
      `${fmt(100 * r.host, 0)}%`,
      r.apiCpuPerRequest === undefined ? '' : `${fmt(r.apiCpuPerRequest, 0)} us`,
      x === undefined ? '' : fmt(x, 2),
      x === undefined ? '' : verdict(x),
    ];
  });
  console.log(`\nResults: ${CONNECTIONS} connections; ${ROUNDS} rounds of ${ROUND_SECONDS} s, the API and pgbench taking turns; pgbench -M prepared -c ${CONNECTIONS} -j ${PGBENCH_THREADS}, its latencies per transaction`);
  printTable(header, body, { numbers: 'right' });

  const summary = (label: string, api: string, pg: string) => {
    const a = roundsOf(rows, api);
    const p = roundsOf(rows, pg);
    const rps = (rs: Row[]) => median(rs.map((r) => r.m.rps));
    const r = ratios.get(api)!;
    const cpu = median(a.map((x) => x.apiCpuPerRequest ?? Number.NaN));
    console.log(
      `  ${label.padEnd(9)} API ${fmt(rps(a), 0)} req/s, pgbench ${fmt(rps(p), 0)} req/s (medians); API/pgbench by round ${r.map((x) => fmt(x, 2)).join(', ')}; ` +
        `median ${fmt(median(r), 2)}  ${verdict(median(r))}; API CPU ${fmt(cpu, 0)} us/request`,
    );
  };
  console.log(`\nTarget: creating and reading each at least ${TARGET_RATIO * 100}% of pgbench's rate for the same SQL`);
  summary('creating', 'API create', 'pgbench create');
  summary('reading', 'API read', 'pgbench read');
  const againstPipelined = (label: string, api: string, pg: string) => {
    const p = roundsOf(rows, pg);
    if (p.length === 0) return;
    const against = roundsOf(rows, api).map((r, i) => (p[i] && p[i].m.rps > 0 ? r.m.rps / p[i].m.rps : Number.NaN));
    console.log(`  ${label.padEnd(9)} against pgbench pipelining the same way (${fmt(median(p.map((r) => r.m.rps)), 0)}/s): by round ${against.map((x) => fmt(x, 2)).join(', ')}; median ${fmt(median(against), 2)}`);
  };
  againstPipelined('creating', 'API create', 'pgbench pipelined create');
  againstPipelined('reading', 'API read', 'pgbench pipelined read');
  if (!PIPELINED) console.log('  (BENCH_PIPELINED=1 adds pgbench sending together what the API sends together: not the target, which is pgbench one statement at a time, but how much of the ratio the pipelining makes)');
  const http = roundsOf(rows, 'HTTP ceiling')[0]?.m;
  if (http && http.rps > 0) {
    const share = (prefix: string) => `${fmt((100 * median(roundsOf(rows, prefix).map((r) => r.m.rps))) / http.rps, 1)}%`;
    console.log(`  (share of the bare HTTP ceiling: creating ${share('API create')}, reading ${share('API read')})`);
  }
  console.log(
    '  host CPU: whole machine, all cores. API CPU/req: the API process (Node, one event loop) per answered request.\n' +
      "  Both sides prepare their statements: pgbench with -M prepared, the API through named statements (packages/db).",
  );
}


// Ctrl-C: stop the servers, drop the database and the Redis keys rather than leave them behind.
onInterrupt(
  async () => {
    for (const c of children) c.kill('SIGTERM');
    await database.drop();
    await sweepKeys(redisPrefix);
  },
  { quietAfter: false },
);

exitWith(main);
