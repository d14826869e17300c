import { ApiError } from '@voice/server-kit';

/** Opaque keyset cursor over (startedAt, id), newest first. */
export interface ConversationCursor {
  startedAt: Date;
  id: string;
}

/** startedAt as the ISO 8601 string the API returns for it. */
export const encodeCursor = (c: { startedAt: string; id: string }) => Buffer.from(JSON.stringify([c.startedAt, c.id])).toString('base64url');

export function decodeCursor(raw: string): ConversationCursor {
  try {
    const [startedAt, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(startedAt);
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(date.getTime())) throw new Error();
    return { startedAt: date, id };
  } catch {
    throw new ApiError(400, 'validation_failed', 'Invalid request: query.cursor is not a cursor this API issued', [
      { path: 'query.cursor', message: 'is not a cursor this API issued; start again without it' },
    ]);
  }
}
