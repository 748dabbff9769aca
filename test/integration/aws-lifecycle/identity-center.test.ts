import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { startMoto, type Moto } from '../../support/moto.js';
import {
  assignedPrincipals,
  jitResources,
  MOTO_ACCOUNT,
  motoClients,
  runAws,
  setupIdentityCenter,
  writeConfigFile,
  type IdentityCenterSetup,
  type MotoClients,
} from '../../support/aws-harness.js';

const ACCESS_CONFIGS = {
  'Sandbox Admin': {
    name: 'Sandbox Admin Access',
    description: 'Grants the SandboxAdmin permission set in the sandbox account.',
    account_id: MOTO_ACCOUNT,
    permission_set: 'SandboxAdmin',
    session_duration: 'PT2H',
  },
};

describe('jit_session_grant_<name>: an Identity Center assignment through the real CLI, on moto', () => {
  let moto: Moto;
  let aws: MotoClients;
  let sso: IdentityCenterSetup;
  let h: LifecycleHarness;
  let requestId: string;
  const run = (as: string | undefined, args: string[]) => runAws(h, moto, as, args);

  beforeAll(async () => {
    moto = await startMoto();
    aws = motoClients(moto);
    h = await LifecycleHarness.start((config) => {
      config.aws = { poll: { max_attempts: 5, initial_delay_ms: 10, max_delay_ms: 20 } };
    });
    writeConfigFile(h, 'access_configs.json', ACCESS_CONFIGS);
    // The identity store knows dev by email (the default identity_center_user rule) and alice, who must stay untouched.
    sso = await setupIdentityCenter(aws, 'SandboxAdmin', [PEOPLE.dev.email, PEOPLE.alice.email]);
  });
  afterAll(async () => {
    await h?.close();
    await moto?.stop();
  });

  it('opens a request and assigns nothing before approval', async () => {
    const asked = await run(PEOPLE.dev.email, ['jit_session_grant_sandbox_admin_access', '--ttl', '1h', '--justification', 'Clean up the sandbox VPCs']);
    expect(asked.code, asked.stdout).toBe(0);
    expect(asked.json.status).toBe('approval_pending');
    requestId = asked.json.request_id as string;
    expect(h.messagesIn()).toHaveLength(1);
    expect(JSON.stringify(h.messagesIn()[0]!.blocks)).toContain('SandboxAdmin');
    expect(await assignedPrincipals(aws, sso)).toEqual([]);
  });

  it('creates the account assignment for the requester on approval', async () => {
    const approved = await run(PEOPLE.bob.email, ['approve_tool_access_request', '--request_id', requestId, '--approval_action', 'approve']);
    expect(approved.code, approved.stdout).toBe(0);
    expect(approved.json.status).toBe('access_granted');
    expect(await assignedPrincipals(aws, sso)).toEqual([sso.userIds[PEOPLE.dev.email]]);
  });

  it('jit_session_revoke_<name> removes the assignment and its hold', async () => {
    const revoked = await run(PEOPLE.dev.email, ['jit_session_revoke_sandbox_admin_access', '--reason', 'VPCs cleaned']);
    expect(revoked.code, revoked.stdout).toBe(0);
    expect(revoked.json).toMatchObject({ request_id: requestId, status: 'revoked' });
    expect(await assignedPrincipals(aws, sso)).toEqual([]);
    expect(await jitResources(aws.iam)).toEqual([]);
  });
});
