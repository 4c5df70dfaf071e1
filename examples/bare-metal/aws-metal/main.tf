locals {
  name = "meshbench-${var.meshbench_run_id}"
  tags = {
    meshbench_run_id     = var.meshbench_run_id
    meshbench_expires_at = var.meshbench_expires_at
  }
  # One entry per machine: its node name, role and instance type.
  nodes = merge(
    { "control-plane-1" = { role = "control-plane", type = var.control_plane_type } },
    { for i in range(var.workers) : "worker-${i + 1}" => { role = "worker", type = var.worker_type } },
  )
}

data "aws_ssm_parameter" "ubuntu" {
  name = var.ubuntu_ami_parameter
}

# An availability zone that offers the metal type (not every zone has every type).
data "aws_ec2_instance_type_offerings" "metal" {
  location_type = "availability-zone"

  filter {
    name   = "instance-type"
    values = [var.worker_type]
  }
}

locals {
  zone = try(sort(data.aws_ec2_instance_type_offerings.metal.locations)[0], null)
}

# A network of the run's own: nothing shared with other runs, all of it destroyed with it.
# Not 10.42.0.0/16 or 10.43.0.0/16: k3s takes those for pods and services, and nodes whose
# own addresses fell inside them would route node traffic into the pod network.
resource "aws_vpc" "bench" {
  cidr_block           = "10.100.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = local.name }
}

resource "aws_internet_gateway" "bench" {
  vpc_id = aws_vpc.bench.id
}

resource "aws_subnet" "bench" {
  vpc_id                  = aws_vpc.bench.id
  cidr_block              = "10.100.0.0/24"
  availability_zone       = local.zone
  map_public_ip_on_launch = true

  lifecycle {
    precondition {
      condition     = local.zone != null
      error_message = "No availability zone of ${var.region} offers ${var.worker_type}; choose another region or worker_type."
    }
  }
}

resource "aws_route_table" "bench" {
  vpc_id = aws_vpc.bench.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.bench.id
  }
}

resource "aws_route_table_association" "bench" {
  subnet_id      = aws_subnet.bench.id
  route_table_id = aws_route_table.bench.id
}

resource "aws_security_group" "bench" {
  name   = local.name
  vpc_id = aws_vpc.bench.id

  ingress {
    description = "SSH from where meshbench runs"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.allowed_cidrs
  }

  ingress {
    description = "Kubernetes API from where meshbench runs"
    from_port   = 6443
    to_port     = 6443
    protocol    = "tcp"
    cidr_blocks = var.allowed_cidrs
  }

  ingress {
    description = "Everything between the cluster's nodes (API, kubelet, flannel VXLAN)"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    self        = true
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_placement_group" "workers" {
  count    = var.cluster_placement ? 1 : 0
  name     = "${local.name}-workers"
  strategy = "cluster"
}

# The login key, made for this run only; meshbench reads it from the ssh_private_key output.
resource "tls_private_key" "login" {
  algorithm = "ED25519"
}

resource "aws_key_pair" "login" {
  key_name   = local.name
  public_key = tls_private_key.login.public_key_openssh
}

# Each machine's SSH host key, made here and installed by cloud-init before sshd starts,
# so that meshbench knows it before the first connection (hosts[].host_keys).
resource "tls_private_key" "host" {
  for_each  = local.nodes
  algorithm = "ED25519"
}

resource "aws_instance" "node" {
  for_each = local.nodes

  ami                    = data.aws_ssm_parameter.ubuntu.insecure_value
  instance_type          = each.value.type
  subnet_id              = aws_subnet.bench.id
  vpc_security_group_ids = [aws_security_group.bench.id]
  key_name               = aws_key_pair.login.key_name
  placement_group        = each.value.role == "worker" ? one(aws_placement_group.workers[*].name) : null

  # Powering off ends the instance (and its bill): see meshbench-expiry in cloud-init.yaml.
  instance_initiated_shutdown_behavior = "terminate"

  user_data = templatefile("${path.module}/cloud-init.yaml", {
    host_private_key = tls_private_key.host[each.key].private_key_openssh
    host_public_key  = trimspace(tls_private_key.host[each.key].public_key_openssh)
    expires_at       = var.meshbench_expires_at
  })

  root_block_device {
    volume_size           = 40
    volume_type           = "gp3"
    delete_on_termination = true
  }

  metadata_options {
    http_tokens = "required"
  }

  tags = { Name = "${local.name}-${each.key}" }

  depends_on = [aws_route_table_association.bench]
}
