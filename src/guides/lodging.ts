// Guides for the lodging (seed 004): members (points, booking, the birthday discount,
// cancelling and the refund table, check-in) in Japanese and English, and the front desk's
// manual in Japanese (the console is Japanese). Written from what the member pages
// (src/routes/member.tsx), the console's front desk (src/routes/admin/lodging*.tsx) and the
// lodging rules (src/domain/lodging/) do; the numbers come from those rules and the running
// configuration (the refund table, the birthday window, the payment window), so a changed
// rule changes the guide.
import type { Doc } from "../documents/model.ts";
import { formatPoints } from "../domain/lodging/points.ts";
import { lodgingPolicy } from "../domain/lodging/policy.ts";
import type { CancellationPolicy } from "../domain/lodging/refund.ts";
import { ROOM_STATUSES, ROOM_STATUS_LABELS } from "../domain/lodging/room-status.ts";
import { ROOM_CSV_COLUMNS } from "../domain/lodging/rooms.ts";
import { RATE_CSV_COLUMNS } from "../domain/lodging/rates-csv.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { japaneseGuide, type Guide, type GuideContext } from "./types.ts";

const p = lodgingPolicy;
const pts = (n: number, lang: Lang) => formatPoints(n, lang);

/** The refund table as rows a member reads: "7日以上前 | 100%", "3〜6日前 | 50%", …, and the no-show. */
export function refundRows(policy: CancellationPolicy, lang: Lang): string[][] {
  const rows = policy.rows.map((r, i) => {
    const above = policy.rows[i - 1];
    const upTo = above ? above.minDaysBefore - 1 : null;
    const when =
      upTo === null
        ? lang === "ja" ? `${r.minDaysBefore}日以上前` : `${r.minDaysBefore} days or more before`
        : upTo === r.minDaysBefore
          ? lang === "ja" ? `${r.minDaysBefore}日前` : `${r.minDaysBefore} day${r.minDaysBefore === 1 ? "" : "s"} before`
          : lang === "ja" ? `${r.minDaysBefore}〜${upTo}日前` : `${r.minDaysBefore} to ${upTo} days before`;
    return [when, `${r.percent}%`];
  });
  rows.push([lang === "ja" ? `不泊（チェックイン時刻の${policy.checkInHourJst}:00を過ぎてから）` : `No-show (after the ${policy.checkInHourJst}:00 check-in time)`, `${policy.noShowPercent}%`]);
  return rows;
}

