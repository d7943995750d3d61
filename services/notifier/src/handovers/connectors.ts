import { folderConnector, httpConnector, type AgencyConnector } from '@fordra/agency';
import type { AgencyConnectorRow } from '@fordra/db';

export interface ConnectorSettings {
  /** Where hand-overs go for creditors that configured no agency (or a folder). */
  outboxDir: string;
  timeoutMs: number;
  /** Hosts exempt from the private-address check (WEBHOOK_ALLOWED_HOSTS: the same rule as webhooks). */
  allowedHosts: readonly string[];
}

/** The connector a creditor configured; none configured means the default folder. */
export function connectorFor(settings: ConnectorSettings, configured: AgencyConnectorRow | undefined): AgencyConnector {
  if (configured?.kind === 'http' && configured.url) {
    return httpConnector({ url: configured.url, authHeader: configured.auth_header, timeoutMs: settings.timeoutMs, allowedHosts: settings.allowedHosts });
  }
  return folderConnector(settings.outboxDir);
}
