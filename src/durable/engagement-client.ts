// How the rest of the Worker starts a 1-on-1 session engagement (an MCP inquiry, the public
// inquiry form): check the coach and menu, classify the client (new or existing), take the
// current terms and contract versions, and create the engagement in its own object.
import type { Db } from "../db/client.ts";
import { currentDocuments, getCoach, getMenu, isExistingClient } from "../db/sessions.ts";
import { newReservationId } from "../domain/ids.ts";
import type { Lang } from "../domain/reservation/types.ts";
import type { SessionRequest, SessionStatus } from "../domain/reservation/session-machine.ts";
import { reservationStub } from "./client.ts";
import { ReservationExists } from "./reservation.ts";

export interface InquiryInput {
  coachId: string;
  menuId: string;
  name: string;
  /** E.164, already checked to receive texts. */
  phone: string;
  email?: string;
  topic?: string;
  preferredTimes: string[];
  trial: boolean;
  language: Lang;
  apiKeyId?: string;
  /** The credential that asked (an API key or a signed-in person), for the audit log. */
  via?: string;
}

export type InquiryResult = { ok: true; id: string; status: SessionStatus; pageUrl: string; clientType: "new" | "existing" } | { ok: false; error: string };

export async function requestEngagement(env: Env, db: Db, input: InquiryInput): Promise<InquiryResult> {
  const coach = await getCoach(db, input.coachId);
  if (!coach || !coach.active) return { ok: false, error: "coach_id: no such coach (list_coaches gives the ids)" };
  const menu = await getMenu(db, coach.id, input.menuId);
  if (!menu || !menu.active) return { ok: false, error: "menu_id: this coach has no such menu (list_coaches gives the ids)" };
  if (input.trial && !(coach.trialOffered && menu.trial)) return { ok: false, error: "trial: this coach does not offer a free trial for this menu; leave trial out" };
  const docs = await currentDocuments(db, coach.id);
  if (!docs.terms || !docs.contract) return { ok: false, error: "this coach is not taking clients yet (terms and contract are not set up); try another coach" };
  const clientType = (await isExistingClient(db, coach.id, input.phone)) ? "existing" : "new";
  const base: Omit<SessionRequest, "id"> = {
    coach: { id: coach.id, name: coach.name, ...(coach.email ? { email: coach.email } : {}) },
    menu: { id: menu.id, name: menu.name, priceJpy: menu.priceJpy, minutes: menu.minutes, sessions: menu.sessions },
    requester: { name: input.name, phone: input.phone, ...(input.email ? { email: input.email } : {}), language: input.language },
    ...(input.topic ? { topic: input.topic } : {}),
    preferredTimes: input.preferredTimes,
    trial: input.trial,
    clientType,
    documents: { terms: docs.terms.version, contract: docs.contract.version },
    ...(input.apiKeyId ? { apiKeyId: input.apiKeyId } : {}),
    ...(input.via ? { via: input.via } : {}),
  };
  for (let attempt = 0; ; attempt++) {
    const id = newReservationId();
    try {
      const created = await reservationStub(env, id).createEngagement({ ...base, id });
      return { ok: true, id, status: created.status, pageUrl: created.guestUrl, clientType };
    } catch (err) {
      // A readable id can collide; try another.
      if (attempt < 3 && (err instanceof ReservationExists || (err instanceof Error && err.message.includes("already exists")))) continue;
      throw err;
    }
  }
}
