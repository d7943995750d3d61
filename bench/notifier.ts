/**
 * Notifier benchmark: one real notifier process against Postgres, Redis and a local SMTP sink.
 *   1. Emails: one queued friendly_reminder email per case, the invoice PDF attached, sent by one
 *      notifier to an SMTP server that accepts everything and keeps nothing.
 *   2. Letters: queued reminder_letter letters, the invoice PDF appended, rendered and dropped in
 *      a temporary letter folder by a fresh notifier.
 *   3. Rendering alone: renderMessage and renderLetter in this process on the same content and
 *      without the database, to split the cost of a message between rendering and the rest.
 * Figures are printed, never asserted; the exit code is non-zero only when something failed (a
 * crash, an error logged, messages left unsent, emails the sink did not receive).
 *
 * The SMTP sink is a child process of its own (notifier-sink.ts): in this process it would share
 * the event loop with the sampling, and its CPU time could not be told apart from the bench's.
 * Each phase starts a fresh notifier with its messages already queued, so that its peak memory is
 * that phase's and the clock starts when its reconciler starts handing the messages out.
 *
 * Env: DATABASE_URL (only its server is used; the run creates and drops database
 * fordra_bench_notifier), REDIS_URL (keys under a prefix of this run's own, deleted after it),
 * BENCH_CONCURRENCY (the notifier's NOTIFIER_CONCURRENCY, default 8), BENCH_EMAILS (default
 * 2000), BENCH_LETTERS (default 500), BENCH_RECONCILE_INTERVAL_MS (the notifier's
 * NOTIFIER_RECONCILE_INTERVAL_MS, default 500), BENCH_NOTIFIER_NODE_ARGS (extra Node options for
 * the notifier, e.g. "--cpu-prof --cpu-prof-dir=<absolute dir>" to see where its time goes).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import { sql } from 'kysely';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { buildMessageContext } from '@fordra/collection';
import { creditors, migrateToLatest, type Db } from '@fordra/db';
import { addDays, dayOf } from '@fordra/domain';
import { bullPrefix, createRedis, QUEUES, type Redis } from '@fordra/jobs';
import { renderLetter, type LetterContent } from '@fordra/letters';
import { formatDay, formatMoney, renderMessage, type MessageContext } from '@fordra/templates';
import { benchDatabase, openStores, releaseRun, redisPrefixFor, redisUrl, serviceEnv, storesLine, settle as settleDb, releaseOnInterrupt } from './common-db.js';
import { BackendCpu, cpuSecondsOf, exitWith, hostBusy, hostCpu, memoryOf, nodeArgs, positiveInt, redisCpuSeconds, sleep, stopLogged } from './common-proc.js';
import { fmt, int, printRunHeader, printTable } from './common-report.js';
import { startNotifier, startSmtpSink, type NotifierProcess, type SmtpSinkProcess } from './notifier-proc.js';

const database = benchDatabase('fordra_bench_notifier');

const CONCURRENCY = positiveInt('BENCH_CONCURRENCY', 8);
const EMAILS = positiveInt('BENCH_EMAILS', 2000);
const LETTERS = positiveInt('BENCH_LETTERS', 500);
const NOTIFIER_NODE_ARGS = nodeArgs('BENCH_NOTIFIER_NODE_ARGS');
const RECONCILE_INTERVAL_MS = positiveInt('BENCH_RECONCILE_INTERVAL_MS', 500);
const PHASE_TIMEOUT_MS = 120_000;
const SAMPLE_MS = 250;
const COUNTRY = 'SE';
const TIME_ZONE = 'Europe/Stockholm';
const CURRENCY = 'SEK';
const LANGUAGE = 'sv';
const MAIL_FROM = 'reminders@acme.example';
const INVOICE_AMOUNT_MINOR = 125_000;
/** Renders before each timed loop, so that the loop times compiled code and warm caches, and the least time a loop runs. */
const RENDER_WARMUP = 20;
const RENDER_MIN_MS = 3_000;

const PHASES = {
  email: { template: 'friendly_reminder', reference: 'E-', count: EMAILS, noun: 'emails' },
  letter: { template: 'reminder_letter', reference: 'L-', count: LETTERS, noun: 'letters' },
} as const;
type Channel = keyof typeof PHASES;

const redisPrefix = redisPrefixFor('notifier');

/** What the signal handler and the cleanup must stop or remove, whichever comes first. */
const started: { notifier?: NotifierProcess; sink?: SmtpSinkProcess; workDir?: string } = {};

// ---------------------------------------------------------------------------------------------
// Setup, untimed: one creditor with full sender details, and per case a debtor reachable by email
// and post, an invoice and its PDF, bulk-inserted.

