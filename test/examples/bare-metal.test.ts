// The example modules (examples/bare-metal/*), checked as far as this machine can without
// tofu or terraform (neither installs here; CI on GitHub runs `terraform fmt -check` and
// `terraform validate` on them, see .github/workflows/ci.yml):
// - every .tf file parses with HashiCorp's HCL parser (@cdktf/hcl2json: the Go library
//   compiled to WebAssembly) and is laid out as hclwrite.Format, the formatter behind
//   `terraform fmt`, lays it out (@cdktf/hcl-tools);
// - each keeps meshbench's contract: declares and uses meshbench_run_id and
//   meshbench_expires_at, has no backend, outputs hosts with contract fields only and a
//   sensitive ssh_private_key, and takes no credential as a variable;
// - the cloud-init templates render to YAML that installs the pinned host key, and the
//   expiry script is valid sh.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { BlockList, isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { format } from "@cdktf/hcl-tools";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { HOST_OUTPUT_FIELDS } from "../../src/provision/terraform/outputs.ts";
import { RESERVED_VARS } from "../../src/provision/terraform/vars.ts";

const root = join(import.meta.dirname, "../../examples/bare-metal");
const MODULES = ["aws-metal", "latitude"];

type Hcl = {
  resource?: Record<string, Record<string, Record<string, unknown>[]>>;
  variable?: Record<string, { type?: string }[]>;
  output?: Record<string, { value?: string; sensitive?: boolean }[]>;
  terraform?: { backend?: unknown }[];
};

async function tfFiles(module: string): Promise<string[]> {
  return (await readdir(join(root, module))).filter((f) => f.endsWith(".tf")).sort();
}

/** All .tf files of a module, parsed and merged per block type. */
async function parsed(module: string): Promise<Hcl> {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const f of await tfFiles(module)) {
    const json = (await parseHcl(f, await readFile(join(root, module, f), "utf8"))) as Record<
      string,
      unknown
    >;
    for (const [block, content] of Object.entries(json)) {
      merged[block] = Array.isArray(content)
        ? { ...merged[block], [`#${f}`]: content }
        : { ...merged[block], ...(content as Record<string, unknown>) };
    }
  }
  return {
    ...merged,
    terraform: Object.values(merged.terraform ?? {}).flat() as Hcl["terraform"],
  } as Hcl;
}

