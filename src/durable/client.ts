// How the rest of the Worker reaches a reservation's Durable Object: one object per
// reservation id, addressed by name.
export function reservationStub(env: Env, reservationId: string) {
  return env.RESERVATION.get(env.RESERVATION.idFromName(reservationId));
}
