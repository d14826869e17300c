import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

/** zxcvbn scores 0–4; 3 is "safely unguessable: moderate protection from offline slow-hash attacks". */
const MIN_SCORE = 3;

const zxcvbn = new ZxcvbnFactory({
  translations: english.translations,
  graphs: common.adjacencyGraphs,
  dictionary: { ...common.dictionary, ...english.dictionary },
});

/**
 * Passwords are compared in Unicode NFKC form, so the same password typed on another keyboard or
 * pasted from another app (composed é vs e + accent, full-width digits) is still the same password.
 * ASCII is unchanged by NFKC, so hashes stored before normalisation keep verifying.
 */
export const normalizePassword = (password: string) => password.normalize('NFKC');

/**
 * Why a new password is too easy to guess (a common password, a keyboard walk, the email in it), in
 * words a person can act on; undefined when it is strong enough. `related` are the account's own
 * words (email, display name), which a guesser tries first.
 */
export function weakPasswordReason(password: string, related: string[] = []): string | undefined {
  const result = zxcvbn.check(
    normalizePassword(password),
    related.flatMap((r) => [r, r.split('@')[0], ...r.split(/[@.\s_-]+/)]).filter((w) => w.length >= 3),
  );
  if (result.score >= MIN_SCORE) return undefined;
  const warning = result.feedback.warning ? `${result.feedback.warning.replace(/\.?$/, '.')} ` : '';
  return `is too easy to guess. ${warning}Use a longer password, for example three or four unrelated words, that is not a common password or a keyboard pattern.`;
}
