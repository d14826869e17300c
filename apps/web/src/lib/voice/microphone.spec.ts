import { CAPTURE_PROCESSING, MicrophoneError, openMicrophone } from './microphone';

/** Stands in for the browser's navigator.mediaDevices, recording what was asked of it. */
function fakeMediaDevices(result: () => Promise<unknown>) {
  const asked: MediaStreamConstraints[] = [];
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    value: { mediaDevices: { getUserMedia: (c: MediaStreamConstraints) => (asked.push(c), result()) } },
  });
  return asked;
}

describe('openMicrophone', () => {
  it('asks for mono speech with the processing chosen by bench:capture: no noise suppression', async () => {
    const asked = fakeMediaDevices(async () => 'stream');
    await openMicrophone('');
    await openMicrophone('usb-mic');
    expect(CAPTURE_PROCESSING).toEqual({ echoCancellation: true, noiseSuppression: false, autoGainControl: true });
    expect(asked).toEqual([
      { audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: true } },
      { audio: { deviceId: { exact: 'usb-mic' }, channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: true } },
    ]);
  });

  it('tells the caller what to do when the browser refuses', async () => {
    fakeMediaDevices(async () => Promise.reject(Object.assign(new Error('denied'), { name: 'NotAllowedError' })));
    await expect(openMicrophone('')).rejects.toThrow(MicrophoneError);
    await expect(openMicrophone('')).rejects.toThrow(/Allow it in your browser’s site settings/);
  });
});
