/**
 * Caller numbers are personal data: they are replaced at the edge by a keyed HMAC-SHA256
 * pseudonym, so the same caller links up (repeat calls) but the number cannot be read back
 * without the key. The raw number is never stored, logged or exposed.
 */
import { createHmac } from 'node:crypto';

/** Characters of the pseudonym: the first 22 of the digest in base64url (132 bits). */
const PSEUDONYM_CHARS = 22;

/** Returns a function that maps an E.164 number to its pseudonym: 22 base64url characters. */
export function pseudonymiser(hmacKey: string): (callerNumber: string) => string {
  return (callerNumber) => {
    const text = createHmac('sha256', hmacKey).update(callerNumber.trim()).digest('base64url');
    // Copied out rather than sliced: V8 keeps a slice as a view of the whole 43-character text,
    // and the repeat-caller window holds a pseudonym a week for every caller (some 56 bytes more
    // each).
    return Buffer.from(text, 'latin1').toString('latin1', 0, PSEUDONYM_CHARS);
  };
}
