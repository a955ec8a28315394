// Rooms and room types in the console over HTTP (session, CSRF): room types created and edited
// with their checks and audit rows, and the room CSV in: every row checked first (a bad file
// imports nothing and names each problem by line and column), then rooms upserted by number
// (photos and statuses kept) with one audit row; the exported file goes back in unchanged.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseRoomCsv } from "../../src/domain/lodging/rooms.ts";
import { flashOf, signIn } from "../console-client.ts";
import { seedLodging } from "./helpers.ts";

const tag = () => `${Date.now().toString(36).slice(-5)}${Math.floor(Math.random() * 1e4).toString(36)}`.toUpperCase();

function csvFile(text: string | Uint8Array, name = "rooms.csv"): FormData {
  const form = new FormData();
  form.append("file", new File([text], name, { type: "text/csv" }));
  return form;
}

describe("room types in the console", () => {
  it("creates and edits a type with checks; every change leaves an audit row; room search by type still works", async () => {
    const op = await signIn("タイプ担当");
    const t = tag();
    const name = `和室${t}`;
    const created = await op.post("/admin/lodging/room-types", { name, name_en: `Japanese ${t}`, default_points: "18000", description: "畳敷き・布団", sort: "5" });
    expect(flashOf(created)).toMatchObject({ kind: "ok" });
    const id = created.headers.get("Location")!.split("/").pop()!;
    expect(await env.DB.prepare("SELECT name, name_en AS en, default_points AS p, description AS d, sort FROM room_types WHERE id = ?").bind(id).first()).toEqual({ name, en: `Japanese ${t}`, p: 18_000, d: "畳敷き・布団", sort: 5 });

    // Refusals: the same name again, a bad rate, an empty name — nothing written, the form says why.
    const same = await op.post("/admin/lodging/room-types", { name, name_en: "", default_points: "1000", description: "", sort: "" });
    expect(same.status).toBe(400);
    expect(await same.text()).toContain(`「${name}」と同じ名前です`);
    const bad = await op.post("/admin/lodging/room-types", { name: "", name_en: "", default_points: "-5", description: "", sort: "" });
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain("タイプ名（日本語）を40文字以内で入力してください");
    expect(badPage).toContain("基本料金は0〜1,000,000ポイントの整数で入力してください");

    const edited = await op.post(`/admin/lodging/room-types/${id}`, { name: `${name}改`, name_en: `Japanese ${t}`, default_points: "20,000", description: "", sort: "5" });
    expect(flashOf(edited)).toMatchObject({ kind: "ok" });
    expect(await env.DB.prepare("SELECT name, default_points AS p FROM room_types WHERE id = ?").bind(id).first()).toEqual({ name: `${name}改`, p: 20_000 });
    const { results: audit } = await env.DB.prepare("SELECT action, operator FROM lodging_audit WHERE subject_type = 'room_type' AND subject_id = ? ORDER BY id").bind(id).all();
    expect(audit).toEqual([{ action: "room_type_created", operator: "タイプ担当" }, { action: "room_type_edited", operator: "タイプ担当" }]);
    const page = await op.html(`/admin/lodging/room-types/${id}`);
    expect(page).toContain("タイプ編集");
    expect(await op.html("/admin/lodging/room-types")).toContain(`data-room-type="${id}"`);

    // A room of the new type is found by type, status and capacity.
    const number = `T${t}`.slice(0, 10);
    expect(flashOf(await op.post("/admin/lodging/rooms", { number, room_type_id: id, floor_area_m2: "30", max_guests: "3", floor: "2", amenities: "" }))).toMatchObject({ kind: "ok" });
    expect(await op.html(`/admin/lodging/rooms?type=${id}&status=available&guests=3`)).toContain(`data-room-row="${number}"`);
    expect(await op.html(`/admin/lodging/rooms?type=${id}&status=available&guests=4`)).not.toContain(`data-room-row="${number}"`);
    expect(await op.html(`/admin/lodging/rooms?type=${id}&status=cleaning`)).not.toContain(`data-room-row="${number}"`);
    const roomId = (await env.DB.prepare("SELECT id FROM rooms WHERE number = ?").bind(number).first<{ id: string }>())!.id;
    expect(await env.DB.prepare("SELECT action, operator FROM lodging_audit WHERE subject_type = 'room' AND subject_id = ?").bind(roomId).first()).toEqual({ action: "room_created", operator: "タイプ担当" });
  });
});

