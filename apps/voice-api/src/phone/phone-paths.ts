/** Where Twilio reaches voice-api: the number's "A call comes in" webhook, its status callback, and the media stream. */
export const PHONE_VOICE_PATH = '/v1/phone/twilio/voice';
export const PHONE_STATUS_PATH = '/v1/phone/twilio/status';
export const PHONE_MEDIA_PATH = '/v1/phone/twilio/media';
