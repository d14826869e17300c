export type { VoiceActivityDetector } from './vad';
export { EnergyVad, type EnergyVadOptions } from './energy-vad';
export { SileroVad, defaultSileroModelPath, type SileroVadOptions } from './silero-vad';
export { createVad, type CreateVadOptions, type VadProvider } from './create-vad';
