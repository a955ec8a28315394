// The console's rooms and room types (seed 004 §3(1)1–2, §3(3)2): room types (names in Japanese
// and English, the default nightly rate, a description, the display order), rooms (search by
// type, status and capacity; create and edit; photos in R2), and the room CSV out and in (the
// whole file or nothing, every problem by line and column). Every change leaves a lodging_audit
// row with who and when, in the same batch as the change.
import { Hono, type Context } from "hono";
import type { AdminEnv } from "../../auth/admin.ts";
import { LODGING_AUDIT_LABELS, lodgingAuditStatement, lodgingHistory, type LodgingAuditRow } from "../../db/lodging-audit.ts";
import { roomImportUpsert, roomUpsert } from "../../db/lodging-statements.ts";
import { toCsv, type CsvRowError } from "../../domain/csv.ts";
import { newId } from "../../domain/ids.ts";
import { ROOM_STATUSES, ROOM_STATUS_LABELS, isRoomStatus } from "../../domain/lodging/room-status.ts";
import { ROOM_CSV_COLUMNS, ROOM_CSV_READ_ONLY, parseRoomCsv, validateRoomFields, validateRoomType, type RoomTypeFieldName } from "../../domain/lodging/rooms.ts";
import { CsvErrors, readCsvUpload } from "./csv-upload.tsx";
import { SubNav } from "./lodging-records.tsx";
import { AdminPage, Csrf, FormErrors, csvResponse, jst, setFlash } from "./layout.tsx";

export const lodgingRooms = new Hono<AdminEnv>();

const str = (v: unknown, max = 200) => (typeof v === "string" ? v.slice(0, max) : "");
const pts = (n: number) => n.toLocaleString("ja-JP");

interface TypeRow {
  id: string;
  name: string;
  nameEn: string | null;
  defaultPoints: number;
  description: string;
  sort: number;
  rooms: number;
}

async function roomTypeRows(d1: D1Database): Promise<TypeRow[]> {
  const { results } = await d1
    .prepare("SELECT t.id, t.name, t.name_en AS nameEn, t.default_points AS defaultPoints, t.description, t.sort, (SELECT count(*) FROM rooms r WHERE r.room_type_id = t.id AND r.active = 1) AS rooms FROM room_types t ORDER BY t.sort, t.name")
    .all<TypeRow>();
  return results;
}

