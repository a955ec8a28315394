// Draws a Doc (./model.ts) as an A4 PDF, with no dependency and no font file.
//
// Japanese text uses one of the PDF standard's predefined CJK fonts (Adobe-Japan1, encoded
// with the predefined UniJIS-UTF16-H CMap), the way Japanese invoices have long been made
// without embedding: every PDF reader that handles Japanese (Acrobat, Chrome/PDFium, macOS
// and iOS, pdf.js, poppler) supplies the glyphs. That keeps a several-megabyte font out of
// the Worker bundle (1 MiB budget) and out of R2, and makes a report in milliseconds. A
// ToUnicode map makes the text searchable and extractable exactly. Why not an embedded
// subset: see "PDFs" in docs/architecture.md.
import type { Block, Doc } from "./model.ts";

const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN = 50;
const BOTTOM = 60;
const TEXT_W = PAGE_W - 2 * MARGIN;

/** Helvetica's widths (per 1000 em) for U+0020..U+007E: the proportional Latin CIDs 1..95. */
const LATIN = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/** Width of one character in em, as the W array below tells the reader. */
function charEm(code: number): number {
  if (code >= 0x20 && code <= 0x7e) return LATIN[code - 0x20]! / 1000;
  if (code >= 0xff61 && code <= 0xff9f) return 0.5; // half-width katakana
  return 1;
}

/** BMP only: the encoding is UTF-16, and a character outside it becomes 〓 (the geta mark). */
function clean(text: string): string {
  return text.replace(/[\u{10000}-\u{10FFFF}]/gu, "\u3013").replace(/[\t\r]/g, " ").replace(/[\u0000-\u001f\u007f]/g, "");
}

function hex(text: string): string {
  let out = "";
  for (const ch of text) out += ch.codePointAt(0)!.toString(16).padStart(4, "0");
  return out;
}

function textWidth(text: string, size: number): number {
  let w = 0;
  for (const ch of text) w += charEm(ch.codePointAt(0)!);
  return w * size;
}

// Japanese line-breaking rules (kinsoku), the short list: these never start a line.
const NO_LINE_START = new Set([..."、。，．・：；？！ー）」』】〕〉》’”ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々,.:;?!)]}%"]);

