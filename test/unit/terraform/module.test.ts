import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFullCatalog } from '../../../scripts/app/build-catalog-all.js';
import { loadConfig } from '../../../scripts/config/load-config.js';
import { CLI } from '../../support/lifecycle-harness.js';
import { expression, moduleVariables, parseTerraform, renderModuleConfig, RENDERED_EXPRESSIONS, TERRAFORM_DIR, type HclJson } from '../../support/terraform-module.js';

interface Attribute {
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
}
const SCHEMA = JSON.parse(readFileSync(resolve(import.meta.dirname, '..', '..', 'fixtures', 'kubiya-provider-schema.json'), 'utf8')) as {
  resources: Record<string, Record<string, Attribute>>;
};
const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider']);
const README = readFileSync(join(TERRAFORM_DIR, 'README.md'), 'utf8');

let files: Map<string, HclJson>;
const inModule = (path: string) => !path.startsWith('examples/');
const blocks = <T>(kind: string, where: (path: string) => boolean = () => true) =>
  [...files].filter(([path]) => where(path)).flatMap(([path, json]) => Object.entries((json[kind] ?? {}) as Record<string, T>).map(([name, body]) => ({ path, name, body })));

beforeAll(async () => {
  files = await parseTerraform();
});

describe('the Terraform module', () => {
  it('parses: the module and both examples', () => {
    expect([...files.keys()].sort()).toEqual(['examples/config-only/main.tf', 'examples/okta-aws/main.tf', 'main.tf', 'outputs.tf', 'variables.tf', 'versions.tf']);
    const versions = files.get('versions.tf')!.terraform as { required_providers: { kubiya: { source: string } }[] }[];
    expect(versions[0]!.required_providers[0]!.kubiya.source).toBe('kubiya-terraform/kubiya');
  });

  it('uses only resources and attributes of the provider schema, and sets every required attribute', () => {
    const resources = blocks<Record<string, [Record<string, unknown>]>>('resource');
    expect(resources.map((r) => r.name).sort()).toEqual(['kubiya_agent', 'kubiya_knowledge', 'kubiya_scheduled_task', 'kubiya_secret', 'kubiya_source']);
    for (const { name: type, body } of resources) {
      const schema = SCHEMA.resources[type];
      expect(schema, `${type} is not in the provider schema`).toBeDefined();
      for (const [label, [attributes]] of Object.entries(body)) {
        for (const attribute of Object.keys(attributes).filter((a) => !META_ARGUMENTS.has(a))) {
          expect(schema![attribute], `${type}.${label}.${attribute} is not an attribute of ${type}`).toBeDefined();
          expect(schema![attribute]!.required || schema![attribute]!.optional, `${type}.${label}.${attribute} is computed only`).toBe(true);
        }
        for (const [attribute, spec] of Object.entries(schema!)) {
          if (spec.required) expect(attributes, `${type}.${label} lacks the required ${attribute}`).toHaveProperty(attribute);
        }
      }
    }
  });

  it('registers the source with its ref, the teammate with the env and secrets the tools read, the knowledge and the sweep', () => {
    const main = files.get('main.tf')!.resource as Record<string, Record<string, [Record<string, unknown>]>>;
    expect(main.kubiya_source!.jit![0]).toEqual({ url: '${trimsuffix(var.source_url, "/")}/tree/${var.source_ref}', runner: '${var.kubiya_runner}' });
    const agent = main.kubiya_agent!.jit![0];
    expect(agent).toMatchObject({ environment_variables: '${local.environment_variables}', secrets: '${local.secrets}', sources: ['${kubiya_source.jit.name}'] });
    const locals = Object.assign({}, ...(files.get('main.tf')!.locals as Record<string, unknown>[])) as Record<string, unknown>;
    for (const name of ['APPROVERS_CHANNEL', 'JIT_CONFIG_JSON', 'JIT_KNOWLEDGE_JSON', 'OKTA_ORG_URL']) expect(expression(locals.environment_variables)).toContain(`${name} =`);
    expect(expression(locals.secrets)).toContain('"OKTA_API_TOKEN"');
    expect(main.kubiya_secret!.jit_config![0]).toMatchObject({ name: 'JIT_CONFIG_JSON', value: '${local.jit_config_json}' });
    expect(String(main.kubiya_scheduled_task!.sweep![0].description)).toMatch(/^Run the sweep_expired_access tool once/);
    expect(main.kubiya_knowledge!.documents![0]).toMatchObject({ for_each: '${toset(local.knowledge_files)}', supported_agents: ['${kubiya_agent.jit.name}'] });
  });

  it('renders the config with the expressions the tests mirror', () => {
    const locals = Object.assign({}, ...(files.get('main.tf')!.locals as Record<string, unknown>[])) as Record<string, unknown>;
    for (const [name, text] of Object.entries(RENDERED_EXPRESSIONS)) expect(expression(locals[name]), `local.${name}`).toBe(text);
  });

  it('documents every variable in its description and the README, uses each, and names the seed\'s variables as seed 001 does', () => {
    const variables = blocks<[{ description?: string }]>('variable', inModule);
    const source = [...files].filter(([path]) => inModule(path) && path !== 'variables.tf').map(([path]) => readFileSync(join(TERRAFORM_DIR, path), 'utf8')).join('\n');
    for (const { name, body } of variables) {
      expect(body[0].description?.length, `variable ${name} has no description`).toBeGreaterThan(20);
      expect(README, `terraform/README.md does not document ${name}`).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
      expect(source, `variable ${name} is never used`).toMatch(new RegExp(`var\\.${name}\\b`));
    }
    for (const seed of ['teammate_name', 'kubiya_runner', 'approvers_slack_channel', 'kubiya_groups_allowed_groups', 'kubiya_integrations', 'available_policies_yaml']) {
      expect(variables.map((v) => v.name)).toContain(seed);
    }
    for (const { name } of blocks('output', inModule)) expect(README).toMatch(new RegExp(`\`${name}\``));
  });

  it('gives the examples only variables the module declares, and every variable without a default', () => {
    const declared = new Map(blocks<[{ default?: unknown }]>('variable', inModule).map((v) => [v.name, v.body[0]]));
    for (const { path, body } of blocks<[Record<string, unknown>]>('module', (p) => !inModule(p))) {
      const args = Object.keys(body[0]).filter((key) => key !== 'source');
      for (const arg of args) expect(declared.has(arg), `${path} sets ${arg}, which the module does not declare`).toBe(true);
      for (const [name, spec] of declared) if (!('default' in spec)) expect(args, `${path} must set ${name}`).toContain(name);
      expect(body[0].source).toBe('../..');
    }
  });
});