function History(props: { rows: LodgingAuditRow[] }) {
  if (!props.rows.length) return null;
  return (
    <div class="card">
      <h2>変更履歴</h2>
      <table class="data" id="history">
        <tbody>
          {props.rows.map((a) => (
            <tr>
              <td>{jst(a.at)}</td>
              <td>{LODGING_AUDIT_LABELS[a.action] ?? a.action}</td>
              <td>{a.operator}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// ---------------------------------------------------------------- room types

function RoomTypeForm(props: { c: Context<AdminEnv>; type?: TypeRow; values?: Record<string, string>; errors?: string[] }) {
  const t = props.type;
  const v = props.values ?? (t ? { name: t.name, name_en: t.nameEn ?? "", default_points: String(t.defaultPoints), description: t.description, sort: String(t.sort) } : {});
  return (
    <form method="post" action={t ? `/admin/lodging/room-types/${t.id}` : "/admin/lodging/room-types"} class="card" id={t ? "room-type-edit" : "room-type-new"}>
      <h2>{t ? `${t.name}を編集` : "部屋タイプを追加"}</h2>
      <FormErrors errors={props.errors} />
      <Csrf c={props.c} />
      <div class="field"><label for="rt-name">タイプ名（日本語）</label><input id="rt-name" name="name" required maxlength={40} value={v.name ?? ""} /></div>
      <div class="field"><label for="rt-name-en">タイプ名（英語）English name</label><input id="rt-name-en" name="name_en" maxlength={60} value={v.name_en ?? ""} /></div>
      <div class="field"><label for="rt-points">基本料金（1泊のポイント、料金カレンダーに日別の料金がない日）</label><input id="rt-points" name="default_points" type="number" min={0} max={1000000} step={1} required value={v.default_points ?? ""} /></div>
      <div class="field"><label for="rt-desc">説明</label><textarea id="rt-desc" name="description" maxlength={1000} rows={3}>{v.description ?? ""}</textarea></div>
      <div class="field"><label for="rt-sort">表示順（小さいほど先）</label><input id="rt-sort" name="sort" type="number" min={0} max={999} step={1} value={v.sort ?? "0"} /></div>
      <button type="submit">{t ? "保存" : "追加"}</button>
    </form>
  );
}

function RoomTypesPage(props: { c: Context<AdminEnv>; types: TypeRow[]; values?: Record<string, string>; errors?: string[] }) {
  return (
    <AdminPage c={props.c} title="部屋タイプ" section="lodging">
      <h1>部屋タイプ（{props.types.length}）</h1>
      <SubNav />
      <div class="card">
        <table class="data" id="room-types">
          <thead>
            <tr><th>タイプ</th><th>English</th><th class="n">基本料金</th><th class="n">客室数</th><th class="n">表示順</th><th>説明</th></tr>
          </thead>
          <tbody>
            {props.types.map((t) => (
              <tr data-room-type={t.id}>
                <td><a href={`/admin/lodging/room-types/${t.id}`}>{t.name}</a></td>
                <td>{t.nameEn ?? ""}</td>
                <td class="n">{pts(t.defaultPoints)}</td>
                <td class="n"><a href={`/admin/lodging/rooms?type=${t.id}`}>{t.rooms}</a></td>
                <td class="n">{t.sort}</td>
                <td>{t.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <RoomTypeForm c={props.c} {...(props.values ? { values: props.values } : {})} {...(props.errors ? { errors: props.errors } : {})} />
    </AdminPage>
  );
}

lodgingRooms.get("/lodging/room-types", async (c) => c.html(<RoomTypesPage c={c} types={await roomTypeRows(c.env.DB)} />));

lodgingRooms.get("/lodging/room-types/:id", async (c) => {
  const type = (await roomTypeRows(c.env.DB)).find((t) => t.id === c.req.param("id"));
  if (!type) return c.notFound();
  const history = await lodgingHistory(c.env.DB, "room_type", type.id);
  return c.html(
    <AdminPage c={c} title={`部屋タイプ ${type.name}`} section="lodging">
      <h1>{type.name}</h1>
      <SubNav />
      <p class="muted">
        <a href="/admin/lodging/room-types">← 部屋タイプ一覧</a> · <a href={`/admin/lodging/rooms?type=${type.id}`}>このタイプの客室 {type.rooms}室</a> · <a href={`/admin/lodging/rates?type=${type.id}`}>料金カレンダー</a>
      </p>
      <RoomTypeForm c={c} type={type} />
      <History rows={history} />
    </AdminPage>,
  );
});

const TYPE_FIELDS: RoomTypeFieldName[] = ["name", "name_en", "default_points", "description", "sort"];

async function saveRoomType(c: Context<AdminEnv>, id: string | null) {
  const body = await c.req.parseBody();
  const raw = Object.fromEntries(TYPE_FIELDS.map((f) => [f, str(body[f], 2000)])) as Record<RoomTypeFieldName, string>;
  const types = await roomTypeRows(c.env.DB);
  const existing = id ? types.find((t) => t.id === id) : undefined;
  if (id && !existing) return c.notFound();
  const checked = validateRoomType(raw);
  const errors = checked.ok ? [] : checked.errors.map((e) => e.message.ja);
  if (checked.ok) {
    const clash = types.find((t) => t.id !== id && (t.name === checked.value.name || (checked.value.nameEn && t.nameEn?.toLowerCase() === checked.value.nameEn.toLowerCase())));
    if (clash) errors.push(`「${clash.name}」と同じ名前です。別の名前にしてください`);
  }
  if (!checked.ok || errors.length) {
    const page = existing ? (
      <AdminPage c={c} title={`部屋タイプ ${existing.name}`} section="lodging">
        <h1>{existing.name}</h1>
        <SubNav />
        <RoomTypeForm c={c} type={existing} values={raw} errors={errors} />
      </AdminPage>
    ) : (
      <RoomTypesPage c={c} types={types} values={raw} errors={errors} />
    );
    return c.html(page, 400);
  }
  const t = checked.value;
  const now = Date.now();
  const typeId = id ?? newId("rty", now);
  const operator = c.get("operator");
  await c.env.DB.batch([
    id
      ? c.env.DB.prepare("UPDATE room_types SET name = ?, name_en = ?, default_points = ?, description = ?, sort = ?, updated_at = ? WHERE id = ?").bind(t.name, t.nameEn, t.defaultPoints, t.description, t.sort, now, id)
      : c.env.DB.prepare("INSERT INTO room_types (id, name, name_en, default_points, description, sort, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").bind(typeId, t.name, t.nameEn, t.defaultPoints, t.description, t.sort, now, now),
    lodgingAuditStatement(c.env.DB, { operator, action: id ? "room_type_edited" : "room_type_created", subjectType: "room_type", subjectId: typeId, detail: existing ? { before: { name: existing.name, nameEn: existing.nameEn, defaultPoints: existing.defaultPoints, sort: existing.sort }, after: t } : t }, now),
  ]);
  setFlash(c, "ok", `部屋タイプ「${t.name}」を保存しました`);
  return c.redirect(`/admin/lodging/room-types/${typeId}`, 303);
}

lodgingRooms.post("/lodging/room-types", (c) => saveRoomType(c, null));
lodgingRooms.post("/lodging/room-types/:id", (c) => saveRoomType(c, c.req.param("id")));

// ---------------------------------------------------------------- rooms

interface RoomListRow {
  id: string;
  number: string;
  typeId: string;
  type: string;
  floorArea: number;
  maxGuests: number;
  floor: number;
  amenities: string;
  status: string;
}

const ROOM_COLUMNS = "r.id, r.number, t.id AS typeId, t.name AS type, r.floor_area_m2 AS floorArea, r.max_guests AS maxGuests, r.floor, r.amenities, r.status";

async function searchRooms(d1: D1Database, f: { type?: string; status?: string; guests?: number }): Promise<RoomListRow[]> {
  const { results } = await d1
    .prepare(`SELECT ${ROOM_COLUMNS} FROM rooms r JOIN room_types t ON t.id = r.room_type_id WHERE r.active = 1 AND (? = '' OR t.id = ?) AND (? = '' OR r.status = ?) AND r.max_guests >= ? ORDER BY r.number`)
    .bind(f.type ?? "", f.type ?? "", f.status ?? "", f.status ?? "", f.guests ?? 0)
    .all<RoomListRow>();
  return results;
}

function RoomsPage(props: { c: Context<AdminEnv>; rows: RoomListRow[]; types: { id: string; name: string }[]; filter: { type: string; status: string; guests: number }; csvErrors?: { errors: CsvRowError[]; fileName: string } }) {
  const { c, rows, types, filter } = props;
  const qs = new URLSearchParams({ type: filter.type, status: filter.status, guests: filter.guests ? String(filter.guests) : "", csv: "1" }).toString();
  return (
    <AdminPage c={c} title="客室" section="lodging">
      <h1>客室（{rows.length}室）</h1>
      <SubNav />
      {props.csvErrors ? <CsvErrors errors={props.csvErrors.errors} fileName={props.csvErrors.fileName} /> : null}
      <form method="get" action="/admin/lodging/rooms" class="search card">
        <label>
          タイプ
          <select name="type">
            <option value="">すべて</option>
            {types.map((t) => (
              <option value={t.id} selected={t.id === filter.type}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          状態
          <select name="status">
            <option value="">すべて</option>
            {ROOM_STATUSES.map((s) => (
              <option value={s} selected={s === filter.status}>
                {ROOM_STATUS_LABELS[s].ja}
              </option>
            ))}
          </select>
        </label>
        <label>
          定員（以上）
          <input type="number" name="guests" min={0} max={20} value={filter.guests ? String(filter.guests) : ""} />
        </label>
        <button type="submit">検索</button> <a href={`/admin/lodging/rooms?${qs}`}>CSVをダウンロード</a> · <a href="/admin/lodging/room-types">部屋タイプ</a>
      </form>
      <div class="card">
        <table class="data">
          <thead>
            <tr><th>部屋</th><th>タイプ</th><th class="n">広さ</th><th class="n">定員</th><th class="n">階</th><th>設備</th><th>状態</th></tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr data-room-row={r.number}>
                <td><a href={`/admin/lodging/rooms/${r.id}`}>{r.number}</a></td>
                <td>{r.type}</td>
                <td class="n">{r.floorArea}㎡</td>
                <td class="n">{r.maxGuests}</td>
                <td class="n">{r.floor}</td>
                <td>{(JSON.parse(r.amenities) as string[]).join("、")}</td>
                <td>{isRoomStatus(r.status) ? ROOM_STATUS_LABELS[r.status].ja : r.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="grid">
        <RoomForm c={c} types={types} />
        <form method="post" action="/admin/lodging/rooms/import" enctype="multipart/form-data" class="card" id="rooms-import">
          <h2>CSVで取り込む</h2>
          <Csrf c={c} />
          <p>
            <input type="file" name="file" accept=".csv,text/csv" required aria-label="客室のCSVファイル" />
          </p>
          <button type="submit">取り込む</button>
          <p class="muted">
            列: <code>{ROOM_CSV_COLUMNS.join(",")}</code>（1行目は見出し、UTF-8。ダウンロードしたCSVの <code>{ROOM_CSV_READ_ONLY.join(",")}</code> 列は読み飛ばします）。部屋番号が同じ客室は更新、新しい番号は追加。room_type はタイプ名（日本語・英語）、設備は「|」区切り。1行でも問題があれば1件も取り込みません。
          </p>
        </form>
      </div>
    </AdminPage>
  );
}

async function roomsPage(c: Context<AdminEnv>, csvErrors?: { errors: CsvRowError[]; fileName: string }) {
  const type = str(c.req.query("type"), 40);
  const status = str(c.req.query("status"), 20);
  const guests = Math.max(0, Math.min(20, Number(str(c.req.query("guests"), 2)) || 0));
  const filter = { type, status: isRoomStatus(status) ? status : "", guests };
  const rows = await searchRooms(c.env.DB, filter);
  const { results: types } = await c.env.DB.prepare("SELECT id, name FROM room_types ORDER BY sort, name").all<{ id: string; name: string }>();
  return { rows, types, filter, page: <RoomsPage c={c} rows={rows} types={types} filter={filter} {...(csvErrors ? { csvErrors } : {})} /> };
}

lodgingRooms.get("/lodging/rooms", async (c) => {
  const { rows, page } = await roomsPage(c);
  if (c.req.query("csv") === "1") {
    return csvResponse(c, "qrv-rooms.csv", toCsv([[...ROOM_CSV_COLUMNS, ...ROOM_CSV_READ_ONLY], ...rows.map((r) => [r.number, r.type, r.floorArea, r.maxGuests, r.floor, (JSON.parse(r.amenities) as string[]).join("|"), r.status])]));
  }
  return c.html(page);
});

lodgingRooms.post("/lodging/rooms/import", async (c) => {
  const body = await c.req.parseBody();
  const fail = async (errors: CsvRowError[], fileName: string) => c.html((await roomsPage(c, { errors, fileName })).page, 400);
  const upload = await readCsvUpload(body.file);
  if (!upload.ok) return fail(upload.errors, upload.name);
  const { results: types } = await c.env.DB.prepare("SELECT id, name, name_en AS nameEn FROM room_types").all<{ id: string; name: string; nameEn: string | null }>();
  const parsed = parseRoomCsv(upload.text, types);
  if (!parsed.ok) return fail(parsed.errors, upload.name);
  const now = Date.now();
  const { results: known } = await c.env.DB.prepare("SELECT number FROM rooms").all<{ number: string }>();
  const existing = new Set(known.map((r) => r.number));
  const statements = parsed.rows.map((r) => roomImportUpsert(r, newId("rom", now), now));
  const added = parsed.rows.filter((r) => !existing.has(r.number)).map((r) => r.number);
  const updated = parsed.rows.filter((r) => existing.has(r.number)).map((r) => r.number);
  await c.env.DB.batch([
    ...statements.map((s) => c.env.DB.prepare(s.sql).bind(...s.params)),
    lodgingAuditStatement(c.env.DB, { operator: c.get("operator"), action: "rooms_imported", subjectType: "rooms", detail: { file: upload.name, added, updated } }, now),
  ]);
  setFlash(c, "ok", `${upload.name} から ${parsed.rows.length}室を取り込みました（追加 ${added.length}・更新 ${updated.length}）`);
  return c.redirect("/admin/lodging/rooms", 303);
});

function RoomForm(props: { c: Context<AdminEnv>; types: { id: string; name: string }[]; room?: RoomListRow }) {
  const r = props.room;
  return (
    <form method="post" action={r ? `/admin/lodging/rooms/${r.id}` : "/admin/lodging/rooms"} class="card">
      <h2>{r ? `${r.number}号室を編集` : "客室を追加"}</h2>
      <Csrf c={props.c} />
      <div class="field"><label>部屋番号</label><input name="number" required maxlength={10} value={r?.number ?? ""} /></div>
      <div class="field">
        <label>タイプ</label>
        <select name="room_type_id" required>
          {props.types.map((t) => (
            <option value={t.id} selected={t.id === r?.typeId}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <div class="field"><label>広さ（㎡）</label><input name="floor_area_m2" type="number" step="0.1" min={1} max={1000} required value={r ? String(r.floorArea) : ""} /></div>
      <div class="field"><label>定員</label><input name="max_guests" type="number" min={1} max={20} required value={r ? String(r.maxGuests) : ""} /></div>
      <div class="field"><label>階</label><input name="floor" type="number" min={-5} max={200} required value={r ? String(r.floor) : ""} /></div>
      <div class="field"><label>設備（「|」区切り）</label><input name="amenities" maxlength={500} value={r ? (JSON.parse(r.amenities) as string[]).join("|") : ""} /></div>
      <button type="submit">{r ? "保存" : "追加"}</button>
    </form>
  );
}

lodgingRooms.get("/lodging/rooms/:id", async (c) => {
  const [room] = (await c.env.DB.prepare(`SELECT ${ROOM_COLUMNS} FROM rooms r JOIN room_types t ON t.id = r.room_type_id WHERE r.id = ?`).bind(c.req.param("id")).all<RoomListRow>()).results;
  if (!room) return c.notFound();
  const { results: types } = await c.env.DB.prepare("SELECT id, name FROM room_types ORDER BY sort, name").all<{ id: string; name: string }>();
  const stored = await c.env.DB.prepare("SELECT images FROM rooms WHERE id = ?").bind(room.id).first<{ images: string }>();
  const images = (JSON.parse(stored?.images ?? "[]") as string[]).filter((k) => k.startsWith("rooms/"));
  const { results: history } = await c.env.DB.prepare("SELECT action, from_status AS f, to_status AS t, reason, date_from AS df, date_until AS du, order_id AS o, actor, created_at AS at FROM room_status_events WHERE room_id = ? ORDER BY id DESC LIMIT 50").bind(room.id).all<{ action: string; f: string; t: string; reason: string | null; df: string | null; du: string | null; o: string | null; actor: string; at: number }>();
  const edits = await lodgingHistory(c.env.DB, "room", room.id);
  return c.html(
    <AdminPage c={c} title={`客室 ${room.number}`} section="lodging">
      <h1>{room.number}号室</h1>
      <SubNav />
      <RoomForm c={c} types={types} room={room} />
      <form method="post" action={`/admin/lodging/rooms/${room.id}/images`} enctype="multipart/form-data" class="card">
        <h2>写真</h2>
        <p>
          {images.map((key) => (
            <img src={`/admin/lodging/images/${key}`} alt={`${room.number}号室`} class="room-photo" width={160} />
          ))}
        </p>
        <Csrf c={c} />
        <label>JPEG・PNG・WebP、2MBまで</label>
        <input type="file" name="image" accept="image/jpeg,image/png,image/webp" required />
        <button type="submit">アップロード</button>
      </form>
      <div class="card">
        <h2>状態の履歴</h2>
        <table class="data">
          <tbody>
            {history.map((h) => (
              <tr>
                <td>{jst(h.at)}</td>
                <td>{h.action}</td>
                <td>{h.f} → {h.t}</td>
                <td>{[h.reason, h.df && h.du ? `${h.df}〜${h.du}` : null, h.o].filter(Boolean).join(" · ")}</td>
                <td>{h.actor}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <History rows={edits} />
    </AdminPage>,
  );
});

async function saveRoom(c: Context<AdminEnv>, id: string | null) {
  const body = await c.req.parseBody();
  const checked = validateRoomFields({ number: str(body.number, 20), floor_area_m2: str(body.floor_area_m2, 10), max_guests: str(body.max_guests, 3), floor: str(body.floor, 4), amenities: str(body.amenities, 1300) });
  const back = id ? `/admin/lodging/rooms/${id}` : "/admin/lodging/rooms";
  if (!checked.ok) {
    setFlash(c, "error", checked.errors.map((e) => e.message.ja).join(" / "));
    return c.redirect(back, 303);
  }
  const room = { ...checked.value, roomTypeId: str(body.room_type_id, 40) };
  const type = await c.env.DB.prepare("SELECT id FROM room_types WHERE id = ?").bind(room.roomTypeId).first();
  const clash = await c.env.DB.prepare("SELECT id FROM rooms WHERE number = ? AND id != ?").bind(room.number, id ?? "").first();
  if (!type || clash) {
    setFlash(c, "error", !type ? "タイプを選んでください" : `部屋番号 ${room.number} はすでにあります`);
    return c.redirect(back, 303);
  }
  const roomId = id ?? newId("rom");
  const existing = id ? await c.env.DB.prepare("SELECT images FROM rooms WHERE id = ?").bind(id).first<{ images: string }>() : null;
  if (id && !existing) return c.notFound();
  const now = Date.now();
  const st = roomUpsert({ id: roomId, ...room, images: existing ? (JSON.parse(existing.images) as string[]) : [] }, now);
  await c.env.DB.batch([
    c.env.DB.prepare(st.sql).bind(...st.params),
    lodgingAuditStatement(c.env.DB, { operator: c.get("operator"), action: id ? "room_edited" : "room_created", subjectType: "room", subjectId: roomId, detail: room }, now),
  ]);
  setFlash(c, "ok", `${room.number}号室を保存しました`);
  return c.redirect(`/admin/lodging/rooms/${roomId}`, 303);
}

lodgingRooms.post("/lodging/rooms", (c) => saveRoom(c, null));
lodgingRooms.post("/lodging/rooms/:id", (c) => saveRoom(c, c.req.param("id")));

// ---------------------------------------------------------------- room photos (R2)

const IMAGE_TYPES: Record<string, string> = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp" };
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

lodgingRooms.post("/lodging/rooms/:id/images", async (c) => {
  const id = c.req.param("id");
  const body = await c.req.parseBody();
  const file = body.image;
  const back = `/admin/lodging/rooms/${encodeURIComponent(id)}`;
  const room = await c.env.DB.prepare("SELECT images FROM rooms WHERE id = ?").bind(id).first<{ images: string }>();
  if (!room) return c.notFound();
  if (!(file instanceof File) || !IMAGE_TYPES[file.type] || file.size === 0 || file.size > MAX_IMAGE_BYTES) {
    setFlash(c, "error", "JPEG・PNG・WebP の画像（2MBまで）を選んでください");
    return c.redirect(back, 303);
  }
  const images = JSON.parse(room.images) as string[];
  if (images.length >= 10) {
    setFlash(c, "error", "写真は1室10枚までです");
    return c.redirect(back, 303);
  }
  const key = `rooms/${id}/${newId("img")}.${IMAGE_TYPES[file.type]}`;
  await c.env.LODGING_IMAGES.put(key, await file.arrayBuffer(), { httpMetadata: { contentType: file.type } });
  await c.env.DB.prepare("UPDATE rooms SET images = ?, updated_at = ? WHERE id = ?").bind(JSON.stringify([...images, key]), Date.now(), id).run();
  setFlash(c, "ok", "写真を追加しました");
  return c.redirect(back, 303);
});

lodgingRooms.get("/lodging/images/rooms/:room/:name", async (c) => {
  const key = `rooms/${c.req.param("room")}/${c.req.param("name")}`;
  const object = await c.env.LODGING_IMAGES.get(key);
  if (!object) return c.notFound();
  return c.body(object.body, 200, { "Content-Type": object.httpMetadata?.contentType ?? "application/octet-stream", "Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff" });
});
