/**
 * Webhooks benchmark: events from the commit of their outbox row to a local receiver, through one
 * real worker process (the outbox relay; its other jobs have nothing to do) and one real notifier
 * process (the webhook sender), as production runs them.
 *   1. Burst: BENCH_EVENTS events written as fast as several concurrent writers commit them, in
 *      small transactions through outbox.appendEvents: events per second from the first commit to
 *      the last receipt, and the delay from each event's commit to its receipt.
 *   2. Trickle: a steady BENCH_TRICKLE_RATE events a second for BENCH_TRICKLE_SECONDS, one event
 *      per transaction: the delay on the idle path, where the relay's and the sender's poll
 *      intervals set it. Skipped when the burst did not all arrive: its backlog would stand in front.
 * Both spread their events over distinct cases with a few events each, a case's events in
 * consecutive transactions, so that several events of a case are often pending at once and the
 * per-case order is exercised. The run checks that every event arrived exactly once and each
 * case's events in commit order. Figures are printed, never asserted; the exit code is non-zero
 * only when something failed (a crash, an error logged, an event missing, duplicated, out of
 * order, or a request the receiver could not verify).
 *
 * Clocks: an event's commit time is this process's Date.now() just after its transaction's COMMIT
 * returned; its receipt time is the receiver's Date.now() once the request body had arrived. Both
 * read the same system clock. The relay's published_at and the sender's delivered_at come from
 * the services' clocks, the same system clock too.
 *
 * The receiver is a child process of its own (webhooks-receiver.ts), answering 204; it verifies
 * every RECEIVER_VERIFY_EVERY-th request with the standardwebhooks library.
 *
 * Env: DATABASE_URL (only its server is used; the run creates and drops database
 * fordra_bench_webhooks), REDIS_URL (keys under a prefix of this run's own, deleted after it),
 * BENCH_EVENTS (burst events, default 5000), BENCH_WRITERS (concurrent writers in the burst,
 * default 8), BENCH_TRICKLE_RATE (events a second, default 50), BENCH_TRICKLE_SECONDS (default 10),
 * BENCH_RELAY_INTERVAL_MS (the worker's OUTBOX_RELAY_INTERVAL_MS, default 200 like the service),
 * BENCH_POLL_INTERVAL_MS (the notifier's WEBHOOK_POLL_INTERVAL_MS, default 200 like the service),
 * BENCH_WEBHOOK_CONCURRENCY (the notifier's WEBHOOK_CONCURRENCY, default 20 like the service),
 * BENCH_WORKER_NODE_ARGS and BENCH_NOTIFIER_NODE_ARGS (extra Node options for the services, e.g.
 * "--cpu-prof --cpu-prof-dir=<absolute dir>").
 */
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { creditors, migrateToLatest, outbox, type Db } from '@fordra/db';
import { event } from '@fordra/domain';
import type { Redis } from '@fordra/jobs';
import { newSecret } from '@fordra/webhooks';
import { benchDatabase, openStores, releaseRun, redisPrefixFor, serviceEnv, settle as settleDb, storesLine, releaseOnInterrupt } from './common-db.js';
import { BackendCpu, cpuSecondsOf, exitWith, hostBusy, hostCpu, nodeArgs, positiveInt, sleep, stopChild, stopLogged, tsx } from './common-proc.js';
import { fmt, int, percentile, printRunHeader, printTable } from './common-report.js';
import { startNotifier, type NotifierProcess } from './notifier-proc.js';
import { startWorker, type WorkerProcess } from './scheduler-proc.js';
import type { ReceiverCounts, ReceiverMessage, ReceiverRequest } from './webhooks-receiver.js';

const database = benchDatabase('fordra_bench_webhooks');

