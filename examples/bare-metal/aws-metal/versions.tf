terraform {
  # No backend block: meshbench keeps this module's state in the run's own state
  # directory (-state), so that two runs never share state and any later step can destroy.
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.0"
    }
  }
}

provider "aws" {
  region = var.region

  # Every resource that supports tags carries the run id and the expiry, so that leftovers
  # of a killed run can be found (and reaped) by tag.
  default_tags {
    tags = local.tags
  }
}