interface Fixture {
  creditorId: string;
  invoicePdf: Uint8Array;
}

/** A one-page invoice, like the small PDFs creditors upload. */
async function invoicePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const lines = ['FAKTURA F-1', 'Acme Städ AB, Box 123, 111 22 Stockholm', 'Fönsterputs, september', `Att betala: ${formatMoney(INVOICE_AMOUNT_MINOR, CURRENCY, LANGUAGE)}`, 'Bankgiro 5050-1055'];
  lines.forEach((text, i) => page.drawText(text, { x: 50, y: 780 - 22 * i, size: 12, font }));
  return doc.save();
}

async function prepare(db: Db, now: Date): Promise<Fixture> {
  const creditor = await creditors.insertCreditor(db, { name: 'Acme Städ AB', country: COUNTRY, defaultCurrency: CURRENCY, timeZone: TIME_ZONE }, now);
  await db
    .updateTable('creditors')
    .set({
      reply_to: 'reskontra@acme.example',
      contact_email: 'reskontra@acme.example',
      contact_phone: '08-123 45 67',
      website: 'acme.example',
      address_lines: JSON.stringify(['Box 123', '111 22 Stockholm']),
      organisation_number: '556677-8899',
      bankgiro: '5050-1055',
      iban: 'SE45 5000 0000 0583 9825 7466',
      bic: 'ESSESESS',
    })
    .where('id', '=', creditor.id)
    .execute();
  const pdf = await invoicePdf();
  const fx = { creditorId: creditor.id, invoicePdf: pdf };
  for (const phase of Object.values(PHASES)) await insertCases(db, fx, phase.reference, phase.count, now);
  return fx;
}

async function insertCases(db: Db, fx: Fixture, reference: string, count: number, now: Date): Promise<void> {
  const due = addDays(dayOf(now, TIME_ZONE), -20);
  const pdf = Buffer.from(fx.invoicePdf);
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  // The customer number carries the case's own reference from the debtor to its case.
  await sql`
    WITH d AS (
      INSERT INTO debtors (creditor_id, kind, name, email, address_line1, postal_code, city, country, preferred_language, customer_number, created_at, updated_at)
      SELECT ${fx.creditorId}::uuid, 'business', 'Kund ' || n || ' AB', 'ap' || n || '@kund' || n || '.example', 'Storgatan ' || n, '111 22', 'Stockholm', 'SE', ${LANGUAGE},
             ${reference} || n, ${now}::timestamptz, ${now}::timestamptz
      FROM generate_series(1, ${count}::int) AS n
      RETURNING id, creditor_id, customer_number
    ), c AS (
      INSERT INTO cases (creditor_id, debtor_id, status, currency, handler, external_reference, created_at, updated_at, activated_at)
      SELECT creditor_id, id, 'active', ${CURRENCY}, 'bench', customer_number, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz FROM d
      RETURNING id, creditor_id
    ), i AS (
      INSERT INTO invoices (creditor_id, case_id, number, issue_date, due_date, amount_minor, currency, created_at)
      SELECT creditor_id, id, 'F-1', ${addDays(due, -30)}::date, ${due}::date, ${INVOICE_AMOUNT_MINOR}, ${CURRENCY}, ${now}::timestamptz FROM c
      RETURNING id, creditor_id
    )
    INSERT INTO invoice_documents (invoice_id, creditor_id, content, size_bytes, sha256, filename, uploaded_at)
    SELECT id, creditor_id, ${pdf}, ${pdf.length}::int, ${sha256}, 'F-1.pdf', ${now}::timestamptz FROM i
  `.execute(db);
}

