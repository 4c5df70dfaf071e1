terraform {
  # No backend block: meshbench keeps this module's state in the run's own state
  # directory (-state), so that two runs never share state and any later step can destroy.
  required_version = ">= 1.6.0"

  required_providers {
    latitudesh = {
      source  = "latitudesh/latitudesh"
      version = "~> 4.0"
    }
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.0"
    }
  }
}

# The API token comes from the LATITUDESH_AUTH_TOKEN environment variable (a secret), not
# from a variable: meshbench writes variables to a file in the state directory.
provider "latitudesh" {
  project = var.project
}
