// A room's status at the front desk (seed 004 §3(1)3): exactly six, and one table of every
// status × action. Anything not in the table is refused with a reason, never guessed.
//
//   available ── arrival_due (a confirmed stay starts today) ─▶ reserved ── check_in ─▶ occupied
//       ▲                                                         │                       │
//       │◀──────────────── arrival_cancelled ─────────────────────┘                   check_out
//       │◀── cleaned ── cleaning ◀────────────────────────────────────────────────────────┘
//       │◀── reopen ── maintenance / unavailable ◀── set_maintenance / set_unavailable (with reason and dates)
//
// Maintenance and Unavailable also block the room's nights on its calendar; the calendar, the
// only writer of a room's nights, refuses them over a confirmed booking.

export const ROOM_STATUSES = ["available", "reserved", "occupied", "cleaning", "maintenance", "unavailable"] as const;
export type RoomStatus = (typeof ROOM_STATUSES)[number];

export const ROOM_STATUS_LABELS: Record<RoomStatus, { ja: string; en: string }> = {
  available: { ja: "空室", en: "Available" },
  reserved: { ja: "予約済", en: "Reserved" },
  occupied: { ja: "入室中", en: "Occupied" },
  cleaning: { ja: "清掃中", en: "Cleaning" },
  maintenance: { ja: "メンテナンス中", en: "Maintenance" },
  unavailable: { ja: "利用不可", en: "Unavailable" },
};

/** Automatic actions come from the orders and the clock; manual ones from staff in the console. */
export const ROOM_ACTIONS = ["arrival_due", "arrival_cancelled", "check_in", "check_out", "cleaned", "set_maintenance", "set_unavailable", "reopen"] as const;
export type RoomAction = (typeof ROOM_ACTIONS)[number];

export const AUTOMATIC_ROOM_ACTIONS: readonly RoomAction[] = ["arrival_due", "arrival_cancelled"];

/** What each action needs besides the room: a reason and a date range for taking a room out of sale. */
export const ROOM_ACTION_NEEDS_REASON: Record<RoomAction, boolean> = {
  arrival_due: false,
  arrival_cancelled: false,
  check_in: false,
  check_out: false,
  cleaned: false,
  set_maintenance: true,
  set_unavailable: true,
  reopen: false,
};

/** The whole table: the status an action leads to, per status; a missing cell is a refusal. */
export const ROOM_STATUS_TABLE: Record<RoomStatus, Partial<Record<RoomAction, RoomStatus>>> = {
  available: { arrival_due: "reserved", set_maintenance: "maintenance", set_unavailable: "unavailable" },
  reserved: { arrival_cancelled: "available", check_in: "occupied" },
  occupied: { check_out: "cleaning" },
  cleaning: { cleaned: "available", set_maintenance: "maintenance", set_unavailable: "unavailable" },
  maintenance: { reopen: "available", set_unavailable: "unavailable" },
  unavailable: { reopen: "available", set_maintenance: "maintenance" },
};

export type RoomMove = { ok: true; from: RoomStatus; to: RoomStatus } | { ok: false; from: RoomStatus; message: { ja: string; en: string } };

const REFUSALS: Partial<Record<RoomStatus, { ja: string; en: string }>> = {
  reserved: { ja: "本日到着のお客様がいるため変更できません。", en: "A guest arrives today; the room cannot change that way." },
  occupied: { ja: "お客様が入室中のため変更できません。先にチェックアウトしてください。", en: "A guest is in the room; check them out first." },
};

/** The next status for an action, or a refusal that says why. */
export function moveRoom(from: RoomStatus, action: RoomAction): RoomMove {
  const to = ROOM_STATUS_TABLE[from][action];
  if (to) return { ok: true, from, to };
  const label = ROOM_STATUS_LABELS[from];
  const refusal = REFUSALS[from] ?? { ja: `${label.ja}の部屋にはこの操作はできません。`, en: `A room that is ${label.en} cannot take this action.` };
  return { ok: false, from, message: refusal };
}

/** Actions staff may take on a room in this status (for the console's buttons). */
export function manualActions(status: RoomStatus): RoomAction[] {
  return ROOM_ACTIONS.filter((a) => !AUTOMATIC_ROOM_ACTIONS.includes(a) && ROOM_STATUS_TABLE[status][a] !== undefined);
}

export function isRoomStatus(v: unknown): v is RoomStatus {
  return typeof v === "string" && (ROOM_STATUSES as readonly string[]).includes(v);
}

export function isRoomAction(v: unknown): v is RoomAction {
  return typeof v === "string" && (ROOM_ACTIONS as readonly string[]).includes(v);
}
