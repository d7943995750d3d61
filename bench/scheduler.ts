/**
 * Scheduler benchmark: the deadline machinery at volume, in one run.
 *   1. Scheduling 1,000,000 deadlines: each case's plan from the domain's planSchedule, inserted in
 *      batches through the deadlines repository, as a bulk (re)planning would do it.
 *   2. The memory of one real worker process with those 1,000,000 deadlines pending.
 *   3. A burst of 10,000 one-step deadlines falling due at the same instant, run by that worker:
 *      throughput and the lag from due to done.
 *   4. BullMQ's own ceiling on the same Redis: no-op jobs at the worker's concurrency.
 * Targets: burst lag p99 under 2 s, burst throughput at least a third of the no-op ceiling, worker
 * memory under 300 MB. Figures are printed, never asserted; the exit code is non-zero only when
 * something failed (a step failure, a crash, deadlines left unrun).
 *
 * Env: DATABASE_URL (only its server is used; the run creates and drops database
 * fordra_bench_scheduler), REDIS_URL (keys under a prefix of this run's own, deleted after it),
 * BENCH_CONCURRENCY (the worker's WORKER_CONCURRENCY and the no-op worker's, default 16),
 * BENCH_WORKER_NODE_ARGS (extra Node options for the worker process, e.g. "--cpu-prof
 * --cpu-prof-dir=<absolute dir>" to see where a step's time goes; NODE_OPTIONS refuses --cpu-prof,
 * and a relative directory would land in the worker's package, its working directory).
 */
import { deadlineRows } from '@fordra/collection';
import { Queue, Worker } from 'bullmq';
import { sql } from 'kysely';
import { creditors, deadlines, debtors, invoices, migrateToLatest, policies, type Db } from '@fordra/db';
import {
  addDays,
  dayOf,
  defaultPolicySteps,
  earliestDueDate,
  planSchedule,
  PolicyStepsSchema,
  type LocalDate,
  type PolicyStep,
  type PolicyStepInput,
} from '@fordra/domain';
import { bullPrefix, QUEUES, type Redis, deleteKeysWithPrefix } from '@fordra/jobs';
import { benchDatabase, openStores, redisPrefixFor, serviceEnv, storesLine, settle as settleDb, sweepKeys } from './common-db.js';
import { BackendCpu, cpuSecondsOf, exitWith, hostBusy, hostCpu, memoryOf, nodeArgs, onInterrupt, positiveInt, redisCpuSeconds, sleep } from './common-proc.js';
import { fmt, int, percentile, printRunHeader, printTable } from './common-report.js';
import { startWorker, type WorkerProcess } from './scheduler-proc.js';

const database = benchDatabase('fordra_bench_scheduler');

const CONCURRENCY = positiveInt('BENCH_CONCURRENCY', 16);
const WORKER_NODE_ARGS = nodeArgs('BENCH_WORKER_NODE_ARGS');
const DEADLINES = 1_000_000;
const COUNTRY = 'SE';
const TIME_ZONE = 'Europe/Stockholm';
const CURRENCY = 'SEK';
// The standard policy: business days, Swedish holidays and the final-demand rule all take part.
const STEPS: PolicyStep[] = defaultPolicySteps();
const CASES = Math.ceil(DEADLINES / STEPS.length);
// A year ahead, spread over a year of due dates, so nothing falls due during the run and the plans differ.
const DUE_IN_DAYS = 365;
const DUE_SPREAD_DAYS = 365;
/** Cases planned per round trip: 400 five-step cases are 2,000 rows, 20,000 parameters. */
const PLAN_BATCH_CASES = 400;
/** Inserts in flight while the next batch is read and planned: Node plans while Postgres writes. */
const INSERTS_IN_FLIGHT = 2;

const BURST = 10_000;
const BURST_STEP: PolicyStepInput = { key: 'reminder', after: 'P1D', from: 'due_date', action: 'email_reminder' };
const BURST_LEAD_MS = 10_000;
const BURST_TIMEOUT_MS = 180_000;
const RECONCILE_INTERVAL_MS = 1000;
const LOOKAHEAD_MS = 15 * 60_000;
const JOB_LOCK_MS = 30_000;
const MEMORY_WAIT_MS = 10_000;
const NOOP_JOBS = 10_000;

