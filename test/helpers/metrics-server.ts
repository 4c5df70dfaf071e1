// The metrics-server manifest as the providers apply it (its Deployment is what the fake
// API server's metrics API stands for): a ServiceAccount, a Service and the Deployment.
export const METRICS_SERVER_MANIFEST = `apiVersion: v1
kind: ServiceAccount
metadata: { name: metrics-server, namespace: kube-system }
---
apiVersion: v1
kind: Service
metadata: { name: metrics-server, namespace: kube-system }
spec:
  ports: [{ name: https, port: 443, targetPort: https }]
  selector: { k8s-app: metrics-server }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: metrics-server, namespace: kube-system }
spec:
  selector: { matchLabels: { k8s-app: metrics-server } }
  template:
    metadata: { labels: { k8s-app: metrics-server } }
    spec:
      containers:
        - name: metrics-server
          image: registry.k8s.io/metrics-server/metrics-server:v0.7.2
          args: [--cert-dir=/tmp, --secure-port=10250]
`;