/** One queued notification per case of the phase, as a policy step writes it (see two-notifiers.test.ts). */
async function queueNotifications(db: Db, fx: Fixture, channel: Channel, now: Date): Promise<number> {
  const phase = PHASES[channel];
  // The same recipient shapes as @fordra/collection's recipientFor.
  const recipient =
    channel === 'email'
      ? sql`jsonb_build_object('name', d.name, 'email', d.email)`
      : sql`jsonb_build_object('name', d.name, 'line1', d.address_line1, 'line2', d.address_line2, 'postalCode', d.postal_code, 'city', d.city, 'country', d.country)`;
  const result = await sql`
    INSERT INTO notifications (creditor_id, case_id, deadline_id, idempotency_key, channel, template, language, recipient, attach_invoice, status, created_at, updated_at)
    SELECT c.creditor_id, c.id, NULL, 'bench-' || c.external_reference, ${channel}, ${phase.template}, d.preferred_language, ${recipient}, true, 'queued', ${now}::timestamptz, ${now}::timestamptz
    FROM cases c JOIN debtors d ON d.id = c.debtor_id
    WHERE c.creditor_id = ${fx.creditorId}::uuid AND c.external_reference LIKE ${`${phase.reference}%`}
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

const settle = (db: Db) => settleDb((statement) => sql.raw(statement).execute(db));

// ---------------------------------------------------------------------------------------------
// What Postgres and Redis say about the work done: statements by table, transactions, CPU.

interface DbStats {
  xacts: number;
  tables: Map<string, { scans: number; inserts: number; updates: number }>;
}

async function dbStats(db: Db): Promise<DbStats> {
  // This process's own backend keeps its counts (the setup's inserts, their foreign-key checks)
  // for up to ten seconds; they would otherwise land among the notifier's.
  await sql`SELECT pg_stat_force_next_flush()`.execute(db);
  const tables = await sql<{ relname: string; scans: string; ins: string; upd: string }>`
    SELECT relname, (coalesce(seq_scan, 0) + coalesce(idx_scan, 0))::text AS scans, n_tup_ins::text AS ins, n_tup_upd::text AS upd FROM pg_stat_user_tables
  `.execute(db);
  const xacts = await sql<{ n: string }>`SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()`.execute(db);
  return {
    xacts: Number(xacts.rows[0]?.n),
    tables: new Map(tables.rows.map((r) => [r.relname, { scans: Number(r.scans), inserts: Number(r.ins), updates: Number(r.upd) }])),
  };
}

/** Per table, what happened between two readings: reads (scans), rows inserted and updated. */
function statsDelta(before: DbStats, after: DbStats) {
  const rows = [...after.tables].map(([table, a]) => {
    const b = before.tables.get(table) ?? { scans: 0, inserts: 0, updates: 0 };
    return { table, scans: a.scans - b.scans, inserts: a.inserts - b.inserts, updates: a.updates - b.updates };
  });
  return { xacts: after.xacts - before.xacts, tables: rows.filter((r) => r.scans + r.inserts + r.updates > 0).sort((x, y) => y.scans - x.scans) };
}

// ---------------------------------------------------------------------------------------------
// 1 and 2. One phase: queue the messages, start a notifier, wait until it has handled them all.

/** What one notifier process did while it handled a phase's messages, measured from outside it. */
interface Run {
  pid: number;
  startupSeconds: number;
  /** When the notifier logged "notifier ready" (epoch ms): its reconciler's first pass starts then. */
  t0: number;
  /** The span over which the CPU figures were taken: from "notifier ready" until the last message was handled. */
  windowSeconds: number;
  notifierCpu: number;
  sinkCpu: number;
  backendCpu: number;
  redisCpu: number;
  host: number;
  readyRssMb: number;
  peakRssMb: number;
  rssSamples: number[];
  sinkMessages: number;
  sinkBytes: number;
  exitCode: number | null;
  log: NotifierProcess['log'];
  timedOut: boolean;
}

interface PhaseResult extends Run {
  channel: Channel;
  queued: number;
  sent: number;
  failed: number;
  cancelled: number;
  left: number;
  /** From "notifier ready" to the last sent_at. */
  seconds: number;
  firstSentSeconds: number;
  perSecond: number[];
  /** Mean of sent_at - rendered_at: from the stored render to the commit of the send, per message. */
  sendMs: number;
  stats: ReturnType<typeof statsDelta>;
  jobs: { added: number; duplicated: number };
  pdfBytes: number;
  pages: number;
  letterFiles: { pdf: number; json: number };
}

async function runPhase(db: Db, redis: Redis, fx: Fixture, channel: Channel, env: Record<string, string>, letterDir: string): Promise<PhaseResult> {
  const queued = await queueNotifications(db, fx, channel, new Date());
  await settle(db);
  const stats0 = await dbStats(db);
  // Every add of a job id Redis already holds is a "duplicated" event: the reconciler's passes
  // over messages whose job is still waiting or running.
  const jobs = { added: 0, duplicated: 0 };
  const events = new QueueEvents(QUEUES.notifications, { connection: createRedis(redisUrl), prefix: bullPrefix(redisPrefix) });
  let run: Run;
  try {
    events.on('waiting', () => jobs.added++);
    events.on('duplicated', () => jobs.duplicated++);
    await events.waitUntilReady();
    run = await runNotifier(redis, env, queued, channel);
  } finally {
    await events.close();
  }
  // Backends report their statistics when they end; give the notifier's a moment to do so.
  await sleep(1100);
  const stats = statsDelta(stats0, await dbStats(db));

  const outcome = await sql<{ status: string; n: string; first_ms: number | null; last_ms: number | null; send_ms: number | null; pdf_bytes: number | null; pages: number | null }>`
    SELECT status, count(*)::text AS n, extract(epoch FROM min(sent_at)) * 1000 AS first_ms, extract(epoch FROM max(sent_at)) * 1000 AS last_ms,
           avg(extract(epoch FROM sent_at - rendered_at)) * 1000 AS send_ms, avg(octet_length(pdf)) AS pdf_bytes, avg(pages) AS pages
    FROM notifications WHERE channel = ${channel} GROUP BY status
  `.execute(db);
  const by = (status: string) => outcome.rows.find((r) => r.status === status);
  const sentRow = by('sent');
  const buckets = await sql<{ s: number; n: string }>`
    SELECT floor(extract(epoch FROM sent_at) - ${run.t0 / 1000}::float8)::int AS s, count(*)::text AS n
    FROM notifications WHERE channel = ${channel} AND status = 'sent' GROUP BY 1 ORDER BY 1
  `.execute(db);
  const perSecond: number[] = [];
  for (const b of buckets.rows) perSecond[Math.max(0, b.s)] = (perSecond[Math.max(0, b.s)] ?? 0) + Number(b.n);

  let letterFiles = { pdf: 0, json: 0 };
  if (channel === 'letter') {
    const files = await readdir(letterDir).catch(() => [] as string[]);
    letterFiles = { pdf: files.filter((f) => f.endsWith('.pdf')).length, json: files.filter((f) => f.endsWith('.json')).length };
  }

  return {
    ...run,
    channel,
    queued,
    sent: Number(sentRow?.n ?? 0),
    failed: Number(by('failed')?.n ?? 0),
    cancelled: Number(by('cancelled')?.n ?? 0),
    left: Number(by('queued')?.n ?? 0),
    seconds: (Number(sentRow?.last_ms) - run.t0) / 1000,
    firstSentSeconds: (Number(sentRow?.first_ms) - run.t0) / 1000,
    perSecond: Array.from(perSecond, (n) => n ?? 0),
    sendMs: Number(sentRow?.send_ms),
    stats,
    jobs,
    pdfBytes: Number(sentRow?.pdf_bytes),
    pages: Number(sentRow?.pages),
    letterFiles,
  };
}

/** Starts a notifier, waits until it has handled `queued` messages, and stops it. */
async function runNotifier(redis: Redis, env: Record<string, string>, queued: number, channel: Channel): Promise<Run> {
  const sink = started.sink!;
  const redis0 = await redisCpuSeconds(redis);
  const sink0 = await sink.count();
  const sinkCpu0 = cpuSecondsOf(sink.pid) ?? Number.NaN;

  const launched = performance.now();
  const notifier = startNotifier(env, NOTIFIER_NODE_ARGS);
  started.notifier = notifier;
  await notifier.ready(60_000);
  const startupSeconds = (performance.now() - launched) / 1000;
  const t0 = notifier.log.readyAt ?? Date.now();
  const window0 = performance.now();
  const backends = new BackendCpu(database.name);
  const host0 = hostCpu();
  const cpu0 = cpuSecondsOf(notifier.pid) ?? Number.NaN;
  const readyRssMb = memoryOf(notifier.pid)?.rssMb ?? Number.NaN;

  // Progress comes from the notifier's own "notification handled" lines, logged after each
  // commit, so that this process sends no query that would count among the notifier's.
  const handled = () => Object.values(notifier.log.handled).reduce((a, b) => a + b, 0);
  const rssSamples: number[] = [];
  let timedOut = false;
  let lastSample = performance.now();
  for (;;) {
    await sleep(SAMPLE_MS);
    backends.sample();
    if (performance.now() - lastSample >= 1000 || rssSamples.length === 0) {
      rssSamples.push(memoryOf(notifier.pid)?.rssMb ?? Number.NaN);
      lastSample = performance.now();
    }
    if (handled() >= queued) break;
    if (notifier.exited()) throw new Error(`the notifier exited during the ${channel} phase:\n${notifier.log.tail.join('\n')}`);
    if (Date.now() - t0 > PHASE_TIMEOUT_MS) {
      timedOut = true;
      break;
    }
  }
  const notifierCpu = (cpuSecondsOf(notifier.pid) ?? Number.NaN) - cpu0;
  const windowSeconds = (performance.now() - window0) / 1000;
  const host = hostBusy(host0, hostCpu());
  const backendCpu = backends.seconds();
  const peakRssMb = memoryOf(notifier.pid)?.peakMb ?? Number.NaN;
  const sinkCpu = (cpuSecondsOf(sink.pid) ?? Number.NaN) - sinkCpu0;
  const redisCpu = (await redisCpuSeconds(redis)) - redis0;
  const sink1 = await sink.count();
  const exitCode = await notifier.stop();
  started.notifier = undefined;
  return {
    pid: notifier.pid,
    startupSeconds,
    t0,
    windowSeconds,
    notifierCpu,
    sinkCpu,
    backendCpu,
    redisCpu,
    host,
    readyRssMb,
    peakRssMb,
    rssSamples,
    sinkMessages: sink1.messages - sink0.messages,
    sinkBytes: sink1.bytes - sink0.bytes,
    exitCode,
    log: notifier.log,
    timedOut,
  };
}

function printPhase(r: PhaseResult): void {
  const n = Math.max(1, r.sent);
  const noun = PHASES[r.channel].noun;
  console.log(`   notifier pid ${r.pid} ready ${fmt(r.startupSeconds, 1)} s after its start`);
  console.log(`   ${int(r.sent)} sent, ${int(r.failed)} failed, ${int(r.cancelled)} cancelled, ${int(r.left)} still queued${r.timedOut ? ` (gave up after ${PHASE_TIMEOUT_MS / 1000} s)` : ''}`);
  console.log(
    `   ${fmt(r.sent / r.seconds, 1)} ${noun}/s: ${fmt(r.seconds, 2)} s from "notifier ready" to the last sent_at ` +
      `(first sent after ${fmt(r.firstSentSeconds, 2)} s; after it, ${fmt((r.sent - 1) / (r.seconds - r.firstSentSeconds), 1)}/s)`,
  );
  console.log(`   sent per second from "notifier ready": ${r.perSecond.join(' ')}`);
  // Little's law: with every slot busy, a message holds one for concurrency / throughput.
  const slotMs = (CONCURRENCY * 1000 * r.seconds) / n;
  console.log(
    `   each message held one of the ${CONCURRENCY} slots about ${fmt(slotMs, 1)} ms (concurrency / throughput); ` +
      `${fmt(r.sendMs, 1)} ms of it from the stored render to the send's commit (mean sent_at - rendered_at), the rest before: reading and rendering`,
  );
  if (r.channel === 'email') {
    console.log(`   the sink received ${int(r.sinkMessages)} messages, ${fmt(r.sinkBytes / Math.max(1, r.sinkMessages) / 1024, 1)} KiB each on average (headers, text, HTML and the base64 PDF)`);
  } else {
    console.log(
      `   letter folder: ${int(r.letterFiles.pdf)} PDFs and ${int(r.letterFiles.json)} manifests; PDF ${fmt(r.pdfBytes / 1024, 1)} KiB and ${fmt(r.pages, 1)} pages on average (letter plus the appended invoice)`,
    );
  }
  console.log(
    `   CPU: notifier ${fmt(r.notifierCpu, 2)} s = ${fmt((r.notifierCpu * 1000) / n, 2)} ms per message (${fmt((100 * r.notifierCpu) / r.windowSeconds)}% of one core, all its threads); Postgres backends of this database ${fmt(r.backendCpu, 2)} s = ${fmt((r.backendCpu * 1000) / n, 2)} ms; ` +
      `Redis ${fmt(r.redisCpu, 2)} s (whole server) = ${fmt((r.redisCpu * 1000) / n, 2)} ms` +
      (r.channel === 'email' ? `; SMTP sink ${fmt(r.sinkCpu, 2)} s = ${fmt((r.sinkCpu * 1000) / n, 2)} ms` : '') +
      `; machine ${fmt(100 * r.host)}% busy (${cpus().length} cores)`,
  );
  console.log(`   Postgres: ${fmt(r.stats.xacts / n, 1)} transactions per message (each statement outside a transaction is one)`);
  console.log(
    `   BullMQ: ${int(r.jobs.added)} jobs added, and ${int(r.jobs.duplicated)} adds of a job already there (${fmt(r.jobs.duplicated / n, 1)} per message): ` +
      `each reconcile pass, every ${RECONCILE_INTERVAL_MS} ms, hands out every message still queued again`,
  );
  const perTable = r.stats.tables.map((t) => `${t.table} ${fmt(t.scans / n, 1)}${t.inserts ? ` +${fmt(t.inserts / n, 1)}` : ''}${t.updates ? ` ~${fmt(t.updates / n, 1)}` : ''}`);
  console.log(`   per message, table reads (+ rows inserted, ~ rows updated): ${perTable.join(', ')}`);
  console.log(
    `   notifier RSS: ${fmt(r.readyRssMb, 1)} MB at "notifier ready", peak ${fmt(r.peakRssMb, 1)} MB (VmHWM); per second: ${r.rssSamples.map((x) => fmt(x)).join(' ')} MB`,
  );
  console.log(`   notifier log: ${int(r.log.lines)} lines, ${r.log.retries} temporary failures, ${r.log.failures} errors; exit code ${r.exitCode} on SIGTERM`);
}