describe("room CSV import", () => {
  it("checks every row first: a bad file imports nothing and names each problem by line and column", async () => {
    const { types } = await seedLodging([{ name: "取込", defaultPoints: 7_000, rooms: 1 }]);
    const op = await signIn("取込担当");
    const t = tag();
    const text = [
      "number,room_type,floor_area_m2,max_guests,floor,amenities",
      `A${t},${types[0]!.name},20,2,3,エアコン|Wi-Fi`,
      `B${t},存在しない,20,2,3,`,
      `C${t},${types[0]!.name},20,99,3,`,
      `A${t},${types[0]!.name},20,2,3,`,
    ].join("\n");
    const res = await op.post("/admin/lodging/rooms/import", csvFile(text));
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain("1件も取り込んでいません");
    expect(page).toContain('data-line="3" data-column="room_type"');
    expect(page).toContain('data-line="4" data-column="max_guests"');
    expect(page).toContain('data-line="5" data-column="number"');
    expect(page).toContain("5行目・number列: 部屋番号");
    expect(page).not.toContain('data-line="2"');
    expect(await env.DB.prepare("SELECT count(*) AS n FROM rooms WHERE number IN (?, ?, ?)").bind(`A${t}`, `B${t}`, `C${t}`).first()).toEqual({ n: 0 });

    // Not a CSV with the right header, and not UTF-8: refused as a whole, on line 1.
    const header = await (await op.post("/admin/lodging/rooms/import", csvFile("room,type\n1,2\n"))).text();
    expect(header).toContain("the header must be: number,room_type,floor_area_m2,max_guests,floor,amenities");
    const sjis = await op.post("/admin/lodging/rooms/import", csvFile(new Uint8Array([0x82, 0xa0, 0x2c, 0x0a])));
    expect(sjis.status).toBe(400);
    expect(await sjis.text()).toContain("UTF-8 で読めません");
  });

  it("upserts by room number (photos and status kept), audits once, and takes the exported file back", async () => {
    const { types } = await seedLodging([{ name: "往復", defaultPoints: 7_000, rooms: 1 }, { name: "往復B", defaultPoints: 9_000, rooms: 0 }]);
    const op = await signIn("取込担当");
    const t = tag();
    const existing = { id: types[0]!.rooms[0]!.id, number: `E${t}` };
    await env.DB.prepare("UPDATE rooms SET number = ?, images = '[\"rooms/x/img.png\"]', status = 'cleaning' WHERE id = ?").bind(existing.number, existing.id).run();
    const text = `number,room_type,floor_area_m2,max_guests,floor,amenities\n${existing.number},${types[1]!.name},33.5,4,7,テレビ|冷蔵庫\nN${t},${types[1]!.name},18,1,2,\n`;
    const res = await op.post("/admin/lodging/rooms/import", csvFile(text, "更新.csv"));
    expect(flashOf(res)).toMatchObject({ kind: "ok", text: "更新.csv から 2室を取り込みました（追加 1・更新 1）" });
    expect(await env.DB.prepare("SELECT room_type_id AS type, floor_area_m2 AS a, max_guests AS g, floor, amenities, images, status FROM rooms WHERE id = ?").bind(existing.id).first()).toEqual({ type: types[1]!.id, a: 33.5, g: 4, floor: 7, amenities: '["テレビ","冷蔵庫"]', images: '["rooms/x/img.png"]', status: "cleaning" });
    expect(await env.DB.prepare("SELECT room_type_id AS type, max_guests AS g FROM rooms WHERE number = ?").bind(`N${t}`).first()).toEqual({ type: types[1]!.id, g: 1 });
    const audit = await env.DB.prepare("SELECT operator, detail FROM lodging_audit WHERE action = 'rooms_imported' AND detail LIKE ?").bind(`%N${t}%`).first<{ operator: string; detail: string }>();
    expect(audit?.operator).toBe("取込担当");
    expect(JSON.parse(audit!.detail)).toEqual({ file: "更新.csv", added: [`N${t}`], updated: [existing.number] });

    // The export (with its status column) imports back as it is: nothing changes.
    const exported = await (await op.get(`/admin/lodging/rooms?type=${types[1]!.id}&csv=1`)).text();
    expect(exported.replace(/^\uFEFF/, "").split("\n")[0]).toBe("number,room_type,floor_area_m2,max_guests,floor,amenities,status");
    expect(flashOf(await op.post("/admin/lodging/rooms/import", csvFile(exported)))).toMatchObject({ kind: "ok", text: expect.stringContaining("追加 0・更新 2") });
    expect(await env.DB.prepare("SELECT floor_area_m2 AS a, amenities, status FROM rooms WHERE id = ?").bind(existing.id).first()).toEqual({ a: 33.5, amenities: '["テレビ","冷蔵庫"]', status: "cleaning" });
  });

  it("a formula-looking cell written by the export comes back as text", () => {
    const r = parseRoomCsv("number,room_type,floor_area_m2,max_guests,floor,amenities\n101,Twin,20,2,1,'=HYPERLINK(x)\n", [{ id: "rty_1", name: "ツイン", nameEn: "Twin" }]);
    expect(r).toMatchObject({ ok: true, rows: [{ number: "101", roomTypeId: "rty_1", amenities: ["=HYPERLINK(x)"] }] });
  });
});

