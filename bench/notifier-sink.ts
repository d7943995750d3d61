/**
 * An SMTP server that accepts every message and keeps nothing, run as a child process of the
 * notifier benchmark so that its CPU time is its own and not mixed into the bench process's.
 * It speaks to its parent over the IPC channel: "listening" with the port once it is up, and
 * the running count of messages and bytes whenever asked.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type SinkMessage = { type: 'listening'; port: number } | { type: 'count'; messages: number; bytes: number };
export type SinkRequest = { type: 'count' };

let messages = 0;
let bytes = 0;

const server = new SMTPServer({
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  // A stop must not wait for the notifier's pooled connections to be closed by the notifier.
  closeTimeout: 100,
  onData(stream, _session, callback) {
    // Counted, not parsed: parsing would make the sink, not the notifier, the thing measured.
    stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
    stream.on('end', () => {
      messages++;
      callback();
    });
  },
});

const send = (message: SinkMessage) => process.send?.(message);

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  // Connections the client never closes keep close() from calling back.
  setTimeout(() => process.exit(0), 2_000).unref();
}

process.on('message', (request: SinkRequest) => {
  if (request.type === 'count') send({ type: 'count', messages, bytes });
});
// The parent went away without stopping the sink: nothing would ever stop it otherwise.
process.on('disconnect', stop);
process.on('SIGTERM', stop);

server.on('error', (err) => {
  console.error(`smtp sink: ${err.message}`);
  process.exit(1);
});
server.listen(0, '127.0.0.1', () => send({ type: 'listening', port: (server.server.address() as AddressInfo).port }));
