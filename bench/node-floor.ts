// The floor of a Node load generator: what Node itself costs to send RATE requests a second
// at their own times, with nothing else done. 64 keep-alive sockets, one timer per slot
// (the next slot's due time, as meshbench's pacer), a prebuilt request written as is, every
// read into one buffer (`onread`) with no parsing and nothing recorded. The bench runs it
// beside meshbench (BENCH_FLOOR=1): what meshbench uses above it is meshbench's own work.
//
//   node bench/node-floor.ts URL RATE SECONDS   → prints {"sent":N,"reads":N} at the end
import { connect, type Socket } from "node:net";

const [url, rateArg, secondsArg] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
if (!url || !(rate > 0) || !(seconds > 0)) {
  console.error("usage: node bench/node-floor.ts URL RATE SECONDS");
  process.exit(2);
}
const target = new URL(url);
const CONNECTIONS = 64;
const request = Buffer.from(
  `GET ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\nconnection: keep-alive\r\n\r\n`,
  "latin1",
);
const buffer = Buffer.allocUnsafe(64 * 1024);
let reads = 0;
const sockets: Socket[] = [];
for (let i = 0; i < CONNECTIONS; i++) {
  const socket = connect({
    host: target.hostname,
    port: Number(target.port) || 80,
    noDelay: true,
    onread: {
      buffer,
      callback: () => {
        reads++;
        return true;
      },
    },
  });
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  sockets.push(socket);
}

const period = 1000 / rate;
const start = performance.now();
const end = start + seconds * 1000;
let sent = 0;
const tick = () => {
  const now = performance.now();
  // Slot k is due at start + k·period, on connection k mod 64, as in meshbench's schedule.
  for (; start + sent * period <= now && start + sent * period < end; sent++)
    sockets[sent % CONNECTIONS]!.write(request);
  if (start + sent * period < end)
    setTimeout(tick, Math.max(0, start + sent * period - performance.now()));
  else
    setTimeout(() => {
      for (const socket of sockets) socket.destroy();
      console.log(JSON.stringify({ sent, reads }));
    }, 100);
};
tick();