/** Greedy line breaking: Latin words stay whole, CJK breaks between any two characters. */
export function wrap(text: string, width: number, size: number): string[] {
  const lines: string[] = [];
  for (const paragraph of clean(text).split("\n")) {
    const tokens = paragraph.match(/[\u0021-\u007e]+ ?| |[^\u0020-\u007e]/g) ?? [];
    let line = "";
    for (const token of tokens) {
      const candidate = line + token;
      if (line === "" || textWidth(candidate.trimEnd(), size) <= width || NO_LINE_START.has(token[0]!)) {
        line = candidate;
        continue;
      }
      lines.push(line.trimEnd());
      line = token.trimStart();
      // A single word wider than the line is cut where it overflows.
      while (textWidth(line, size) > width && line.length > 1) {
        let cut = line.length - 1;
        while (cut > 1 && textWidth(line.slice(0, cut), size) > width) cut--;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

class Layout {
  pages: string[][] = [];
  y = 0;

  constructor() {
    this.newPage();
  }

  get ops(): string[] {
    return this.pages[this.pages.length - 1]!;
  }

  newPage(): void {
    this.pages.push([]);
    this.y = PAGE_H - MARGIN;
  }

  /** Makes room for `height` points, starting a new page if needed. */
  need(height: number): void {
    if (this.y - height < BOTTOM) this.newPage();
  }

  text(text: string, x: number, y: number, size: number, opts: { bold?: boolean; gray?: boolean } = {}): void {
    const s = clean(text);
    if (!s) return;
    const color = opts.gray ? "0.37 0.39 0.41 rg 0.37 0.39 0.41 RG" : "0.1 0.1 0.12 rg 0.1 0.1 0.12 RG";
    // Bold without a second font: fill and stroke the outline thinly.
    const mode = opts.bold ? `q ${(size / 40).toFixed(2)} w BT 2 Tr` : "q BT 0 Tr";
    this.ops.push(`${mode} ${color} /F1 ${size} Tf ${x.toFixed(2)} ${y.toFixed(2)} Td <${hex(s)}> Tj ET Q`);
  }

  line(x1: number, y1: number, x2: number, y2: number, gray = 0.85, width = 0.5): void {
    this.ops.push(`q ${gray} G ${width} w ${x1.toFixed(2)} ${y1.toFixed(2)} m ${x2.toFixed(2)} ${y2.toFixed(2)} l S Q`);
  }

  rect(x: number, y: number, w: number, h: number, gray: number): void {
    this.ops.push(`q ${gray} g ${x.toFixed(2)} ${y.toFixed(2)} ${w.toFixed(2)} ${h.toFixed(2)} re f Q`);
  }

  /** A wrapped paragraph at x with the given width; returns nothing, moves y down. */
  paragraph(text: string, opts: { size?: number; x?: number; width?: number; bold?: boolean; gray?: boolean; prefix?: string } = {}): void {
    const size = opts.size ?? 10.5;
    const lead = size * 1.6;
    const x = opts.x ?? MARGIN;
    const width = opts.width ?? TEXT_W - (x - MARGIN);
    const lines = wrap(text, width, size);
    lines.forEach((l, i) => {
      this.need(lead);
      if (i === 0 && opts.prefix) this.text(opts.prefix, x - textWidth(opts.prefix, size) - 4, this.y - size, size, { bold: opts.bold, gray: opts.gray });
      this.text(l, x, this.y - size, size, { bold: opts.bold, gray: opts.gray });
      this.y -= lead;
    });
  }

  table(head: string[], rows: string[][]): void {
    const size = 9;
    const lead = size * 1.5;
    const n = head.length;
    // Columns share the width by how much text they hold, each between 12 % and 60 %.
    const weight = head.map((h, i) => Math.max(textWidth(h, size), ...rows.map((r) => Math.min(textWidth(r[i] ?? "", size), TEXT_W))));
    const total = weight.reduce((a, b) => a + b, 0) || 1;
    let widths = weight.map((w) => Math.min(Math.max(w / total, 0.12), 0.6));
    const sum = widths.reduce((a, b) => a + b, 0);
    widths = widths.map((w) => (w / sum) * TEXT_W);
    const drawRow = (cells: string[], bold: boolean) => {
      const wrapped = cells.map((c, i) => wrap(c, widths[i]! - 6, size));
      const height = Math.max(1, ...wrapped.map((w) => w.length)) * lead + 4;
      this.need(height);
      if (bold) this.rect(MARGIN, this.y - height, TEXT_W, height, 0.94);
      let x = MARGIN;
      wrapped.forEach((cellLines, i) => {
        cellLines.forEach((l, j) => this.text(l, x + 3, this.y - 2 - size - j * lead, size, { bold }));
        x += widths[i]!;
      });
      this.y -= height;
      this.line(MARGIN, this.y, MARGIN + TEXT_W, this.y);
    };
    drawRow(head.slice(0, n), true);
    for (const r of rows) drawRow(r.slice(0, n), false);
    this.y -= 6;
  }

  block(b: Block): void {
    if ("h2" in b) {
      this.need(40);
      this.y -= 8;
      this.paragraph(b.h2, { size: 14, bold: true });
      this.line(MARGIN, this.y + 4, MARGIN + TEXT_W, this.y + 4, 0.7, 0.8);
      this.y -= 4;
    } else if ("h3" in b) {
      this.need(30);
      this.y -= 4;
      this.paragraph(b.h3, { size: 11.5, bold: true });
    } else if ("p" in b) {
      this.paragraph(b.p);
      this.y -= 4;
    } else if ("ul" in b) {
      for (const item of b.ul) this.paragraph(item, { x: MARGIN + 14, prefix: "・" });
      this.y -= 4;
    } else if ("ol" in b) {
      b.ol.forEach((item, i) => this.paragraph(item, { x: MARGIN + 18, prefix: `${i + 1}.` }));
      this.y -= 4;
    } else if ("table" in b) {
      this.table(b.table.head, b.table.rows);
    } else if ("talk" in b) {
      for (const t of b.talk) {
        this.paragraph(t.who, { size: 9, bold: true, gray: true });
        this.paragraph(t.says, { x: MARGIN + 12 });
        this.y -= 2;
      }
      this.y -= 4;
    } else if ("code" in b) {
      const size = 9;
      const lines = wrap(b.code, TEXT_W - 16, size);
      for (const l of lines) {
        this.need(size * 1.5);
        this.rect(MARGIN, this.y - size * 1.5, TEXT_W, size * 1.5, 0.95);
        this.text(l, MARGIN + 8, this.y - size - 1, size);
        this.y -= size * 1.5;
      }
      this.y -= 8;
    } else {
      const top = this.y;
      this.paragraph(b.note, { x: MARGIN + 12 });
      // The bar is drawn on the page where the note ends (a note rarely crosses pages).
      this.line(MARGIN + 3, Math.min(top, PAGE_H - MARGIN), MARGIN + 3, this.y + 4, 0.55, 2.5);
      this.y -= 4;
    }
  }
}

function toUnicodeCMap(): string {
  // Codes are UTF-16 code units, so each code maps to itself (surrogates excluded).
  const ranges: string[] = [];
  for (let hi = 0; hi < 256; hi++) {
    if (hi >= 0xd8 && hi <= 0xdf) continue;
    const h = hi.toString(16).padStart(2, "0");
    ranges.push(`<${h}00> <${h}ff> <${h}00>`);
  }
  const chunks: string[] = [];
  for (let i = 0; i < ranges.length; i += 100) {
    const part = ranges.slice(i, i + 100);
    chunks.push(`${part.length} beginbfrange\n${part.join("\n")}\nendbfrange`);
  }
  return [
    "/CIDInit /ProcSet findresource begin",
    "12 dict begin",
    "begincmap",
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
    "/CMapName /Adobe-Identity-UCS def",
    "/CMapType 2 def",
    "1 begincodespacerange",
    "<0000> <ffff>",
    "endcodespacerange",
    ...chunks,
    "endcmap",
    "CMapName currentdict /CMap defineresource pop",
    "end",
    "end",
  ].join("\n");
}

function pdfDate(ms: number): string {
  const d = new Date(ms).toISOString(); // 2026-11-29T18:00:00.000Z
  return `D:${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}${d.slice(11, 13)}${d.slice(14, 16)}${d.slice(17, 19)}Z`;
}

/** The whole document as PDF bytes. Everything in the file is ASCII (text is hex-encoded). */
export function renderPdf(doc: Doc, opts: { createdAt: number; footer?: string }): Uint8Array {
  const layout = new Layout();
  layout.paragraph(doc.title, { size: 20, bold: true });
  if (doc.subtitle) layout.paragraph(doc.subtitle, { size: 10, gray: true });
  layout.y -= 10;
  for (const b of doc.blocks) layout.block(b);

  const total = layout.pages.length;
  const footer = opts.footer ?? doc.title;
  layout.pages.forEach((ops, i) => {
    ops.push(`q 0.75 G 0.5 w ${MARGIN} 40 m ${PAGE_W - MARGIN} 40 l S Q`);
    const size = 8;
    const f = clean(footer);
    ops.push(`q BT 0.37 0.39 0.41 rg /F1 ${size} Tf ${MARGIN} 28 Td <${hex(f)}> Tj ET Q`);
    const num = `${i + 1} / ${total}`;
    ops.push(`q BT 0.37 0.39 0.41 rg /F1 ${size} Tf ${(PAGE_W - MARGIN - textWidth(num, size)).toFixed(2)} 28 Td <${hex(num)}> Tj ET Q`);
  });

  const objects: string[] = [];
  const add = (body: string): number => objects.push(body);
  const stream = (dict: string, data: string) => `<< ${dict} /Length ${data.length} >>\nstream\n${data}\nendstream`;

  const catalog = add("");
  const pagesObj = add("");
  const toUnicode = add(stream("", toUnicodeCMap()));
  const descriptor = add(
    "<< /Type /FontDescriptor /FontName /HeiseiKakuGo-W5 /Flags 4 /FontBBox [-92 -250 1010 922] /ItalicAngle 0 /Ascent 752 /Descent -221 /CapHeight 737 /StemV 114 >>",
  );
  const cidFont = add(
    `<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HeiseiKakuGo-W5 /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 5 >> /FontDescriptor ${descriptor} 0 R /DW 1000 /W [1 [${LATIN.join(" ")}] 231 326 500] >>`,
  );
  const font = add(
    `<< /Type /Font /Subtype /Type0 /BaseFont /HeiseiKakuGo-W5-UniJIS-UTF16-H /Encoding /UniJIS-UTF16-H /DescendantFonts [${cidFont} 0 R] /ToUnicode ${toUnicode} 0 R >>`,
  );
  const pageIds: number[] = [];
  for (const ops of layout.pages) {
    const content = add(stream("", ops.join("\n")));
    pageIds.push(
      add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R /Lang (${doc.lang}) /ViewerPreferences << /DisplayDocTitle true >> >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pageIds.length} >>`;
  const info = add(`<< /Title <feff${hex(clean(doc.title))}> /Producer (QRV) /CreationDate (${pdfDate(opts.createdAt)}) >>`);

  let out = "%PDF-1.7\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}
