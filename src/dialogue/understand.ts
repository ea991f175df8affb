/**
 * A message that is not a command, read as a person means it: one reading (src/reading) gives its
 * language, act, focus, facts and whether it leans on the previous question. Then, in order: a
 * request for a person or about the bot; facts told without a question (echoed, kept); a
 * follow-up answered against the last topic (slot replaced, more of the last answer, its reason);
 * the person's own situation computed with the rules (src/qa/personal.ts); else the notice
 * searched (src/qa), with an honest fallback. Up to three questions of a long message are
 * answered in one reply. Pure.
 */
import { formatAction } from '../core/actions.ts';
import type { Button, Citation, Reply } from '../core/types.ts';
import { cite } from '../knowledge/cite.ts';
import { editionForYear, editionsBefore, seasonNamed, type SeasonNamed } from '../knowledge/editions.ts';
import type { Focus } from '../knowledge/lexicon.ts';
import { replaceWords } from '../text/words.ts';
import { answerNear, answerQuestion, namesAnythingKnown, nearEntry, NEAR_SHARE, type Answer } from '../qa/answer.ts';
import { photoRuleNeeds, photoRules } from '../photo/check.ts';
import { factsFromAnswers, personalFindings, profileAnswers, type Finding } from '../qa/personal.ts';
import { asks as isQuestion, readMessage, type Facts, type Reading } from '../reading/index.ts';
import { mergeFacts, toldSomething, type Context, type Topic } from './context.ts';
import type { EditionParts, Env } from './env.ts';
import { say } from './flow.ts';
import { paperDeadlineFrom } from './paper-deadline.ts';
import { personalReply, type Language } from './personal.ts';
import { backButton, button, clauseButton, menuButtons, photoResultLines } from './screens.ts';
import type { Session } from './session.ts';
import type { Effect } from './types.ts';

/** A follow-up answered this well by an entry of its own, about other clauses, is asked as it is. */
const CONFIDENT = 0.7;

/** A follow-up's own words are taken as out of scope, whatever the last subject, when this like an out-of-scope example. */
const CLEARLY_OUT_OF_SCOPE = 0.6;

/** A follow-up whose words are at least this share (by weight) words only out-of-scope examples use is its own question. */
const OWN_WORDS_OUT_OF_SCOPE = 0.5;

/** Most questions of one message answered in one reply. */
const MAX_QUESTIONS = 3;

export interface Understood {
  session: Session;
  replies: Reply[];
  fallback: boolean;
  effects: Effect[];
  /** The person asked for the eligibility check (with what they told already known). */
  startCheck?: boolean;
}

/**
 * Reads and answers one message; `session.context` is updated with what it told. Every message
 * answered (not one that starts the check) is logged for the office: each question of it with its
 * focus, the entry it was answered from and the score; one answered otherwise (facts said back, a
 * person asked for) by what answered it.
 */
export function understand(session: Session, text: string, env: Env): Understood {
  const reading = read(text, env);
  const u = understandReading(session, text, reading, env);
  if (u.startCheck) return u;
  const focus = [...reading.focus];
  const logged = u.effects.some((e) => e.kind === 'log-question');
  const effects: Effect[] = logged ? u.effects.map((e) => (e.kind === 'log-question' && !e.focus.length ? { ...e, focus } : e))
    : [...u.effects, { kind: 'log-question', question: text, focus, answered: !u.fallback, entry: u.fallback ? null : answeredBy(u, session, reading), score: u.fallback ? 0 : 1 }];
  return { ...u, effects };
}

/** What answered a message that was not searched: the entry of a new topic, else the kind of reply. */
function answeredBy(u: Understood, before: Session, reading: Reading): string {
  const topic = u.session.context.topic;
  if (topic && topic !== before.context.topic && topic.entry) return topic.entry;
  return reading.act === 'human' || reading.act === 'identity' ? reading.act : 'noted';
}

