// Microphone capture in an AudioContext running at 16 kHz: posts 20 ms frames (320 samples) of
// PCM16 and their RMS level, the frame size voice-api's WebSocket protocol expects.
const FRAME = 320;

class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.frame = new Int16Array(FRAME);
    this.filled = 0;
    this.energy = 0;
  }

  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (!input) return true;
    for (let i = 0; i < input.length; i++) {
      const s = Math.max(-1, Math.min(1, input[i]));
      this.frame[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
      this.energy += s * s;
      if (this.filled === FRAME) {
        this.port.postMessage({ frame: this.frame.buffer, level: Math.sqrt(this.energy / FRAME) }, [this.frame.buffer]);
        this.frame = new Int16Array(FRAME);
        this.filled = 0;
        this.energy = 0;
      }
    }
    return true;
  }
}

registerProcessor('capture', CaptureProcessor);