// ---------------------------------------------------------------------------------------------
// 3. Rendering alone, in this process.

interface RenderCost {
  what: string;
  perSecond: number;
  ms: number;
  iterations: number;
}

async function timeRenders(what: string, render: () => Promise<unknown>): Promise<RenderCost> {
  for (let i = 0; i < RENDER_WARMUP; i++) await render();
  const t0 = performance.now();
  let iterations = 0;
  while (performance.now() - t0 < RENDER_MIN_MS) {
    await render();
    iterations++;
  }
  const ms = (performance.now() - t0) / iterations;
  return { what, perSecond: 1000 / ms, ms, iterations };
}

/**
 * The letter content the notifier's render step builds (render.ts and letter-labels.ts in the
 * notifier), restated for Swedish: a benchmark may not reach into a service's internals.
 */
function letterContent(
  creditor: { name: string; address_lines: string[]; organisation_number: string | null; contact_phone: string | null; contact_email: string | null; website: string | null },
  recipient: { name: string; addressLines: string[] },
  context: MessageContext,
  message: { subject: string; text: string },
): LetterContent {
  const money = (minor: number) => formatMoney(minor, context.currency, LANGUAGE);
  const payment = [{ label: 'Att betala', value: money(context.outstandingMinor) }];
  if (context.feesMinor > 0) {
    payment.push({ label: 'varav fakturor', value: money(context.outstandingMinor - context.feesMinor) }, { label: 'varav avgifter', value: money(context.feesMinor) });
  }
  if (context.payment.payBy) payment.push({ label: 'Betala senast', value: formatDay(context.payment.payBy, LANGUAGE) });
  if (context.payment.bankgiro) payment.push({ label: 'Bankgiro', value: context.payment.bankgiro });
  if (context.payment.iban) payment.push({ label: 'IBAN', value: context.payment.iban });
  if (context.payment.bic) payment.push({ label: 'BIC', value: context.payment.bic });
  payment.push({ label: 'Referens', value: context.payment.reference ?? context.caseReference });
  return {
    language: LANGUAGE,
    sender: {
      name: creditor.name,
      addressLines: creditor.address_lines,
      organisationNumber: creditor.organisation_number,
      phone: creditor.contact_phone,
      email: creditor.contact_email,
      website: creditor.website,
    },
    recipient,
    date: formatDay(context.today, LANGUAGE),
    reference: context.caseReference,
    subject: message.subject,
    body: message.text,
    payment,
  };
}

