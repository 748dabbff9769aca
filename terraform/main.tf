# kubiya-jit as a Kubiya use case: the source (this repository's kubiya_bundle.json), the teammate with the
# environment and secrets the bundle's tools read, the knowledge documents, and a scheduled sweep.

locals {
  policies_yaml = trimspace(var.available_policies_yaml)
  # Both branches go through jsonencode so the conditional has one type whatever the policies hold.
  policies = jsondecode(local.policies_yaml == "" ? jsonencode(try(var.jit_config.policies, [])) : jsonencode(yamldecode(local.policies_yaml).policies))

  # The config the tools read (JIT_CONFIG_JSON). tests/unit/terraform renders it the same way; keep them in step.
  jit_config = merge(
    { requesters = { allowed_groups = var.kubiya_groups_allowed_groups } },
    var.jit_config,
    { policies = local.policies },
    { bundle = merge(try(var.jit_config.bundle, {}), { image = var.image }) },
  )
  jit_config_json = jsonencode(local.jit_config)

  knowledge_files = var.knowledge_dir == null ? [] : sort(tolist(fileset(var.knowledge_dir, "*.md")))
  knowledge_json  = jsonencode({ for name in local.knowledge_files : name => file("${var.knowledge_dir}/${name}") })

  okta = var.okta_org_url != ""

  environment_variables = merge(
    { APPROVERS_CHANNEL = var.approvers_slack_channel },
    var.config_as_secret ? {} : { JIT_CONFIG_JSON = local.jit_config_json },
    length(local.knowledge_files) > 0 ? { JIT_KNOWLEDGE_JSON = local.knowledge_json } : {},
    local.okta ? { OKTA_ORG_URL = var.okta_org_url } : {},
    var.extra_environment_variables,
  )

  secrets = distinct(concat(
    [for secret in kubiya_secret.jit_config : secret.name],
    local.okta ? ["OKTA_API_TOKEN"] : [],
    var.extra_secrets,
  ))

  instructions = <<-EOT
    You give people temporary access through the kubiya-jit tools. A person asks for access with
    request_tool_access (or a request_…, jit_session_grant_…, s3_grant_… tool); approvers decide with
    approve_tool_access_request, usually by clicking Approve or Reject in the approvers' channel.
    Pass what people say into the tools' arguments as it is and relay the tools' answers as they are.
    Never claim access was granted, approved or revoked unless a tool said so. When a tool run was denied
    with "Access denied. Request ID: …", offer request_tool_access with that id as enforcer_request_id.
  EOT
}

resource "kubiya_source" "jit" {
  url    = "${trimsuffix(var.source_url, "/")}/tree/${var.source_ref}"
  runner = var.kubiya_runner
}

resource "kubiya_secret" "jit_config" {
  count       = var.config_as_secret ? 1 : 0
  name        = "JIT_CONFIG_JSON"
  value       = local.jit_config_json
  description = "kubiya-jit config of the teammate ${var.teammate_name}, rendered by Terraform."
}

resource "kubiya_agent" "jit" {
  name                  = var.teammate_name
  runner                = var.kubiya_runner
  description           = "Just-in-time access: requests, approvals in Slack, time-bound grants that end by themselves, and an audit log."
  instructions          = local.instructions
  sources               = [kubiya_source.jit.name]
  integrations          = var.kubiya_integrations
  groups                = var.kubiya_groups_allowed_groups
  secrets               = local.secrets
  environment_variables = local.environment_variables
  is_debug_mode         = var.debug_mode
}

resource "kubiya_knowledge" "documents" {
  for_each = toset(local.knowledge_files)

  name             = "${var.teammate_name} ${trimsuffix(each.value, ".md")}"
  description      = "kubiya-jit knowledge document ${each.value}: the subject it covers and the groups that approve access to it."
  content          = file("${var.knowledge_dir}/${each.value}")
  groups           = var.kubiya_groups_allowed_groups
  labels           = ["kubiya-jit", "jit-access"]
  supported_agents = [kubiya_agent.jit.name]
}

# The fallback that ends expired grants when no `kubiya-jit worker` runs: the teammate runs the sweep tool.
resource "kubiya_scheduled_task" "sweep" {
  count = var.sweep_schedule == "" ? 0 : 1

  agent       = kubiya_agent.jit.name
  channel_id  = coalesce(var.sweep_channel, var.approvers_slack_channel)
  repeat      = var.sweep_schedule
  description = "Run the sweep_expired_access tool once, with no arguments, and reply only with what it printed. Run no other tool."
}