const TARGET_LAG_P99_MS = 2000;
const TARGET_CEILING_SHARE = 1 / 3;
const TARGET_RSS_MB = 300;

const redisPrefix = redisPrefixFor('scheduler');
const bull = bullPrefix(redisPrefix);

/** The worker process while it runs: the signal handler and the cleanup both stop it. */
let running: WorkerProcess | undefined;

// ---------------------------------------------------------------------------------------------
// Setup, untimed: a creditor, a debtor, two policies and their cases, bulk-inserted.

interface Fixture {
  creditorId: string;
  debtorId: string;
  standard: { policyId: string; versionId: string; steps: unknown };
  burst: { policyId: string; versionId: string };
}

async function prepare(db: Db, now: Date): Promise<Fixture> {
  const creditor = await creditors.insertCreditor(db, { name: 'Bench AB', country: COUNTRY, defaultCurrency: CURRENCY, timeZone: TIME_ZONE, autoVerify: true }, now);
  const debtor = await debtors.insertDebtor(db, {
    creditor_id: creditor.id,
    kind: 'business',
    name: 'Kund AB',
    identity_number: null,
    email: 'ap@kund.example',
    phone: null,
    address_line1: 'Storgatan 1',
    address_line2: null,
    postal_code: '111 22',
    city: 'Stockholm',
    country: 'SE',
    preferred_language: 'sv',
    customer_number: null,
    created_at: now,
    updated_at: now,
  });
  const standard = await policies.insertPolicy(db, { creditorId: creditor.id, name: 'Standard', isDefault: true, steps: STEPS }, now);
  const burst = await policies.insertPolicy(db, { creditorId: creditor.id, name: 'Burst', isDefault: false, steps: PolicyStepsSchema.parse([BURST_STEP]) }, now);
  const fx: Fixture = {
    creditorId: creditor.id,
    debtorId: debtor.id,
    standard: { policyId: standard.policy.id, versionId: standard.version.id, steps: standard.version.steps },
    burst: { policyId: burst.policy.id, versionId: burst.version.id },
  };
  await insertCases(db, fx, { ...fx.standard, count: CASES, reference: 'S-', firstDue: addDays(dayOf(now, TIME_ZONE), DUE_IN_DAYS), spread: DUE_SPREAD_DAYS }, now);
  // The burst cases' invoices are long overdue: the one step is due now, as after a verification.
  await insertCases(db, fx, { ...fx.burst, count: BURST, reference: 'B-', firstDue: addDays(dayOf(now, TIME_ZONE), -30), spread: 1 }, now);
  return fx;
}

/** Active cases on a policy version, each with one invoice; due dates cycle through `spread` days. */
async function insertCases(
  db: Db,
  fx: Fixture,
  c: { policyId: string; versionId: string; count: number; reference: string; firstDue: LocalDate; spread: number },
  now: Date,
): Promise<void> {
  await sql`
    WITH c AS (
      INSERT INTO cases (creditor_id, debtor_id, status, currency, handler, external_reference, created_at, updated_at, policy_id, policy_version_id, activated_at)
      SELECT ${fx.creditorId}::uuid, ${fx.debtorId}::uuid, 'active', ${CURRENCY}, 'bench', ${c.reference} || n, ${now}::timestamptz, ${now}::timestamptz,
             ${c.policyId}::uuid, ${c.versionId}::uuid, ${now}::timestamptz
      FROM generate_series(1, ${c.count}::int) AS n
      RETURNING id, creditor_id, split_part(external_reference, '-', 2)::int AS n
    )
    INSERT INTO invoices (creditor_id, case_id, number, issue_date, due_date, amount_minor, currency, created_at)
    SELECT creditor_id, id, 'F-1', due - 30, due, 125000, ${CURRENCY}, ${now}::timestamptz
    FROM (SELECT c.*, ${c.firstDue}::date + (c.n % ${c.spread}::int) AS due FROM c) AS x
  `.execute(db);
}

