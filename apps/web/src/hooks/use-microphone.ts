'use client';

import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { MicrophoneError } from '@/lib/voice/microphone';
import type { CallTransport } from '@/lib/voice/transport';

/**
 * The caller's microphone: which ones there are, which is chosen, whether it is on and muted.
 * Choosing or muting applies to the call in progress (`transport`) at once, and to the next one.
 */
export function useMicrophone(transport: RefObject<CallTransport | null>, onError: (message: string) => void) {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [deviceId, setDeviceIdState] = useState<string>('');
  const [muted, setMutedState] = useState(false);
  const [microphoneOn, setMicrophoneOn] = useState(false);
  const mutedRef = useRef(false);

  // The microphones by name. Until the microphone permission is granted, browsers list at most
  // one nameless input, so the list fills once it is (at load if it already was, else with the
  // first call) and follows devices being plugged in or out. "default"/"communications" are
  // aliases of a real device; the "System default" choice stands for them.
  const refreshDevices = useCallback(async () => {
    const all = (await navigator.mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
    const inputs = all.filter((d) => d.kind === 'audioinput' && d.deviceId && d.label && d.deviceId !== 'default' && d.deviceId !== 'communications');
    setDevices(inputs);
    // A chosen microphone that was unplugged: back to the system default.
    setDeviceIdState((current) => (current && !inputs.some((d) => d.deviceId === current) ? '' : current));
  }, []);
  useEffect(() => {
    const devicesApi = navigator.mediaDevices;
    if (!devicesApi) return;
    const refresh = () => void refreshDevices();
    refresh();
    devicesApi.addEventListener('devicechange', refresh);
    let permission: PermissionStatus | undefined;
    let gone = false;
    navigator.permissions
      ?.query({ name: 'microphone' as PermissionName })
      .then((status) => {
        if (gone) return;
        permission = status;
        status.addEventListener('change', refresh);
      })
      .catch(() => undefined);
    return () => {
      gone = true;
      devicesApi.removeEventListener('devicechange', refresh);
      permission?.removeEventListener('change', refresh);
    };
  }, [refreshDevices]);

  const setMuted = useCallback(
    (value: boolean) => {
      mutedRef.current = value;
      transport.current?.setMuted(value);
      setMutedState(value);
    },
    [transport],
  );

  /** Chooses the microphone: for the next call, and at once for the call in progress. */
  const setDeviceId = useCallback(
    async (id: string) => {
      setDeviceIdState(id);
      if (!transport.current) return;
      try {
        await transport.current.switchMicrophone(id);
        transport.current?.setMuted(mutedRef.current);
      } catch (err) {
        onError(err instanceof MicrophoneError ? err.message : 'That microphone could not be started. Choose another one.');
      }
    },
    [onError, transport],
  );

  /** A call went live: its microphone is on unless it is a typed-only call. */
  const callStarted = useCallback(
    (audio: boolean) => {
      setMicrophoneOn(audio);
      if (audio) void refreshDevices();
    },
    [refreshDevices],
  );

  /** The call is over. The next one starts unmuted, and the button must say so. */
  const callEnded = useCallback(() => {
    setMicrophoneOn(false);
    mutedRef.current = false;
    setMutedState(false);
  }, []);

  return { devices, deviceId, muted, microphoneOn, setMuted, setDeviceId, callStarted, callEnded };
}
