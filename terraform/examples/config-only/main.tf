# A config-only setup: no Okta and no AWS. People and groups are listed in the config, and the teammate
# grants Kubiya tools through the Enforcer. Changing who approves, the tools, TTLs or groups is a change of
# jit_config and one terraform apply: the tools read it from their environment, no bundle rebuild.

terraform {
  required_providers {
    kubiya = {
      source  = "kubiya-terraform/kubiya"
      version = ">= 1.1.0"
    }
  }
}

# The API key comes from the KUBIYA_API_KEY environment variable.
provider "kubiya" {}

module "kubiya_jit" {
  source = "../.."

  kubiya_runner                = "my-runner"
  approvers_slack_channel      = "C0123456789"
  kubiya_groups_allowed_groups = ["Engineering"]
  # The config names people, so keep it out of the teammate's visible environment.
  config_as_secret = true
  sweep_schedule   = "*/10 * * * *"

  jit_config = {
    approvals = {
      default_approver_groups = ["platform-approvers"]
      timeout                 = "2h"
    }
    directory = {
      type = "config"
      groups = {
        Engineering          = ["dev@example.com", "ops@example.com"]
        "platform-approvers" = ["lead@example.com", "sre@example.com"]
      }
    }
    enforcer = {
      type = "kubiya"
      url  = "http://enforcer.kubiya:5001"
    }
    defaults = {
      max_ttl     = "4h"
      default_ttl = "1h"
    }
    tools = [
      {
        name        = "kubectl_exec_prod"
        description = "Open a shell in a production pod"
        max_ttl     = "1h"
      },
      {
        name            = "create_ec2"
        description     = "Create EC2 instances"
        approver_groups = ["platform-approvers"]
      }
    ]
  }
}

output "next_steps" {
  value = module.kubiya_jit.next_steps
}
