output "teammate_name" {
  description = "The teammate people talk to."
  value       = kubiya_agent.jit.name
}

output "source_url" {
  description = "The source registered in Kubiya; its kubiya_bundle.json lists the tools."
  value       = kubiya_source.jit.url
}

output "jit_config_json" {
  description = "The config the tools read (JIT_CONFIG_JSON). Build a bundle for it with: JIT_CONFIG_JSON=\"$(terraform output -raw jit_config_json)\" npm run bundle"
  value       = local.jit_config_json
  sensitive   = true
}

output "knowledge_documents" {
  description = "The knowledge documents registered in Kubiya and given to the tools."
  value       = local.knowledge_files
}

output "next_steps" {
  description = "What to do after the first apply."
  value       = <<-EOT
    kubiya-jit teammate "${kubiya_agent.jit.name}" is registered on runner ${var.kubiya_runner}.
    1. Check that the bundle at ${kubiya_source.jit.url} lists the tools this config generates, from a checkout of it:
         JIT_CONFIG_JSON="$(terraform output -raw jit_config_json)" npx kubiya-jit config --bundle kubiya_bundle.json
       If it does not match (your own AWS entries or image), run npm run bundle the same way in your fork, commit
       kubiya_bundle.json, and set source_url / source_ref to it. Until then the tools refuse with config.bundle_mismatch.
    2. Invite Kubiya's Slack app to ${var.approvers_slack_channel}: the Approve / Reject buttons reach the teammate only through it.
    3. ${local.okta ? "Okta: the teammate reads the Kubiya secret OKTA_API_TOKEN (a read-only API token); rotate it there." : "People and groups come from jit_config.directory (no Okta)."}
    4. Expiry: ${var.sweep_schedule == "" ? "no scheduled sweep; run `kubiya-jit worker` on the tools' volume" : "the teammate sweeps on \"${var.sweep_schedule}\"; for expiry to the second also run `kubiya-jit worker` on the tools' volume"} (docs/runbook.md).
    5. With jit_config.enforcer.type opa, install the Enforcer's Rego (docs/deployment.md, The Enforcer).
    A config change is one more terraform apply; a new or renamed AWS entry also needs a rebuilt bundle (step 1).
  EOT
}
