/**
 * The webhook receiver of the webhooks benchmark: an HTTP server on 127.0.0.1 that answers every
 * delivery 204 and notes its `webhook-id` and the time its body had fully arrived. It runs as a
 * child process of its own, like notifier-sink.ts, so that its event loop and CPU time are not the
 * bench's. A sample of the requests (every VERIFY_EVERY-th) is verified with the
 * `standardwebhooks` library against the endpoint's secret, as an integrator would, and must carry
 * the same id in its body as in its header: proof that what arrives are real signed deliveries.
 * Verifying every request would put the library's cost into the delay being measured.
 *
 * The parent passes the endpoint's path and secret in the environment. Its module is only ever
 * run as that child: the parent imports its types, nothing else.
 *
 * It speaks to its parent over the IPC channel: "listening" with the port once it is up, and the
 * receipts from a given index on whenever asked, so the parent reads them incrementally.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceiverCounts {
  /** Requests answered 204. */
  accepted: number;
  /** Sampled requests whose signature and body checked out. */
  verified: number;
  /** Sampled requests refused (400): a bad signature, a stale timestamp, or a body id that differs. */
  rejected: number;
  /** Requests without a webhook-id, or not a POST to the endpoint's path (400). */
  malformed: number;
  /** The first few reasons for a refusal, for the report. */
  problems: string[];
}

export type ReceiverMessage =
  | { type: 'listening'; port: number }
  | ({ type: 'receipts'; from: number; ids: string[]; times: number[] } & ReceiverCounts);
export type ReceiverRequest = { type: 'receipts'; from: number };

const path = process.env.BENCH_RECEIVER_PATH ?? '/';
const secret = process.env.BENCH_RECEIVER_SECRET ?? '';
const verifyEvery = Math.max(1, Number(process.env.BENCH_RECEIVER_VERIFY_EVERY ?? '10'));
const webhook = new Webhook(secret);

/** In arrival order: the webhook-id of each accepted request and when it arrived (epoch ms). */
const ids: string[] = [];
const times: number[] = [];
const counts: ReceiverCounts = { accepted: 0, verified: 0, rejected: 0, malformed: 0, problems: [] };
let requests = 0;

const headerValues = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));

function refuse(kind: 'rejected' | 'malformed', reason: string): void {
  counts[kind]++;
  if (counts.problems.length < 5) counts.problems.push(reason);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const at = Date.now();
    const id = req.headers['webhook-id'];
    if (req.method !== 'POST' || req.url !== path || typeof id !== 'string' || id === '') {
      refuse('malformed', `${req.method} ${req.url} with webhook-id ${String(id)}`);
      res.writeHead(400).end();
      return;
    }
    if (requests++ % verifyEvery === 0) {
      try {
        const payload = webhook.verify(Buffer.concat(chunks).toString('utf8'), headerValues(req.headers)) as { id?: unknown };
        if (payload.id !== id) throw new Error(`the body's id ${String(payload.id)} is not the webhook-id ${id}`);
        counts.verified++;
      } catch (err) {
        refuse('rejected', `${id}: ${(err as Error).message}`);
        res.writeHead(400).end();
        return;
      }
    }
    ids.push(id);
    times.push(at);
    counts.accepted++;
    res.writeHead(204).end();
  });
});

const send = (message: ReceiverMessage) => process.send?.(message);

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2_000).unref();
}

process.on('message', (request: ReceiverRequest) => {
  if (request.type !== 'receipts') return;
  send({ type: 'receipts', from: request.from, ids: ids.slice(request.from), times: times.slice(request.from), ...counts, problems: [...counts.problems] });
});
// The parent went away without stopping the receiver: nothing would ever stop it otherwise.
process.on('disconnect', stop);
process.on('SIGTERM', stop);

server.on('error', (err) => {
  console.error(`webhook receiver: ${err.message}`);
  process.exit(1);
});
server.listen(0, '127.0.0.1', () => send({ type: 'listening', port: (server.address() as AddressInfo).port }));