const settle = (db: Db) => settleDb((statement) => sql.raw(statement).execute(db));

// ---------------------------------------------------------------------------------------------
// 1. Scheduling: read a page of cases and their invoices, plan each, insert the rows.

interface ScheduleResult {
  rows: number;
  seconds: number;
  readSeconds: number;
  planSeconds: number;
  insertWaitSeconds: number;
  batches: number;
  host: number;
  backendSeconds: number;
}

async function scheduleAll(db: Db, fx: Fixture, now: Date): Promise<ScheduleResult> {
  const host0 = hostCpu();
  const backends = new BackendCpu(database.name);
  const started = performance.now();
  // Parsed once per version, as a bulk planner would; planCase parses per case.
  const steps = PolicyStepsSchema.parse(fx.standard.steps);
  let after = '00000000-0000-0000-0000-000000000000';
  let rows = 0;
  let batches = 0;
  let readMs = 0;
  let planMs = 0;
  let waitMs = 0;
  const inFlight = new Set<Promise<unknown>>();
  let failure: unknown;

  for (;;) {
    const t0 = performance.now();
    const page = await db
      .selectFrom('cases')
      .select(['id'])
      .where('policy_version_id', '=', fx.standard.versionId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(PLAN_BATCH_CASES)
      .execute();
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const caseInvoices = await invoices.listInvoicesOfCases(
      db,
      fx.creditorId,
      page.map((p) => p.id),
    );
    const t1 = performance.now();
    const dueDates = new Map<string, { dueDate: string }[]>();
    for (const i of caseInvoices) {
      const list = dueDates.get(i.case_id);
      if (list) list.push({ dueDate: i.due_date });
      else dueDates.set(i.case_id, [{ dueDate: i.due_date }]);
    }
    const batch = [];
    for (const { id } of page) {
      const dueDate = earliestDueDate(dueDates.get(id) ?? []);
      if (!dueDate) continue;
      const plan = planSchedule({ steps, dueDate, notBefore: now, country: COUNTRY, timeZone: TIME_ZONE });
      batch.push(...deadlineRows({ creditorId: fx.creditorId, caseId: id, versionId: fx.standard.versionId }, plan, now));
    }
    const t2 = performance.now();
    readMs += t1 - t0;
    planMs += t2 - t1;
    rows += batch.length;
    batches++;
    const insert: Promise<unknown> = deadlines
      .insertDeadlines(db, batch)
      .catch((err: unknown) => (failure ??= err))
      .finally(() => inFlight.delete(insert));
    inFlight.add(insert);
    if (inFlight.size >= INSERTS_IN_FLIGHT) {
      const t3 = performance.now();
      await Promise.race(inFlight);
      waitMs += performance.now() - t3;
    }
    if (failure) break;
  }
  const t4 = performance.now();
  await Promise.all(inFlight);
  waitMs += performance.now() - t4;
  if (failure) throw failure;
  const seconds = (performance.now() - started) / 1000;
  return {
    rows,
    seconds,
    readSeconds: readMs / 1000,
    planSeconds: planMs / 1000,
    insertWaitSeconds: waitMs / 1000,
    batches,
    host: hostBusy(host0, hostCpu()),
    backendSeconds: backends.seconds(),
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Memory of one worker process with the million pending.

/** Index scans on the due-deadline index: one per reconcile pass, nothing else reads it here. */
async function dueIndexScans(db: Db): Promise<number> {
  const r = await sql<{ n: string }>`SELECT idx_scan::text AS n FROM pg_stat_user_indexes WHERE indexrelname = 'case_deadlines_due'`.execute(db);
  return Number(r.rows[0]?.n ?? Number.NaN);
}

interface MemoryResult {
  rssMb: number;
  peakMb: number;
  samples: number[];
  passes: number;
}

async function measureMemory(db: Db, worker: WorkerProcess): Promise<MemoryResult> {
  const scans0 = await dueIndexScans(db);
  const samples: number[] = [];
  for (let waited = 0; waited < MEMORY_WAIT_MS; waited += 1000) {
    await sleep(1000);
    samples.push(memoryOf(worker.pid)?.rssMb ?? Number.NaN);
  }
  // Statistics reach the shared view up to a second after a backend's transaction ends.
  await sleep(1100);
  const mem = memoryOf(worker.pid);
  return { rssMb: mem?.rssMb ?? Number.NaN, peakMb: mem?.peakMb ?? Number.NaN, samples, passes: (await dueIndexScans(db)) - scans0 };
}

// ---------------------------------------------------------------------------------------------
// 3. The burst.

interface BurstResult {
  due: Date;
  finished: number;
  done: number;
  notifications: number;
  lagsMs: number[];
  /** From the due instant to the last completion. */
  spanSeconds: number;
  throughput: number;
  timeline: { t: number; finished: number; delayed: number; waiting: number; active: number }[];
  perSecond: number[];
  workerCpuSeconds: number;
  backendSeconds: number;
  redisCpuSeconds: number;
  host: number;
  peakRssMb: number;
  timedOut: boolean;
  /** Reconcile passes from the insert to the end of the burst, counted by Postgres, and that window. */
  passes: number;
  passWindowSeconds: number;
  /** Time after the due instant with deadlines left but no BullMQ job waiting or running. */
  idleSeconds: number;
}

async function runBurst(db: Db, redis: Redis, fx: Fixture, worker: WorkerProcess): Promise<BurstResult> {
  const queue = new Queue(QUEUES.deadlines, { connection: redis, prefix: bull });
  try {
    const scans0 = await dueIndexScans(db);
    const window0 = performance.now();
    const now = new Date();
    const due = new Date(Math.ceil((now.getTime() + BURST_LEAD_MS) / 1000) * 1000);
    await sql`
      INSERT INTO case_deadlines (creditor_id, case_id, policy_version_id, step_index, step_key, action, day, due_at, status, created_at)
      SELECT creditor_id, id, policy_version_id, 0, ${BURST_STEP.key}, ${BURST_STEP.action}, ${dayOf(due, TIME_ZONE)}::date, ${due}::timestamptz, 'scheduled', ${now}::timestamptz
      FROM cases WHERE policy_version_id = ${fx.burst.versionId}::uuid
    `.execute(db);

    // Progress is read from the notifications each step inserts in its own transaction: a query on
    // the deadlines would use the due-deadline index and blur the count of reconcile passes.
    const notified = async () => Number((await sql<{ n: string }>`SELECT count(*)::text AS n FROM notifications`.execute(db)).rows[0]?.n);
    const timeline: BurstResult['timeline'] = [];
    const sample = async () => {
      const counts = await queue.getJobCounts('delayed', 'waiting', 'active');
      timeline.push({
        t: (Date.now() - due.getTime()) / 1000,
        finished: await notified(),
        delayed: counts.delayed ?? 0,
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
      });
      return timeline[timeline.length - 1]!;
    };

    // Before the due instant: watch the reconciler hand out delayed jobs ahead of time.
    while (Date.now() < due.getTime() - 1500) {
      await sample();
      await sleep(1000);
    }
    const backends = new BackendCpu(database.name);
    const host0 = hostCpu();
    const cpu0 = cpuSecondsOf(worker.pid) ?? Number.NaN;
    const redis0 = await redisCpuSeconds(redis);
    let peakRssMb = memoryOf(worker.pid)?.rssMb ?? Number.NaN;
    await sleep(Math.max(0, due.getTime() - 500 - Date.now()));
    await sample();

    let timedOut = false;
    for (;;) {
      await sleep(500);
      backends.sample();
      peakRssMb = Math.max(peakRssMb, memoryOf(worker.pid)?.rssMb ?? Number.NaN);
      const s = await sample();
      if (s.finished >= BURST) break;
      if (worker.exited()) throw new Error(`the worker exited during the burst:\n${worker.log.tail.join('\n')}`);
      if (Date.now() - due.getTime() > BURST_TIMEOUT_MS) {
        timedOut = true;
        break;
      }
    }
    const workerCpuSeconds = (cpuSecondsOf(worker.pid) ?? Number.NaN) - cpu0;
    const redisCpu = (await redisCpuSeconds(redis)) - redis0;
    const host = hostBusy(host0, hostCpu());
    const backendSeconds = backends.seconds();
    // Statistics reach the shared view up to a second after a backend's transaction ends.
    await sleep(1100);
    const passes = (await dueIndexScans(db)) - scans0;
    const passWindowSeconds = (performance.now() - window0) / 1000;

    const outcome = await sql<{ status: string; lag_ms: number | null; completed_ms: number | null }>`
      SELECT status, extract(epoch FROM completed_at - due_at) * 1000 AS lag_ms, extract(epoch FROM completed_at) * 1000 AS completed_ms
      FROM case_deadlines WHERE policy_version_id = ${fx.burst.versionId}::uuid
    `.execute(db);
    const doneRows = outcome.rows.filter((r) => r.status === 'done');
    const lagsMs = doneRows.map((r) => Number(r.lag_ms)).sort((a, b) => a - b);
    const last = Math.max(...doneRows.map((r) => Number(r.completed_ms)));
    const spanSeconds = (last - due.getTime()) / 1000;
    const perSecond: number[] = [];
    for (const lag of lagsMs) {
      const s = Math.max(0, Math.floor(lag / 1000));
      perSecond[s] = (perSecond[s] ?? 0) + 1;
    }
    const notifications = Number(
      (await sql<{ n: string }>`SELECT count(*)::text AS n FROM notifications WHERE case_id IN (SELECT id FROM cases WHERE policy_version_id = ${fx.burst.versionId}::uuid)`.execute(db)).rows[0]?.n,
    );
    return {
      due,
      finished: outcome.rows.filter((r) => r.status !== 'scheduled').length,
      done: doneRows.length,
      notifications,
      lagsMs,
      spanSeconds,
      throughput: doneRows.length / spanSeconds,
      timeline,
      perSecond: Array.from(perSecond, (n) => n ?? 0),
      workerCpuSeconds,
      backendSeconds,
      redisCpuSeconds: redisCpu,
      host,
      peakRssMb,
      timedOut,
      passes,
      passWindowSeconds,
      idleSeconds: idleWhileDue(timeline),
    };
  } finally {
    await queue.close();
  }
}

/** Sums the sampling intervals after the due instant in which the worker had nothing to run. */
function idleWhileDue(timeline: BurstResult['timeline']): number {
  let idle = 0;
  for (let i = 1; i < timeline.length; i++) {
    const prev = timeline[i - 1]!;
    const cur = timeline[i]!;
    if (prev.t < 0 || cur.finished >= BURST) continue;
    if (prev.waiting + prev.active + prev.delayed === 0 && cur.waiting + cur.active + cur.delayed === 0) idle += cur.t - prev.t;
  }
  return idle;
}

// ---------------------------------------------------------------------------------------------
// 4. BullMQ's ceiling: the same library, Redis and concurrency, with jobs that do nothing.

interface CeilingResult {
  jobsPerSecond: number;
  seconds: number;
}

/**
 * Ready jobs measure the plain ceiling; jobs all delayed to one instant take the burst's own path
 * through BullMQ (delayed set, promotion), so the two together tell BullMQ's share of the burst.
 */
async function noopCeiling(redis: Redis, mode: 'ready' | 'delayed'): Promise<CeilingResult> {
  const name = `noop-ceiling-${mode}`;
  const queue = new Queue(name, { connection: redis, prefix: bull });
  let worker: Worker | undefined;
  try {
    const leadMs = mode === 'delayed' ? 3000 : 0;
    const at = Date.now() + leadMs;
    for (let i = 0; i < NOOP_JOBS; i += 1000) {
      await queue.addBulk(
        Array.from({ length: Math.min(1000, NOOP_JOBS - i) }, (_, k) => ({
          name: 'noop',
          data: { i: i + k },
          opts: { jobId: `noop-${i + k}`, removeOnComplete: true, ...(mode === 'delayed' && { delay: Math.max(0, at - Date.now()) }) },
        })),
      );
    }
    if (mode === 'delayed' && Date.now() >= at) throw new Error('adding the delayed jobs took longer than their delay');
    let completed = 0;
    let started = 0;
    const finished = new Promise<number>((resolve, reject) => {
      worker = new Worker(name, async () => undefined, { connection: redis, prefix: bull, concurrency: CONCURRENCY, autorun: false });
      worker.on('completed', () => {
        if (++completed === NOOP_JOBS) resolve(performance.now());
      });
      worker.on('failed', (_job, err) => reject(err));
      worker.on('error', (err) => reject(err));
    });
    if (mode === 'delayed') await sleep(Math.max(0, at - Date.now()));
    started = performance.now();
    void worker!.run();
    const end = await Promise.race([finished, sleep(120_000).then(() => Number.NaN)]);
    const seconds = (end - started) / 1000;
    return { jobsPerSecond: NOOP_JOBS / seconds, seconds };
  } finally {
    await worker?.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const started = Date.now();
  await printRunHeader('scheduler', `worker concurrency ${CONCURRENCY}`);

  const { db, redis } = await openStores(database, { maxConnections: 4, applicationName: 'fordra-bench-scheduler' });
  try {
    await migrateToLatest(db);
    const now = new Date();
    const setupStart = performance.now();
    const fx = await prepare(db, now);
    await settle(db);
    console.log(storesLine(database, redisPrefix));
    console.log(
      `Setup (untimed, ${fmt((performance.now() - setupStart) / 1000, 1)} s): creditor in ${COUNTRY} (${TIME_ZONE}), 1 business debtor, ` +
        `${int(CASES)} cases on the ${STEPS.length}-step standard policy (due dates ${DUE_IN_DAYS} to ${DUE_IN_DAYS + DUE_SPREAD_DAYS - 1} days ahead), ` +
        `${int(BURST)} cases on a 1-step email_reminder policy, one invoice each`,
    );

    // 1.
    console.log(`\n1. Scheduling ${int(DEADLINES)} deadlines: pages of ${PLAN_BATCH_CASES} cases, planSchedule per case, deadlines.insertDeadlines per page, ${INSERTS_IN_FLIGHT} inserts in flight`);
    const s = await scheduleAll(db, fx, now);
    const counted = await deadlines.countScheduled(db);
    console.log(`   ${int(s.rows)} rows in ${fmt(s.seconds, 1)} s = ${int(s.rows / s.seconds)} rows/s (${int(counted)} scheduled rows in the table)`);
    console.log(
      `   where the bench process spent it: reading cases and invoices ${fmt(s.readSeconds, 1)} s, planning (planSchedule, building the rows) ${fmt(s.planSeconds, 1)} s ` +
        `(${fmt((s.planSeconds * 1e6) / CASES, 0)} us per case, ${fmt((s.planSeconds * 1e6) / s.rows, 1)} us per deadline), waiting for inserts ${fmt(s.insertWaitSeconds, 1)} s`,
    );
    console.log(`   Postgres backends of this database used ${fmt(s.backendSeconds, 1)} CPU-s; machine ${fmt(100 * s.host)}% busy over ${s.batches} batches`);
    await settle(db);

    // 2.
    console.log(`\n2. Worker memory with ${int(counted)} deadlines pending: one worker process, RECONCILE_INTERVAL_MS=${RECONCILE_INTERVAL_MS}, waiting ${MEMORY_WAIT_MS / 1000} s after "worker ready"`);
    const worker = startWorker({
      ...serviceEnv(database, redisPrefix),
      WORKER_CONCURRENCY: String(CONCURRENCY),
      RECONCILE_INTERVAL_MS: String(RECONCILE_INTERVAL_MS),
      DEADLINE_LOOKAHEAD_MS: String(LOOKAHEAD_MS),
      JOB_LOCK_MS: String(JOB_LOCK_MS),
    }, WORKER_NODE_ARGS);
    running = worker;
    const readyStart = performance.now();
    await worker.ready(60_000);
    console.log(`   worker pid ${worker.pid} ready after ${fmt((performance.now() - readyStart) / 1000, 1)} s`);
    const m = await measureMemory(db, worker);
    console.log(`   VmRSS ${fmt(m.rssMb, 1)} MB (peak VmHWM ${fmt(m.peakMb, 1)} MB) after ${m.passes} reconcile passes; per second: ${m.samples.map((x) => fmt(x)).join(' ')} MB`);

    // 3.
    console.log(`\n3. Burst: ${int(BURST)} deadlines due at one instant about ${BURST_LEAD_MS / 1000} s ahead, run by the same worker`);
    console.log(
      `   worker env: WORKER_CONCURRENCY=${CONCURRENCY} RECONCILE_INTERVAL_MS=${RECONCILE_INTERVAL_MS} DEADLINE_LOOKAHEAD_MS=${LOOKAHEAD_MS} JOB_LOCK_MS=${JOB_LOCK_MS} LOG_LEVEL=info (JSON lines to a pipe)`,
    );
    const stepsBefore = worker.log.stepsRan;
    const b = await runBurst(db, redis, fx, worker);
    console.log(`   due at ${b.due.toISOString()}; ${int(b.done)} done, ${int(b.finished - b.done)} otherwise finished, ${int(BURST - b.finished)} left; ${int(b.notifications)} notifications queued`);
    console.log(`   throughput ${fmt(b.throughput, 0)} deadlines/s (${fmt(b.spanSeconds, 2)} s from the due instant to the last completion)`);
    // completed_at is the step's clock reading once it holds its case: before its writes and commit.
    console.log(`   lag (completed_at - due_at): p50 ${int(percentile(b.lagsMs, 0.5))} ms, p99 ${int(percentile(b.lagsMs, 0.99))} ms, max ${int(b.lagsMs[b.lagsMs.length - 1] ?? Number.NaN)} ms`);
    console.log(`   completions per second after the due instant: ${b.perSecond.join(' ')}`);
    console.log(
      `   reconcile passes from the insert to the end of the burst: ${b.passes} in ${fmt(b.passWindowSeconds, 1)} s ` +
        `(one every ${fmt(b.passWindowSeconds / Math.max(1, b.passes), 1)} s with RECONCILE_INTERVAL_MS=${RECONCILE_INTERVAL_MS}; each lists at most 1,000 deadlines)`,
    );
    console.log(`   the worker had no job to run for ${fmt(b.idleSeconds, 1)} s of the ${fmt(b.spanSeconds, 1)} s while deadlines were overdue (two samples in a row with no job delayed, waiting or active)`);
    console.log('   timeline (s from the due instant; steps done, counted by their notifications; BullMQ jobs delayed / waiting / active):');
    for (const row of b.timeline) {
      console.log(`     ${fmt(row.t, 1).padStart(6)} s  ${String(row.finished).padStart(6)}  ${String(row.delayed).padStart(6)} / ${String(row.waiting).padStart(6)} / ${String(row.active).padStart(3)}`);
    }
    console.log(
      `   CPU over the burst: worker process ${fmt(b.workerCpuSeconds, 1)} s (${fmt((b.workerCpuSeconds * 1000) / Math.max(1, b.done), 2)} ms per deadline), ` +
        `its Postgres backends ${fmt(b.backendSeconds, 1)} s, Redis ${fmt(b.redisCpuSeconds, 1)} s (whole server); machine ${fmt(100 * b.host)}% busy`,
    );
    console.log(`   worker RSS peak during the burst ${fmt(b.peakRssMb, 1)} MB; it logged ${worker.log.stepsRan - stepsBefore} "step ran" lines`);
    const code = await worker.stop();
    running = undefined;
    console.log(`   worker stopped (exit code ${code})`);

    // 4.
    console.log(`\n4. BullMQ no-op ceiling: one Queue and one Worker in this process, concurrency ${CONCURRENCY}, ${int(NOOP_JOBS)} jobs (removeOnComplete, like the deadline jobs)`);
    const ready = await noopCeiling(redis, 'ready');
    console.log(`   ready jobs:                 ${int(ready.jobsPerSecond)} jobs/s (${fmt(ready.seconds, 2)} s)`);
    const delayed = await noopCeiling(redis, 'delayed');
    console.log(`   jobs delayed to one instant: ${int(delayed.jobsPerSecond)} jobs/s (${fmt(delayed.seconds, 2)} s from that instant; the burst's path through BullMQ)`);

    // Summary.
    const p99 = percentile(b.lagsMs, 0.99);
    const share = b.throughput / ready.jobsPerSecond;
    const verdict = (ok: boolean, known: boolean) => (known ? (ok ? 'PASS' : 'MISS') : 'n/a');
    const rows = [
      ['burst lag p99', `< ${TARGET_LAG_P99_MS} ms`, `${int(p99)} ms`, verdict(p99 < TARGET_LAG_P99_MS, Number.isFinite(p99) && !b.timedOut)],
      [
        'burst throughput / no-op ceiling',
        `>= ${fmt(TARGET_CEILING_SHARE, 2)}`,
        `${fmt(b.throughput, 0)} / ${fmt(ready.jobsPerSecond, 0)} = ${fmt(share, 2)}`,
        verdict(share >= TARGET_CEILING_SHARE, Number.isFinite(share) && !b.timedOut),
      ],
      [`worker RSS, ${int(counted)} pending`, `< ${TARGET_RSS_MB} MB`, `${fmt(m.rssMb, 1)} MB`, verdict(m.rssMb < TARGET_RSS_MB, Number.isFinite(m.rssMb))],
    ];
    console.log(`\nSummary (scheduling: ${int(s.rows / s.seconds)} rows/s; burst peak RSS ${fmt(b.peakRssMb, 1)} MB)`);
    printTable(['target', 'goal', 'measured', 'verdict'], rows);
    console.log(`\nWhole run: ${fmt((Date.now() - started) / 1000)} s`);

    let failed = false;
    if (worker.log.failures > 0) {
      failed = true;
      console.error(`ERROR: the worker logged ${worker.log.failures} errors; the first:\n${worker.log.errors.join('\n')}`);
    }
    if (b.timedOut || b.done < BURST) {
      failed = true;
      console.error(`ERROR: ${int(BURST - b.done)} burst deadlines were not done within ${BURST_TIMEOUT_MS / 1000} s of their due instant`);
    }
    if (!Number.isFinite(ready.jobsPerSecond) || !Number.isFinite(delayed.jobsPerSecond)) {
      failed = true;
      console.error('ERROR: the no-op jobs did not all complete within 120 s');
    }
    return failed ? 1 : 0;
  } finally {
    const left = running;
    running = undefined;
    if (left) {
      await left.stop(5_000).catch(() => undefined);
      if (left.log.failures > 0) console.error(`The worker logged ${left.log.failures} errors; the first:\n${left.log.errors.join('\n')}`);
    }
    await db.destroy().catch(() => undefined);
    await deleteKeysWithPrefix(redis, redisPrefix).finally(() => redis.quit());
    await database.drop();
  }
}


// Ctrl-C: stop the worker, delete the keys and drop the database rather than leave them behind.
// The database goes last: dropping it cuts off this process's own connections mid-query.
const interrupted = onInterrupt(
  async () => {
    await running?.stop(5_000).catch(() => undefined);
    await sweepKeys(redisPrefix).catch((err: unknown) => console.error(err));
    await database.drop().catch((err: unknown) => console.error(err));
    // The run goes on until the exit and may have written a key behind the first sweep.
    await sweepKeys(redisPrefix).catch((err: unknown) => console.error(err));
  },
  { quietAfter: true },
);

exitWith(main, interrupted);
