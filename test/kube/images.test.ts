// Image mirrors: an override wins, else the registry prefix replaces the image's registry,
// Docker Hub's official images under library/.
import { describe, expect, it } from "vitest";
import { mirrorImage, splitImage } from "../../src/kube/images.ts";
import { emojivotoManifests } from "../../src/workload/emojivoto/kubernetes.ts";

describe("image mirrors", () => {
  it("splits references as registries resolve them", () => {
    expect(splitImage("node:24-slim")).toEqual({
      registry: "docker.io",
      path: "library/node:24-slim",
    });
    expect(splitImage("bitnami/nginx:1")).toEqual({
      registry: "docker.io",
      path: "bitnami/nginx:1",
    });
    expect(splitImage("docker.l5d.io/buoyantio/emojivoto-web:v11")).toEqual({
      registry: "docker.l5d.io",
      path: "buoyantio/emojivoto-web:v11",
    });
    expect(splitImage("localhost:5000/x")).toEqual({ registry: "localhost:5000", path: "x" });
  });

  it("rewrites by prefix, and an override wins", () => {
    const mirrors = {
      registry: "mirror.example.com/hub/",
      overrides: { "node:24-slim": `mirror.example.com/node@sha256:${"a".repeat(64)}` },
    };
    expect(mirrorImage("docker.l5d.io/buoyantio/emojivoto-web:v11", mirrors)).toBe(
      "mirror.example.com/hub/buoyantio/emojivoto-web:v11",
    );
    expect(mirrorImage("node:24-slim", mirrors)).toBe(
      `mirror.example.com/node@sha256:${"a".repeat(64)}`,
    );
    expect(mirrorImage("node:24-slim", { registry: "m.io" })).toBe("m.io/library/node:24-slim");
    expect(mirrorImage("node:24-slim")).toBe("node:24-slim");
  });

  it("reaches every container of the workload", () => {
    const images = emojivotoManifests({
      instances: 2,
      image: (r) => mirrorImage(r, { registry: "m.io" }),
    }).flatMap((o) =>
      (
        (o as { spec?: { template?: { spec?: { containers?: { image: string }[] } } } }).spec
          ?.template?.spec?.containers ?? []
      ).map((c) => c.image),
    );
    expect(images).toHaveLength(6);
    for (const i of images) expect(i).toMatch(/^m\.io\/buoyantio\/emojivoto-/);
  });
});
