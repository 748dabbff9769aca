terraform {
  required_version = ">= 1.3.0"

  required_providers {
    kubiya = {
      source  = "kubiya-terraform/kubiya"
      version = ">= 1.1.0"
    }
  }
}
