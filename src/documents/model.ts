// One structured document, two renderings: the guides and the scheduled reports are written
// once as blocks, and both the web page (src/routes/guides.tsx, the console) and the PDF
// (./pdf.ts) are drawn from the same blocks, so the two can never disagree.

export type Block =
  | { h2: string }
  | { h3: string }
  | { p: string }
  | { ul: string[] }
  | { ol: string[] }
  /** A header row, then rows of cells. */
  | { table: { head: string[]; rows: string[][] } }
  /** A conversation: who speaks, what they say. */
  | { talk: { who: string; says: string }[] }
  /** Something to type or read exactly (a command, a log query). */
  | { code: string }
  | { note: string };

export interface Doc {
  title: string;
  /** One line under the title (audience, reading time, period). */
  subtitle?: string;
  lang: "ja" | "en";
  blocks: Block[];
}

/** Every piece of text a document shows, in reading order (for search and tests). */
export function docText(doc: Doc): string[] {
  const out = [doc.title, ...(doc.subtitle ? [doc.subtitle] : [])];
  for (const b of doc.blocks) {
    if ("h2" in b) out.push(b.h2);
    else if ("h3" in b) out.push(b.h3);
    else if ("p" in b) out.push(b.p);
    else if ("ul" in b) out.push(...b.ul);
    else if ("ol" in b) out.push(...b.ol);
    else if ("table" in b) out.push(...b.table.head, ...b.table.rows.flat());
    else if ("talk" in b) out.push(...b.talk.flatMap((t) => [t.who, t.says]));
    else if ("code" in b) out.push(b.code);
    else out.push(b.note);
  }
  return out;
}
