// Lists that page through continue tokens, so a big cluster's answer never has to fit in
// one response (and the API server's own page limit never truncates it silently).

export interface Page<T> {
  items: T[];
  metadata?: { _continue?: string; continue?: string };
}

export const PAGE_SIZE = 250;

/** Calls `page` with each continue token until the server gives none. */
export async function listAll<T>(
  page: (token: string | undefined) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const p = await page(token);
    items.push(...p.items);
    token = p.metadata?._continue ?? p.metadata?.continue;
    if (!token) return items;
  }
  throw new Error("list did not end after 10,000 pages");
}
