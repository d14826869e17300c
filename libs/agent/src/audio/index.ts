export { FrameChunker, bytesToInt16, int16ToBytes, concatInt16 } from './frames';
export { rms, dbfs, toDbfs, durationMs, samplesForMs, SILENCE_DBFS } from './levels';
export { mulawEncode, mulawDecode, mulawEncodeSample, mulawDecodeSample } from './mulaw';
export { Resampler, resample, SUPPORTED_SAMPLE_RATES } from './resample';
export { encodeWav, decodeWav, type DecodedWav } from './wav';
