/**
 * Test support: the Terraform module read with a real HCL parser (`@cdktf/hcl2json`, offline), and the
 * module's config rendering (locals in terraform/main.tf) done the same way in TypeScript so a test can run
 * an example's config through the package's loader. `RENDERED_EXPRESSIONS` ties the two: a test checks that
 * main.tf still holds exactly these expressions.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { parse as parseYaml } from 'yaml';

export const TERRAFORM_DIR = resolve(import.meta.dirname, '..', '..', 'terraform');

/** hcl2json's JSON form of one file: block type → name → list of bodies (resource: type → name → bodies). */
export type HclJson = Record<string, unknown>;

/** Every `.tf` file under `dir`, parsed, by path relative to the terraform folder. */
export async function parseTerraform(dir = TERRAFORM_DIR): Promise<Map<string, HclJson>> {
  const files = new Map<string, HclJson>();
  const walk = async (folder: string): Promise<void> => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) await walk(path);
      else if (name.endsWith('.tf')) files.set(relative(TERRAFORM_DIR, path), (await parse(path, readFileSync(path, 'utf8'))) as HclJson);
    }
  };
  await walk(dir);
  return files;
}

/** The expressions of main.tf's locals that render the config, whitespace collapsed. */
export const RENDERED_EXPRESSIONS: Record<string, string> = {
  policies_yaml: 'trimspace(var.available_policies_yaml)',
  policies:
    'jsondecode(local.policies_yaml == "" ? jsonencode(try(var.jit_config.policies, [])) : jsonencode(yamldecode(local.policies_yaml).policies))',
  jit_config:
    'merge( { requesters = { allowed_groups = var.kubiya_groups_allowed_groups } }, var.jit_config, { policies = local.policies }, { bundle = merge(try(var.jit_config.bundle, {}), { image = var.image }) }, )',
  jit_config_json: 'jsonencode(local.jit_config)',
  knowledge_files: 'var.knowledge_dir == null ? [] : sort(tolist(fileset(var.knowledge_dir, "*.md")))',
  knowledge_json: 'jsonencode({ for name in local.knowledge_files : name => file("${var.knowledge_dir}/${name}") })',
};

/** `"${expr}"` as hcl2json writes an expression → `expr` with its whitespace collapsed. */
export function expression(value: unknown): string {
  return String(value).replace(/^\$\{/, '').replace(/\}$/, '').replace(/\s+/g, ' ').trim();
}

/** What RENDERED_EXPRESSIONS compute, for the module's variables as an example sets them (defaults filled in). */
export function renderModuleConfig(vars: Record<string, unknown>): { jitConfig: Record<string, unknown>; knowledgeFiles: string[] } {
  const jitConfig = (vars.jit_config ?? {}) as Record<string, unknown>;
  const yaml = String(vars.available_policies_yaml ?? '').trim();
  const policies = yaml === '' ? (jitConfig.policies ?? []) : (parseYaml(yaml) as { policies: unknown }).policies;
  const rendered = {
    requesters: { allowed_groups: vars.kubiya_groups_allowed_groups },
    ...jitConfig,
    policies,
    bundle: { ...((jitConfig.bundle ?? {}) as Record<string, unknown>), image: vars.image },
  };
  const dir = vars.knowledge_dir as string | null;
  const knowledgeFiles = dir === null ? [] : readdirSync(dir).filter((name) => name.endsWith('.md')).sort();
  return { jitConfig: rendered, knowledgeFiles };
}

/** The module's variables with their defaults, then an example's arguments (path.module resolved). */
export function moduleVariables(variables: Record<string, [{ default?: unknown }]>, args: Record<string, unknown>, exampleDir: string): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const [name, [body]] of Object.entries(variables)) vars[name] = body.default ?? null;
  for (const [name, value] of Object.entries(args)) {
    vars[name] = typeof value === 'string' ? value.replace('${path.module}', exampleDir) : value;
  }
  return vars;
}