interface RenderResult {
  email: RenderCost;
  letterText: RenderCost;
  letter: RenderCost;
  letterAlone: RenderCost;
  letterBytes: number;
  letterPages: number;
  storedBytes: number;
  storedPages: number;
}

async function measureRendering(db: Db, fx: Fixture): Promise<RenderResult> {
  // The database is read once, before the timing, for the very content the notifier rendered.
  const stored = await db
    .selectFrom('notifications')
    .innerJoin('cases', 'cases.id', 'notifications.case_id')
    .select(['notifications.case_id', 'notifications.recipient', 'notifications.pdf', 'notifications.pages', 'notifications.rendered_at'])
    .where('notifications.channel', '=', 'letter')
    .where('notifications.status', '=', 'sent')
    .orderBy('cases.external_reference')
    .limit(1)
    .executeTakeFirstOrThrow();
  const context = await buildMessageContext(db, { creditorId: fx.creditorId, caseId: stored.case_id, language: LANGUAGE, now: stored.rendered_at ?? new Date() });
  if (!context) throw new Error('the letter case has no message context');
  const creditor = await creditors.getCreditor(db, fx.creditorId);
  if (!creditor) throw new Error('the creditor is gone');
  const r = stored.recipient as { name: string; line1: string; line2: string | null; postalCode: string; city: string };
  const recipient = { name: r.name, addressLines: [r.line1, r.line2, `${r.postalCode} ${r.city}`].filter((l): l is string => Boolean(l)) };
  const emailContext: MessageContext = { ...context, channel: 'email', invoiceAttached: true };
  const letterContext: MessageContext = { ...context, channel: 'letter', invoiceAttached: true };
  const message = await renderMessage('reminder_letter', letterContext);
  const content = letterContent({ ...creditor, name: creditor.sender_name ?? creditor.name }, recipient, context, message);
  const attachments = [fx.invoicePdf];

  const email = await timeRenders('renderMessage friendly_reminder (email: subject, text, HTML)', () => renderMessage('friendly_reminder', emailContext));
  const letterText = await timeRenders('renderMessage reminder_letter (letter: subject, text, HTML)', () => renderMessage('reminder_letter', letterContext));
  const letter = await timeRenders('renderLetter with the invoice appended', () => renderLetter(content, attachments));
  const letterAlone = await timeRenders('renderLetter without an attachment', () => renderLetter(content));
  const sample = await renderLetter(content, attachments);
  return {
    email,
    letterText,
    letter,
    letterAlone,
    letterBytes: sample.pdf.length,
    letterPages: sample.pages,
    storedBytes: stored.pdf?.length ?? Number.NaN,
    storedPages: stored.pages ?? Number.NaN,
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const runStart = Date.now();
  await printRunHeader('notifier', `notifier concurrency ${CONCURRENCY}`);

  // One connection, so that one statement flushes all of this process's statistics (dbStats).
  const { db, redis } = await openStores(database, { maxConnections: 1, applicationName: 'fordra-bench-notifier' });
  try {
    started.workDir = await mkdtemp(join(tmpdir(), 'fordra-bench-notifier-'));
    const letterDir = join(started.workDir, 'letters');
    await migrateToLatest(db);
    const setupStart = performance.now();
    const fx = await prepare(db, new Date());
    started.sink = await startSmtpSink();
    console.log(storesLine(database, redisPrefix));
    console.log(
      `Setup (untimed, ${fmt((performance.now() - setupStart) / 1000, 1)} s): 1 creditor (${COUNTRY}, ${TIME_ZONE}), ${int(EMAILS + LETTERS)} active cases, ` +
        `each with its own debtor (email and postal address, language ${LANGUAGE}), one invoice and its ${fmt(fx.invoicePdf.length / 1024, 1)} KiB one-page PDF`,
    );
    console.log(`SMTP sink: smtp-server in a child process (pid ${started.sink.pid}) on 127.0.0.1, accepting every message and discarding it unparsed`);

    const env: Record<string, string> = {
      ...serviceEnv(database, redisPrefix),
      SMTP_URL: started.sink.url,
      MAIL_FROM,
      // Unused while SMTP_URL is set; kept out of the repository all the same.
      MAIL_OUTBOX_DIR: join(started.workDir, 'mail'),
      LETTER_OUTBOX_DIR: letterDir,
      NOTIFIER_CONCURRENCY: String(CONCURRENCY),
      NOTIFIER_RECONCILE_INTERVAL_MS: String(RECONCILE_INTERVAL_MS),
      NOTIFIER_RETRY_BASE_MS: '1000',
      NOTIFIER_MAX_ATTEMPTS: '3',
    };
    const envLine = `NOTIFIER_CONCURRENCY=${CONCURRENCY} NOTIFIER_RECONCILE_INTERVAL_MS=${RECONCILE_INTERVAL_MS} LOG_LEVEL=info (JSON lines to a pipe)`;

    // 1.
    console.log(`\n1. Emails: ${int(EMAILS)} queued friendly_reminder emails, invoice PDF attached, one fresh notifier process sending to the sink`);
    console.log(`   notifier env: ${envLine} SMTP_URL=<the sink>`);
    const email = await runPhase(db, redis, fx, 'email', env, letterDir);
    printPhase(email);

    // 2.
    console.log(`\n2. Letters: ${int(LETTERS)} queued reminder_letter letters, invoice PDF appended, one fresh notifier process dropping them in a temporary letter folder`);
    console.log(`   notifier env: ${envLine} LETTER_OUTBOX_DIR=<a temporary directory, removed at the end>`);
    const letter = await runPhase(db, redis, fx, 'letter', env, letterDir);
    printPhase(letter);

    // 3.
    console.log(`\n3. Rendering alone, in this process, no database: the content of the letters and emails above, ${RENDER_WARMUP} warm-up renders, then at least ${RENDER_MIN_MS / 1000} s each`);
    const render = await measureRendering(db, fx);
    for (const c of [render.email, render.letterText, render.letter, render.letterAlone]) {
      console.log(`   ${c.what.padEnd(62)} ${fmt(c.perSecond, 0).padStart(6)} renders/s  ${fmt(c.ms, 3).padStart(8)} ms each  (${int(c.iterations)} renders)`);
    }
    console.log(
      `   this letter: ${fmt(render.letterBytes / 1024, 1)} KiB, ${render.letterPages} pages; the notifier stored ${fmt(render.storedBytes / 1024, 1)} KiB, ${render.storedPages} pages for the same case`,
    );

    // Summary.
    const emailRenderMs = render.email.ms;
    const letterRenderMs = render.letterText.ms + render.letter.ms;
    const per = (r: PhaseResult, seconds: number) => `${fmt((seconds * 1000) / Math.max(1, r.sent), 2)} ms`;
    const rows: string[][] = [
      ['messages sent', `${int(email.sent)} of ${int(email.queued)}`, `${int(letter.sent)} of ${int(letter.queued)}`],
      ['throughput', `${fmt(email.sent / email.seconds, 1)} emails/s`, `${fmt(letter.sent / letter.seconds, 1)} letters/s`],
      ['notifier CPU per message', per(email, email.notifierCpu), per(letter, letter.notifierCpu)],
      ['  of which rendering, measured alone (3.)', `${fmt(emailRenderMs, 2)} ms (${fmt((100 * emailRenderMs) / ((email.notifierCpu * 1000) / email.sent))}%)`, `${fmt(letterRenderMs, 2)} ms (${fmt((100 * letterRenderMs) / ((letter.notifierCpu * 1000) / letter.sent))}%)`],
      ['Postgres backends CPU per message', per(email, email.backendCpu), per(letter, letter.backendCpu)],
      ['Redis CPU per message (whole server)', per(email, email.redisCpu), per(letter, letter.redisCpu)],
      ['SMTP sink CPU per message', per(email, email.sinkCpu), '-'],
      ['Postgres transactions per message', fmt(email.stats.xacts / Math.max(1, email.sent), 1), fmt(letter.stats.xacts / Math.max(1, letter.sent), 1)],
      ['machine busy', `${fmt(100 * email.host)}%`, `${fmt(100 * letter.host)}%`],
      ['notifier RSS peak (VmHWM)', `${fmt(email.peakRssMb, 1)} MB`, `${fmt(letter.peakRssMb, 1)} MB`],
      ['average letter PDF', '-', `${fmt(letter.pdfBytes / 1024, 1)} KiB, ${fmt(letter.pages, 1)} pages`],
      ['renders/s alone', `${fmt(render.email.perSecond, 0)} (renderMessage)`, `${fmt(1000 / letterRenderMs, 0)} (renderMessage + renderLetter)`],
    ];
    console.log('\nSummary');
    printTable(['measure', `1. emails (${CONCURRENCY} slots)`, `2. letters (${CONCURRENCY} slots)`], rows);
    console.log(`\nWhole run: ${fmt((Date.now() - runStart) / 1000)} s`);

    let failed = false;
    for (const r of [email, letter]) {
      if (r.log.failures > 0) {
        failed = true;
        console.error(`ERROR: the ${r.channel} notifier logged ${r.log.failures} errors; the first:\n${r.log.errors.join('\n')}`);
      }
      if (r.timedOut || r.sent < r.queued) {
        failed = true;
        console.error(`ERROR: ${int(r.queued - r.sent)} of ${int(r.queued)} ${PHASES[r.channel].noun} were not sent`);
      }
    }
    if (email.sinkMessages !== email.sent) {
      failed = true;
      console.error(`ERROR: the sink received ${int(email.sinkMessages)} messages for ${int(email.sent)} emails sent`);
    }
    if (letter.letterFiles.pdf !== letter.sent || letter.letterFiles.json !== letter.sent) {
      failed = true;
      console.error(`ERROR: the letter folder holds ${int(letter.letterFiles.pdf)} PDFs and ${int(letter.letterFiles.json)} manifests for ${int(letter.sent)} letters sent`);
    }
    return failed ? 1 : 0;
  } finally {
    await cleanUp(db, redis);
  }
}

async function cleanUp(db: Db | undefined, redis: Redis | undefined): Promise<void> {
  const { notifier, sink, workDir } = started;
  started.notifier = undefined;
  started.sink = undefined;
  started.workDir = undefined;
  await stopLogged('notifier', notifier);
  await sink?.stop().catch((err: unknown) => console.error(err));
  await releaseRun({ database, redisPrefix, workDir, db, redis });
}

// Ctrl-C: stop the children, delete the keys, the letters and the database rather than leave them behind.
const interrupted = releaseOnInterrupt(redisPrefix, cleanUp);

exitWith(main, interrupted);
