// The console's session pages: engagements by status, the pipeline board, the CRM view, one
// engagement with its audit log and operator actions, and the coaches' settings (a new
// coach, a menu, a new version of the terms, availability).
import { describe, expect, it } from "vitest";
import { currentDocuments, getAvailability, menusOf } from "../src/db/sessions.ts";
import { flashOf, signIn } from "./console-client.ts";
import { db, uniqueMobile } from "./helpers.ts";
import { engagement, inquire, seedCoach } from "./session-helpers.ts";

describe("console: sessions", () => {
  it("lists engagements by status, on the pipeline board and in the CRM view", async () => {
    const coach = await seedCoach();
    const lead = await inquire(coach, { name: "リード 太郎" });
    const trial = await inquire(coach, { name: "体験 花子", trial: true });
    const op = await signIn();
    const list = await op.html(`/admin/engagements?coach=${coach.coachId}`);
    expect(list).toContain(lead.id);
    expect(list).toContain(trial.id);
    const contract = await op.html(`/admin/engagements?coach=${coach.coachId}&status=contract_sent`);
    expect(contract).toContain(lead.id);
    expect(contract).not.toContain(trial.id);
    const board = await op.html("/admin/pipeline");
    const column = (id: string) => board.slice(board.indexOf(`id="col-${id}"`), board.indexOf("</div>", board.indexOf(`id="col-${id}"`)));
    expect(column("contract")).toContain("リード 太郎");
    expect(column("trial")).toContain("体験 花子");
    expect(await op.html("/admin/crm?crm=trial")).toContain("体験 花子");
  });

  it("records a trouble and pauses a client from the engagement page, in the audit log with the operator", async () => {
    const coach = await seedCoach();
    const { id } = await inquire(coach);
    const op = await signIn("運営 一郎");
    expect(await op.html(`/admin/engagements/${id}`)).toContain("監査ログ");
    let res = await op.post(`/admin/engagements/${id}/trouble`, { kind: "cannot_connect", note: "音声が出ないと連絡あり" });
    expect(flashOf(res)?.kind).toBe("ok");
    res = await op.post(`/admin/engagements/${id}/crm`, { crm: "paused" });
    const r = await engagement(id);
    expect(r.data.troubles).toEqual([expect.objectContaining({ kind: "cannot_connect", by: "運営 一郎" })]);
    expect(r.data.crm).toBe("paused");
    expect(await op.html(`/admin/engagements/${id}`)).toContain("set_crm（operator）");
  });

  it("sets a coach up: profile, a menu, versioned terms, availability", async () => {
    const op = await signIn();
    let res = await op.post("/admin/coaches", { name: "新人 コーチ", phone: uniqueMobile().replace("+81", "0"), email: "", bio: "", meeting_mode: "per_session", meeting_url: "https://meet.example.com/new", active: "1" });
    expect(res.status).toBe(303);
    const path = res.headers.get("Location")!;
    const coachId = path.split("/").pop()!;
    res = await op.post(`${path}/menus`, { name: "お試し30分", price_jpy: "3300", minutes: "30", sessions: "1", out_of_scope: "医療相談", trial: "1" });
    expect(flashOf(res)?.kind).toBe("ok");
    expect(await menusOf(db, coachId)).toEqual([expect.objectContaining({ name: "お試し30分", priceJpy: 3300, minutes: 30, trial: true, outOfScope: "医療相談" })]);
    await op.post(`${path}/documents/terms`, { title: "利用規約", body: "第1版" });
    await op.post(`${path}/documents/terms`, { title: "利用規約", body: "第2版の本文" });
    expect((await currentDocuments(db, coachId)).terms).toMatchObject({ version: 2, body: "第2版の本文" });
    res = await op.post(`${path}/availability`, { start_2: "10:00", end_2: "12:00", exceptions: "", buffer: "5", notice: "30" });
    expect(flashOf(res)?.kind).toBe("ok");
    expect((await getAvailability(db, coachId)).weekly).toEqual([{ weekday: 2, start: "10:00", end: "12:00" }]);
    const page = await op.html(path);
    expect(page).toContain("現在 第2版");
    // An inquiry for a coach without a contract is refused by name.
    const [menu] = await menusOf(db, coachId);
    await expect(inquire({ coachId, menuId: menu!.id })).rejects.toThrow("terms and contract are not set up");
  });
});
