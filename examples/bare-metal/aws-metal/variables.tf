# Set by meshbench on every apply: the module must declare both and tag what it creates.
variable "meshbench_run_id" {
  type        = string
  description = "Set by meshbench: the run's id. Every resource is tagged meshbench_run_id=<id>."
}

variable "meshbench_expires_at" {
  type        = string
  description = "Set by meshbench: when the cluster must be gone (UTC, RFC 3339). Tagged on every resource; the instances also power off (and so terminate) at that time by themselves."
}

variable "region" {
  type        = string
  description = "AWS region. The 2019 study ran two clusters in two regions at once, in case one had a lemon server."
  default     = "us-east-1"
}

variable "worker_type" {
  type        = string
  description = "Instance type of the workers: a *.metal type, so that no hypervisor and no neighbour shares the machine."
  default     = "m5.metal"

  validation {
    condition     = can(regex("\\.metal(-[0-9]+xl)?$", var.worker_type))
    error_message = "worker_type must be a bare-metal type (its name ends in .metal), e.g. m5.metal, c5.metal, m6i.metal."
  }
}

variable "workers" {
  type        = number
  description = "Number of workers: one is reserved for the load generator, the others run the apps (the study had 5)."
  default     = 5

  validation {
    condition     = var.workers >= 2 && var.workers <= 20
    error_message = "workers must be from 2 to 20: the load generator needs a worker of its own and the apps at least one more."
  }
}

variable "control_plane_type" {
  type        = string
  description = "Instance type of the control plane. It runs no benchmark pods (it is tainted), so a virtual machine does."
  default     = "m5.2xlarge"
}

# Required, no default: SSH and the API open to the world must be a choice someone writes.
variable "allowed_cidrs" {
  type        = list(string)
  description = "Addresses that may reach SSH (22) and the Kubernetes API (6443): where meshbench runs. GitHub-hosted runners have no fixed address; a self-hosted runner's /32 is best."

  validation {
    condition     = length(var.allowed_cidrs) > 0
    error_message = "allowed_cidrs: give at least one address range, e.g. [\"203.0.113.7/32\"] (your runner's)."
  }
}

variable "cluster_placement" {
  type        = bool
  description = "Place the workers in a cluster placement group (low, even latency between them). Turn off if the region has no room for that many metal instances together."
  default     = true
}

variable "ubuntu_ami_parameter" {
  type        = string
  description = "SSM public parameter naming Canonical's current Ubuntu AMI."
  default     = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"
}
