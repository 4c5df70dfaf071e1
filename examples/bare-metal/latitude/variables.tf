# Set by meshbench on every apply: the module must declare both and tag what it creates.
variable "meshbench_run_id" {
  type        = string
  description = "Set by meshbench: the run's id. Every server carries the tag meshbench-run-<id>."
}

variable "meshbench_expires_at" {
  type        = string
  description = "Set by meshbench: when the cluster must be gone (UTC, RFC 3339). Every server carries the tag meshbench-expires-<time>."
}

variable "project" {
  type        = string
  description = "Latitude.sh project (id or slug) the servers are deployed into; an on-demand project, for hourly billing."
}

variable "site" {
  type        = string
  description = "Latitude.sh site (location), e.g. ASH, CHI, FRA. The 2019 study ran two clusters in two places at once, in case one had a lemon server."
  default     = "ASH"
}

variable "plan" {
  type        = string
  description = "Server plan of the workers. Plans and their stock differ by site: check the site's plans before a run."
  default     = "m4-metal-medium"
}

variable "control_plane_plan" {
  type        = string
  description = "Server plan of the control plane (it runs no benchmark pods: it is tainted)."
  default     = "m4-metal-medium"
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

variable "operating_system" {
  type        = string
  description = "Operating system slug; the cloud-init below expects Ubuntu."
  default     = "ubuntu_24_04_x64_lts"
}
