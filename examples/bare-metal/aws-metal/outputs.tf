# The meshbench contract (README: "Bare metal: provider terraform"): hosts, and the key to
# reach them. meshbench installs k3s on them over SSH.
output "hosts" {
  description = "The machines meshbench builds the cluster from."
  value = [
    for name, node in local.nodes : {
      name            = name
      role            = node.role
      address         = aws_instance.node[name].public_ip
      private_address = aws_instance.node[name].private_ip
      user            = "ubuntu"
      port            = 22
      labels = tomap({
        "node.kubernetes.io/instance-type" = node.type
        "topology.kubernetes.io/region"    = var.region
        "topology.kubernetes.io/zone"      = local.zone
      })
      host_keys = [trimspace(tls_private_key.host[name].public_key_openssh)]
    }
  ]
}

output "ssh_private_key" {
  description = "The login key made for this run (ubuntu@ on every host)."
  value       = tls_private_key.login.private_key_openssh
  sensitive   = true
}
