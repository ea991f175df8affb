/** `npm run build:dict`: writes knowledge/dict/mini.dict.utf8 for every edition knowledge/ carries (see src/knowledge/mini-dict.ts). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultKnowledgeRoot } from '../knowledge/load.ts';
import { editionsOf, miniDictionaryLines } from '../knowledge/mini-dict.ts';

const lines = miniDictionaryLines(editionsOf());
const target = path.join(defaultKnowledgeRoot(), 'dict/mini.dict.utf8');
writeFileSync(target, `${lines.join('\n')}\n`);
console.log(`wrote ${lines.length} words to ${path.relative(process.cwd(), target)}`);
