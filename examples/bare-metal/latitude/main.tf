locals {
  name = "meshbench-${var.meshbench_run_id}"
  # 2026-11-27T11:15:00Z -> 20261127t111500z: tag names keep to letters, digits and '-'.
  expiry = lower(replace(replace(var.meshbench_expires_at, ":", ""), "-", ""))
  # One entry per machine: its node name, role and plan.
  nodes = merge(
    { "control-plane-1" = { role = "control-plane", plan = var.control_plane_plan } },
    { for i in range(var.workers) : "worker-${i + 1}" => { role = "worker", plan = var.plan } },
  )
}

# The run id and the expiry as tags on every server, so that the leftovers of a killed run
# can be found in the dashboard or the API (and removed).
resource "latitudesh_tag" "run" {
  name        = "meshbench-run-${var.meshbench_run_id}"
  description = "meshbench_run_id=${var.meshbench_run_id}"
}

resource "latitudesh_tag" "expires" {
  name        = "meshbench-expires-${local.expiry}"
  description = "meshbench_expires_at=${var.meshbench_expires_at}"
}

# The login key, made for this run only; meshbench reads it from the ssh_private_key output.
resource "tls_private_key" "login" {
  algorithm = "ED25519"
}

resource "latitudesh_ssh_key" "login" {
  name       = local.name
  public_key = trimspace(tls_private_key.login.public_key_openssh)
}

# Each machine's SSH host key, made here and installed by cloud-init before sshd starts,
# so that meshbench knows it before the first connection (hosts[].host_keys).
resource "tls_private_key" "host" {
  for_each  = local.nodes
  algorithm = "ED25519"
}

resource "latitudesh_user_data" "node" {
  for_each    = local.nodes
  description = "${local.name} ${each.key}"
  content = base64encode(templatefile("${path.module}/cloud-init.yaml", {
    login_public_key = trimspace(tls_private_key.login.public_key_openssh)
    host_private_key = tls_private_key.host[each.key].private_key_openssh
    host_public_key  = trimspace(tls_private_key.host[each.key].public_key_openssh)
  }))
}

resource "latitudesh_server" "node" {
  for_each = local.nodes

  # At most 32 characters: the node name and a short hash of the run id.
  hostname         = "${each.key}-${substr(sha1(var.meshbench_run_id), 0, 6)}"
  site             = var.site
  plan             = each.value.plan
  operating_system = var.operating_system
  billing          = "hourly"
  ssh_keys         = [latitudesh_ssh_key.login.id]
  user_data        = latitudesh_user_data.node[each.key].id
  tags             = [latitudesh_tag.run.id, latitudesh_tag.expires.id]
}
