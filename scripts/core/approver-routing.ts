/**
 * Decides which approver groups own a request, and says why: an explicit mapping in the config, else the
 * organisation's knowledge documents (limited to an allowlist of groups), else the config's default groups.
 */
import type { CatalogEntry } from './catalog.js';
import { ValidationError } from './errors.js';
import { buildKnowledgeQuery } from './knowledge-query.js';
import type { KnowledgeIndex, KnowledgeMatch } from './ports.js';
import type { PolicySettings } from './settings.js';
import type { ApproverRouting, Json } from './types.js';

/** How many documents retrieval is asked for; more than the routing ever uses, so dropped ones can be reported. */
export const KNOWLEDGE_SEARCH_LIMIT = 10;

/**
 * A document scoring at least this fraction of the best usable match is treated as tied with it, and its
 * groups join the routing. BM25 cannot tell a difference of a few points apart from the accidents of wording
 * (one more mention of "database" in a page), and when two owners are about equally relevant it is better to
 * ask both (either may approve, and the explanation names both documents) than to pick one by chance. A
 * document listing the requested tool in its `tools` scores far above this band, so ties are only ever
 * between pages that match on prose alone.
 */
export const KNOWLEDGE_TIE_RATIO = 0.8;

/** At most this many tied documents contribute groups, so a vague request cannot fan out to every owner. */
export const KNOWLEDGE_MAX_TIED = 2;

/** What routing looks at: the catalog entry requested and what the person asked for. */
export interface RoutingInput {
  entry: CatalogEntry;
  params: Record<string, Json>;
  justification: string;
}

/** A match over the threshold, split into the groups it may route to and those the allowlist refused. */
interface ScreenedMatch {
  match: KnowledgeMatch;
  allowed: string[];
  refused: string[];
}

/**
 * Chooses the approver groups for a request, in this order: (a) the entry's `approverGroups` from the config;
 * (b) knowledge retrieval: matches scoring at least `knowledgeMinScore`, each keeping only groups in
 * `knowledgeGroupAllowlist`; documents whose `tools` list the requested tool come before all others (and
 * count whatever their score); the best such match, plus any scoring within {@link KNOWLEDGE_TIE_RATIO} of
 * it (up to {@link KNOWLEDGE_MAX_TIED} documents), gives the groups; (c) `defaultApproverGroups`.
 *
 * @throws ValidationError `approvers.none` when none of the three gives a group.
 */
export async function routeApprovers(
  input: RoutingInput,
  knowledge: KnowledgeIndex | undefined,
  policy: PolicySettings,
): Promise<ApproverRouting> {
  const { entry } = input;
  const mapped = unique(entry.approverGroups ?? []);
  if (mapped.length > 0) {
    return { source: 'mapping', groups: mapped, explanation: `${entry.name} is mapped to ${list(mapped)} in the config.` };
  }

  const screened = knowledge ? await screenMatches(input, knowledge, policy) : [];
  const usable = screened.filter((s) => s.allowed.length > 0);
  // A document listing the requested tool is its author saying "this tool is ours": it outranks documents
  // that only share words with the request, however many (the justification is the requester's own text).
  const listing = usable.filter((s) => lists(s.match, entry.name));
  const pool = listing.length > 0 ? listing : usable;
  const best = pool[0];
  if (best) {
    const chosen = pool
      .filter((s) => s.match.score >= best.match.score * KNOWLEDGE_TIE_RATIO)
      .slice(0, KNOWLEDGE_MAX_TIED);
    return {
      source: 'knowledge',
      groups: unique(chosen.flatMap((s) => s.allowed)),
      matches: chosen.map((s) => ({ document: s.match.document, score: roundScore(s.match.score, 2), groups: s.allowed })),
      explanation: knowledgeExplanation(entry.name, chosen, screened),
    };
  }

  const defaults = unique(policy.defaultApproverGroups);
  const why = noKnowledgeReason(knowledge, screened, policy);
  if (defaults.length > 0) {
    return {
      source: 'default',
      groups: defaults,
      explanation: `${entry.name} has no approver mapping and ${why}, so the default approver groups apply: ${list(defaults)}.`,
    };
  }
  throw new ValidationError(
    'approvers.none',
    `No approver group was found for ${entry.name}: it has no approver groups in the config, ${why}, and the config ` +
      `sets no default approver groups. Ask an admin to map this tool to approver groups in the config ` +
      `(approver_groups on ${entry.name}), to set default approver groups (approvals.default_approver_groups), or to ` +
      'add a knowledge document naming an owning group that is in approvals.knowledge.allowlist.',
    { tool: entry.name },
  );
}

/** Searches, keeps matches at or above the threshold, and splits each one's groups by the allowlist. */
async function screenMatches(input: RoutingInput, knowledge: KnowledgeIndex, policy: PolicySettings): Promise<ScreenedMatch[]> {
  const query = buildKnowledgeQuery(input.entry, input.params, input.justification);
  const matches = await knowledge.search(query, KNOWLEDGE_SEARCH_LIMIT);
  const allowlist = new Set(policy.knowledgeGroupAllowlist);
  return [...matches]
    // A document listing the tool counts whatever its score: that is a statement, not a guess.
    .filter((match) => match.score >= policy.knowledgeMinScore || lists(match, input.entry.name))
    .sort((a, b) => b.score - a.score)
    .map((match) => {
      const groups = unique(match.groups);
      return { match, allowed: groups.filter((g) => allowlist.has(g)), refused: groups.filter((g) => !allowlist.has(g)) };
    });
}

function knowledgeExplanation(tool: string, chosen: ScreenedMatch[], screened: ScreenedMatch[]): string {
  const matched = chosen
    .map((s) => `${s.match.document} (score ${roundScore(s.match.score, 1)}), owned by ${list(s.allowed)}`)
    .join(' and ');
  const noun = chosen.length > 1 ? 'knowledge documents' : 'knowledge document';
  const verb = chosen.every((s) => lists(s.match, tool)) ? 'is listed in' : 'matched';
  // Only refusals at or above the chosen score are worth a reader's attention: they are why a higher-ranked
  // document did not decide, or a group the chosen one named that will not be asked.
  const floor = Math.min(...chosen.map((s) => s.match.score));
  const refused = screened.filter((s) => s.refused.length > 0 && s.match.score >= floor);
  return `${tool} ${verb} ${noun} ${matched}${refusedClause(refused)}.`;
}

function noKnowledgeReason(knowledge: KnowledgeIndex | undefined, screened: ScreenedMatch[], policy: PolicySettings): string {
  if (!knowledge) return 'no knowledge documents are loaded';
  if (screened.length === 0) return `no knowledge document reached the minimum score of ${policy.knowledgeMinScore}`;
  const top = screened[0] as ScreenedMatch;
  return `the knowledge documents that matched name no allowlisted group (${top.match.document} names ${list(top.refused)}${
    screened.length > 1 ? `, and ${screened.length - 1} more` : ''
  })`;
}

function refusedClause(refused: ScreenedMatch[]): string {
  if (refused.length === 0) return '';
  const parts = refused.map((s) => `${list(s.refused)} named by ${s.match.document}`);
  return `; ignored ${parts.join(' and ')}, not in the knowledge group allowlist`;
}

function lists(match: KnowledgeMatch, tool: string): boolean {
  return match.tools.includes(tool);
}

function roundScore(score: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(score * factor) / factor;
}

function unique(groups: readonly string[]): string[] {
  return [...new Set(groups.map((g) => g.trim()).filter((g) => g.length > 0))];
}

function list(groups: readonly string[]): string {
  return groups.join(', ');
}