/** `templatefile()` for what the templates use: ${name} and ${indent(n, name)}. */
function render(template: string, vars: Record<string, string>): string {
  const out = template
    .replace(/\$\{indent\((\d+), (\w+)\)\}/g, (_, n: string, name: string) => {
      if (!(name in vars)) throw new Error(`template uses ${name}`);
      return vars[name]!.replace(/\n/g, `\n${" ".repeat(Number(n))}`);
    })
    .replace(/\$\{(\w+)\}/g, (_, name: string) => {
      if (!(name in vars)) throw new Error(`template uses ${name}`);
      return vars[name]!;
    });
  expect(out).not.toMatch(/\$\{|%\{/); // nothing else templatefile would interpret
  return out;
}

// k3s's defaults (https://docs.k3s.io/cli/server: --cluster-cidr, --service-cidr). A node
// network inside either would send node traffic into the pod or service network.
const K3S_NETWORKS = ["10.42.0.0/16", "10.43.0.0/16"];

/** The literal CIDRs a module's resources define as their own network (aws_vpc.cidr_block …), not routes or rules. */
function networksOf(hcl: Hcl): { where: string; cidr: string }[] {
  const out: { where: string; cidr: string }[] = [];
  for (const [type, byName] of Object.entries(hcl.resource ?? {}))
    for (const [name, bodies] of Object.entries(byName))
      for (const body of bodies)
        for (const [key, value] of Object.entries(body)) {
          // Top-level attributes only: a route's or a rule's cidr_block is nested in a block.
          if (!/cidr/.test(key) || /blocks$/.test(key)) continue;
          for (const v of [value].flat())
            if (typeof v === "string" && /^[\d.:a-f]+\/\d+$/i.test(v))
              out.push({ where: `${type}.${name}.${key}`, cidr: v });
        }
  return out;
}

function overlap(a: string, b: string): boolean {
  const split = (c: string) => {
    const [address, prefix] = c.split("/") as [string, string];
    return {
      address,
      prefix: Number(prefix),
      type: isIP(address) === 6 ? "ipv6" : "ipv4",
    } as const;
  };
  const [x, y] = [split(a), split(b)];
  if (x.type !== y.type) return false;
  // Two prefixes overlap exactly when one contains the other's first address.
  const inside = (outer: typeof x, inner: typeof x) => {
    const list = new BlockList();
    list.addSubnet(outer.address, outer.prefix, outer.type);
    return list.check(inner.address, inner.type);
  };
  return inside(x, y) || inside(y, x);
}

const HOST_KEY = [
  "-----BEGIN OPENSSH PRIVATE KEY-----",
  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
  "QyNTUxOQAAACBcW1Kk0Ow2wXq3LJ6yFYQF3D9p5v3Y7t3y1hQoY2GmTgAAAJgAAAAAAAAA",
  "-----END OPENSSH PRIVATE KEY-----",
  "",
].join("\n");
const HOST_PUB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFxbUqTQ7DbBerfsnrIVhAXcP2nm/djt3fLWFChjYaZO";

describe.each(MODULES)("examples/bare-metal/%s", (module) => {
  it("parses, and is formatted as terraform fmt formats it", async () => {
    for (const f of await tfFiles(module)) {
      const text = await readFile(join(root, module, f), "utf8");
      await parseHcl(f, text); // throws "<file>:<line>,<col>: …" on a syntax error
      const formatted = await format(text);
      const diff = text
        .split("\n")
        .map((line, i) => [i + 1, line, formatted.split("\n")[i]] as const)
        .filter(([, a, b]) => a !== b)
        .map(([n, a, b]) => `${f}:${n}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
      expect(diff).toEqual([]);
    }
  });

  it("keeps meshbench's contract: run id and expiry in and used, hosts and key out, no backend", async () => {
    const hcl = await parsed(module);
    for (const v of RESERVED_VARS) expect(hcl.variable?.[v]?.[0]?.type).toBe(`$\{string}`);
    // Tagged: each appears in the module beyond its declaration.
    const code = (
      await Promise.all(
        (
          await tfFiles(module)
        )
          .filter((f) => f !== "variables.tf")
          .map((f) => readFile(join(root, module, f), "utf8")),
      )
    ).join("\n");
    for (const v of RESERVED_VARS) expect(code).toContain(`var.${v}`);
    expect(hcl.terraform?.some((t) => t.backend)).toBe(false);
    // No credential as a variable: variables land in a file in the state directory.
    expect(
      Object.keys(hcl.variable ?? {}).filter((v) => /token|secret|password|access_key/i.test(v)),
    ).toEqual([]);

    expect(hcl.output?.kubeconfig).toBeUndefined();
    expect(hcl.output?.ssh_private_key?.[0]?.sensitive).toBe(true);
    const hosts = hcl.output?.hosts?.[0]?.value ?? "";
    const fields = [...hosts.matchAll(/^\s*(\w+)\s*=/gm)].map((m) => m[1]!);
    expect(fields.filter((f) => !HOST_OUTPUT_FIELDS.has(f))).toEqual([]);
    for (const f of ["address", "user", "role", "name", "labels", "host_keys"])
      expect(fields).toContain(f);
  });

  it("its cloud-init installs the pinned host key and nothing else", async () => {
    const template = await readFile(join(root, module, "cloud-init.yaml"), "utf8");
    const text = render(template, {
      host_private_key: HOST_KEY,
      host_public_key: HOST_PUB,
      login_public_key: "ssh-ed25519 AAAAlogin",
      expires_at: "2026-11-27T11:15:00Z",
    });
    expect(text.split("\n")[0]).toBe("#cloud-config");
    const config = parseYaml(text);
    expect(config.ssh_keys).toEqual({ ed25519_private: HOST_KEY, ed25519_public: HOST_PUB });
    expect(config.ssh_genkeytypes).toEqual([]);
    expect(config.ssh_deletekeys).toBe(true);
    for (const file of config.write_files ?? []) {
      if (!String(file.content).startsWith("#!/bin/sh")) continue;
      const dir = await mkdtemp(join(tmpdir(), "meshbench-cloud-init-"));
      try {
        await writeFile(join(dir, "script"), file.content);
        await promisify(execFile)("sh", ["-n", join(dir, "script")]); // syntax only: it powers off
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });

  it("its own network stays clear of k3s's pod and service networks", async () => {
    const networks = networksOf(await parsed(module));
    // The AWS module makes a VPC; the Latitude one uses the servers' public addresses.
    if (module === "aws-metal") expect(networks.length).toBeGreaterThan(0);
    const clashes = networks.flatMap((n) =>
      K3S_NETWORKS.filter((k) => overlap(n.cidr, k)).map(
        (k) => `${n.where} ${n.cidr} overlaps ${k}`,
      ),
    );
    expect(clashes).toEqual([]);
  });

  it("pod traffic over public addresses is encrypted: no private_address means flannel_backend wireguard-native", async () => {
    const hcl = await parsed(module);
    const hosts = hcl.output?.hosts?.[0]?.value ?? "";
    const backend = hcl.output?.flannel_backend?.[0]?.value;
    // A module whose hosts have private addresses joins the nodes over them (its own network).
    if (!/^\s*private_address\s*=/m.test(hosts)) expect(backend).toBe("wireguard-native");
    if (backend !== undefined) expect(["vxlan", "wireguard-native"]).toContain(backend);
  });

  it("has a README naming its variables", async () => {
    const readme = await readFile(join(root, module, "README.md"), "utf8");
    const hcl = await parsed(module);
    for (const v of Object.keys(hcl.variable ?? {})) expect(readme).toContain(`\`${v}\``);
  });
});

describe("examples/bare-metal/aws-metal", () => {
  it("requires allowed_cidrs: SSH and the API are never open to the world by default", async () => {
    const hcl = await parsed("aws-metal");
    const v = hcl.variable?.allowed_cidrs?.[0] as { default?: unknown } | undefined;
    expect(v).toBeDefined();
    expect(v).not.toHaveProperty("default");
  });
});

describe("the checks above are live", () => {
  it("a network inside k3s's pod network is found, a route to anywhere is not a network", async () => {
    const hcl = (await parseHcl(
      "net.tf",
      [
        'resource "aws_subnet" "s" {\n  cidr_block = "10.42.7.0/24"\n}',
        'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/8"\n}',
        'resource "aws_route_table" "r" {\n  route {\n    cidr_block = "0.0.0.0/0"\n  }\n}',
      ].join("\n"),
    )) as Hcl;
    const networks = networksOf(hcl);
    expect(networks.map((n) => n.where).sort()).toEqual([
      "aws_subnet.s.cidr_block",
      "aws_vpc.v.cidr_block",
    ]);
    expect(overlap("10.42.7.0/24", "10.42.0.0/16")).toBe(true);
    expect(overlap("10.0.0.0/8", "10.43.0.0/16")).toBe(true);
    expect(overlap("10.100.0.0/16", "10.42.0.0/16")).toBe(false);
    expect(overlap("10.41.255.0/24", "10.42.0.0/16")).toBe(false);
  });

  it("a syntax error and a misaligned file are caught", async () => {
    await expect(parseHcl("bad.tf", 'resource "x" "y" {\n  a =\n}\n')).rejects.toThrow("bad.tf:2,");
    const misaligned = 'variable "a" {\n  type = string\n  default = "x"\n}\n';
    expect(await format(misaligned)).toBe(
      'variable "a" {\n  type    = string\n  default = "x"\n}\n',
    );
  });
});