function understandReading(session: Session, text: string, reading: Reading, env: Env): Understood {
  const lang: Language = reading.language;
  // The check's answers are the person's facts too ("学时还差多少" after the verdict).
  // Not while the check is asking: a side question then is about the notice, not yet about the verdict.
  const known: Facts = session.interview && session.mode.kind !== 'asking' ? { ...session.context.facts, ...factsFromAnswers(session.interview.answers) } : session.context.facts;
  const facts = mergeFacts(known, reading.facts, reading.act === 'correction');
  // Supposed facts ("如果我是大专呢") are answered with, never kept as the person's; nor are the words of a
  // general question ("本科毕业要干几年", "外籍人员能报吗"), which name a kind of person, not this one.
  const context: Context = { ...session.context, facts: reading.hypothetical || generalQuestion(reading) ? session.context.facts : facts };
  const withContext = (c: Context): Session => ({ ...session, context: c });

  switch (reading.act) {
    case 'human': return plainAnswer(withContext(context), [contactReply(env, lang)]);
    // About the bot, not the notice: answered, and counted as a question the notice does not answer.
    case 'identity': return { ...plainAnswer(withContext(context), [identityReply(env, lang, session)]), fallback: true };
    case 'check': return { session: withContext(context), replies: [], fallback: false, effects: [], startCheck: true };
    default: break;
  }

  // Another season named ("2023年度的评审", "去年的截止时间"): an edition in force before this one
  // answers it, marked as such; a season no edition answers (a year not carried, or not yet in force)
  // is out of scope, whatever the edition served would say.
  // (An earlier edition that cannot be loaded answers nothing either: the honest fallback.)
  const season = seasonNamed(reading.normalized, env.knowledge.editions, env.knowledge.edition);
  const which = season && editionForYear(env.knowledge.editions, env.knowledge.edition, season.year);
  const earlier = which?.earlier ? env.otherEdition?.(which.edition) : undefined;
  if (season && earlier) return earlierSeason(session, text, reading, season, earlier, env, lang);
  if (season && (!which || which.earlier)) {
    return { session: withContext(context), replies: [fallbackReply(env, lang, session)], fallback: true, effects: [{ kind: 'log-question', question: text, focus: [...reading.focus], answered: false, entry: null, score: 0 }] };
  }

  // The approval SMS received on a day told now or before ("今天收到审核通过的短信了", then "纸质材料最晚哪天"):
  // the paper deadline, counted in working days.
  const asksPaper = (reading.focus.has('deadline') || reading.focus.has('days-left')) && env.knowledge.lexicon.paperWords.has(reading.normalized);
  if (facts.smsReceived && ((reading.facts.smsReceived && (reading.act === 'statement' || asksPaper)) || asksPaper)) {
    const paper = paperDeadlineFrom(facts.smsReceived, env.knowledge, env.flow);
    const reply: Reply = { text: `${paper.text}\n${sourceLine(env, lang, paper.citations)}`, buttons: [clauseButton(env, paper.citations[0]!.id), backButton(env)], citations: paper.citations };
    const topic: Topic = { query: asksPaper ? reading.normalized : `${reading.normalized} 纸质材料`, entry: 'paper-deadline', clauses: paper.citations.map((c) => c.id), focus: ['deadline'] };
    return { ...plainAnswer(withContext({ ...context, topic }), [reply]), effects: [{ kind: 'log-question', question: text, focus: [...reading.focus], answered: true, entry: 'paper-deadline', score: 1 }] };
  }

  // A photo described in words ("350×400的jpg，500K，可以吗"), now or just before: its rules checked.
  const photoTopic = session.context.topic?.entry === 'photo';
  const photoFollowUp = photoTopic && reading.followUp !== null && !toldSomething(reading.facts) && [...contentOf(reading, env)].length <= 2;
  if (facts.photo && ((reading.facts.photo && (reading.facts.photo.named || photoTopic)) || photoFollowUp)) {
    const reply = describedPhotoReply(facts.photo, env, lang);
    const topic: Topic = { query: reading.normalized, entry: 'photo', clauses: reply.citations.map((c) => c.id), focus: [...reading.focus] };
    return { ...plainAnswer(withContext({ ...context, topic }), [reply]), effects: [{ kind: 'log-question', question: text, focus: [...reading.focus], answered: true, entry: 'photo', score: 1 }] };
  }

  // "我条件够吗", "我能评中级吗": about the person in general, with nothing told yet: the check, one question at a time.
  if (reading.act === 'question' && reading.focus.has('can-i') && reading.focus.size === 1 && !toldSomething(facts) && aboutEligibility(reading.normalized, env)) {
    return { session: withContext(context), replies: [], fallback: false, effects: [], startCheck: true };
  }

  // Facts told without a question: echoed and kept; a correction of a computed answer recomputes it.
  const asks = reading.act === 'question' || (reading.act === 'correction' && (reading.focus.size > 0 || reading.questions.some(isQuestion)));
  // What this message changed ("不对，是2017年" changes the one date told before).
  const changed = Object.fromEntries(Object.entries(facts).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify((known as Record<string, unknown>)[k]))) as Facts;
  if (!asks && (toldSomething(reading.facts) || (reading.act === 'correction' && toldSomething(changed)))) {
    const noted = notedReply(env, lang, { ...reading, facts: { ...changed, ...reading.facts } }, session);
    // A correction of a computed answer recomputes it; facts told after a can-I question about
    // them ("继续教育够不够" → "专业课190，公需课50") answer it.
    const last = session.context.topic;
    const pendingAsk = last && (last.entry === 'personal' || last.focus.some((f) => ['can-i', 'years', 'short-by', 'how-many'].includes(f)));
    if (pendingAsk && (reading.act === 'correction' || last.entry !== 'personal' || !reading.correction)) {
      const again = personal({ ...reading, focus: new Set(last.focus as Focus[]) }, facts, null, env, lang, last.query);
      if (again) {
        const brief = notedReply(env, lang, { ...reading, facts: { ...changed, ...reading.facts } }, session, true);
        return plainAnswer(withContext({ ...context, topic: { ...last, entry: 'personal' } }), [{ ...again.reply, text: `${brief.text}
${again.reply.text}` }]);
      }
    }
    return plainAnswer(withContext(context), [noted]);
  }

  // Another place's evaluation is not this notice's, whatever words it shares with it.
  if (reading.facts.otherPlace && !reading.facts.education && !reading.facts.workStart) {
    return { session: withContext(context), replies: [fallbackReply(env, lang, session)], fallback: true, effects: [{ kind: 'log-question', question: text, focus: [...reading.focus], answered: false, entry: null, score: 0 }] };
  }
  const parts = reading.questions.length > 1 ? reading.questions.slice(0, MAX_QUESTIONS) : [reading.normalized];
  const answered: Reply[] = [];
  const effects: Effect[] = [];
  let topic = session.context.topic;
  let generic = 0;
  let inNotice = 0;
  const seen = new Set<string>();
  const sentences = reading.normalized.split(/(?<=[。！!？?\n；;])/).map((s) => s.trim()).filter(Boolean);
  for (const [i, part] of parts.entries()) {
    // A later question of the same message that has no topic of its own ("…怎么评，条件是啥") is about the
    // first's; a bare question after a story ("…从来没用过这个平台。我第一步该做什么？") about the story's last line.
    const alone = parts.length > 1 ? read(part, env) : reading;
    const bare = [...contentOf(alone, env)].length <= 2;
    const before = sentences[sentences.findIndex((s) => s.includes(part)) - 1];
    const leanOn = !bare ? null : i > 0 ? parts[0] : before && !isQuestion(before) ? before : null;
    // A later question with words of its own is its own question, not a follow-up of the one before.
    const r = parts.length > 1 || leanOn ? { ...(leanOn ? read(`${leanOn} ${part}`, env) : alone), facts: reading.facts, followUp: leanOn || (i > 0 && !bare) ? null : alone.followUp } : reading;
    const one = answerOne(r, facts, topic, env, lang, session);
    effects.push({ kind: 'log-question', question: parts.length > 1 ? part : text, focus: [...r.focus], answered: !one.fallback, entry: one.entry, score: one.score });
    if (one.fallback) {
      // An entry saying what the notice does and does not say ("退休返聘…通知未写明") is shown; else the fallback, once.
      if (one.generic || !one.reply.text.includes(env.knowledge.params.contact.value.phone)) generic++;
      if (!one.generic && !seen.has(one.reply.text)) { seen.add(one.reply.text); answered.push(one.reply); }
      continue;
    }
    inNotice++;
    if (one.topic) topic = one.topic;
    if (seen.has(one.reply.text)) continue;
    seen.add(one.reply.text);
    answered.push(one.reply);
  }
  // What the notice does not answer is said once, with the contact, after what it does.
  const replies = generic ? [...answered, fallbackReply(env, lang, session)] : answered;
  return { session: withContext({ ...context, topic }), replies, fallback: inNotice === 0, effects };
}