const EVENTS = positiveInt('BENCH_EVENTS', 5000);
const WRITERS = positiveInt('BENCH_WRITERS', 8);
const TRICKLE_RATE = positiveInt('BENCH_TRICKLE_RATE', 50);
const TRICKLE_SECONDS = positiveInt('BENCH_TRICKLE_SECONDS', 10);
const RELAY_INTERVAL_MS = positiveInt('BENCH_RELAY_INTERVAL_MS', 200);
const POLL_INTERVAL_MS = positiveInt('BENCH_POLL_INTERVAL_MS', 200);
const WEBHOOK_CONCURRENCY = positiveInt('BENCH_WEBHOOK_CONCURRENCY', 20);
const WORKER_NODE_ARGS = nodeArgs('BENCH_WORKER_NODE_ARGS');
const NOTIFIER_NODE_ARGS = nodeArgs('BENCH_NOTIFIER_NODE_ARGS');

/** A case's events, written in consecutive transactions by one writer: their commit order is known. */
const EVENTS_PER_CASE = 5;
/** Each burst transaction holds the next event of this many cases: a small transaction, as a case change writes. */
const CASES_PER_TRANSACTION = 2;
const WARMUP_EVENTS = 100;
const RECEIVER_VERIFY_EVERY = 10;
/**
 * How long after its last commit a phase may take to arrive before it counts as failed: many times
 * what a healthy pipeline needs with the defaults, and short enough to keep a failing run brief.
 */
const DELIVERY_TIMEOUT_MS = 30_000;
/** How often the receipts are read while a phase is under way. */
const POLL_MS = 50;
/** After the last phase: time for a late duplicate to show before the count. */
const DUPLICATE_GRACE_MS = 1_000;
const EVENT_TYPE = 'case.updated';
const RECEIVER_PATH = '/hooks';

const redisPrefix = redisPrefixFor('webhooks');

/** What the signal handler and the cleanup must stop or remove, whichever comes first. */
const started: { worker?: WorkerProcess; notifier?: NotifierProcess; receiver?: ReceiverProcess; workDir?: string } = {};

// ---------------------------------------------------------------------------------------------
// The receiver process.

interface ReceiverProcess {
  readonly pid: number;
  readonly url: string;
  /** The receipts from index `from` on (arrival order) and the running counts. */
  receipts(from: number): Promise<{ ids: string[]; times: number[] } & ReceiverCounts>;
  stop(): Promise<number | null>;
}

/** Starts webhooks-receiver.ts as a child process and resolves once it listens. */
async function startReceiver(secret: string, timeoutMs = 30_000): Promise<ReceiverProcess> {
  const child = fork(fileURLToPath(new URL('./webhooks-receiver.ts', import.meta.url)), [], {
    execArgv: ['--import', tsx],
    env: { PATH: process.env.PATH ?? '', BENCH_RECEIVER_PATH: RECEIVER_PATH, BENCH_RECEIVER_SECRET: secret, BENCH_RECEIVER_VERIFY_EVERY: String(RECEIVER_VERIFY_EVERY) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (child.pid === undefined) throw new Error('the webhook receiver process did not start');
  type Receipts = Awaited<ReturnType<ReceiverProcess['receipts']>>;
  const pending: { resolve: (r: Receipts) => void; reject: (err: Error) => void }[] = [];
  child.on('message', (m: ReceiverMessage) => {
    if (m.type === 'receipts') pending.shift()?.resolve(m);
  });
  child.once('exit', (code) => {
    for (const p of pending.splice(0)) p.reject(new Error(`the webhook receiver exited (${code})`));
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the webhook receiver did not listen within ${timeoutMs} ms`)), timeoutMs);
    child.on('message', (m: ReceiverMessage) => {
      if (m.type !== 'listening') return;
      clearTimeout(timer);
      resolve(m.port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the webhook receiver exited (${code}) before it listened`));
    });
  }).catch(async (err: unknown) => {
    await stopChild(child, 1_000);
    throw err;
  });
  return {
    pid: child.pid,
    url: `http://127.0.0.1:${port}${RECEIVER_PATH}`,
    receipts(from) {
      if (!child.connected) return Promise.reject(new Error('the webhook receiver is gone'));
      return new Promise((resolve, reject) => {
        pending.push({ resolve, reject });
        child.send({ type: 'receipts', from } satisfies ReceiverRequest);
      });
    },
    stop: () => stopChild(child, 5_000),
  };
}

