/**
 * Ten times the knowledge, for measuring how answer latency grows with the FAQ: every FAQ entry
 * replicated ten times with distinct ids (`<id>-x1` … `<id>-x9` beside the original) and varied
 * phrasings (an opener, a synonym of the notice's term from synonyms.yaml, a context clause), its
 * answer with a lead phrase. Clauses, parameters and the reading tables are the same, so the
 * jieba dictionary's extra words are too: a tenfold bot and an ordinary one can share a process.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { defaultKnowledgeRoot, parseKnowledge, readKnowledgeFiles, type Knowledge, type KnowledgeFiles } from '../src/knowledge/load.ts';

/** Copies of each FAQ entry, the original included. */
export const COPIES = 10;

const OPENERS = ['请问', '想问一下', '麻烦问下', '您好，', '咨询一下，', '我想了解', '打扰一下，', '问个问题：', '有个疑问，'];
const CONTEXTS = [
  '我在印染厂做工艺', '公司是做新材料的', '我们是一家医药企业', '我在化工厂当技术员', '我是车间主任', '我做设备维护',
  '我在研发中心上班', '我们厂做纺织面料', '我是质检部门的', '我负责环保安全', '我在制剂车间', '我们是高分子材料公司',
  '我在生产技术科', '我做工艺设计', '我是项目负责人', '我在实验室做分析', '我们做精细化工', '我负责仪表自动化',
  '我是新来的工程技术人员', '我在总工办', '我们公司在园区里', '我做染整工艺', '我在原料药车间', '我是技术部副经理',
  '我做化纤纺丝', '我在涂料公司', '我们是民营药企', '我做电气维修', '我负责工艺改进', '我在中试车间',
];
const LEADS = ['根据通知：', '按本次通知，', '通知规定：', '简单说，', '答：', '按照评审通知，', '依据通知要求，', '具体来说，', '概括一下：'];

interface FaqFile { topics: unknown[]; faq: { id: string; questions: string[]; answer: string; related?: string[]; [k: string]: unknown }[] }

/** The knowledge files of the current edition with every FAQ entry and its English answer ten times. */
export function tenfoldFiles(root = defaultKnowledgeRoot()): { files: KnowledgeFiles; edition: string } {
  const { files, edition } = readKnowledgeFiles(root);
  const faqName = `${edition}/faq.yaml`;
  const enName = `${edition}/faq-en.yaml`;
  const faq = parse(files[faqName]!) as FaqFile;
  const english = parse(files[enName]!) as { answers: Record<string, string> };
  const synonyms = (parse(files['synonyms.yaml']!) as { synonyms: Record<string, string[]> }).synonyms;
  // Canonical terms with Chinese variants, longest first so 申报条件 is swapped before 申报.
  const swaps = Object.entries(synonyms)
    .map(([canonical, variants]) => [canonical, variants.filter((v) => /\p{Script=Han}/u.test(v) && !v.includes(canonical))] as const)
    .filter(([, v]) => v.length > 0)
    .sort((a, b) => b[0].length - a[0].length);
  const copyId = (id: string, k: number) => (k === 0 ? id : `${id}-x${k}`);
  const entries: FaqFile['faq'] = [];
  const answers: Record<string, string> = {};
  for (let k = 0; k < COPIES; k++) {
    faq.faq.forEach((entry, e) => {
      const vary = (q: string, j: number): string => {
        if (k === 0) return q;
        let out = q;
        for (const [canonical, variants] of swaps) {
          if (out.includes(canonical)) { out = out.replace(canonical, variants[(k + j) % variants.length]!); break; }
        }
        const han = /\p{Script=Han}/u.test(q);
        return han ? `${OPENERS[(k + e + j) % OPENERS.length]}${CONTEXTS[(e * 7 + k * 3 + j) % CONTEXTS.length]}，${out}` : out;
      };
      entries.push({
        ...entry,
        id: copyId(entry.id, k),
        questions: entry.questions.map(vary),
        answer: k === 0 ? entry.answer : `${LEADS[(k + e) % LEADS.length]}${entry.answer}`.slice(0, 400),
        ...(entry.related && { related: entry.related.map((r) => copyId(r, k)) }),
      });
      answers[copyId(entry.id, k)] = english.answers[entry.id]!;
    });
  }
  return {
    edition,
    files: { ...files, [faqName]: stringify({ topics: faq.topics, faq: entries }), [enName]: stringify({ answers }) },
  };
}

/** The tenfold knowledge, checked by the loader. */
export function tenfoldKnowledge(root = defaultKnowledgeRoot()): Knowledge {
  const { files, edition } = tenfoldFiles(root);
  return parseKnowledge(files, edition);
}

/** A knowledge root on disk holding the tenfold knowledge (for `createBot({ knowledgeRoot })`); a fresh temporary folder. */
export function writeTenfoldRoot(root = defaultKnowledgeRoot()): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tenfold-knowledge-'));
  cpSync(root, dir, { recursive: true });
  const { files } = tenfoldFiles(root);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
