/** `npm run build:dict`: writes knowledge/dict/mini.dict.utf8 (see src/text/mini-dict.ts). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultKnowledgeRoot, loadKnowledge } from '../knowledge/load.ts';
import { miniDictionaryLines } from '../knowledge/mini-dict.ts';

const lines = miniDictionaryLines(loadKnowledge());
const target = path.join(defaultKnowledgeRoot(), 'dict/mini.dict.utf8');
writeFileSync(target, `${lines.join('\n')}\n`);
console.log(`wrote ${lines.length} words to ${path.relative(process.cwd(), target)}`);
