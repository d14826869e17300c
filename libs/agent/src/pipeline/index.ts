export { heardText } from './heard-text';
export { AGENT_HANG_UP_REASON, VoiceSession, type FinishedTurn, type VoiceSessionOptions } from './voice-session';
