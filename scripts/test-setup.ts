// `npm test` runs this first (pretest): on Debian/Ubuntu, as root or with passwordless sudo,
// it installs the packages of .ci/apt-packages that the tests need and this machine lacks.
// What is still missing afterwards is left out of the run by vitest.config.ts, which names
// it; under CI, which must run every test, it fails the run here instead.
import { spawnSync } from "node:child_process";
import { installCommands, isCi, missingMessage } from "./system-deps.ts";
import { missingDependencies, thisHost } from "./system-probe.ts";

const missing = missingDependencies();
for (const command of installCommands(missing, thisHost())) {
  console.log(`== ${command.join(" ")}`);
  const r = spawnSync(command[0]!, command.slice(1), {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (r.status !== 0) {
    console.error(`${command.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`})`);
    break;
  }
}

const still = missing.length > 0 ? missingDependencies() : [];
if (still.length > 0 && isCi(process.env)) {
  console.error(missingMessage(still, true));
  process.exit(1);
}
