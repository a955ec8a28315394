// Reading an uploaded CSV in the console (shops, rooms, rates): one size limit, one UTF-8 check,
// and one way to show a refused file, every problem by line (and column, when it is one cell's).
import type { CsvRowError } from "../../domain/csv.ts";

export const MAX_CSV_BYTES = 1024 * 1024;

/** The text of the form's file field, or why it cannot be read (as row errors on line 1). */
export async function readCsvUpload(file: unknown): Promise<{ ok: true; name: string; text: string } | { ok: false; name: string; errors: CsvRowError[] }> {
  if (!(file instanceof File) || file.size === 0) return { ok: false, name: "—", errors: [{ line: 1, message: "ファイルを選んでください" }] };
  if (file.size > MAX_CSV_BYTES) return { ok: false, name: file.name, errors: [{ line: 1, message: "ファイルが大きすぎます（1MBまで）" }] };
  const text = new TextDecoder("utf-8").decode(await file.arrayBuffer());
  if (text.includes("\uFFFD")) return { ok: false, name: file.name, errors: [{ line: 1, message: "UTF-8 で読めません。表計算ソフトでは「CSV UTF-8」形式で保存してください" }] };
  return { ok: true, name: file.name, text };
}

/** A refused file: nothing was imported, and here is every problem. */
export function CsvErrors(props: { errors: CsvRowError[]; fileName: string }) {
  return (
    <div class="card" id="csv-errors">
      <h2>CSVを取り込めませんでした（{props.fileName}）</h2>
      <p>問題のある行があるため、このファイルからは1件も取り込んでいません。直してからもう一度アップロードしてください。</p>
      <ul class="errors">
        {props.errors.map((e) => (
          <li data-line={String(e.line)} data-column={e.column ?? ""}>
            {e.line}行目{e.column ? `・${e.column}列` : ""}: {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