/**
 * A question about an earlier season, answered as that season's edition answers it (the words
 * naming the season taken out, so 去年 is not counted again from that edition), under a line saying
 * which notice it is from. What it tells of the person is kept; the topic is the earlier edition's.
 */
function earlierSeason(session: Session, text: string, reading: Reading, season: SeasonNamed, parts: EditionParts, env: Env, lang: Language): Understood {
  const then: Env = { ...env, ...parts, otherEdition: undefined };
  const rest = `${reading.normalized.slice(0, season.at)}${reading.normalized.slice(season.end)}`.trim();
  const u = understandReading(session, text, read(rest || reading.normalized, then), then);
  // Nothing of that notice to mark: the check, or the honest fallback.
  if (u.startCheck || !u.replies.length || u.replies[0]!.text === fallbackReply(then, lang, session).text) return u;
  const edition = parts.knowledge.edition;
  const previous = editionsBefore(env.knowledge.editions, env.knowledge.edition)[0] === edition;
  const lead = say(env.flow, previous ? (lang === 'en' ? 'previousEditionEn' : 'previousEdition') : (lang === 'en' ? 'earlierEditionEn' : 'earlierEdition'), { edition });
  const [first, ...others] = u.replies;
  return { ...u, replies: [{ ...first!, text: `${lead}\n${first!.text}` }, ...others] };
}

interface One {
  reply: Reply; fallback: boolean; entry: string | null; score: number; topic: Topic | null;
  /** The reply is the general fallback (nothing specific to say). */
  generic?: boolean;
}

