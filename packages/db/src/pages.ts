import { sql, type Expression, type SqlBool } from 'kysely';

/** A position in a listing ordered newest first by (created_at, id): stable under inserts. */
export interface PagePosition {
  createdAt: Date;
  id: string;
}

export interface PageRequest {
  limit: number;
  after?: PagePosition | undefined;
}

/** Rows strictly after the position in (created_at desc, id desc) order. */
export function afterCursor(after: PagePosition): Expression<SqlBool> {
  return sql<SqlBool>`(created_at, id) < (${after.createdAt}, ${after.id}::uuid)`;
}

/** Splits the one extra row a listing fetched into "there is a next page". */
export function splitPage<T extends { created_at: Date; id: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const next: PagePosition | null = rows.length > limit && last ? { createdAt: last.created_at, id: last.id } : null;
  return { items, next };
}