const members: Guide = {
  slug: "lodging-members",
  audience: "members",
  minutes: 7,
  langs: ["ja", "en"],
  title: { ja: "宿泊会員ガイド", en: "Member guide (lodging)" },
  doc(lang: Lang, ctx: GuideContext): Doc {
    const c = ctx.lodging.cancellation;
    const hour = c.checkInHourJst;
    const wait = ctx.lodging.paymentWindowMinutes;
    const days = ctx.lodging.birthdayWindowDays;
    if (lang === "en")
      return {
        title: "Member guide (lodging)",
        subtitle: "For lodging members · 7 minutes",
        lang,
        blocks: [
          { note: `Stays are paid only with prepaid points (1 point = 1 yen). Buy points by card, book rooms on your member page (${ctx.publicUrl}/member) or through an AI assistant, and show your ID document at check-in.` },
          { h2: "Becoming a member" },
          {
            ol: [
              `Open ${ctx.publicUrl}/member and sign in with your mobile number and the six-digit code we text you.`,
              "Register your name, email, date of birth and the number of the ID document you will show at check-in.",
              "QRV does not keep the document number itself: only a value to match it at the front desk and its last four characters, which your page shows as ••••1234.",
            ],
          },
          { h2: "Points: top-up and balance" },
          {
            ul: [
              `Members' page → Points balance: choose how many points to buy (${pts(p.minTopUpPoints, "en")} to ${pts(p.maxTopUpPoints, "en")}) and pay by card on Stripe's secure page.`,
              "The points are added as soon as the payment is confirmed. The history lists every top-up, stay, refund and adjustment with the balance after it.",
              "You can also ask your AI assistant for your balance or for a top-up link.",
            ],
          },
          { h2: "Booking rooms" },
          {
            ol: [
              "Find rooms: give the check-in and check-out dates. Each room type shows how many rooms are free for every night, and the price per room for the stay.",
              `Add a room type and a number of rooms to the cart (up to ${p.maxRoomsPerLine} rooms a line, ${p.maxLines} lines an order). A stay is at most ${p.maxNights} nights, starting today up to ${p.maxAdvanceDays} days ahead.`,
              "Place the order: the cart shows the subtotal, the birthday discount, the total and your balance. Rooms are assigned when you order; your order page shows the room numbers and each night's price.",
              `If your balance covers the total, the order is paid and confirmed at once (SMS and email). If it does not, the rooms are held for ${wait} minutes: top up the missing points within that time and the order pays itself. Otherwise it expires and nothing is taken.`,
            ],
          },
          { h2: "The birthday discount" },
          { p: `Nights within ${days} days before or after your birthday (the date of birth you registered) are ${p.birthdayDiscountPercent}% off, rounded in your favour. It is applied automatically and shown as its own line. Born on 29 February? In other years your birthday counts as 28 February.` },
          { h2: "Cancelling: all rooms or some" },
          {
            ol: [
              "Open the order (Orders → the order number) and tick the rooms to cancel. All rooms are ticked to begin with.",
              "See the refund: the points that would come back and the rule that applies.",
              "Ask to cancel. The front desk approves the request; the points go back to your balance and you get an SMS and an email. If the request is refused, you are told why and the order stands.",
            ],
          },
          { h3: "The refund table" },
          { p: `Days are counted in whole days (24 hours) up to ${hour}:00 on the check-in day, Japan time. Each room returns its share of what you paid for it (birthday discount included), rounded down to a whole point.` },
          { table: { head: ["When you ask", "Refund"], rows: refundRows(c, "en") } },
          { note: "A room once cancelled is never refunded twice: cancelling some rooms and later the rest adds up to at most what you paid." },
          { h2: "Check-in" },
          { p: `Check in on your arrival day (check-in time ${hour}:00). Give your order number at the front desk and show the ID document you registered: the staff type its number, which must match your membership. Without it the desk cannot check you in.` },
          { h2: "Help" },
          { p: `Support (weekdays 9:00-18:00 JST): ${ctx.supportPhone} / ${ctx.supportEmail}` },
        ],
      };
    return {
      title: "宿泊会員ガイド",
      subtitle: "宿泊会員向け・所要7分",
      lang,
      blocks: [
        { note: `ご宿泊のお支払いはプリペイドポイントのみです（1ポイント＝1円）。ポイントをカードで購入し、会員ページ（${ctx.publicUrl}/member）またはAIアシスタントからお部屋を予約し、チェックイン時に本人確認書類をご提示ください。` },
        { h2: "会員登録" },
        {
          ol: [
            `${ctx.publicUrl}/member を開き、携帯電話番号とSMSで届く6桁のコードでサインインします。`,
            "お名前・メールアドレス・生年月日と、チェックイン時に提示する本人確認書類の番号を登録します。",
            "書類の番号そのものは保存しません。フロントで照合するための値と末尾4桁だけを保存し、会員ページには ••••1234 のように表示します。",
          ],
        },
        { h2: "ポイントのチャージと残高" },
        {
          ul: [
            `会員ページの「ポイント残高」で、購入するポイント（${pts(p.minTopUpPoints, "ja")}〜${pts(p.maxTopUpPoints, "ja")}）を選び、Stripeの安全な決済ページでカードでお支払いください。`,
            "お支払いが確認されるとポイントが加算されます。ご利用履歴には、チャージ・ご利用・返還・調整がその後の残高とともに並びます。",
            "AIアシスタントに残高の確認やチャージのリンクを頼むこともできます。",
          ],
        },
        { h2: "お部屋の予約" },
        {
          ol: [
            "「空室検索」でチェックイン日とチェックアウト日を入れます。部屋タイプごとに、全日程で空いている部屋数と1室あたりの料金が表示されます。",
            `部屋タイプと部屋数を選んでカートに入れます（1行${p.maxRoomsPerLine}室まで、1回のご注文は${p.maxLines}行まで）。ご宿泊は1回${p.maxNights}泊まで、今日から${p.maxAdvanceDays}日先までです。`,
            "「注文する（ポイントで支払う）」を押します。カートには小計・バースデー割引・合計・残高が表示されます。お部屋は注文時に割り当てられ、注文ページに部屋番号と1泊ごとの料金が表示されます。",
            `残高が足りていれば、その場でお支払いが済み、予約が確定します（SMSとメールでお知らせ）。足りないときは${wait}分間お部屋を確保します。その間に不足分をチャージすると自動でお支払いが完了します。期限を過ぎるとご注文は取り消され、ポイントは使われません。`,
          ],
        },
        { h2: "バースデー割引" },
        { p: `ご登録の生年月日のお誕生日の前後${days}日以内の泊は${p.birthdayDiscountPercent}%割引になります（端数はお客様に有利に計算します）。自動で適用され、別の行で表示されます。2月29日生まれの方は、うるう年以外は2月28日をお誕生日とします。` },
        { h2: "キャンセル（全室・一部の部屋）" },
        {
          ol: [
            "「ご注文」から注文番号を開き、キャンセルする部屋にチェックを入れます（最初はすべての部屋にチェックが入っています）。",
            "「返金額を確認する」で、返金されるポイントと適用される規定が表示されます。",
            "「この内容でキャンセルを依頼する」を押すと、フロントが承認します。承認されるとポイントが残高に戻り、SMSとメールでお知らせします。お受けできない場合は理由をお知らせし、ご予約はそのままです。",
          ],
        },
        { h3: "返金の規定" },
        { p: `日数はチェックイン日の${hour}:00（日本時間）までを24時間単位で数えます。部屋ごとに、その部屋にお支払いいただいたポイント（バースデー割引後）に割合を掛け、1ポイント未満は切り捨てます。` },
        { table: { head: ["ご依頼の時期", "返金"], rows: refundRows(c, "ja") } },
        { note: "一度キャンセルした部屋が二重に返金されることはありません。一部の部屋を先に、残りを後でキャンセルしても、返金の合計はお支払い額を超えません。" },
        { h2: "チェックイン" },
        { p: `チェックインはご到着日です（チェックイン時刻は${hour}:00）。フロントで注文番号をお伝えし、ご登録の本人確認書類をご提示ください。スタッフが番号を入力し、会員情報と一致すればチェックインできます。書類がないとチェックインできません。` },
        { h2: "お問い合わせ" },
        { p: `サポート（平日9:00〜18:00）: ${ctx.supportPhone} / ${ctx.supportEmail}` },
      ],
    };
  },
};