function answerOne(r: Reading, facts: Facts, topic: Topic | null, env: Env, lang: Language, session: Session): One {
  let query = withoutRole(r.normalized, env);
  let focus = new Set(r.focus);
  // A follow-up of the last topic.
  let own: Facts = r.facts;
  // Set when the question asks an aspect of the last subject: answered from its clauses if need be.
  let near: Topic | null = null;
  let inherit = true;
  // A short question with a subject and a confident answer of its own, which nothing about the last
  // subject answers as well, is a new topic ("实用新型要几项" → "这次的联系人是谁"; "破格推荐人数" →
  // "另外纸质材料送到什么地方"), not a follow-up.
  const fresh = r.followUp && topic && (r.followUp.kind === 'slot' || r.followUp.kind === 'bare') && newTopic(r, topic, env);
  if (r.followUp && topic && !fresh) {
    if (r.followUp.kind === 'more' || r.followUp.kind === 'why') return moreOf(topic, env, lang);
    if (r.followUp.kind === 'next') {
      const next = topic.entry?.startsWith('faq:') ? env.knowledge.faqById.get(topic.entry.slice(4))?.related[0] : undefined;
      if (next) return search(env.knowledge.faqById.get(next)!.questions[0]!, env, lang, session);
      query = `${topic.query} ${r.normalized}`;
    } else if (r.followUp.kind === 'slot') {
      query = substitute(topic.query, r.followUp.slots, env);
      // "香港的呢" after a question about foreigners: the facts of the question as it now reads.
      own = { ...read(query, env).facts, ...r.facts };
    } else if (pointsBack(r, env)) {
      // "这个在哪提交", "谁负责审", "几天内": an aspect of the last subject, unless the words alone are
      // about something the notice does not cover ("那里几点上班").
      const alone = subjectOf(r.normalized, env) ? answerQuestion(r.normalized, env.knowledge, env.index) : null;
      if (alone?.kind === 'fallback' && alone.outOfScope && (alone.search.nearestOutOfScope?.score ?? 1) >= CLEARLY_OUT_OF_SCOPE) return search(r.normalized, env, lang, session);
      query = `${subjectOf(topic.query, env)} ${withoutPointers(r.normalized, env)}`;
      near = topic;
    } else {
      // A short question with nothing of its own ("要几份", "具体多少钱") is asked of the last topic; one
      // naming only a new subject ("继续教育呢", "那从事本专业技术工作呢") asks the last question's focus
      // of it; one with a topic and focus of its own ("联系电话是多少") is asked as it is, when that finds an answer.
      const own = contentOf(r, env);
      const topicFocus = env.knowledge.lexicon.focus.find(topic.query).map((h) => h.word).join(' ');
      if ([...own].length <= 1) query = `${topic.query} ${r.normalized}`;
      else if (!r.focus.size && topic.entry === 'personal') query = `${topic.query} ${r.normalized}`;
      else if (!r.focus.size && topicFocus && !/[吗啥么]|什么|怎么|咋|哪|谁|几|多[少大长久高重宽远]/.test(r.normalized)) query = `${own} ${topicFocus}`;
      else {
        // Asked of the last subject when an entry about it answers nearly as well ("三年合在一起写一张行不行"
        // after the appraisal form); as it is when it finds an answer of its own or is plainly out of scope.
        const alone = answerQuestion(r.normalized, env.knowledge, env.index);
        const combined = `${subjectOf(topic.query, env)} ${r.normalized}`;
        // A confident answer of its own about other clauses is a new topic ("实用新型要几项" → "这次的联系人是谁").
        const own = alone.kind === 'answer' && alone.score >= CONFIDENT && !alone.clauseIds.some((c) => topic.clauses.includes(c));
        // Words of its own that only out-of-scope examples use ("食堂几点开饭" after a question on years), or
        // that the notice never uses at all ("那楼里食堂在几楼" after the paper address), are not about the
        // last subject, whatever they share with it (几, 楼).
        const offTopic = alone.kind === 'fallback' && (alone.outOfScope || alone.search.outOfScopeOnly >= OWN_WORDS_OUT_OF_SCOPE || !namesAnythingKnown(alone.search.terms, env.knowledge, env.index));
        const close = offTopic || own ? null : nearEntry(combined, topic.clauses, env.knowledge, env.index, answersFocus(r.focus, env));
        if (close && (alone.kind === 'fallback' || close.score >= NEAR_SHARE * alone.score)) {
          query = combined;
          near = topic;
        } else query = (alone.kind === 'answer' ? alone.score >= 0.5 : offTopic) ? r.normalized : `${topic.query} ${r.normalized}`;
        inherit = false;
      }
    }
    // The last question's focus carries over to a follow-up that names no aspect of its own.
    if (inherit) for (const f of topic.focus) if (!r.focus.size) focus.add(f as Focus);
  }
  // A changed or supposed fact after the person's situation was told ("要是专业不对口呢", "那如果是研究生呢"):
  // the situation again, with it.
  const situation = facts.workStart || facts.graduated || facts.assistantEngineerSince || facts.technicianSince || facts.workYears || facts.employerPrivate || facts.employerInZone || facts.education;
  if ((r.followUp || r.hypothetical) && Object.keys(r.facts).length && situation) focus.add('can-i');
  // A follow-up of a general question keeps the kind of person it was about ("大专要几年" → "要是专业不对口呢").
  if (r.followUp && topic?.facts) own = { ...(topic.facts as Facts), ...own };
  // The follow-up marker stays only when there was a topic to follow.
  const asked: Reading = { ...r, focus, facts: own, followUp: topic && !fresh ? r.followUp : null };
  const about = generalQuestion(r) && Object.keys(own).length ? { facts: own } : {};
  const mine = personal(asked, { ...facts, ...own }, topic, env, lang, query);
  if (mine) return { reply: mine.reply, fallback: false, entry: 'personal', score: 1, topic: { query, entry: 'personal', clauses: mine.reply.citations.map((c) => c.id), focus: [...focus], ...about } };
  // An aspect of the last subject is answered from the entries about its clauses unless another is clearly better.
  let found = near?.entry ? answered(answerNear(query, near.entry, near.clauses, env.knowledge, env.index, answersFocus(focus, env)), query, env, lang, session) : search(query, env, lang, session, focus);
  if (found.topic) Object.assign(found.topic, { focus: [...focus], ...about });
  // The notice names no amount of money: a question asking one is answered with what it does say,
  // and counted as one the notice does not answer.
  if (focus.has('amount') && !found.fallback && !/\d+(?:\.\d+)?\s*(?:元|块|yuan|rmb)/i.test(found.reply.text)) return { ...found, fallback: true };
  return found;
}

