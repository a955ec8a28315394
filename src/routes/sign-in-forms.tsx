// The two steps of proving a phone number, shared by every page that signs a person in (the
// OAuth consent flow on /authorize, people's own pages on /account/sign-in): the number, then
// the six-digit code sent to it. Each caller wraps them in its own page and says where they post.
import type { Lang } from "../domain/reservation/types.ts";
import { displayPhone } from "../domain/phone.ts";

export const signInCopy = {
  ja: {
    title: "QRVにサインイン",
    phoneIntro: "予約のSMSを受け取る携帯電話番号で本人確認をします。確認コードをSMSでお送りします。",
    phoneLabel: "携帯電話番号",
    send: "コードを送る",
    codeIntro: (phone: string) => `${phone} にSMSで6桁の確認コードを送りました（10分間有効）。`,
    codeLabel: "確認コード",
    verify: "確認する",
    again: "別の番号でやり直す",
  },
  en: {
    title: "Sign in to QRV",
    phoneIntro: "Confirm the mobile number that receives your booking texts. We will send you a code by SMS.",
    phoneLabel: "Mobile number",
    send: "Send code",
    codeIntro: (phone: string) => `We sent a 6-digit code to ${phone} (valid for 10 minutes).`,
    codeLabel: "Code",
    verify: "Verify",
    again: "Use another number",
  },
};

/** Hidden fields a form carries through both steps (where to go next, a CSRF token). */
type Hidden = Record<string, string>;

function HiddenFields(props: { fields: Hidden }) {
  return (
    <>
      {Object.entries(props.fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

export function PhoneStep(props: { lang: Lang; action: string; hidden: Hidden; error?: string | undefined; phone?: string | undefined }) {
  const s = signInCopy[props.lang];
  return (
    <div class="card">
      <h1>{s.title}</h1>
      <p>{s.phoneIntro}</p>
      {props.error ? <p class="notice">{props.error}</p> : null}
      <form method="post" action={props.action}>
        <HiddenFields fields={props.hidden} />
        <p>
          <label>
            {s.phoneLabel}
            <br />
            <input name="phone" type="tel" inputmode="tel" autocomplete="tel" placeholder="090-1234-5678" value={props.phone ?? ""} required />
          </label>
        </p>
        <button type="submit" id="send-code">
          {s.send}
        </button>
      </form>
    </div>
  );
}

export function CodeStep(props: { lang: Lang; action: string; hidden: Hidden; loginId: string; phone: string; restartHref: string; error?: string | undefined }) {
  const s = signInCopy[props.lang];
  return (
    <div class="card">
      <h1>{s.title}</h1>
      <p>{s.codeIntro(displayPhone(props.phone))}</p>
      {props.error ? <p class="notice">{props.error}</p> : null}
      <form method="post" action={props.action}>
        <HiddenFields fields={props.hidden} />
        <input type="hidden" name="login_id" value={props.loginId} />
        <p>
          <label>
            {s.codeLabel}
            <br />
            <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9０-９ ]{6,8}" maxlength={8} required />
          </label>
        </p>
        <button type="submit" id="verify-code">
          {s.verify}
        </button>
      </form>
      <p>
        <a href={props.restartHref}>{s.again}</a>
      </p>
    </div>
  );
}

/** A login id as sign-in.ts makes them. */
export const LOGIN_ID = /^lgn_[0-9a-z]{22}$/;
