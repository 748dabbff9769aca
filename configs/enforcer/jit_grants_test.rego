# Tests for jit_grants.rego. Run with: opa test configs/enforcer -v
#
# Every fixture is a named rule, so each `with ... as` takes a plain reference.
package kubiya.tool_manager_test

import rego.v1

import data.kubiya.tool_manager

# 2026-01-01T00:00:00Z and one hour later, in nanoseconds.
issued_ns := 1767225600000000000

expires_ns := 1767229200000000000

just_before_expiry_ns := expires_ns - 1

a_minute_after_expiry_ns := expires_ns + 60000000000

alice_grant := {
	"user_email": "alice@example.com",
	"tool_name": "create_ec2",
	"parameters": {"region": "eu-west-1"},
	"expires_at_ns": expires_ns,
	"expires_at": "2026-01-01T01:00:00.000Z",
	"request_id": "req-1",
	"approved_by": "bob@example.com",
}

grants := {"g-1": alice_grant}

# The same grant for someone else, beside Alice's.
two_grants := {"g-0": object.union(alice_grant, {"user_email": "carol@example.com"}), "g-1": alice_grant}

# A document whose expiry was written as a string: in Rego a string sorts after every number, so an
# unguarded comparison would allow forever.
string_expiry_grants := {"g-1": object.union(alice_grant, {"expires_at_ns": "99999999999999999999"})}

# A grant approved with no parameters at all.
no_parameter_grants := {"g-1": object.union(object.remove(alice_grant, ["parameters"]), {"parameters": {}})}

alice := {"email": "alice@example.com", "groups": ["developers"]}

run := {"user": alice, "tool": {"name": "create_ec2", "parameters": {"region": "eu-west-1", "instance_type": "t3.micro"}}}

mallory_run := {"user": {"email": "mallory@example.com", "groups": ["developers"]}, "tool": run.tool}

other_tool_run := {"user": alice, "tool": {"name": "delete_ec2", "parameters": {"region": "eu-west-1"}}}

other_region_run := {"user": alice, "tool": {"name": "create_ec2", "parameters": {"region": "us-east-1", "instance_type": "t3.micro"}}}

missing_region_run := {"user": alice, "tool": {"name": "create_ec2", "parameters": {"instance_type": "t3.micro"}}}

no_parameters_run := {"user": {"email": "alice@example.com"}, "tool": {"name": "create_ec2"}}

test_allowed_while_grant_valid if {
	tool_manager.allow with data.kubiya.jit.grants as grants
		with input as run
		with time.now_ns as issued_ns
}

test_allowed_one_nanosecond_before_expiry if {
	tool_manager.allow with data.kubiya.jit.grants as grants
		with input as run
		with time.now_ns as just_before_expiry_ns
}

test_denied_at_expiry_with_data_still_present if {
	not tool_manager.allow with data.kubiya.jit.grants as grants
		with input as run
		with time.now_ns as expires_ns
}

test_denied_after_expiry_with_data_still_present if {
	not tool_manager.allow with data.kubiya.jit.grants as grants
		with input as run
		with time.now_ns as a_minute_after_expiry_ns
}

test_denied_for_another_user if {
	not tool_manager.allow with data.kubiya.jit.grants as grants
		with input as mallory_run
		with time.now_ns as issued_ns
}

test_denied_for_another_tool if {
	not tool_manager.allow with data.kubiya.jit.grants as grants
		with input as other_tool_run
		with time.now_ns as issued_ns
}

test_denied_for_a_different_parameter_value if {
	not tool_manager.allow with data.kubiya.jit.grants as grants
		with input as other_region_run
		with time.now_ns as issued_ns
}

test_denied_for_a_missing_parameter if {
	not tool_manager.allow with data.kubiya.jit.grants as grants
		with input as missing_region_run
		with time.now_ns as issued_ns
}

test_denied_when_the_run_has_no_parameters if {
	not tool_manager.allow with data.kubiya.jit.grants as grants
		with input as no_parameters_run
		with time.now_ns as issued_ns
}

test_denied_with_no_grants if {
	not tool_manager.allow with input as run
		with time.now_ns as issued_ns
}

test_denied_when_expiry_is_not_a_number if {
	not tool_manager.allow with data.kubiya.jit.grants as string_expiry_grants
		with input as run
		with time.now_ns as issued_ns
}

test_grant_without_parameters_allows_any_parameters if {
	tool_manager.allow with data.kubiya.jit.grants as no_parameter_grants
		with input as run
		with time.now_ns as issued_ns
}

test_one_matching_grant_among_others_allows if {
	tool_manager.allow with data.kubiya.jit.grants as two_grants
		with input as run
		with time.now_ns as issued_ns
}

test_other_users_grant_alone_does_not_allow if {
	not tool_manager.allow with data.kubiya.jit.grants as two_grants
		with input as mallory_run
		with time.now_ns as issued_ns
}