/** The person's own situation, when the question asks about it and the facts decide something. */
function personal(r: Reading, facts: Facts, _topic: Topic | null, env: Env, lang: Language, query = r.normalized): { reply: Reply } | null {
  const eligibility = ['can-i', 'years', 'short-by', 'days-left'].some((f) => r.focus.has(f as Focus));
  const hoursAsked = (r.focus.has('how-many') || r.focus.has('can-i')) && facts.hours !== undefined;
  // The documents a situation adds: this message's, or what was told before when it follows up ("那我要传点啥").
  // What was told before counts for a follow-up, and for a question about the documents of the
  // situation told ("社保这块要弄什么", "咋整") that names nothing else.
  const told = r.followUp || leansOnSituation(r, facts, env) ? facts : r.facts;
  const documentsAsked = (r.focus.has('materials') || r.focus.has('how')) && (told.graduated || told.educationOrigin || told.degreeNotExtracted || told.outOfProvince || told.nationality);
  const quotaAsked = r.focus.has('how-many') && (told.honourCategory !== undefined || told.honourLevel !== undefined);
  if (!eligibility && !hoursAsked && !documentsAsked && !quotaAsked && !(r.focus.has('deadline') && (facts.today || facts.otherDate))) return null;
  // Facts of earlier messages count for an eligibility question or a follow-up; otherwise only this message's.
  const known = eligibility ? facts : told;
  const asksItem = /[一1这那]项|[这那]条|算条件|条件之一|[5五]项/.test(r.normalized);
  let findings = personalFindings({ facts: known, focus: r.focus, deadline: deadlineNamed(query), asksItem, now: env.now, timeZone: env.timeZone }, env.knowledge)
    .filter((f) => keep(f, r));
  // A question about the hours ("学时还差多少") is answered with the hours, not the whole situation.
  if (/学时|课时|继续教育|公需|专业课/.test(r.normalized) && findings.some((f) => f.kind === 'hours' || f.kind === 'hours-window')) {
    findings = findings.filter((f) => f.kind === 'hours' || f.kind === 'hours-window');
  }
  if (!findings.length) return null;
  const words = personalReply(findings, lang, env.knowledge, env.personal);
  if (!words) return null;
  const citations = words.citations;
  const check = button(env.flow.buttons.check, { kind: 'interview', op: 'start' });
  const text = `${words.text}\n${sourceLine(env, lang, citations)}`;
  return { reply: { text, buttons: [check, backButton(env)], citations } };
}

/**
 * What facts told during the check already decide, in a line or two ("✅ 二.1 学历与专业工作年限：大专需…满7年；
 * 你从2016年9月开始…满7年"), with the clauses; null when they decide nothing yet.
 */
export function situationNote(facts: Facts, env: Env, lang: Language): { text: string; citations: Citation[] } | null {
  const findings = personalFindings({ facts, focus: new Set<Focus>(['can-i']), deadline: null, now: env.now, timeZone: env.timeZone }, env.knowledge)
    .filter((f) => f.kind === 'period' || f.kind === 'assistant-education' || f.kind === 'no-education-route');
  const words = personalReply(findings, lang, env.knowledge, env.personal, true);
  return words ? { text: words.text, citations: words.citations } : null;
}

/** The reading of a message with this turn's clock. */
export function readText(text: string, env: Env): Reading {
  return read(text, env);
}

/**
 * Whether a question without facts of its own is about the documents of the situation told
 * before: it names nothing, or only the area a told fact is in (学历 for a degree, 社保 for 外省社保).
 */
function leansOnSituation(r: Reading, facts: Facts, env: Env): boolean {
  if (toldSomething(r.facts) || !(r.focus.has('materials') || r.focus.has('how'))) return false;
  const areas = env.knowledge.lexicon.documentAreas;
  const named = areas.find(r.normalized).map((h) => h.label);
  const rest = subjectOf(r.normalized, env, (w) => areas.find(w).length > 0 || env.knowledge.lexicon.eligibilityWords.has(w) || /^(?:这块|那块|方面|东西|手续|材料|资料|弄|整|办)$/.test(w));
  if (rest) return false;
  if (!named.length) return true;
  const has = { degree: facts.graduated || facts.educationOrigin || facts.degreeNotExtracted, insurance: facts.outOfProvince, identity: facts.nationality };
  return named.some((a) => has[a as keyof typeof has]);
}

