// HTTP/1.1 responses parsed by llhttp, the parser Node's own http module uses, in the
// WebAssembly build undici ships (undici/lib/llhttp). One module instance per thread;
// each connection owns a parser in it. Bytes are copied from the socket's reusable read
// buffer into one scratch area of the wasm memory and parsed there: nothing is allocated
// per response (undici wraps every callback's bytes in a Buffer; we read no headers).
import { setFlagsFromString } from "node:v8";
import { ERROR, TYPE } from "undici/lib/llhttp/constants.js";
import llhttpWasm from "./llhttp-wasm.cjs";

/** What a parser reports; the return value goes back to llhttp (0 = go on, -1 = error). */
export interface ResponseEvents {
  onMessageBegin(): number;
  onHeadersComplete(statusCode: number, keepAlive: boolean): number;
  onMessageComplete(): number;
}

interface LlhttpExports {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  llhttp_alloc(type: number): number;
  llhttp_free(ptr: number): void;
  llhttp_reset(ptr: number): void;
  llhttp_execute(ptr: number, data: number, length: number): number;
  llhttp_finish(ptr: number): number;
  llhttp_message_needs_eof(ptr: number): number;
  llhttp_get_error_reason(ptr: number): number;
}

/** The largest read the scratch area takes at once; a longer chunk is parsed in slices. */
const SCRATCH_BYTES = 64 * 1024;

const OK = ERROR.OK!;
const PAUSED = ERROR.PAUSED!;

/** The parser llhttp is running right now: its callbacks carry only a pointer. */
let current: ResponseEvents | null = null;

function instantiate(): { exports: LlhttpExports; scratch: number } {
  // llhttp's parser is one large state-machine function. When it gets hot, V8 recompiles it
  // with TurboFan on a helper thread, and loop unrolling makes that compile's scratch memory
  // grow to about 14 MB for a moment: the load generator's peak RSS (strace: Zone::Expand
  // under LoopUnrollingPhase, mmaps doubling to 7.5 MB). Without unrolling it peaks about
  // 6 MB lower at 20,000 rps, with the same CPU per request (README, Benchmarks). The flag is
  // read when wasm code is compiled, so setting it here, before the first compile, is enough.
  setFlagsFromString("--no-wasm-loop-unrolling");
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(llhttpWasm.simd());
  } catch {
    module = new WebAssembly.Module(llhttpWasm.plain()); // a CPU or runtime without wasm SIMD
  }
  const ok = () => 0;
  const instance = new WebAssembly.Instance(module, {
    env: {
      wasm_on_url: ok,
      wasm_on_status: ok,
      wasm_on_header_field: ok,
      wasm_on_header_value: ok,
      wasm_on_body: ok,
      wasm_on_message_begin: () => current!.onMessageBegin(),
      wasm_on_headers_complete: (_p: number, status: number, _upgrade: number, keepAlive: number) =>
        current!.onHeadersComplete(status, keepAlive === 1),
      wasm_on_message_complete: () => current!.onMessageComplete(),
    },
  });
  const exports = instance.exports as unknown as LlhttpExports;
  return { exports, scratch: exports.malloc(SCRATCH_BYTES) };
}

let shared: { exports: LlhttpExports; scratch: number } | null = null;
let bytes: Uint8Array | null = null;

export class ResponseParser {
  private readonly llhttp: LlhttpExports;
  private readonly scratch: number;
  private ptr: number;
  private readonly events: ResponseEvents;

  constructor(events: ResponseEvents) {
    shared ??= instantiate();
    this.llhttp = shared.exports;
    this.scratch = shared.scratch;
    this.events = events;
    this.ptr = this.llhttp.llhttp_alloc(TYPE.RESPONSE!);
  }

  /** For a new socket: forget any half-parsed message of the last one. */
  reset(): void {
    this.llhttp.llhttp_reset(this.ptr);
  }

  /**
   * Parses the first `length` bytes of `chunk`. Returns null, or why the bytes are not an
   * HTTP/1.1 response (a callback's -1 included).
   */
  execute(chunk: Buffer, length: number): string | null {
    const llhttp = this.llhttp;
    for (let at = 0; at < length; at += SCRATCH_BYTES) {
      const n = Math.min(SCRATCH_BYTES, length - at);
      chunk.copy(this.memory(), this.scratch, at, at + n);
      current = this.events;
      let code: number;
      try {
        code = llhttp.llhttp_execute(this.ptr, this.scratch, n);
      } finally {
        current = null;
      }
      if (code !== OK && code !== PAUSED) return this.reason(code);
    }
    return null;
  }

  /** The peer closed: a response delimited by the close ends here. */
  finish(): string | null {
    current = this.events;
    let code: number;
    try {
      code = this.llhttp.llhttp_finish(this.ptr);
    } finally {
      current = null;
    }
    return code === OK || code === PAUSED ? null : this.reason(code);
  }

  /** Whether the message being parsed ends only when the peer closes. */
  needsEof(): boolean {
    return this.llhttp.llhttp_message_needs_eof(this.ptr) === 1;
  }

  free(): void {
    if (this.ptr) this.llhttp.llhttp_free(this.ptr);
    this.ptr = 0;
  }

  /** The wasm memory as bytes; a grown memory detaches the old view, so it is checked. */
  private memory(): Uint8Array {
    const buffer = this.llhttp.memory.buffer;
    if (bytes?.buffer !== buffer) bytes = new Uint8Array(buffer);
    return bytes;
  }

  private reason(code: number): string {
    const ptr = this.llhttp.llhttp_get_error_reason(this.ptr);
    const name = Object.keys(ERROR).find((k) => ERROR[k] === code) ?? String(code);
    if (!ptr) return name;
    const text = this.memory().subarray(ptr);
    return `${name}: ${Buffer.from(text.subarray(0, text.indexOf(0))).toString()}`;
  }
}
