/**
 * Caller numbers are personal data: they are replaced at the edge by a keyed HMAC-SHA256
 * pseudonym, so the same caller links up (repeat calls) but the number cannot be read back
 * without the key. The raw number is never stored, logged or exposed.
 */
import { createHmac } from 'node:crypto';

/** Returns a function that maps an E.164 number to a 128-bit base64url pseudonym. */
export function pseudonymiser(hmacKey: string): (callerNumber: string) => string {
  return (callerNumber) =>
    createHmac('sha256', hmacKey).update(callerNumber.trim()).digest('base64url').slice(0, 22);
}
