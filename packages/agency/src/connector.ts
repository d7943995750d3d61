import type { HandoverDocument, HandoverPackage } from './handover-package.js';

/**
 * Where a creditor's hand-overs go. Every agency sits behind this one interface, so none is
 * privileged: the creditor picks the connector, and Fordra only delivers and records.
 */
export interface AgencyConnector {
  /** Recorded on the hand-over: which kind of connector delivered it. */
  readonly name: string;
  /**
   * Delivers one hand-over. The same hand-over may be delivered again after a crash or a retry:
   * the agency recognises it by `handoverId`. Rejects with AgencyDeliveryError.
   */
  deliver(handover: HandoverPackage, documents: HandoverDocument[]): Promise<{ agencyReference: string | null }>;
}

/**
 * A delivery that did not go through. Temporary failures (the agency is down, busy or slow) are
 * tried again later; permanent ones (the agency refuses the package) need a person.
 */
export class AgencyDeliveryError extends Error {
  constructor(
    message: string,
    readonly temporary: boolean,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'AgencyDeliveryError';
  }
}

/** Whatever a connector threw, as a delivery error: unknown failures count as temporary. */
export function asDeliveryError(err: unknown): AgencyDeliveryError {
  if (err instanceof AgencyDeliveryError) return err;
  return new AgencyDeliveryError(err instanceof Error ? err.message : String(err), true);
}
