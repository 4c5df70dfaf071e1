// Server-side apply that sends the object's JSON exactly as given. client-node's own
// KubernetesObjectApi.patch first passes built-in kinds through its ObjectSerializer,
// which keeps only the fields its TypeScript models know, under their JSON names: it
// drops `from` (NetworkPolicy), `default` (LimitRange, schema defaults), `enum` and every
// `x-kubernetes-*` schema extension of a CustomResourceDefinition, so a real API server
// refuses Linkerd's CRDs as non-structural. Here the path still comes from client-node's
// discovery (resource name, namespaced or not) and the request still goes through its
// auth, TLS and middleware; only the body is ours.
import {
  type Configuration,
  HttpMethod,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from "@kubernetes/client-node";

export interface ApplyOptions {
  fieldManager: string;
  /**
   * Take over fields another manager owns (what `kubectl apply --server-side --force-conflicts`
   * does).
   */
  force: boolean;
}

export class ObjectApi extends KubernetesObjectApi {
  /** Like KubernetesObjectApi.makeApiClient, for this class: default namespace from the context. */
  static make(kc: KubeConfig): ObjectApi {
    const api = kc.makeApiClient(ObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  constructor(configuration: Configuration) {
    super(configuration);
  }

  /**
   * Server-side apply of `spec` (JSON is valid YAML, hence the apply-patch+yaml content
   * type). The answer is returned as the server sent it: only metadata is typed (dates),
   * the rest keeps its JSON field names.
   */
  async apply(spec: KubernetesObject, options: ApplyOptions): Promise<KubernetesObject> {
    // specUriPath fills in apiVersion/namespace defaults on what it is given: give it a copy,
    // so that the body is the caller's object, unchanged.
    const path = await this.specUriPath(structuredClone(spec), "patch");
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.PATCH);
    request.setHeaderParam("Accept", "application/json, */*;q=0.8");
    request.setHeaderParam("Content-Type", PatchStrategy.ServerSideApply);
    request.setQueryParam("fieldManager", options.fieldManager);
    request.setQueryParam("force", String(options.force));
    request.setBody(JSON.stringify(spec));
    // "any" makes client-node's deserializer hand the body back as parsed JSON.
    return this.requestPromise(request, "any");
  }

  /** The object as the server has it, JSON field names kept (client-node's read renames them). */
  async readRaw(spec: KubernetesObject): Promise<KubernetesObject> {
    const path = await this.specUriPath(structuredClone(spec), "read");
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.GET);
    request.setHeaderParam("Accept", "application/json, */*;q=0.8");
    return this.requestPromise(request, "any");
  }
}
