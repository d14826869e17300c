import { z } from 'zod';

const CallSid = z.string().regex(/^CA[0-9a-f]{32}$/, 'must be a Twilio call SID (CA followed by 32 hex digits)');
const Number = z.string().trim().min(3, 'must be a phone number or client id').max(64);

/** The fields of Twilio's "A call comes in" webhook that voice-api reads (Twilio sends many more). */
export const IncomingCall = z.object({ AccountSid: z.string().min(1), CallSid, From: Number, To: Number });
export type IncomingCall = z.infer<typeof IncomingCall>;

/** The first problem with a webhook's fields, as a sentence. */
export function fieldProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.join('.') || 'body'}: ${issue.message}`;
}

/** The fields of Twilio's call status callback that voice-api reads. */
export const CallStatusCallback = z.object({
  AccountSid: z.string().min(1),
  CallSid,
  CallStatus: z.enum(['queued', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled']),
  CallDuration: z.coerce.number().int().min(0).max(86_400).optional(),
});