/** Everything the receiver has accepted, read incrementally, with each event's first arrival. */
class Receipts {
  readonly ids: string[] = [];
  readonly times: number[] = [];
  /** Event id -> index of its first arrival in `ids`. */
  readonly first = new Map<string, number>();
  counts: ReceiverCounts = { accepted: 0, verified: 0, rejected: 0, malformed: 0, problems: [] };

  constructor(private readonly receiver: ReceiverProcess) {}

  async pull(): Promise<void> {
    const r = await this.receiver.receipts(this.ids.length);
    for (let i = 0; i < r.ids.length; i++) {
      const id = r.ids[i]!;
      if (!this.first.has(id)) this.first.set(id, this.ids.length);
      this.ids.push(id);
      this.times.push(r.times[i]!);
    }
    const { ids: _ids, times: _times, ...counts } = r;
    this.counts = counts;
  }

  receivedAt(id: string): number | undefined {
    const i = this.first.get(id);
    return i === undefined ? undefined : this.times[i];
  }
}

// ---------------------------------------------------------------------------------------------
// Writing events.

interface Written {
  caseId: string;
  /** The event's place among its case's events: the commit order, since one writer writes them one transaction after another. */
  index: number;
  /** Date.now() just after the COMMIT returned. */
  committedAt: number;
}

/** The events of one transaction: each the next event of a different case. */
type Transaction = { caseId: string; index: number }[];

/**
 * `events` events over fresh case ids, EVENTS_PER_CASE each (the last case fewer), in groups of
 * `casesPerTransaction` cases. A group is written as consecutive transactions, the k-th holding the
 * k-th event of each case in the group.
 */
function planGroups(events: number, casesPerTransaction: number): Transaction[][] {
  const cases = Array.from({ length: Math.ceil(events / EVENTS_PER_CASE) }, (_, i) => ({
    caseId: randomUUID(),
    count: Math.min(EVENTS_PER_CASE, events - i * EVENTS_PER_CASE),
  }));
  const groups: Transaction[][] = [];
  for (let g = 0; g < cases.length; g += casesPerTransaction) {
    const members = cases.slice(g, g + casesPerTransaction);
    const transactions: Transaction[] = [];
    for (let k = 0; k < EVENTS_PER_CASE; k++) {
      const tx = members.filter((c) => k < c.count).map((c) => ({ caseId: c.caseId, index: k }));
      if (tx.length) transactions.push(tx);
    }
    groups.push(transactions);
  }
  return groups;
}

/** One small transaction through outbox.appendEvents, as a case change writes its events. */
async function commit(db: Db, creditorId: string, tx: Transaction, written: Map<string, Written>): Promise<void> {
  const events = tx.map((e) => event(EVENT_TYPE, e.caseId, { caseId: e.caseId, fields: [`bench${e.index}`] }));
  const ids = await db.transaction().execute((trx) => outbox.appendEvents(trx, creditorId, events, new Date()));
  const committedAt = Date.now();
  ids.forEach((id, i) => written.set(id, { caseId: tx[i]!.caseId, index: tx[i]!.index, committedAt }));
}

/** `writers` concurrent writers, each taking the next group of cases and writing it transaction by transaction. */
async function writeBurst(db: Db, creditorId: string, groups: Transaction[][], writers: number, written: Map<string, Written>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let g = next++; g < groups.length; g = next++) {
        for (const tx of groups[g]!) await commit(db, creditorId, tx, written);
      }
    }),
  );
}

/** One event per transaction at a steady rate, on a fixed schedule so that a slow commit does not shift the rest. */
async function writeTrickle(db: Db, creditorId: string, transactions: Transaction[], rate: number, written: Map<string, Written>): Promise<void> {
  const t0 = Date.now();
  for (let i = 0; i < transactions.length; i++) {
    await sleep(Math.max(0, t0 + (i * 1000) / rate - Date.now()));
    await commit(db, creditorId, transactions[i]!, written);
  }
}

// ---------------------------------------------------------------------------------------------
// Waiting for a phase to arrive.

interface Services {
  worker: WorkerProcess;
  notifier: NotifierProcess;
  receiver: ReceiverProcess;
}

