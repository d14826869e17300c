// Jest runs each test file in its own V8 context, whose typed-array constructors differ from the
// ones onnxruntime-node's native binding creates its output tensors with, so onnxruntime-common's
// `data instanceof Float32Array` checks fail ("A float32 tensor's data must be type of ...").
// Plain Node has one realm and no such problem; this environment hands the test context the
// host's constructors so the Silero tests run the real model.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class OnnxNodeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = OnnxNodeEnvironment;
