// A Doc as Markdown, for documents that also live in docs/ (the service catalogue): the file
// is generated from the same source as the page and the PDF (npm run docs:catalogue), and a
// test fails when the two differ.
import type { Block, Doc } from "./model.ts";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function block(b: Block): string {
  if ("h2" in b) return `## ${b.h2}`;
  if ("h3" in b) return `### ${b.h3}`;
  if ("p" in b) return b.p;
  if ("ul" in b) return b.ul.map((i) => `- ${i}`).join("\n");
  if ("ol" in b) return b.ol.map((i, n) => `${n + 1}. ${i}`).join("\n");
  if ("table" in b) {
    const { head, rows } = b.table;
    return [`| ${head.map(cell).join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
  }
  if ("talk" in b) return b.talk.map((t) => `**${t.who}**: ${t.says}`).join("\n\n");
  if ("code" in b) return "```sh\n" + b.code + "\n```";
  return `> ${b.note}`;
}

export function docToMarkdown(doc: Doc, preface?: string): string {
  return [`# ${doc.title}`, ...(preface ? [preface] : []), ...(doc.subtitle ? [`*${doc.subtitle}*`] : []), ...doc.blocks.map(block)].join("\n\n") + "\n";
}
