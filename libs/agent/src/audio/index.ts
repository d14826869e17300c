export { FrameChunker } from './frames';
export { dbfs, SILENCE_DBFS } from './levels';
export { mulawDecode, mulawEncode } from './mulaw';
export { bytesToInt16, int16ToBytes, Pcm16Decoder } from './pcm16';
export { Resampler, resample } from './resample';
export { decodeWav, encodeWav, type DecodedWav } from './wav';