/** Which findings a question is about: days only when days are asked, hours when hours are. */
function keep(f: Finding, r: Reading): boolean {
  if (f.kind === 'days') return r.focus.has('days-left') || r.focus.has('deadline') || (r.focus.has('can-i') && /现在|今天|还能|还可以|来得及|赶得上|\bnow\b|\bstill\b/.test(r.normalized));
  // How many years an education needs: the notice's own answer does, unless the mismatch year or
  // an education told before ("那要工作满几年") makes it the person's.
  if (f.kind === 'requirement') return f.extra > 0 || f.asked !== null || !r.facts.education || f.education.startsWith('tech-') || r.followUp !== null || r.hypothetical;
  return true;
}

/** The notice searched for the question; with a focus, an answer that has what it asks is preferred. */
function search(query: string, env: Env, lang: Language, session: Session, focus: ReadonlySet<Focus> = new Set()): One {
  return answered(answerQuestion(query, env.knowledge, env.index, answersFocus(focus, env)), query, env, lang, session);
}

/** Whether an answer's text has what the focus asks, by knowledge/reading.yaml focusEvidence; undefined for no such focus. */
function answersFocus(focus: ReadonlySet<Focus>, env: Env): ((text: string) => boolean) | undefined {
  const patterns = [...focus].flatMap((f) => env.knowledge.lexicon.focusEvidence[f] ?? []);
  return patterns.length ? (text) => patterns.some((re) => re.test(text)) : undefined;
}

function answered(a: Answer, query: string, env: Env, lang: Language, session: Session): One {
  const k = env.knowledge;
  if (a.kind === 'fallback') {
    const best = a.search.faq;
    return { reply: fallbackReply(env, lang, session), fallback: true, generic: true, entry: best ? `faq:${best.id}` : null, score: best?.score ?? 0, topic: null };
  }
  const whole = a.source === 'clause' && a.text === k.clauseById.get(a.id)!.text;
  const buttons = [...(whole ? [] : [clauseButton(env, a.clauseIds[0]!)]), ...a.related];
  const entry = `${a.source}:${a.id}`;
  const english = lang === 'en' && a.source === 'faq' ? k.faqById.get(a.id)!.answerEn : undefined;
  const text = `${english ?? a.text}\n${sourceLine(env, lang, a.citations)}`;
  return {
    reply: { text, buttons, citations: a.citations },
    fallback: !a.inNotice,
    entry,
    score: a.score,
    topic: { query, entry, clauses: a.clauseIds, focus: [] },
  };
}

/** More of the last answer: the full text of its clauses. */
function moreOf(topic: Topic, env: Env, lang: Language): One {
  const k = env.knowledge;
  const ids = topic.clauses.slice(0, 2);
  if (!ids.length) return { reply: { text: env.flow.texts.askPrompt, buttons: [], citations: [] }, fallback: false, entry: null, score: 0, topic };
  const text = ids.map((id) => say(env.flow, 'clauseText', { title: k.clauseById.get(id)!.title, text: k.clauseById.get(id)!.text })).join('\n');
  const citations = cite(k, ids);
  return { reply: { text: `${text}\n${sourceLine(env, lang, citations)}`, buttons: [backButton(env)], citations }, fallback: false, entry: `clause:${ids[0]}`, score: 1, topic };
}

/** The last question with a slot replaced ("研究生…满几年" + "那本科呢" → "本科…满几年"), or the new word added. */
function substitute(query: string, slots: { group: string; word: string }[], env: Env): string {
  let out = query;
  const lex = env.knowledge.lexicon;
  for (const s of slots) {
    const word = s.word.replace(/那边|这边|的话|的$/g, '');
    const old = lex.slots.find(out).find((h) => h.label === s.group);
    out = old ? `${out.slice(0, old.at)}${word}${out.slice(old.end)}` : `${word} ${out}`;
  }
  return out;
}

/** The deadline a question names: the unit's recommendation or the individual submission. */
function deadlineNamed(query: string): 'individual' | 'unit' | null {
  if (/单位|推荐|企业|公司|hr|人事|employer|company|recommend/.test(query)) return 'unit';
  if (/个人|申报人|自己|提交|individual|apply|application/.test(query)) return 'individual';
  return null;
}

/** What a message says besides asking: without follow-up words, focus words, particles and punctuation. */
function contentOf(r: Reading, env: Env): string {
  const lex = env.knowledge.lexicon;
  const { openers, closers, more, next, why, named } = lex.followUp;
  const t = replaceWords(r.normalized, [openers, closers, more, next, why, lex.focus], (h) => ' '.repeat(h.end - h.at), (h) => named.has(h.word));
  return t.replace(/[\s\p{P}\p{S}]+/gu, '').replace(/什么|怎么|怎样|如何|多少|多大|多长|多久|多高|多重|多宽/g, '').replace(/[吗呢吧啊呀哦了么的是要还又也都就那这个些我你他她们请问一下能可以会该怎应啥咋哪谁几]/g, '');
}

