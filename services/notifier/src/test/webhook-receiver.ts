import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  type: string;
  caseId: string | null;
  /** Which of the receiver's secrets verified the request. */
  verifiedWith: string[];
}

/**
 * A webhook receiver as an integrator would write one: it verifies every request with the
 * standardwebhooks library against each secret it knows and records what it accepted. Its answer
 * can be switched to play an outage, a rate limit or a retired endpoint.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  readonly rejected: string[] = [];
  secrets: string[] = [];
  answer: { status: number; headers?: Record<string, string> } = { status: 204 };
  private server: Server | undefined;

  get url(): string {
    const port = (this.server!.address() as AddressInfo).port;
    return `http://127.0.0.1:${port}/hooks`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const verifiedWith = this.secrets.filter((secret) => {
          try {
            new Webhook(secret).verify(body, headers);
            return true;
          } catch {
            return false;
          }
        });
        if (verifiedWith.length === 0) {
          this.rejected.push(headers['webhook-id'] ?? '?');
          res.writeHead(400).end();
          return;
        }
        const { status, headers: extra } = this.answer;
        if (status >= 200 && status < 300) {
          const event = JSON.parse(body) as { id: string; type: string; subject?: string };
          this.received.push({ id: event.id, type: event.type, caseId: event.subject ?? null, verifiedWith });
        }
        res.writeHead(status, extra).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
