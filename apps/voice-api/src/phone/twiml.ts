import twilio from 'twilio';

/**
 * Connects the call to voice-api's media WebSocket (a bidirectional stream). The one-time token rides
 * as a <Parameter>: Twilio hands it back in the stream's `start` message, and drops a query string.
 */
export function connectStreamTwiml(streamUrl: string, token: string): string {
  const response = new twilio.twiml.VoiceResponse();
  const stream = response.connect().stream({ url: streamUrl });
  stream.parameter({ name: 'token', value: token });
  return response.toString();
}

/** Says sorry and hangs up: the call cannot be taken now. */
export function sorryTwiml(message: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(message);
  response.hangup();
  return response.toString();
}
