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

/** Opens a microphone ('' = the system default) for speech: mono, with the browser's echo cancellation, noise suppression and gain control. */
export async function openMicrophone(deviceId: string): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
  } catch (err) {
    throw MicrophoneError.from(err);
  }
}
