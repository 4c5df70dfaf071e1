# The meshbench contract (README: "Bare metal: provider terraform"): hosts, and the key to
# reach them. meshbench installs k3s on them over SSH.
output "hosts" {
  description = "The machines meshbench builds the cluster from."
  value = [
    for name, node in local.nodes : {
      name    = name
      role    = node.role
      address = latitudesh_server.node[name].primary_ipv4
      user    = "meshbench"
      port    = 22
      labels = tomap({
        "node.kubernetes.io/instance-type" = node.plan
        "topology.kubernetes.io/region"    = lower(var.site)
      })
      host_keys = [trimspace(tls_private_key.host[name].public_key_openssh)]
    }
  ]
}

output "ssh_private_key" {
  description = "The login key made for this run (meshbench@ on every host)."
  value       = tls_private_key.login.private_key_openssh
  sensitive   = true
}

# The servers talk to each other over their public addresses: pod traffic between them
# goes through WireGuard (encrypted, keys per node, UDP 51820) instead of k3s's default
# VXLAN, which is neither encrypted nor authenticated.
output "flannel_backend" {
  description = "How k3s carries pod traffic between nodes (meshbench passes it to the k3s server)."
  value       = "wireguard-native"
}
