import type { CommandResult } from '../../handlers/handler.js';
import { STATIC_HANDLERS } from '../../handlers/registry.js';

/** `kubiya-jit help`: the tools and the operator commands. */
export function helpCommand(): CommandResult {
  const tools = [...STATIC_HANDLERS.values()].map((h) => `  ${h.name}${h.args.length ? ` ${h.args.map((a) => `[--${a} …]`).join(' ')}` : ''}`);
  const human = [
    'kubiya-jit — just-in-time access for Kubiya teammates.',
    '',
    'Tools (the person is KUBIYA_USER_EMAIL; config from JIT_CONFIG_JSON or JIT_CONFIG; database from JIT_DATABASE):',
    ...tools,
    '  <generated tool> — one per configured policy, access config or S3 config (see kubiya_bundle.json)',
    '',
    'Operator commands:',
    '  worker [--max-runtime 10m]      end grants at their expiry, continuously',
    '  sweep                           end every grant whose time has come, once',
    '  approvers --tool_name … [--tool_params JSON] [--justification …]   who would approve, and why',
    '  reconcile [--fix]               what providers still hold for requests that are over; --fix removes it',
    '  audit verify | audit export [--out FILE]',
    '  analytics [--since 30d] [--until DATE] [--tool|--provider|--group NAME] [--html FILE] [--post-slack]',
    '                                  usage, patterns and security figures; HTML report; weekly Slack digest',
    '  enforcer policy                 the Enforcer tool-category policy, from the config',
    '  aws runner-policy [--out FILE]  the runner\'s least-privilege IAM policy, from the config',
    '  bundle [--check] [--out FILE]',
    '  config [--show] [--bundle FILE]  where the config comes from (JIT_CONFIG_JSON first), its tools; --bundle checks a bundle',
    '',
    'Add --output json to any command for a machine-readable result.',
  ].join('\n');
  return { human, json: { tools: [...STATIC_HANDLERS.keys()] } };
}
