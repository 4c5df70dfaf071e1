// undici's Client on its own: importing it from its file keeps the rest of undici (fetch,
// WebSocket, caches: ~500 KB) out of dist/loadgen.js. The package has no exports map, so
// the path is public; the type is the package's own.
declare module "undici/lib/dispatcher/client.js" {
  import type { Client } from "undici";

  const ClientClass: typeof Client;
  export default ClientClass;
}