describe('the examples\' config, rendered as the module renders it', () => {
  const example = (name: string) => {
    const variables = files.get('variables.tf')!.variable as Record<string, [{ default?: unknown }]>;
    const args = (files.get(`examples/${name}/main.tf`)!.module as Record<string, [Record<string, unknown>]>).kubiya_jit![0];
    return renderModuleConfig(moduleVariables(variables, args, join(TERRAFORM_DIR, 'examples', name)));
  };
  const runConfig = (env: Record<string, string>) => {
    const run = spawnSync(process.execPath, [CLI, 'config', '--output', 'json'], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
    return { code: run.status, json: JSON.parse(run.stdout) as Record<string, unknown> };
  };

  it('okta-aws: the package accepts it and generates the policy and S3 tools, with the knowledge from JIT_KNOWLEDGE_JSON', async () => {
    const { jitConfig, knowledgeFiles } = example('okta-aws');
    const JIT_CONFIG_JSON = JSON.stringify(jitConfig);
    const config = await loadConfig({ JIT_CONFIG_JSON });
    const { catalog } = await buildFullCatalog(config);
    expect(catalog.list().filter((e) => e.dedicatedTool).map((e) => e.name)).toEqual(['request_read_only_access', 's3_grant_data_lake_read']);
    expect(config.file.requesters?.allowed_groups).toEqual(['Engineering']);
    expect(config.file.bundle?.image).toBe('ghcr.io/kubiya-jit/kubiya-jit:0.1.0');
    const knowledge = Object.fromEntries(knowledgeFiles.map((f) => [f, readFileSync(join(TERRAFORM_DIR, '..', 'configs', 'knowledge', f), 'utf8')]));
    const run = runConfig({ JIT_CONFIG_JSON, JIT_KNOWLEDGE_JSON: JSON.stringify(knowledge) });
    expect(run.code, JSON.stringify(run.json)).toBe(0);
    expect(run.json).toMatchObject({ origin: 'env', knowledge: `JIT_KNOWLEDGE_JSON (${knowledgeFiles.length} documents)`, tools: ['request_read_only_access', 's3_grant_data_lake_read', 's3_revoke_data_lake_read'] });
    expect(knowledgeFiles.length).toBeGreaterThan(0);
  });

  it('config-only: the package accepts it, with people from the config and no generated tools', async () => {
    const { jitConfig, knowledgeFiles } = example('config-only');
    expect(knowledgeFiles).toEqual([]);
    expect(jitConfig.requesters).toEqual({ allowed_groups: ['Engineering'] });
    const config = await loadConfig({ JIT_CONFIG_JSON: JSON.stringify(jitConfig) });
    expect(config.file.directory?.type).toBe('config');
    expect(config.file.tools?.map((t) => t.name)).toEqual(['kubectl_exec_prod', 'create_ec2']);
    const run = runConfig({ JIT_CONFIG_JSON: JSON.stringify(jitConfig) });
    expect(run.json).toMatchObject({ origin: 'env', tools: [] });
  });

  it('a policies YAML that breaks the package\'s rules is refused naming the variable and the entry', async () => {
    const variables = files.get('variables.tf')!.variable as Record<string, [{ default?: unknown }]>;
    const { jitConfig } = renderModuleConfig(
      moduleVariables(variables, { kubiya_groups_allowed_groups: ['Eng'], available_policies_yaml: 'policies:\n  - policy_name: ReadOnly\n    aws_account_id: "12"\n    request_name: r\n' }, TERRAFORM_DIR),
    );
    await expect(buildFullCatalog(await loadConfig({ JIT_CONFIG_JSON: JSON.stringify(jitConfig) }))).rejects.toThrow(/JIT_CONFIG_JSON .*policies: entry \[0\] \("r"\), field aws_account_id/);
  });
});
