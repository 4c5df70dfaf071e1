import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

// A stand-in for tofu/terraform, shared by the provider's tests: a script that records its
// arguments and environment, writes a state file on apply, prints the outputs JSON it is
// given, and fails on demand (init, apply, destroy n times or always), or removes itself
// after apply or output (FAKE_TF_VANISH=apply|output) so that a destroy fails at once, without retries.
export const FAKE_TF = `#!/bin/sh
# A stand-in for tofu/terraform: records, and acts out init/apply/output/destroy.
PATH=/usr/bin:/bin
d="$FAKE_TF_DIR"
echo "$(basename "$0") $*" >> "$d/calls.log"
echo "TF_DATA_DIR=$TF_DATA_DIR TF_IN_AUTOMATION=$TF_IN_AUTOMATION TF_INPUT=$TF_INPUT" >> "$d/env.log"
env | grep '^INPUT_' >> "$d/inputs.log"
state=""; varfile=""; cmd=""
for a in "$@"; do
  case "$a" in
    # As the real one: -chdir first, so relative paths after it are the module's.
    -chdir=*) cd "\${a#-chdir=}" || exit 1 ;;
    -state=*) state="\${a#-state=}" ;;
    -var-file=*) varfile="\${a#-var-file=}" ;;
    -*) ;;
    *) [ -z "$cmd" ] && cmd="$a" ;;
  esac
done
case "$cmd" in
  init)
    [ -n "$FAKE_TF_INIT_FAIL" ] && { echo "Error: Failed to query available provider packages" >&2; exit 1; }
    mkdir -p "$TF_DATA_DIR/providers"; echo "OpenTofu has been successfully initialized!" ;;
  apply)
    cp "$varfile" "$d/applied-vars.json"
    cp "$d/state.json" "$state" || exit 1
    # The binary is gone by destroy time (uninstalled, another runner): destroy cannot retry.
    [ "$FAKE_TF_VANISH" = apply ] && rm -f "$0"
    [ -n "$FAKE_TF_APPLY_FAIL" ] && { echo "Error: creating server: quota exceeded" >&2; exit 1; }
    echo "Apply complete! Resources: 2 added, 0 changed, 0 destroyed."
    printf '\nOutputs:\n\nnot_marked_sensitive = "fake-secret-in-clear"\n' ;;
  output) cat "$d/outputs.json"; [ "$FAKE_TF_VANISH" = output ] && rm -f "$0"; true ;;
  destroy)
    n=$(cat "$d/destroy-count" 2>/dev/null || echo 0); n=$((n+1)); echo "$n" > "$d/destroy-count"
    if [ "$n" -le "\${FAKE_TF_DESTROY_FAILS:-0}" ]; then
      echo "Error: deleting server sv_1: 409 Conflict: server is locked" >&2; exit 1
    fi
    # As the real one: no state file there means nothing to destroy, and success.
    if [ -s "$state" ]; then
      cat "$state" >> "$d/destroyed.log"; echo >> "$d/destroyed.log"
      echo '{"version":4,"resources":[]}' > "$state"
      echo "Destroy complete! Resources: 2 destroyed."
    else
      echo "no state at $PWD/$state" >> "$d/destroyed.log"
      echo "No changes. No objects need to be destroyed."
    fi ;;
esac
`;

/**
 * A scratch directory with `bin/tofu` (the stand-in above) and an empty `module/`: what
 * every provider test starts from.
 */
export async function fakeTofuWorkspace(
  prefix: string,
): Promise<{ dir: string; bin: string; moduleDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const bin = join(dir, "bin");
  const moduleDir = join(dir, "module");
  await mkdir(bin);
  await mkdir(moduleDir);
  await writeFile(join(moduleDir, "main.tf"), "# the fake binary never reads it\n");
  await writeFile(join(bin, "tofu"), FAKE_TF, { mode: 0o755 });
  return { dir, bin, moduleDir };
}

/** A Terraform state (format 4) holding managed `aws_instance.node` instances, as a file's text. */
export function tfstateJson(instances: { index_key?: number | string; id: string }[]): string {
  return JSON.stringify({
    version: 4,
    resources: [
      {
        mode: "managed",
        type: "aws_instance",
        name: "node",
        instances: instances.map(({ id, ...key }) => ({ ...key, attributes: { id } })),
      },
    ],
  });
}