/** Whether a short question points back at the last subject ("这个在哪提交") or names none ("谁负责审"). */
function pointsBack(r: Reading, env: Env): boolean {
  if (r.followUp?.kind !== 'bare') return false;
  const { followUp } = env.knowledge.lexicon;
  if (followUp.pointers.find(r.normalized).length > 0 || subjectOf(r.normalized, env) === '') return true;
  // "网址呢", "网址发我下", "电话多少": only what is asked — asked of the last subject.
  return subjectOf(r.normalized, env, (w) => followUp.named.has(w)) === '';
}

/** A question naming a kind of person, with nothing of the asker's own: no 我, no dates, no years. */
function generalQuestion(r: Reading): boolean {
  if (r.act !== 'question' || /我|本人|自己|咱|俺|\b(?:i|my|me|i'm|i've)\b/.test(r.normalized)) return false;
  const own = ['graduated', 'workStart', 'assistantEngineerSince', 'technicianSince', 'workYears', 'assistantYears', 'technicianYears', 'hours', 'honourIssued', 'smsReceived', 'today', 'employerPrivate', 'employerInZone'];
  return !Object.keys(r.facts).some((k) => own.includes(k));
}

/** Whether a follow-up-shaped question is in fact a new one: see `answerOne`. */
function newTopic(r: Reading, topic: Topic, env: Env): boolean {
  if (!subjectOf(r.normalized, env)) return false;
  // A new subject alone ("继续教育呢") or a slot swapped ("那本科呢") asks the last question's focus of it:
  // only a question that asks something of its own can be a new one.
  if (!r.focus.size) return false;
  const evidence = answersFocus(r.focus, env);
  const alone = answerQuestion(r.normalized, env.knowledge, env.index, evidence);
  if (alone.kind !== 'answer' || alone.score < CONFIDENT || `${alone.source}:${alone.id}` === topic.entry) return false;
  // An entry about the last subject that has what is asked ("网址呢" after 继续教育在哪学) keeps it a follow-up.
  const near = nearEntry(`${subjectOf(topic.query, env)} ${r.normalized}`, topic.clauses, env.knowledge, env.index, evidence);
  return !(near && evidence?.(near.text));
}

/** Whether a question is only about being eligible, nothing in particular ("帮我看看够不够条件"). */
function aboutEligibility(text: string, env: Env): boolean {
  const { eligibilityWords } = env.knowledge.lexicon;
  return subjectOf(text, env, (w) => eligibilityWords.has(w) || [...w].every((c) => eligibilityWords.has(c))) === '';
}

/** The subject of a question: its words without the asking, the aspect asked and particles ("授权委托证明是干嘛用的" → 授权委托证明). */
function subjectOf(query: string, env: Env, alsoDrop: (w: string) => boolean = () => false): string {
  const { lexicon, stopwords } = env.knowledge;
  const asking = (w: string) => lexicon.askingWords.has(w) || stopwords.has(w) || /^[\s\p{P}\p{S}]*$/u.test(w) || alsoDrop(w)
    || (w.length === 1 && /[吗呢吧啊呀哦了么的是要还又也都就那这个些我你他她们能会该怎应啥咋哪谁几在有没]/.test(w));
  // Asking phrases of two characters or more go first, whole ("什么时候" is not 什么 + 时候); named words stay.
  const { aspects, pointers, openers, closers, named } = lexicon.followUp;
  const text = replaceWords(query, [lexicon.focus, aspects, pointers, openers, closers], () => ' ', (h) => h.word.length < 2 || named.has(h.word));
  const kept = env.index.words(text).filter((w) => !asking(w));
  return kept.join(kept.some((w) => /^[a-z]/i.test(w)) ? ' ' : '').trim();
}

/** "我是公司人事 员工报职称我们单位要公示吗": who is asking says nothing of what; the question is searched without it. */
function withoutRole(text: string, env: Env): string {
  for (const phrase of env.flow.intents.hr ?? []) {
    const p = phrase.toLowerCase();
    if (p.length >= 3 && text.startsWith(p) && /^[\s,，。!！:：]/.test(text.slice(p.length))) return text.slice(p.length).replace(/^[\s,，。!！:：]+/, '');
  }
  return text;
}

function withoutPointers(text: string, env: Env): string {
  return replaceWords(text, [env.knowledge.lexicon.followUp.pointers], () => '');
}

/** Readings made with each turn's env (its clock, its knowledge), by text: a turn reads the same text several times. */
const readings = new WeakMap<Env, Map<string, Reading>>();

/** Most readings kept for one env (a turn reads a handful of texts; an env kept by a test for long stays bounded). */
const READINGS_PER_ENV = 32;

/** The reading of a text with this turn's clock and word tables, made once per turn (readings are never changed after). */
function read(text: string, env: Env): Reading {
  let made = readings.get(env);
  if (!made) readings.set(env, (made = new Map()));
  const known = made.get(text);
  if (known) return known;
  const reading = readMessage(text, { lexicon: env.knowledge.lexicon, now: env.now, timeZone: env.timeZone, seasonYear: Number(env.knowledge.params.individualDeadline.value.slice(0, 4)) });
  if (made.size >= READINGS_PER_ENV) made.clear();
  made.set(text, reading);
  return reading;
}

