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

# A grant approved with no parameters at all (a tool without a parameter schema).
no_parameter_grants := {"g-1": object.union(object.remove(alice_grant, ["parameters"]), {"parameters": {}})}

# A grant whose approved parameters nest objects and arrays.
nested_parameters := {"region": "eu-west-1", "tags": {"team": "platform", "ports": [22, 443]}}

nested_grants := {"g-1": object.union(object.remove(alice_grant, ["parameters"]), {"parameters": nested_parameters})}

alice := {"email": "alice@example.com", "groups": ["developers"]}

run := {"user": alice, "tool": {"name": "create_ec2", "parameters": {"region": "eu-west-1"}}}

# Alice's address as the runner may send it: another case.
mixed_case_run := {"user": {"email": "Alice@Example.COM"}, "tool": run.tool}

# Look-alikes that only become "alice@example.com" under Unicode folding: a full-width A, a dotless i
# spelled with the dotted capital I, and a zero-width space.
full_width_run := {"user": {"email": "\uff21lice@example.com"}, "tool": run.tool}

dotted_i_run := {"user": {"email": "al\u0130ce@example.com"}, "tool": run.tool}

zero_width_run := {"user": {"email": "alice\u200b@example.com"}, "tool": run.tool}

# A grant for kim, and a run by an address starting with the Kelvin sign, which lower() turns into "k".
kim_grants := {"g-1": object.union(alice_grant, {"user_email": "kim@example.com"})}

kelvin_run := {"user": {"email": "\u212aim@example.com"}, "tool": run.tool}

extra_key_run := {"user": alice, "tool": {"name": "create_ec2", "parameters": {"region": "eu-west-1", "instance_type": "t3.micro"}}}

nested_run := {"user": alice, "tool": {"name": "create_ec2", "parameters": nested_parameters}}

other_nested_run := {"user": alice, "tool": {"name": "create_ec2", "parameters": {"region": "eu-west-1", "tags": {"team": "platform", "ports": [22, 443, 3389]}}}}

empty_parameters_run := {"user": alice, "tool": {"name": "create_ec2", "parameters": {}}}

mallory_run := {"user": {"email": "mallory@example.com", "groups": ["developers"]}, "tool": run.tool}

other_tool_run := {"user": alice, "tool": {"name": "delete_ec2", "parameters": {"region": "eu-west-1"}}}

other_region_run := {"user": alice, "tool": {"name": "create_ec2", "parameters": {"region": "us-east-1"}}}

missing_region_run := {"user": alice, "tool": {"name": "create_ec2", "parameters": {}}}

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

test_grant_without_parameters_denies_a_run_with_parameters if {
	not tool_manager.allow with data.kubiya.jit.grants as no_parameter_grants
		with input as run
		with time.now_ns as issued_ns
}

test_grant_without_parameters_allows_a_run_without_parameters if {
	tool_manager.allow with data.kubiya.jit.grants as no_parameter_grants
		with input as no_parameters_run
		with time.now_ns as issued_ns
	tool_manager.allow with data.kubiya.jit.grants as no_parameter_grants
		with input as empty_parameters_run
		with time.now_ns as issued_ns
}

test_denied_for_an_extra_parameter if {
	not tool_manager.allow with data.kubiya.jit.grants as grants
		with input as extra_key_run
		with time.now_ns as issued_ns
}

test_allowed_for_equal_nested_parameters if {
	tool_manager.allow with data.kubiya.jit.grants as nested_grants
		with input as nested_run
		with time.now_ns as issued_ns
}

test_denied_for_a_different_nested_value if {
	not tool_manager.allow with data.kubiya.jit.grants as nested_grants
		with input as other_nested_run
		with time.now_ns as issued_ns
}

test_allowed_for_the_same_address_in_another_case if {
	tool_manager.allow with data.kubiya.jit.grants as grants
		with input as mixed_case_run
		with time.now_ns as issued_ns
}

test_denied_for_a_kelvin_sign_look_alike if {
	not tool_manager.allow with data.kubiya.jit.grants as kim_grants
		with input as kelvin_run
		with time.now_ns as issued_ns
}

test_denied_for_unicode_look_alikes if {
	not tool_manager.allow with data.kubiya.jit.grants as grants
		with input as full_width_run
		with time.now_ns as issued_ns
	not tool_manager.allow with data.kubiya.jit.grants as grants
		with input as dotted_i_run
		with time.now_ns as issued_ns
	not tool_manager.allow with data.kubiya.jit.grants as grants
		with input as zero_width_run
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
