/** Test support: catalog entries and a built bundle shared by the tools tests. */
import type { CatalogEntry } from '../../../scripts/core/catalog.js';
import { buildBundle } from '../../../tools/bundle.js';
import { STATIC_TOOLS } from '../../../tools/definitions/index.js';
import type { Bundle } from '../../../tools/model.js';

/** An entry with a dedicated request tool, a revoke tool and typed parameters (one named like a fixed arg). */
export function dbEntry(overrides: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    name: 'jit_db_staging',
    description: 'Read-write access to the staging database account through IAM Identity Center.',
    provider: 'aws-identity-center',
    settings: {},
    maxTtlSeconds: 4 * 3600,
    defaultTtlSeconds: 3600,
    paramsSchema: {
      type: 'object',
      properties: {
        region: { type: 'string', enum: ['eu-west-1', 'us-east-1'], description: 'AWS region of the database.' },
        replicas: { type: 'integer' },
        ratio: { type: 'number' },
        read_only: { type: 'boolean', default: true },
        tables: { type: 'array', items: { type: 'string' } },
        ttl: { type: 'string', description: 'A parameter that happens to be called ttl.' },
      },
      required: ['region'],
    },
    validateParams: () => [],
    dedicatedTool: { revokeTool: 'revoke_jit_db_staging' },
    ...overrides,
  };
}

/** An entry without a dedicated tool: requested through request_tool_access only. */
export function ec2Entry(): CatalogEntry {
  return {
    name: 'create_ec2',
    description: 'Create EC2 instances.',
    provider: 'enforcer',
    settings: {},
    maxTtlSeconds: 8 * 3600,
    defaultTtlSeconds: 3600,
    paramsSchema: { type: 'object', properties: { region: { type: 'string' } } },
    validateParams: () => [],
  };
}

/** The bundle for the static tools plus the fixtures' generated ones. */
export function sampleBundle(version = '0.1.0', config: unknown = { approvers: { groups: [] } }): Bundle {
  return buildBundle({ staticTools: STATIC_TOOLS, generated: [ec2Entry(), dbEntry()], image: `example/kubiya-jit:${version}`, config, version });
}