function checkAlive(services: Services): void {
  for (const [name, p] of [['worker', services.worker], ['notifier', services.notifier]] as const) {
    if (p.exited()) throw new Error(`the ${name} exited during the run:\n${p.log.tail.join('\n')}`);
  }
}

/**
 * Reads the receipts until every event of `written` has arrived, or DELIVERY_TIMEOUT_MS after
 * `writing` settled. Returns whether it timed out.
 */
async function awaitArrival(receipts: Receipts, written: Map<string, Written>, writing: Promise<void>, services: Services, backends: BackendCpu): Promise<boolean> {
  let writeDone: number | undefined;
  let writeError: unknown;
  void writing.then(
    () => (writeDone = Date.now()),
    (err: unknown) => {
      writeDone = Date.now();
      writeError = err;
    },
  );
  let lastSample = 0;
  for (;;) {
    await sleep(POLL_MS);
    await receipts.pull();
    if (writeError) throw writeError;
    if (writeDone !== undefined) {
      let all = true;
      for (const id of written.keys()) {
        if (!receipts.first.has(id)) {
          all = false;
          break;
        }
      }
      if (all) return false;
      if (Date.now() - writeDone > DELIVERY_TIMEOUT_MS) return true;
    }
    checkAlive(services);
    if (Date.now() - lastSample >= 500) {
      backends.sample();
      lastSample = Date.now();
    }
  }
}

interface Cpu {
  worker: number;
  notifier: number;
  receiver: number;
  backends: number;
  host: number;
}

