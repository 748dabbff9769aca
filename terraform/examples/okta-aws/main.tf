# A minimal Okta + AWS setup: approvers and requesters from Okta groups, one IAM policy people may request
# (seed-style YAML), one S3 entry, knowledge documents for routing, and the Kubiya Enforcer for Kubiya tools.
# Your AWS entries generate tools, so point source_url at a fork whose bundle is built for this config
# (terraform/README.md, "When the tools differ from the bundle's").

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

  teammate_name                = "jit-guardian"
  kubiya_runner                = "prod-runner"
  approvers_slack_channel      = "#aws-access-approvers"
  kubiya_groups_allowed_groups = ["Engineering"]
  kubiya_integrations          = ["slack", "aws-123456789012"]
  okta_org_url                 = "https://example.okta.com"
  source_url                   = "https://github.com/example-org/kubiya-jit"
  source_ref                   = "main"
  knowledge_dir                = "${path.module}/../../../configs/knowledge"

  available_policies_yaml = <<-EOT
    policies:
      - policy_name: "ReadOnlyAccess"
        aws_account_id: "123456789012"
        request_name: "Read Only Access"
  EOT

  jit_config = {
    requesters = {
      allowed_groups = ["Engineering"]
    }
    approvals = {
      default_approver_groups = ["platform-approvers"]
      timeout                 = "1h"
      knowledge = {
        allowlist = ["platform-approvers", "cloud-compute-owners", "data-platform-owners", "billing-admins", "network-admins", "k8s-prod-owners"]
      }
    }
    directory = {
      type             = "okta"
      membership_cache = "5m"
    }
    enforcer = {
      type = "kubiya"
      url  = "http://enforcer.kubiya:5001"
    }
    defaults = {
      max_ttl     = "8h"
      default_ttl = "1h"
    }
    tools = [
      {
        name        = "create_ec2"
        description = "Create EC2 instances"
        max_ttl     = "4h"
        parameters = {
          type                 = "object"
          additionalProperties = false
          required             = ["region"]
          properties = {
            region = { type = "string", enum = ["eu-west-1", "us-east-1"] }
          }
        }
      }
    ]
    aws = {
      region = "us-east-1"
      principals = {
        allowed_domains = ["example.com"]
      }
      s3_configs = {
        "Data Lake Read" = {
          name             = "data_lake_read"
          description      = "Read-only access to the data lake buckets"
          buckets          = ["company-data-lake-prod"]
          policy_template  = "S3ReadOnlyPolicy"
          session_duration = "PT2H"
        }
      }
    }
  }
}

output "next_steps" {
  value = module.kubiya_jit.next_steps
}
