// The lodging console's audit trail (lodging_audit): one row per staff change to room types,
// rooms, rates, imports and members, written in the same batch as the change. Member rows name the
// fields that changed, never their values, so deleting a member leaves nothing personal here.
export type LodgingAuditAction = "room_type_created" | "room_type_edited" | "room_created" | "room_edited" | "rooms_imported" | "rates_set" | "rates_imported" | "member_edited" | "member_deleted";
export type LodgingAuditSubject = "room_type" | "room" | "rooms" | "rates" | "member";

export interface LodgingAuditEntry {
  operator: string;
  action: LodgingAuditAction;
  subjectType: LodgingAuditSubject;
  subjectId?: string | null;
  detail?: object;
}

export function lodgingAuditStatement(d1: D1Database, e: LodgingAuditEntry, now: number): D1PreparedStatement {
  return d1.prepare("INSERT INTO lodging_audit (at, operator, action, subject_type, subject_id, detail) VALUES (?, ?, ?, ?, ?, ?)").bind(now, e.operator, e.action, e.subjectType, e.subjectId ?? null, JSON.stringify(e.detail ?? {}));
}

export interface LodgingAuditRow {
  at: number;
  operator: string;
  action: LodgingAuditAction;
  detail: string;
}

/** The newest entries about one record (a room type, a room, a member). */
export async function lodgingHistory(d1: D1Database, subjectType: LodgingAuditSubject, subjectId: string, limit = 20): Promise<LodgingAuditRow[]> {
  const { results } = await d1.prepare("SELECT at, operator, action, detail FROM lodging_audit WHERE subject_type = ? AND subject_id = ? ORDER BY id DESC LIMIT ?").bind(subjectType, subjectId, limit).all<LodgingAuditRow>();
  return results;
}

export const LODGING_AUDIT_LABELS: Record<LodgingAuditAction, string> = {
  room_type_created: "タイプ追加",
  room_type_edited: "タイプ編集",
  room_created: "客室追加",
  room_edited: "客室編集",
  rooms_imported: "客室CSV取り込み",
  rates_set: "料金設定",
  rates_imported: "料金CSV取り込み",
  member_edited: "会員情報の変更",
  member_deleted: "会員削除",
};