/** CPU time the processes involved used over a phase, measured from outside them. */
function cpuMeter(services: Services) {
  const pids = { worker: services.worker.pid, notifier: services.notifier.pid, receiver: services.receiver.pid };
  const read = () => Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSecondsOf(pid) ?? Number.NaN])) as Record<keyof typeof pids, number>;
  const cpu0 = read();
  const host0 = hostCpu();
  const backends = new BackendCpu(database.name);
  return {
    backends,
    stop(): Cpu {
      const cpu1 = read();
      return {
        worker: cpu1.worker - cpu0.worker,
        notifier: cpu1.notifier - cpu0.notifier,
        receiver: cpu1.receiver - cpu0.receiver,
        backends: backends.seconds(),
        host: hostBusy(host0, hostCpu()),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// What a phase measured and whether it kept its promises.

interface Phase {
  name: string;
  written: Map<string, Written>;
  timedOut: boolean;
  cpu: Cpu;
}

interface Analysis {
  events: number;
  received: number;
  missing: number;
  /** Receipts beyond the first of an event. */
  duplicates: number;
  cases: number;
  /** Cases with an event that arrived before an earlier one of theirs (or while an earlier one never did). */
  casesOutOfOrder: number;
  /** Cases in order so far, but with events missing. */
  casesIncomplete: number;
  outOfOrder: string[];
  firstCommit: number;
  lastCommit: number;
  lastReceipt: number;
  /** Commit -> first receipt, ascending, ms. */
  delays: number[];
  /** Commit -> published_at (the relay's pass), ascending, ms. */
  relayDelays: number[];
  /** published_at -> first receipt (the sender's poll and the request), ascending, ms. */
  sendDelays: number[];
  /** Receipts per second after the first commit. */
  perSecond: number[];
  failedAttempts: number;
  deliveries: number;
  delivered: number;
}

interface DeliveryRow {
  id: string;
  published_ms: number | null;
  status: string | null;
  attempts: number | null;
  failed_attempts: number | null;
}

async function deliveryRows(db: Db): Promise<Map<string, DeliveryRow>> {
  const rows = await sql<DeliveryRow>`
    SELECT o.id, extract(epoch FROM o.published_at) * 1000 AS published_ms, d.status, d.attempts,
           (SELECT count(*) FROM webhook_attempts a WHERE a.delivery_id = d.id AND a.outcome = 'failed')::int AS failed_attempts
    FROM outbox o LEFT JOIN webhook_deliveries d ON d.outbox_id = o.id
  `.execute(db);
  return new Map(rows.rows.map((r) => [r.id, r]));
}

const ascending = (xs: number[]) => xs.sort((a, b) => a - b);

function analyse(phase: Phase, receipts: Receipts, rows: Map<string, DeliveryRow>): Analysis {
  const arrivals = new Map<string, number>();
  for (const id of receipts.ids) arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
  const entries = [...phase.written];
  const firstCommit = Math.min(...entries.map(([, w]) => w.committedAt));
  const lastCommit = Math.max(...entries.map(([, w]) => w.committedAt));
  const delays: number[] = [];
  const relayDelays: number[] = [];
  const sendDelays: number[] = [];
  const perSecond: number[] = [];
  let received = 0;
  let duplicates = 0;
  let lastReceipt = Number.NaN;
  let failedAttempts = 0;
  let deliveries = 0;
  let delivered = 0;
  const byCase = new Map<string, { index: number; arrival: number | undefined }[]>();
  for (const [id, w] of entries) {
    const at = receipts.receivedAt(id);
    const row = rows.get(id);
    if (row?.status) {
      deliveries++;
      if (row.status === 'delivered') delivered++;
      failedAttempts += row.failed_attempts ?? 0;
    }
    if (at !== undefined) {
      received++;
      duplicates += (arrivals.get(id) ?? 1) - 1;
      delays.push(at - w.committedAt);
      if (!(at <= lastReceipt)) lastReceipt = at;
      const s = Math.max(0, Math.floor((at - firstCommit) / 1000));
      perSecond[s] = (perSecond[s] ?? 0) + 1;
      if (row?.published_ms !== null && row?.published_ms !== undefined) {
        relayDelays.push(Number(row.published_ms) - w.committedAt);
        sendDelays.push(at - Number(row.published_ms));
      }
    }
    const list = byCase.get(w.caseId) ?? [];
    list.push({ index: w.index, arrival: receipts.first.get(id) });
    byCase.set(w.caseId, list);
  }
  // A case is in order when its events arrived (first arrivals) in the order they were committed:
  // those that arrived are the first ones committed, each after the one committed before it.
  let casesOutOfOrder = 0;
  let casesIncomplete = 0;
  const outOfOrder: string[] = [];
  for (const [caseId, list] of byCase) {
    list.sort((a, b) => a.index - b.index);
    const arrived = list.filter((e) => e.arrival !== undefined);
    const prefix = arrived.every((e, i) => e === list[i]);
    const increasing = arrived.every((e, i) => i === 0 || e.arrival! > arrived[i - 1]!.arrival!);
    if (!prefix || !increasing) {
      casesOutOfOrder++;
      if (outOfOrder.length < 3) outOfOrder.push(`case ${caseId}: events in commit order arrived as ${list.map((e) => (e.arrival === undefined ? 'never' : `#${e.arrival}`)).join(', ')}`);
    } else if (arrived.length < list.length) casesIncomplete++;
  }
  return {
    events: entries.length,
    received,
    missing: entries.length - received,
    duplicates,
    cases: byCase.size,
    casesOutOfOrder,
    casesIncomplete,
    outOfOrder,
    firstCommit,
    lastCommit,
    lastReceipt,
    delays: ascending(delays),
    relayDelays: ascending(relayDelays),
    sendDelays: ascending(sendDelays),
    perSecond: Array.from(perSecond, (n) => n ?? 0),
    failedAttempts,
    deliveries,
    delivered,
  };
}

// ---------------------------------------------------------------------------------------------

const settle = (db: Db) => settleDb((statement) => sql.raw(statement).execute(db));

async function main(): Promise<number> {
  const runStart = Date.now();
  await printRunHeader(
    'webhooks',
    `1 worker (outbox relay every ${RELAY_INTERVAL_MS} ms when drained), 1 notifier (webhook sender: ${WEBHOOK_CONCURRENCY} requests in flight, polls every ${POLL_INTERVAL_MS} ms when idle)`,
  );

  // A connection per writer, and one for the setup and the read-outs.
  const { db, redis } = await openStores(database, { maxConnections: WRITERS + 2, applicationName: 'fordra-bench-webhooks' });
  try {
    started.workDir = await mkdtemp(join(tmpdir(), 'fordra-bench-webhooks-'));
    await migrateToLatest(db);
    const setupStart = performance.now();
    const now = new Date();
    const creditor = await creditors.insertCreditor(db, { name: 'Bench AB', country: 'SE', defaultCurrency: 'SEK', timeZone: 'Europe/Stockholm' }, now);
    const secret = newSecret();
    const receiver = await startReceiver(secret);
    started.receiver = receiver;
    const endpoint = await db
      .insertInto('webhook_endpoints')
      .values({ creditor_id: creditor.id, url: receiver.url, event_types: [], created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('webhook_secrets').values({ endpoint_id: endpoint.id, secret, created_at: now }).execute();

    const workerEnv = { OUTBOX_RELAY_INTERVAL_MS: String(RELAY_INTERVAL_MS) };
    const notifierEnv = { WEBHOOK_CONCURRENCY: String(WEBHOOK_CONCURRENCY), WEBHOOK_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS), WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' };
    const worker = startWorker({ ...serviceEnv(database, redisPrefix), ...workerEnv }, WORKER_NODE_ARGS);
    started.worker = worker;
    const notifier = startNotifier(
      {
        ...serviceEnv(database, redisPrefix),
        ...notifierEnv,
        // Production refuses the development secret; nothing here signs a link with it.
        AGREEMENT_LINK_SECRET: randomBytes(32).toString('hex'),
        MAIL_OUTBOX_DIR: join(started.workDir, 'mail'),
        LETTER_OUTBOX_DIR: join(started.workDir, 'letters'),
        AGENCY_OUTBOX_DIR: join(started.workDir, 'agency'),
      },
      NOTIFIER_NODE_ARGS,
    );
    started.notifier = notifier;
    await Promise.all([worker.ready(60_000), notifier.ready(60_000)]);
    const services: Services = { worker, notifier, receiver };
    const receipts = new Receipts(receiver);

    console.log(storesLine(database, redisPrefix));
    console.log(
      `Setup (untimed, ${fmt((performance.now() - setupStart) / 1000, 1)} s): 1 creditor with 1 webhook endpoint (every event type, one whsec_ secret from newSecret) at ${receiver.url}: ` +
        `a Node HTTP server in a child process (pid ${receiver.pid}) answering 204, verifying every ${RECEIVER_VERIFY_EVERY}th request with standardwebhooks`,
    );
    const line = (env: Record<string, string>) => Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');
    console.log(`worker pid ${worker.pid}, env: ${line(workerEnv)}, the rest default; it has no deadlines, agreements or hand-overs, so only the relay works`);
    console.log(`notifier pid ${notifier.pid}, env: ${line(notifierEnv)}, the rest default; no messages to send, so only the webhook sender works`);
    console.log(`Events: ${EVENT_TYPE} via outbox.appendEvents on fresh case ids, ${EVENTS_PER_CASE} per case, a case's events in consecutive transactions of one writer`);

    // Warm-up: the first requests pay for connections and compilation; their figures are not the steady state's.
    const warm = new Map<string, Written>();
    const warmStart = performance.now();
    const warmTimedOut = await awaitArrival(receipts, warm, writeBurst(db, creditor.id, planGroups(WARMUP_EVENTS, CASES_PER_TRANSACTION), 1, warm), services, new BackendCpu(database.name));
    if (warmTimedOut) throw new Error(`the warm-up's ${WARMUP_EVENTS} events did not all arrive within ${DELIVERY_TIMEOUT_MS / 1000} s; receiver: ${JSON.stringify(receipts.counts)}`);
    console.log(`Warm-up (untimed): ${WARMUP_EVENTS} events from 1 writer, all received after ${fmt((performance.now() - warmStart) / 1000, 1)} s`);
    // Statistics as production's autovacuum keeps them for a healthy endpoint: taken while the
    // deliveries are all delivered, nothing pending. The bench's server may not analyse by itself
    // (autovacuum off), and plans made on tables never analysed are not the ones production meets.
    await settle(db);

    // 1.
    const groups = planGroups(EVENTS, CASES_PER_TRANSACTION);
    const transactions = groups.reduce((n, g) => n + g.length, 0);
    console.log(
      `\n1. Burst: ${int(EVENTS)} events over ${int(Math.ceil(EVENTS / EVENTS_PER_CASE))} cases, ${WRITERS} concurrent writers, ` +
        `${int(transactions)} transactions of ${CASES_PER_TRANSACTION} events (each the next event of a different case), committed as fast as they go`,
    );
    const burstWritten = new Map<string, Written>();
    let meter = cpuMeter(services);
    const burstTimedOut = await awaitArrival(receipts, burstWritten, writeBurst(db, creditor.id, groups, WRITERS, burstWritten), services, meter.backends);
    const burst: Phase = { name: 'burst', written: burstWritten, timedOut: burstTimedOut, cpu: meter.stop() };

    // 2.
    const trickleEvents = TRICKLE_RATE * TRICKLE_SECONDS;
    let steady: Phase | undefined;
    const trickleWritten = new Map<string, Written>();
    console.log(
      `2. Trickle: ${int(trickleEvents)} events at ${TRICKLE_RATE}/s for ${TRICKLE_SECONDS} s, one event per transaction, from 1 writer, ` +
        `over ${int(Math.ceil(trickleEvents / EVENTS_PER_CASE))} cases (two cases' events interleaved)`,
    );
    if (burst.timedOut) {
      console.log("   skipped: the burst's undelivered events would stand in front of it");
    } else {
      const trickle = planGroups(trickleEvents, CASES_PER_TRANSACTION).flat().flatMap((tx) => tx.map((e) => [e]));
      meter = cpuMeter(services);
      const trickleTimedOut = await awaitArrival(receipts, trickleWritten, writeTrickle(db, creditor.id, trickle, TRICKLE_RATE, trickleWritten), services, meter.backends);
      steady = { name: 'trickle', written: trickleWritten, timedOut: trickleTimedOut, cpu: meter.stop() };
    }

    await sleep(DUPLICATE_GRACE_MS);
    await receipts.pull();
    const rows = await deliveryRows(db);
    const phases = [burst, ...(steady ? [steady] : [])].map((p) => ({ phase: p, a: analyse(p, receipts, rows) }));
    const written = new Set([...warm.keys(), ...burstWritten.keys(), ...trickleWritten.keys()]);
    const strangers = [...receipts.first.keys()].filter((id) => !written.has(id)).length;

    console.log('\nReceipts per second after the first commit');
    for (const { phase, a } of phases) console.log(`   ${phase.name}: ${a.perSecond.join(' ')}`);

    // Summary.
    const ms = (xs: number[], q: number) => int(percentile(xs, q));
    const column = (p: Phase, a: Analysis) => {
      const commitSeconds = (a.lastCommit - a.firstCommit) / 1000;
      const elapsed = (a.lastReceipt - a.firstCommit) / 1000;
      const per1000 = (sec: number) => fmt((sec * 1000) / Math.max(1, a.events), 2);
      return [
        int(a.events),
        p === burst ? `${WRITERS} (${CASES_PER_TRANSACTION} events per transaction)` : `1 (1 event per transaction, every ${fmt(1000 / TRICKLE_RATE, 0)} ms)`,
        `${fmt(commitSeconds, 2)} s (${int(a.events / commitSeconds)}/s)`,
        `${fmt(elapsed, 2)} s${p.timedOut ? ' (timed out)' : ''}`,
        int(a.received / elapsed),
        `${ms(a.delays, 0.5)} / ${ms(a.delays, 0.95)} / ${ms(a.delays, 0.99)} / ${int(a.delays[a.delays.length - 1] ?? Number.NaN)}`,
        `${ms(a.relayDelays, 0.5)} / ${ms(a.relayDelays, 0.99)}`,
        `${ms(a.sendDelays, 0.5)} / ${ms(a.sendDelays, 0.99)}`,
        `${int(a.received)} of ${int(a.events)} (${int(a.missing)} missing, ${int(a.duplicates)} duplicates)`,
        `${int(a.cases - a.casesOutOfOrder)} of ${int(a.cases)}${a.casesIncomplete ? ` (${int(a.casesIncomplete)} of them with events missing)` : ''}`,
        `${int(a.delivered)} of ${int(a.deliveries)} delivered; ${int(a.failedAttempts)} failed attempts`,
        `${per1000(p.cpu.worker)} / ${per1000(p.cpu.notifier)} / ${per1000(p.cpu.receiver)} / ${per1000(p.cpu.backends)}`,
        `${fmt(100 * p.cpu.host)}%`,
      ];
    };
    const labels = [
      'events',
      'writers',
      'commits, first to last',
      'elapsed, first commit to last receipt',
      'events/s, first commit to last receipt',
      'delay commit -> receipt, ms: p50 / p95 / p99 / max',
      '  commit -> published by the relay, ms: p50 / p99',
      '  published -> receipt (sender), ms: p50 / p99',
      'arrived exactly once',
      'cases whose events arrived in commit order',
      'deliveries (webhook_deliveries)',
      'CPU-s per 1,000 events: worker / notifier / receiver / Postgres',
      'machine busy',
    ];
    const columns = phases.map(({ phase, a }) => column(phase, a));
    console.log('\nSummary');
    printTable(
      ['measure', ...phases.map(({ phase }) => (phase === burst ? '1. burst' : '2. trickle'))],
      labels.map((label, i) => [label, ...columns.map((col) => col[i]!)]),
    );
    const c = receipts.counts;
    console.log(
      `\nReceiver: ${int(c.accepted)} requests answered 204; ${int(c.verified)} sampled requests verified with standardwebhooks (signature, timestamp, body id = webhook-id), ` +
        `${int(c.rejected)} refused, ${int(c.malformed)} malformed; ${int(strangers)} event ids it received were never written`,
    );
    console.log('Postgres CPU counts every backend of the bench database: the writers\' as well as the services\'.');
    console.log(`\nWhole run: ${fmt((Date.now() - runStart) / 1000)} s`);

    let failed = false;
    const error = (message: string) => {
      failed = true;
      console.error(`ERROR: ${message}`);
    };
    // Stopped before their logs are judged, so that an error on the way out counts too.
    started.worker = undefined;
    started.notifier = undefined;
    const codes = await Promise.all([worker.stop(), notifier.stop()]);
    for (const [name, p, code] of [['worker', worker, codes[0]], ['notifier', notifier, codes[1]]] as const) {
      if (p.log.failures > 0) error(`the ${name} logged ${p.log.failures} errors; the first:\n${p.log.errors.join('\n')}`);
      if (code !== 0) error(`the ${name} exited with code ${code} on SIGTERM`);
    }
    for (const { phase, a } of phases) {
      if (phase.timedOut || a.missing > 0) error(`${phase.name}: ${int(a.missing)} of ${int(a.events)} events did not arrive within ${DELIVERY_TIMEOUT_MS / 1000} s of the last commit`);
      if (a.duplicates > 0) error(`${phase.name}: ${int(a.duplicates)} duplicate deliveries`);
      if (a.casesOutOfOrder > 0) error(`${phase.name}: ${int(a.casesOutOfOrder)} cases' events arrived out of commit order, e.g.\n${a.outOfOrder.join('\n')}`);
    }
    if (c.rejected > 0 || c.malformed > 0) error(`the receiver refused ${c.rejected} requests and found ${c.malformed} malformed: ${c.problems.join('; ')}`);
    if (c.verified === 0) error('the receiver verified no request');
    if (strangers > 0) error(`the receiver got ${strangers} event ids that were never written`);
    return failed ? 1 : 0;
  } finally {
    await cleanUp(db, redis);
  }
}

async function cleanUp(db: Db | undefined, redis: Redis | undefined): Promise<void> {
  const { worker, notifier, receiver, workDir } = started;
  started.worker = undefined;
  started.notifier = undefined;
  started.receiver = undefined;
  started.workDir = undefined;
  await Promise.all([stopLogged('worker', worker), stopLogged('notifier', notifier)]);
  await receiver?.stop().catch((err: unknown) => console.error(err));
  await releaseRun({ database, redisPrefix, workDir, db, redis });
}

// Ctrl-C: stop the children, delete the keys, the work folder and the database rather than leave them behind.
const interrupted = releaseOnInterrupt(redisPrefix, cleanUp);

exitWith(main, interrupted);
