import { EnergyVad, type EnergyVadOptions } from './energy-vad';
import { SileroVad, type SileroVadOptions } from './silero-vad';
import type { VoiceActivityDetector } from './vad';

export type VadProvider = 'energy' | 'silero';

export interface CreateVadOptions {
  energy?: EnergyVadOptions;
  silero?: SileroVadOptions;
}

/** A detector for one audio stream. Silero loads its model (shared across streams) on first use. */
export async function createVad(provider: VadProvider, options: CreateVadOptions = {}): Promise<VoiceActivityDetector> {
  switch (provider) {
    case 'energy':
      return new EnergyVad(options.energy);
    case 'silero':
      return SileroVad.load(options.silero);
    default: {
      const unknown: never = provider;
      throw new Error(`createVad: unknown VAD provider "${String(unknown)}" (expected "energy" or "silero")`);
    }
  }
}
