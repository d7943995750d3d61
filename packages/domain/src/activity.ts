/**
 * What can appear in a case's activity record. The record is append-only: it is the history a
 * handler reads before calling the debtor and what an agency receives at hand-over.
 */
export const ACTIVITY_TYPES = [
  'case.created',
  'case.updated',
  'invoice.added',
  'invoice.document_uploaded',
  'case.policy_changed',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** `debtor`: the debtor itself, through a signed link (an agreement confirmation). */
export const ACTOR_KINDS = ['api_key', 'admin', 'system', 'debtor'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export interface Actor {
  readonly kind: ActorKind;
  /** The API key id for `api_key`; null for the admin and the system. */
  readonly id: string | null;
}

export const SYSTEM_ACTOR: Actor = { kind: 'system', id: null };
