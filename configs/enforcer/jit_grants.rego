# Just-in-time grants for Kubiya tool runs, written by kubiya-jit's `opa` Enforcer adapter.
#
# kubiya-jit writes one document per approved request at data.kubiya.jit.grants[<grant id>]:
#   {"user_email": "...", "tool_name": "...", "parameters": {...},
#    "expires_at_ns": <epoch nanoseconds, a number>, "expires_at": "<ISO 8601>",
#    "request_id": "...", "approved_by": "..."}
# and deletes it when the grant ends. A tool run is allowed while such a document matches the run
# (same person, same tool, every approved parameter equal to the run's) AND the clock has not reached
# expires_at_ns: the allow ends at expiry by itself, even if the deletion never comes.
#
# This module owns `default allow := false` for package kubiya.tool_manager. Other modules in the package
# (such as the category policy `kubiya-jit enforcer policy` renders) add `allow if ...` rules and must
# not declare another default.
package kubiya.tool_manager

import rego.v1

default allow := false

allow if jit_grant_in_force

# True when some grant matches this run and has not expired.
jit_grant_in_force if {
	some grant in data.kubiya.jit.grants
	jit_grant_matches(grant)
	# A non-number would compare by type order in Rego, so it is refused rather than trusted.
	is_number(grant.expires_at_ns)
	time.now_ns() < grant.expires_at_ns
}

jit_grant_matches(grant) if {
	is_string(grant.user_email)
	grant.user_email == input.user.email
	grant.tool_name == input.tool.name
	is_object(grant.parameters)
	# The run's parameters must include every approved parameter with the approved value; a missing
	# parameter is undefined, which fails the comparison.
	every key, value in grant.parameters {
		input.tool.parameters[key] == value
	}
}