const frontDesk = japaneseGuide("front-desk", "front-desk-manual", "フロント業務マニュアル", 10, (ctx) => {
  const c = ctx.lodging.cancellation;
  return [
    { p: "運営コンソール（/admin）の「宿泊フロント」で行う業務の手順です。サインインはコンソールと同じです。操作はすべて担当者名とともに記録されます。" },
    { h2: "ルームボード" },
    { p: "「宿泊フロント」を開くと、全客室の状態と滞在中のお客様が並びます。3秒ごとに自動で更新され、上部に本日の到着・出発の残り件数が出ます。客室の状態は次の6つです。" },
    { table: { head: ["状態", "意味", "次にできること"], rows: [
      [ROOM_STATUS_LABELS.available.ja, "販売できる部屋", "メンテナンス中・利用不可にする（本日到着の予約が入ると自動で予約済に）"],
      [ROOM_STATUS_LABELS.reserved.ja, "本日到着のお客様がいる", "チェックイン（キャンセルが承認されると自動で空室に）"],
      [ROOM_STATUS_LABELS.occupied.ja, "お客様が滞在中", "チェックアウト"],
      [ROOM_STATUS_LABELS.cleaning.ja, "チェックアウト後、清掃待ち", "清掃完了、メンテナンス中・利用不可にする"],
      [ROOM_STATUS_LABELS.maintenance.ja, "修理・点検で販売停止", "販売再開、利用不可にする"],
      [ROOM_STATUS_LABELS.unavailable.ja, "そのほかの理由で販売停止", "販売再開、メンテナンス中にする"],
    ] } },
    { note: `表にない操作（例: 入室中の部屋をメンテナンス中にする）は理由つきで断られます。状態は${ROOM_STATUSES.length}つだけです。` },
    { h2: "チェックイン" },
    {
      ol: [
        "「本日の到着」で注文番号とお名前を確認します。",
        "お客様の本人確認書類を受け取り、書類の番号を入力します（スペースやハイフンはあってもなくても構いません）。",
        "その部屋だけか、その注文の全室かを選んで「チェックイン」を押します。番号が会員情報と一致しないとチェックインできません。",
      ],
    },
    { p: `チェックインできるのは到着日（本日到着の一覧にある部屋）だけです。規定上のチェックイン時刻は${c.checkInHourJst}:00で、これを過ぎると会員のキャンセルは不泊の扱い（${c.noShowPercent}%返金）になります。` },
    { h2: "チェックアウト" },
    { p: "「滞在中・本日の出発」で部屋の「チェックアウト」を押します。部屋は清掃中になります。出発日より前のチェックアウト（早期退室）では、残りの泊が空室に戻り、販売できるようになります。" },
    { h2: "清掃とメンテナンス" },
    {
      ul: [
        "清掃が終わったら「客室の状態を変更」で「清掃完了」を押します。部屋は空室に戻ります。",
        "修理や点検で販売を止めるときは「メンテナンス・利用不可にする」を開き、状態・理由（200文字まで）・開始日・終了日（この日の朝まで、1年以内）を入れて「設定」を押します。その期間の泊は販売されません。",
        "期間に確定済みの予約があると設定できず、重なる注文番号が表示されます。お客様の予約を先にご相談ください。",
        "販売を戻すときは「販売再開」を押します。",
      ],
    },
    { h2: "キャンセルの承認" },
    {
      ol: [
        "「承認待ちのキャンセル」に、会員からのご依頼が並びます。全室か一部か、キャンセルする部屋、返金額（依頼時点の見積）、適用した規定、依頼日時が表示されます。",
        "規定どおりなら「承認する」を押します。ポイントが1回だけ返金され、その部屋の泊が空室に戻り、会員にSMSとメールで通知されます。",
        "お受けできないときは理由（会員に伝わります）を入れて「お断りする」を押します。ご予約は有効のままです。",
      ],
    },
    { table: { head: ["ご依頼の時期（チェックイン日の" + c.checkInHourJst + ":00まで）", "返金"], rows: refundRows(c, "ja") } },
    { note: "返金の規定は運営担当者が設定します（LODGING_CANCELLATION_POLICY）。この表は現在の設定から作られています。" },
    { h2: "会員の管理" },
    {
      ul: [
        "「会員」で名前・電話番号で検索し、会員ページで注文とポイント履歴を確認できます。",
        "フロントで会員登録するときは「会員」画面のフォームに、お名前・携帯電話番号・本人確認書類の番号・メールアドレス・生年月日を入れます。書類の番号は照合用の値と末尾4桁だけが保存されます。",
        "会員情報の変更: 会員のページの「会員情報を変更する」で、お名前・携帯電話番号（ログインに使う番号も変わります）・メールアドレス・生年月日・本人確認書類の番号（変えるときだけ入力）を直して「変更を保存」を押します。登録と同じ確認があり、変更は履歴に残ります。",
        "ポイントの手動調整: 会員のページで、ポイント（減らすときはマイナス）と理由を入れて「調整する」を押します。理由とともに履歴に残ります。",
        "会員の削除: 確認にチェックを入れて「削除する」を押すと個人情報が消去されます。ポイント履歴と注文は匿名で残ります。未完了の注文がある会員は削除できません。",
        "「注文」では、会員名・注文番号・チェックイン日で注文を探し、部屋・1泊ごとの料金・ポイントの動き・経緯を確認できます。",
      ],
    },
    { h2: "客室と料金（CSV）" },
    {
      ul: [
        "「客室」: 部屋番号・タイプ・広さ・定員・階・設備（「|」区切り）を追加・編集し、写真（JPEG・PNG・WebP、2MBまで、1室10枚まで）を登録します。部屋タイプは「部屋タイプ」で追加・編集します。検索結果は「CSVをダウンロード」で書き出せます。",
        `客室をまとめて入れるときは「客室」の「CSVで取り込む」（列: ${ROOM_CSV_COLUMNS.join(",")}、UTF-8）。部屋番号が同じ客室は更新、新しい番号は追加です。`,
        "「料金」: 部屋タイプと月を選ぶと料金カレンダーが出ます。1日・期間・曜日を指定して1泊のポイント（0〜1,000,000）を設定します。設定のない日は部屋タイプの基本料金です。その月の料金はCSV（room_type,date,points）で書き出せます。",
        `料金をまとめて入れるときは「料金」の「CSVで取り込む」（列: ${RATE_CSV_COLUMNS.join(",")}、ダウンロードしたCSVと同じ形式）。同じタイプと日付の料金は上書きします。`,
        "客室・料金のCSVは、1行でも誤りがあれば1件も取り込まれず、誤りの行番号が表示されます。直して取り込み直してください。",
      ],
    },
    { code: "room_type,date,points\nツイン,2026-12-24,18000\nツイン,2026-12-25,18000" },
    { h2: "困ったとき" },
    { p: `画面の表示と実際が合わない、操作が断られる理由が分からないときは、運営担当者（平日9:00〜18:00、${ctx.supportPhone}）に注文番号と部屋番号を添えて連絡してください。` },
  ];
});

export const LODGING_GUIDES: Guide[] = [members, frontDesk];
