// A page of a list, as every list route answers it: its items, and the cursor
// of the next page (the id of this page's last item; null on the last page).
import { z } from "zod";

export function pageOf<Item extends z.ZodType>(item: Item, descriptions: { items: string; page: string }) {
  return z
    .object({
      items: z.array(item).describe(descriptions.items),
      nextCursor: z.uuid().nullable().describe("Pass as `cursor` for the next page; null on the last page."),
    })
    .describe(descriptions.page);
}
