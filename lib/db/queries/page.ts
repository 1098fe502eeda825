import "server-only";

/** A list request: where the previous page ended, and how many rows at most. */
export type PageParams = { cursor?: string; limit: number };

/** Keyset paging: one row more than the page tells whether another follows; the cursor is the page's last key. */
export async function keysetPage<T>(limit: number, fetch: (take: number) => Promise<T[]>, keyOf: (row: T) => string) {
  const rows = await fetch(limit + 1);
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? keyOf(page.at(-1)!) : null };
}
