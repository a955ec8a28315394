// Sandbox numbers that fail the way Twilio does, to rehearse failures without a network: a
// number ending in 0000 is rejected as invalid (permanent, Twilio error 21211); one ending in
// 0503 finds the service unavailable (transient, retried). Pure, so tests and scripts that make
// up numbers can steer clear of them.
export const SANDBOX_SMS_INVALID_SUFFIX = "0000";
export const SANDBOX_SMS_UNAVAILABLE_SUFFIX = "0503";

/** Whether the sandbox fails every text to this number on purpose. */
export function sandboxSmsFails(phone: string): boolean {
  return phone.endsWith(SANDBOX_SMS_INVALID_SUFFIX) || phone.endsWith(SANDBOX_SMS_UNAVAILABLE_SUFFIX);
}
