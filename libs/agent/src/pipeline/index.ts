export { heardText } from './heard-text';
export { VoiceSession, type FinishedTurn, type VoiceSessionOptions } from './voice-session';
