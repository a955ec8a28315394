// The service catalogue (seed 002): every service with the eight things an operator looks up;
// docs/service-catalogue.md is the same document as the page and the PDF; the console links it.
import { describe, expect, it } from "vitest";
import catalogueMd from "../docs/service-catalogue.md?raw";
import { docToMarkdown } from "../src/documents/markdown.ts";
import { SUPPORT_TARGETS } from "../src/domain/support-kpis.ts";
import { CATALOGUE_PREFACE, SERVICES, catalogueDoc } from "../src/guides/catalogue.ts";
import { signIn } from "./console-client.ts";

describe("service catalogue", () => {
  it("describes each service fully, with the seed's targets", () => {
    expect(SERVICES.map((s) => s.name)).toEqual(["店舗予約代行（ショップ予約）", "カスタマーサポート（お問い合わせ窓口）", "宿泊予約（ポイント会員）", "1on1コーチセッション"]);
    for (const s of SERVICES) for (const value of Object.values(s)) expect(value.length).toBeGreaterThan(5);
    expect(SERVICES[0]!.targets).toContain("SMS送信失敗 緊急・30分以内");
    expect(SERVICES[0]!.dependencies).toMatch(/Twilio.*Bland\.ai.*Stripe.*Slack/);
    expect(SERVICES[2]!.targets).toContain("チェックインの7日以上前100%・3日以上前50%・0日以上前0%、不泊0%");
    expect(SERVICES[2]!.dependencies).toMatch(/R2.*Stripe.*Twilio/);
    expect(SERVICES[3]!.targets).toContain("キャンセル申し出4時間");
    expect(SERVICES[3]!.manual).toContain("ポリシー外の件の判断");
    expect(SERVICES[1]!.targets).toBe(`初回応答 2時間以内（営業時間）、解決 24時間以内（営業時間）、顧客満足度 ${SUPPORT_TARGETS.satisfaction.toFixed(1)}以上（5段階）`);
  });

  it("docs/service-catalogue.md is generated from the same source (npm run docs:catalogue)", () => {
    expect(catalogueMd).toBe(docToMarkdown(catalogueDoc(), CATALOGUE_PREFACE));
  });

  it("is linked from the console", async () => {
    const op = await signIn();
    const html = await op.html("/admin/reports");
    expect(html).toContain('href="/guides/service-catalogue"');
    expect(html).toContain('href="/guides/service-catalogue.ja.pdf"');
    expect(await op.html("/admin")).toContain('href="/admin/reports"');
    // The front desk finds its manual from the desk.
    expect(await op.html("/admin/lodging")).toContain('href="/guides/front-desk-manual"');
  });
});
