# Names follow Kubiya's own JIT module (jit-permissions-guardians) where it has the same setting.

variable "teammate_name" {
  description = "Name of the Kubiya teammate (agent) that runs the just-in-time access tools."
  type        = string
  default     = "jit-guardian"
}

variable "kubiya_runner" {
  description = "Kubiya runner (cluster) the teammate and the tools run on. It must pull the image and reach Slack, Okta, the Enforcer and AWS."
  type        = string
}

variable "approvers_slack_channel" {
  description = "Approvers' Slack channel: its id (C…, survives renames) or #name. The tools receive it as APPROVERS_CHANNEL."
  type        = string

  validation {
    condition     = can(regex("^(#[a-z0-9][a-z0-9._-]*|[CG][A-Z0-9]{6,})$", var.approvers_slack_channel))
    error_message = "approvers_slack_channel must be a channel id such as C0123456789 or a name such as #aws-access-approvers."
  }
}

variable "kubiya_groups_allowed_groups" {
  description = "Kubiya groups that may use the teammate and its knowledge; unless jit_config sets requesters, also the only groups that may request access."
  type        = list(string)
  default     = ["Admin"]

  validation {
    condition     = length(var.kubiya_groups_allowed_groups) > 0
    error_message = "Name at least one group: Kubiya knowledge needs a group, and an empty list would let nobody request."
  }
}

variable "kubiya_integrations" {
  description = "Kubiya integrations the teammate uses: slack (gives the tools SLACK_API_TOKEN and makes the Approve / Reject buttons reach the teammate) and aws-<account id> for AWS entries."
  type        = list(string)
  default     = ["slack"]
}

variable "available_policies_yaml" {
  description = "IAM policies people may request, as YAML: policies: [{policy_name, aws_account_id, request_name}] (at most 30; each becomes a request_<request_name> tool). Replaces jit_config.policies when set."
  type        = string
  default     = ""
}

variable "jit_config" {
  description = "The package's config as an HCL object, with the keys of configs/jit.yaml (docs/configuration.md). Rendered to JSON and given to the tools as JIT_CONFIG_JSON."
  type        = any
  default     = {}
}

variable "image" {
  description = "Container image every tool runs (bundle.image in the config). Must be the image the bundle at source_url/source_ref names; the tools refuse a config that names another."
  type        = string
  default     = "ghcr.io/kubiya-jit/kubiya-jit:0.1.0"
}

variable "source_url" {
  description = "Git repository whose kubiya_bundle.json lists the tools: this repository, or your fork when your config's AWS entries differ from the bundle's."
  type        = string
  default     = "https://github.com/kubiya-jit/kubiya-jit"
}

variable "source_ref" {
  description = "Branch or tag of source_url to register (a release tag keeps the tools fixed)."
  type        = string
  default     = "main"
}

variable "knowledge_dir" {
  description = "Folder of knowledge documents (*.md with groups front matter). Each becomes Kubiya knowledge for the teammate and reaches the tools as JIT_KNOWLEDGE_JSON. Null: the tools use the documents the bundle carries."
  type        = string
  default     = null
}

variable "config_as_secret" {
  description = "Give the tools the config as the Kubiya secret JIT_CONFIG_JSON (one per organisation) instead of an environment variable, for configs that name people."
  type        = bool
  default     = false
}

variable "okta_org_url" {
  description = "Okta org URL (https://example.okta.com) when jit_config.directory.type is okta. The teammate then reads the Kubiya secret OKTA_API_TOKEN, which must exist before apply (the provider refuses an agent naming a missing secret)."
  type        = string
  default     = ""
}

variable "sweep_schedule" {
  description = "Cron schedule of the Kubiya scheduled task that asks the teammate to run sweep_expired_access, the fallback that ends expired grants when no worker runs. Empty: no task."
  type        = string
  default     = "*/15 * * * *"
}

variable "sweep_channel" {
  description = "Slack channel the scheduled sweep reports to; null: the approvers' channel."
  type        = string
  default     = null
}

variable "extra_environment_variables" {
  description = "More environment variables for the teammate, e.g. ENFORCER_URL, AWS_REGION or names listed in jit_config.bundle.env."
  type        = map(string)
  default     = {}
}

variable "extra_secrets" {
  description = "More Kubiya secret names the teammate may read, e.g. an OPA token named by jit_config.enforcer.token_env; each must exist before apply."
  type        = list(string)
  default     = []
}

variable "debug_mode" {
  description = "Kubiya debug mode for the teammate (more detail in its answers)."
  type        = bool
  default     = false
}
