// Reads a PDF's text back the way a reader does (pdf.js through unpdf), so tests check what a
// person would see and search for, not what the writer meant to write. QRV's PDFs use the
// predefined Japanese CMap UniJIS-UTF16-H, which every reader carries; pdf.js loads it from
// its CMap files (pdfjs-dist), given here as the reader would fetch them.
import { extractText, getDocumentProxy } from "unpdf";
import uniJis from "pdfjs-dist/cmaps/UniJIS-UTF16-H.bcmap?inline";

function dataUrlBytes(url: string): Uint8Array {
  const b64 = url.slice(url.indexOf(",") + 1);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

const CMAPS: Record<string, Uint8Array> = { "UniJIS-UTF16-H.bcmap": dataUrlBytes(uniJis) };

class CMapFiles {
  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    const data = kind === "cMapUrl" ? CMAPS[filename] : undefined;
    if (!data) throw new Error(`no ${kind} file ${filename} in the test`);
    return data;
  }
}

export async function pdfText(bytes: ArrayBuffer | Uint8Array): Promise<{ pages: number; text: string }> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { cMapUrl: "cmaps/", cMapPacked: true, useWorkerFetch: false, BinaryDataFactory: CMapFiles } as never);
  const { totalPages, text } = await extractText(pdf, { mergePages: true });
  return { pages: totalPages, text };
}

/** Text as extracted, with the spaces and line breaks a reader inserts between runs removed. */
export function squash(text: string): string {
  return text.replace(/\s+/g, "");
}