// ── replies ──

function sourceLine(env: Env, lang: Language, citations: readonly Citation[]): string {
  if (lang === 'en') {
    const titles = citations.map((c) => `${c.title} (${env.knowledge.clauseTitleEn.get(c.id) ?? ''})`).join('; ');
    return say(env.flow, 'sourceEn', { title: titles });
  }
  return say(env.flow, 'source', { title: citations.map((c) => c.title).join('；') });
}

export function fallbackReply(env: Env, lang: Language, session?: Session): Reply {
  const k = env.knowledge;
  const { contact } = k.params;
  const vars = { zone: k.params.zone.value, kind: k.params.employerKind.value, contactName: contact.value.name, phone: contact.value.phone };
  return { text: say(env.flow, lang === 'en' ? 'fallbackEn' : 'fallback', vars), buttons: menuButtons(env, session), citations: [] };
}

/** The photo rules checked on what the person said of their photo; the rules it did not say, listed. */
function describedPhotoReply(photo: NonNullable<Facts['photo']>, env: Env, lang: Language): Reply {
  const k = env.knowledge;
  const results = photoRules(photo, k);
  const rest = Object.entries(photoRuleNeeds(k)).filter(([rule]) => !results.some((x) => x.rule === rule)).map(([, need]) => need);
  const lines = [...photoResultLines(env, results, true), say(env.flow, 'describedPhotoRest', { rules: rest.join('，') })];
  const citations = cite(k, k.params.photo.clauses);
  return { text: `${lines.join('\n')}\n${sourceLine(env, lang, citations)}`, buttons: [backButton(env)], citations };
}

function contactReply(env: Env, lang: Language): Reply {
  const { contact } = env.knowledge.params;
  const citations = cite(env.knowledge, contact.clauses);
  const text = say(env.flow, lang === 'en' ? 'humanEn' : 'human', { contactName: contact.value.name, phone: contact.value.phone });
  return { text: `${text}\n${sourceLine(env, lang, citations)}`, buttons: [backButton(env)], citations };
}

function identityReply(env: Env, lang: Language, session: Session): Reply {
  const { notice } = env.knowledge;
  return { text: say(env.flow, lang === 'en' ? 'identityEn' : 'identity', { title: notice.title, docNumber: notice.docNumber }), buttons: menuButtons(env, session), citations: [] };
}

/** "记下了：本科；毕业时间：2017年7月" — what this message told, as the check's review would show it. */
function notedReply(env: Env, lang: Language, reading: Reading, session: Session, brief = false): Reply {
  const told = profileAnswers(reading.facts);
  const t = env.interview.texts;
  const seen = new Set<string>();
  const items: string[] = [];
  for (const step of env.interview.steps) {
    if (!(step.field in told) || seen.has(step.field)) continue;
    seen.add(step.field);
    items.push(`${t.labels[step.id]}：${showValue(step.field, told[step.field], env)}`);
  }
  if (reading.facts.field?.specialty === 'other') items.push(`${t.labels.specialty}：${reading.facts.field.word}`);
  // A date said with its year only ("2017年毕业") is not an answer the check takes, but was heard.
  for (const step of env.interview.steps) {
    const v = (reading.facts as Record<string, unknown>)[step.field] as { from: string; to: string } | null | undefined;
    if (seen.has(step.field) || !v || typeof v !== 'object' || !('from' in v) || v.from === v.to) continue;
    seen.add(step.field);
    items.push(`${t.labels[step.id]}：${lang === 'en' ? v.from.slice(0, 4) : `${v.from.slice(0, 4)}年`}`);
  }
  const list = items.length ? items.join('；') : reading.text;
  const key = reading.act === 'correction' ? 'corrected' : brief ? 'notedOnly' : 'noted';
  const check: Button = { label: env.flow.buttons.check, action: formatAction({ kind: 'interview', op: 'start' }) };
  return { text: say(env.flow, lang === 'en' ? `${key}En` : key, { facts: list }), buttons: [check, ...menuButtons(env, session).slice(1, 3)], citations: [] };
}

function showValue(field: string, v: unknown, env: Env): string {
  const t = env.interview.texts.texts;
  if (v === null) return t.none;
  if (typeof v === 'boolean') return v ? t.yes : t.no;
  if (typeof v === 'string' && /^\d{4}-\d{2}$/.test(v)) return `${v.slice(0, 4)}年${Number(v.slice(5))}月`;
  const step = env.interview.steps.find((s) => s.field === field && s.options);
  const option = step ? env.interview.optionSets[step.options!]?.find((o) => o.value === String(v)) : undefined;
  if (option) return option.label;
  if (v && typeof v === 'object') return Object.values(v).join('/');
  return String(v);
}

function plainAnswer(session: Session, replies: Reply[]): Understood {
  return { session, replies, fallback: false, effects: [] };
}