describe("rates CSV import", () => {
  it("refuses a file with any bad row (by line and column), then imports a good one with an audit row", async () => {
    const { types } = await seedLodging([{ name: "料金取込", defaultPoints: 7_000, rooms: 1 }]);
    const op = await signIn("料金担当");
    const name = types[0]!.name;
    const bad = await op.post("/admin/lodging/rates/import", csvFile(`room_type,date,points\n${name},2027-03-01,9000\n${name},2027-02-30,9000\n${name},2027-03-02,-1\n`, "rates.csv"));
    expect(bad.status).toBe(400);
    const page = await bad.text();
    expect(page).toContain('data-line="3" data-column="date"');
    expect(page).toContain('data-line="4" data-column="points"');
    expect(await env.DB.prepare("SELECT count(*) AS n FROM room_rates WHERE room_type_id = ?").bind(types[0]!.id).first()).toEqual({ n: 0 });
    const ok = await op.post("/admin/lodging/rates/import", csvFile(`room_type,date,points\n${name},2027-03-01,9000\n${name},2027-03-02,9500\n`, "rates.csv"));
    expect(flashOf(ok)).toMatchObject({ kind: "ok", text: "rates.csv から 2件の料金を取り込みました" });
    const { results } = await env.DB.prepare("SELECT date, points FROM room_rates WHERE room_type_id = ? ORDER BY date").bind(types[0]!.id).all();
    expect(results).toEqual([{ date: "2027-03-01", points: 9_000 }, { date: "2027-03-02", points: 9_500 }]);
    const audit = await env.DB.prepare("SELECT operator, detail FROM lodging_audit WHERE action = 'rates_imported' AND detail LIKE ?").bind(`%${name}%`).first<{ operator: string; detail: string }>();
    expect(audit?.operator).toBe("料金担当");
    expect(JSON.parse(audit!.detail)).toEqual({ file: "rates.csv", rates: 2, byType: { [name]: 2 } });
  });
});
