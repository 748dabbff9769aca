# Just-in-time grants for Kubiya tool runs, written by kubiya-jit's `opa` Enforcer adapter.
#
# kubiya-jit writes one document per approved request at data.kubiya.jit.grants[<grant id>]:
#   {"user_email": "...", "tool_name": "...", "parameters": {...},
#    "expires_at_ns": <epoch nanoseconds, a number>, "expires_at": "<ISO 8601>",
#    "request_id": "...", "approved_by": "..."}
# and deletes it when the grant ends. A tool run is allowed while such a document matches the run
# (same person, same tool, exactly the approved parameters: the whole parameter object is compared, so an
# extra, missing or different parameter at any depth is another run the approvers never saw) AND the clock
# has not reached expires_at_ns: the allow ends at expiry by itself, even if the deletion never comes.
#
# People are compared in kubiya-jit's one normalisation: printable ASCII, lower case. The runner may send a
# mixed-case address (it still matches its own grant); an address holding any other character has no
# normal form here and matches no grant (lower() would turn a Kelvin sign into "k", someone else's name).
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

# The run's person, normalised; undefined (so matching nothing) unless the address is printable ASCII.
jit_user_email := lower(input.user.email) if {
	is_string(input.user.email)
	regex.match(`^[!-~]+$`, input.user.email)
}

# The run's parameters; a run that sends none has none.
jit_run_parameters := object.get(input.tool, "parameters", {})

jit_grant_matches(grant) if {
	is_string(grant.user_email)
	grant.user_email == jit_user_email
	grant.tool_name == input.tool.name
	is_object(grant.parameters)
	jit_run_parameters == grant.parameters
}
