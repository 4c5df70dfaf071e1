// undici's llhttp in WebAssembly, loaded when first asked for. Each of undici's files
// sets module.exports to the wasm bytes (a Buffer); required from CommonJS they arrive as
// that Buffer. Imported from ESM, esbuild's interop would copy every byte index of it
// into a namespace object as a getter (~170,000 closures a file, in every thread: 60 MB
// of peak RSS), so this shim is the only way in.
"use strict";

module.exports = {
  simd: () => require("undici/lib/llhttp/llhttp_simd-wasm.js"),
  plain: () => require("undici/lib/llhttp/llhttp-wasm.js"),
};
