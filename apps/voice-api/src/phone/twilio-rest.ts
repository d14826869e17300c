/** Twilio's REST API, the little voice-api needs of it: ending a call. */
export class TwilioRest {
  constructor(private readonly o: { accountSid: string; authToken: string; apiUrl: string; timeoutMs?: number }) {}

  /** Hangs the call up (POST …/Calls/{CallSid}.json with Status=completed); an already ended call is no error. */
  async hangUp(callSid: string): Promise<void> {
    const { accountSid, authToken, apiUrl } = this.o;
    const url = `${apiUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Calls/${encodeURIComponent(callSid)}.json`;
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ Status: 'completed' }).toString(),
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 5_000),
    });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`Twilio answered ${res.status} to hanging up the call`);
  }
}
