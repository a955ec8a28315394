// A Doc (src/documents/model.ts) as HTML: the page twin of src/documents/pdf.ts, used by the
// guides and the console's reports so a page and its PDF show the same blocks.
import type { Block, Doc } from "../documents/model.ts";

function BlockView(props: { block: Block }) {
  const b = props.block;
  if ("h2" in b) return <h2>{b.h2}</h2>;
  if ("h3" in b) return <h3>{b.h3}</h3>;
  if ("p" in b) return <p>{b.p}</p>;
  if ("ul" in b)
    return (
      <ul>
        {b.ul.map((i) => (
          <li>{i}</li>
        ))}
      </ul>
    );
  if ("ol" in b)
    return (
      <ol class="flow">
        {b.ol.map((i) => (
          <li>{i}</li>
        ))}
      </ol>
    );
  if ("table" in b)
    return (
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              {b.table.head.map((h) => (
                <th>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {b.table.rows.map((r) => (
              <tr>
                {r.map((cell) => (
                  <td>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  if ("talk" in b)
    return (
      <dl class="talk">
        {b.talk.map((t) => (
          <>
            <dt>{t.who}</dt>
            <dd>{t.says}</dd>
          </>
        ))}
      </dl>
    );
  if ("code" in b) return <pre>{b.code}</pre>;
  return <p class="notice">{b.note}</p>;
}

/** The document's body (its title is the caller's h1). */
export function DocBody(props: { doc: Doc }) {
  return (
    <div class="doc">
      {props.doc.subtitle ? <p class="muted">{props.doc.subtitle}</p> : null}
      {props.doc.blocks.map((b) => (
        <BlockView block={b} />
      ))}
    </div>
  );
}

export function pdfResponse(bytes: Uint8Array, filename: string, cache: "public" | "private"): Response {
  return new Response(bytes, {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": cache === "public" ? "public, max-age=3600" : "private, no-store",
    },
  });
}
