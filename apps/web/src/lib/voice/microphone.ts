/** The microphone could not be opened; the message tells the caller what to do about it. */
export class MicrophoneError extends Error {
  /** The browser's failure to open a microphone, told as what the caller can do about it. */
  static from(err: unknown): MicrophoneError {
    return new MicrophoneError(messageFor(err));
  }
}

function messageFor(err: unknown): string {
  const name = (err as DOMException)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'Microphone access was denied. Allow it in your browser’s site settings, or type a message instead.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No microphone was found. Plug one in and choose it below, or type a message instead.';
  return 'The microphone could not be started. Check that no other app is using it, or type a message instead.';
}

/**
 * The browser's audio processing each transport asks for, chosen by measurement (`npm run bench:capture`,
 * tools/bench/understanding/README.md): Chromium's noise suppression cost the offline recogniser 6 points of
 * task success on clean speech and gained nothing at 20 dB SNR, so it is off. Gain control left every
 * recognised word unchanged (each utterance is normalised by its own mean) and keeps a quiet microphone
 * above the voice detector's floor, so it stays on. Echo cancellation changed nothing without playback and
 * keeps the agent's own voice from the speakers out of the microphone (barge-in), so it stays on. LiveKit
 * calls take the same: the processing happens before either transport, Opus carries speech nearly
 * unchanged, and the cloud recognisers LiveKit calls usually use cannot be measured from here.
 */
export const CAPTURE_PROCESSING = { echoCancellation: true, noiseSuppression: false, autoGainControl: true } as const;

/** Opens a microphone ('' = the system default) for speech: mono, with the browser's processing chosen above. */
export async function openMicrophone(deviceId: string): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), channelCount: 1, ...CAPTURE_PROCESSING },
    });
  } catch (err) {
    throw MicrophoneError.from(err);
  }
}
