// /satisfaction/<token>: the one-question survey linked from an inquiry's closing message
// (seed 000 §7.3: satisfaction, 1 to 5). The link's token (256 bits, only its hash stored)
// is the only key; a score is recorded once, and a second answer or a reload changes nothing.
import { Hono } from "hono";
import { config } from "../config.ts";
import { createDb } from "../db/client.ts";
import { inquiryBySurveyToken, recordSatisfaction } from "../db/inquiries.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { CSRF_FIELD, csrfToken, csrfValid } from "./csrf.ts";
import { RequesterPage, privatePage } from "./requester-layout.tsx";

export const satisfaction = new Hono<{ Bindings: Env }>();
satisfaction.use("*", privatePage);

const TEXT = {
  ja: {
    title: "アンケート",
    question: "お問い合わせへの対応に、どのくらい満足されましたか？",
    scale: ["1 不満", "2 やや不満", "3 ふつう", "4 やや満足", "5 満足"],
    send: "送信する",
    thanks: "ご回答ありがとうございました。今後のサポートの改善に役立てます。",
    unknown: "このリンクは使えません。お手数ですが、届いたメッセージのリンクをもう一度ご確認ください。",
    choose: "1〜5のどれかを選んでください。",
    expired: "ページの有効期限が切れました。もう一度お選びください。",
  },
  en: {
    title: "Survey",
    question: "How satisfied are you with how we handled your inquiry?",
    scale: ["1 Unsatisfied", "2 Somewhat unsatisfied", "3 Neutral", "4 Somewhat satisfied", "5 Satisfied"],
    send: "Send",
    thanks: "Thank you for your answer. It helps us improve our support.",
    unknown: "This link cannot be used. Please check the link in the message you received.",
    choose: "Please choose one of 1 to 5.",
    expired: "The page expired. Please choose again.",
  },
} as const;

function SurveyPage(props: { lang: Lang; path: string; csrf?: string; done?: boolean; error?: string }) {
  const x = TEXT[props.lang];
  return (
    <RequesterPage title={`${x.title} · QRV`} lang={props.lang} path={props.path}>
      <div class="card" id="survey">
        <h1>{x.title}</h1>
        {props.done ? (
          <p id="survey-thanks">{x.thanks}</p>
        ) : (
          <form method="post" action={props.path} data-once>
            {props.error ? <p class="banner bad">{props.error}</p> : null}
            <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
            <fieldset class="field">
              <legend>{x.question}</legend>
              {x.scale.map((label, i) => (
                <label class="choice">
                  <input type="radio" name="score" value={String(i + 1)} required />
                  <span>{label}</span>
                </label>
              ))}
            </fieldset>
            <button type="submit">{x.send}</button>
          </form>
        )}
      </div>
    </RequesterPage>
  );
}

function unknownPage(lang: Lang) {
  return (
    <RequesterPage title="QRV" lang={lang} path="/support">
      <div class="card">
        <p>{TEXT[lang].unknown}</p>
      </div>
    </RequesterPage>
  );
}

satisfaction.get("/:token", async (c) => {
  const row = await inquiryBySurveyToken(createDb(c.env.DB), c.req.param("token"));
  if (!row) return c.html(unknownPage("ja"), 404);
  const lang: Lang = row.language === "en" ? "en" : "ja";
  const path = `/satisfaction/${c.req.param("token")}`;
  return c.html(<SurveyPage lang={lang} path={path} csrf={csrfToken(c)} done={row.satisfaction !== null} />);
});

satisfaction.post("/:token", async (c) => {
  const db = createDb(c.env.DB);
  const row = await inquiryBySurveyToken(db, c.req.param("token"));
  if (!row) return c.html(unknownPage("ja"), 404);
  const lang: Lang = row.language === "en" ? "en" : "ja";
  const path = `/satisfaction/${c.req.param("token")}`;
  const form = await c.req.parseBody();
  if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return c.html(<SurveyPage lang={lang} path={path} csrf={csrfToken(c)} error={TEXT[lang].expired} />, 403);
  const score = Number(form.score);
  if (!Number.isInteger(score) || score < 1 || score > 5) return c.html(<SurveyPage lang={lang} path={path} csrf={csrfToken(c)} error={TEXT[lang].choose} />, 400);
  const counted = await recordSatisfaction(db, row.id, score);
  if (counted) console.log(JSON.stringify({ msg: "satisfaction recorded", inquiry: row.id, score }));
  return c.redirect(path, 303);
});
