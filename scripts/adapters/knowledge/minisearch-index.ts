/**
 * The {@link KnowledgeIndex} on MiniSearch: an in-memory full-text index ranked with BM25+, over each
 * document's title, body and tool names.
 */
import MiniSearch from 'minisearch';
import type { KnowledgeIndex, KnowledgeMatch } from '../../core/ports.js';
import type { KnowledgeDocument } from './front-matter.js';
import { normaliseTerm, tokenizeText, tokenizeToolNames } from './terms.js';

/**
 * Field weights. A tool listed in a document's `tools` is the author saying "this tool is ours", the
 * strongest evidence there is, so it outweighs a few shared words in prose; the title names the subject
 * and counts more than one mention in the body.
 */
export const FIELD_BOOST = { tools: 3, title: 2, body: 1 } as const;

/**
 * Extra weight on a query term that is one of the document's listed tools, wherever it matches. BM25's
 * length normalisation scores a name in a long `tools` list lower than in a short one, and a single listed
 * tool against several shared prose words could otherwise lose; this keeps "the author says this tool is
 * ours" decisive whatever the lengths.
 */
export const LISTED_TOOL_BOOST = 3;

interface IndexedDocument {
  id: number;
  title: string;
  body: string;
  /** Tool names joined by spaces; the field's tokenizer splits them back without splitting any name. */
  tools: string;
}

/** Full-text retrieval over knowledge documents, built once per CLI run (a handful of pages: microseconds). */
export class MiniSearchKnowledgeIndex implements KnowledgeIndex {
  private readonly search_: MiniSearch<IndexedDocument>;
  private readonly documents: readonly KnowledgeDocument[];

  constructor(documents: readonly KnowledgeDocument[]) {
    this.documents = documents;
    const listedTools = documents.map((doc) => new Set(doc.tools.map((tool) => normaliseTerm(tool) ?? tool.toLowerCase())));
    this.search_ = new MiniSearch<IndexedDocument>({
      fields: ['title', 'body', 'tools'],
      tokenize: (text, field) => (field === 'tools' ? tokenizeToolNames(text) : tokenizeText(text)),
      // A tool name goes through the same fold as query words so it meets them, but is never dropped.
      processTerm: (term, field) => (field === 'tools' ? (normaliseTerm(term) ?? term.toLowerCase()) : normaliseTerm(term)),
      searchOptions: {
        boost: { ...FIELD_BOOST },
        // Any query word may match: a request's words are a bag of evidence, not a phrase that must all appear.
        combineWith: 'OR',
        // Prefix and fuzzy matching are off: over a few documents they turn near-words (ecs/ec2, db/dba)
        // into false evidence; the plural fold in normaliseTerm covers the variation that matters.
        prefix: false,
        fuzzy: false,
        boostDocument: (id: number, term: string) => (listedTools[id]?.has(term) ? LISTED_TOOL_BOOST : 1),
      },
    });
    this.search_.addAll(documents.map((doc, id) => ({ id, title: doc.title, body: doc.body, tools: doc.tools.join(' ') })));
  }

  /** How many documents are indexed. */
  get size(): number {
    return this.documents.length;
  }

  /**
   * Ranks the documents against the query text. The score is the BM25+ sum over the query's distinct terms,
   * with the field boosts above: MiniSearch multiplies its score by the number of matched terms, which makes
   * scores grow with the length of the request, so that factor is divided back out to keep the config's
   * minimum score meaning the same for a short request and a long one.
   */
  async search(query: string, limit: number): Promise<KnowledgeMatch[]> {
    const terms = queryTerms(query);
    if (terms.length === 0 || limit <= 0) return [];
    // The terms are already split and normalised; passing them through unchanged keeps each counted once.
    const results = this.search_.search(terms.join(' '), { tokenize: (text) => text.split(' '), processTerm: (term) => term });
    return results
      .map((result) => ({ doc: this.documents[result.id as number] as KnowledgeDocument, score: result.score / Math.max(1, result.queryTerms.length) }))
      .sort((a, b) => b.score - a.score || a.doc.document.localeCompare(b.doc.document))
      .slice(0, limit)
      .map(({ doc, score }) => ({ document: doc.document, title: doc.title, score, groups: [...doc.groups], tools: [...doc.tools] }));
  }
}

/**
 * The query's distinct normalised terms. Each counts once, however often the request repeats it: the
 * justification is the requester's own text, and repeating a word must not steer approval to another team.
 */
function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const raw of tokenizeText(query)) {
    const term = normaliseTerm(raw);
    if (term) terms.add(term);
  }
  return [...terms];
}
