// A list that also offers keyset cursors declares both answers (an offset page, or a cursor page when the request
// sends `cursor`; see mejora_common.openapi). A screen that pages by offset sends no cursor, so it gets the offset
// page: this narrows the type, and refuses a cursor page rather than show a pager without a total.
export function offsetPage<T extends { items: unknown[] }>(page: T): Extract<T, { total: number; offset: number }> {
  if (!("total" in page) || !("offset" in page)) {
    throw new Error("Se esperaba una página con total (sin cursor).");
  }
  return page as Extract<T, { total: number; offset: number }>;
}
