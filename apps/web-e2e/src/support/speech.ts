import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

/** The booking day the fake caller asks for: Tuesday, or Wednesday when today is Tuesday in UTC (the clinic's zone). */
export function bookingDay(now = new Date()): string {
  return now.getUTCDay() === 2 ? 'Wednesday' : 'Tuesday';
}

export const bookingRequest = (day: string) => `I would like to book an appointment with doctor Alice Smith on ${day}`;

function run(command: string, args: string[], input?: Buffer): Buffer {
  try {
    return execFileSync(command, args, { input, maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') {
      throw new Error(
        `${command} is missing: the fake microphone's speech is made with espeak-ng and sox. Install them with \`bash tools/dev/system-packages.sh\` (as root) or \`sudo apt-get install -y espeak-ng sox\``,
      );
    }
    throw new Error(`\`${command} ${args.join(' ')}\` failed: ${e.stderr?.toString() ?? e.message}`);
  }
}

/**
 * Silence before the sentence: the capture starts with the call, and the agent's spoken greeting
 * (~5 s) should be over before the caller talks, as a person would wait for it. Talking over it
 * barges in, and the first words then reach the recogniser mangled.
 */
export const LEADING_SILENCE_S = 7;
/**
 * Silence after the sentence. Chromium plays the file in a loop, so the next repetition comes
 * LEADING + TRAILING seconds after the sentence ends; the agent's answer to the booking request
 * takes ~7 s to speak, and a repetition that starts sooner barges in and cuts it short (with the
 * 0.3 s + 1.5 s first planned, the stored answer was "Dr. Alice Smith is").
 */
export const TRAILING_SILENCE_S = 4;

/**
 * Writes what the fake microphone says: espeak-ng speaks `text`, sox makes it 48 kHz mono 16-bit
 * with LEADING_SILENCE_S before it and TRAILING_SILENCE_S after.
 */
export function writeSpeechWav(path: string, text: string): void {
  const speech = run('espeak-ng', ['-v', 'en-us', '-s', '150', '--stdout', text]);
  run('sox', ['-t', 'wav', '-', '-r', '48000', '-c', '1', '-b', '16', path, 'pad', String(LEADING_SILENCE_S), String(TRAILING_SILENCE_S)], speech);
  // 48 kHz x 2 bytes: anything under ~3 s cannot hold the sentence.
  const bytes = statSync(path).size;
  if (bytes < 3 * 48_000 * 2) throw new Error(`${path} is only ${bytes} bytes: espeak-ng/sox produced no usable speech`);
}

/** How long one pass of the fake microphone's loop lasts, in seconds. */
export function speechLoopSeconds(path: string): number {
  return (statSync(path).size - 44) / (48_000 * 2);
}
