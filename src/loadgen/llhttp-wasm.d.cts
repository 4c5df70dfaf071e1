declare const llhttpWasm: {
  /** llhttp built with wasm SIMD (most CPUs and runtimes). */
  simd(): Buffer<ArrayBuffer>;
  /** llhttp without SIMD. */
  plain(): Buffer<ArrayBuffer>;
};
export = llhttpWasm;
