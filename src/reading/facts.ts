/**
 * The person's own facts in a message: education and its 技工院校 equivalents, graduation and
 * work-start months, 助理工程师 / 技师 since, spans of years ("干了快11年", "助工4年"), hours by kind,
 * the field of work (including fields the notice does not cover), 专业不对口, the employer's type
 * and place, nationality, where the degree was earned, 社保 in another province, annual review
 * grades, patents and the other 二.4 items, honours (附件4 row, level, date), today's date.
 *
 * Each fact is tied to its words in the same clause, and a negation right before a word turns it
 * around ("不是国企" → private, "没有助工" → no 助理工程师). Nothing is guessed: what the message
 * does not say is absent.
 */
import type { Lexicon } from '../knowledge/lexicon.ts';
import type { Education, Nationality, Specialty } from '../rules/index.ts';
import type { WordHit } from '../text/words.ts';
import { findTimes, monthRange, type SpanMention, type Today } from './times.ts';

/** A month, or the months it may be when only the year was said. */
export interface MonthSpan { from: string; to: string }
export interface YearsSpan { years: number; approx: SpanMention['approx'] }

export interface Facts {
  education?: Education;
  graduated?: MonthSpan;
  /** `inferred`: taken from the graduation ("毕业后一直做…"). */
  workStart?: MonthSpan & { inferred?: boolean };
  /** null: the person has none. */
  assistantEngineerSince?: MonthSpan | null;
  technicianSince?: MonthSpan | null;
  educationRelevant?: boolean;
  /** The field of work: one of the specialties, or another field, with the word used. */
  field?: { specialty: Specialty | 'other'; word: string };
  /** What the degree was in, when said ("学的会计"); `studiedOther`: clearly not engineering. */
  studied?: string;
  studiedOther?: boolean;
  /** 专业不对口 concluded from what was studied and the work, not said. */
  relevanceInferred?: boolean;
  employerPrivate?: { value: boolean; word: string };
  employerInZone?: { value: boolean; word: string };
  /** `foreign-unknown`: a foreigner who did not say which permit. */
  nationality?: Nationality | 'foreign-unknown';
  educationOrigin?: 'foreign' | 'hk-macau-taiwan';
  /** The platform could not extract the degree ("学历信息提取不出来"). */
  degreeNotExtracted?: boolean;
  outOfProvince?: boolean;
  annualReviewsPassed?: boolean;
  /** Years a review was below 合格, when named. */
  failedReviewYears?: number[];
  hours?: { professional?: number; public?: number; other?: number; total?: number };
  inventionPatents?: number;
  softwareCopyrights?: number;
  utilityModels?: number;
  utilityModelsFirst?: number;
  /** The year a patent was granted, when said ("2015年授权的"). */
  patentYear?: number;
  techHeadYears?: number;
  innovationTeamOrCountyLeader?: boolean;
  governmentAward?: boolean;
  innovationLead?: boolean;
  honourCategory?: number;
  honourLevel?: 'national' | 'provincial';
  honourIssued?: MonthSpan;
  mainTechLead?: boolean;
  workYears?: YearsSpan;
  assistantYears?: YearsSpan;
  technicianYears?: YearsSpan;
  /** The year of continuing-education hours asked about ("2020年的学时能算吗"). */
  hoursYear?: number;
  /** The length of 本人述职 said, in characters. */
  statementChars?: number;
  /** Years a question names as a threshold ("满两年就可以报吗"): confirmed or corrected against the rule. */
  askedYears?: number;
  /** A permit told without the nationality, for a foreigner told of before. */
  permit?: 'permanent' | 'talent' | 'other';
  /** Said not to be ranked first on the patents ("但是排第二"). */
  rankedNotFirst?: boolean;
  /** A photo described in words ("350×400的jpg，500K"): what it says of it. */
  photo?: { type?: string; bytes?: number; width?: number; height?: number; named?: boolean };
  /** A field of work no notice covers, named in the message even when not clearly as the person's work. */
  otherFieldNamed?: string;
  /** A month or year said of nothing in particular ("不对，是2017年"): a correction applies it to the date told before. */
  bareMonth?: MonthSpan;
  /** Another city or region the question is about ("宁波今年…几号截止"). */
  otherPlace?: string;
  /** Dates the person named: today, the approval SMS, others (a day to count from). */
  today?: string;
  smsReceived?: string;
  otherDate?: string;
}

export type FactName = keyof Facts;

interface Clause { at: number; end: number; text: string }

/** Clauses: split at punctuation and spaces, never inside a time expression. */
function clauses(text: string, protectedSpans: { at: number; end: number }[]): Clause[] {
  const out: Clause[] = [];
  let start = 0;
  const inside = (i: number) => protectedSpans.some((s) => i >= s.at && i < s.end);
  // A space separates clauses in Chinese ("大专学历 17年7月开始…"), not between English words.
  const latin = (c: string | undefined) => c !== undefined && /[a-z0-9']/.test(c);
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    const space = ch !== undefined && /\s/.test(ch) && !(latin(text[i - 1]) && latin(text[i + 1]));
    if (i === text.length || ((/[，,。；;！!？?\n、：:]/.test(ch!) || space) && !inside(i)) || (ch === '.' && !inside(i) && !/\d/.test(text[i + 1] ?? ''))) {
      if (i > start) out.push({ at: start, end: i, text: text.slice(start, i) });
      start = i + 1;
    }
  }
  return out;
}

const QUESTION = /吗|呢|[?？]|几|多少|多久|什么|啥|咋|哪|是否|能不能|可不可以|要不要|怎么|how|what|when|whether/;

export function readFacts(text: string, lex: Lexicon, today: Today, seasonYear: number): Facts {
  const facts: Facts = {};
  const times = findTimes(text, today, seasonYear);
  const cls = clauses(text, [...times.months, ...times.dates, ...times.spans]);
  const clauseOf = (at: number) => cls.find((c) => at >= c.at && at < c.end) ?? { at: 0, end: text.length, text };
  const within = <T extends { at: number }>(xs: T[], c: Clause) => xs.filter((x) => x.at >= c.at && x.at < c.end);
  const negated = (hit: { at: number }) => isNegated(text, hit.at, clauseOf(hit.at).at, lex);

  // ── events: which month or date is about what ──
  const events = lex.events.find(text);
  const nearest = (at: number, end: number) => {
    const c = clauseOf(at);
    const inClause = within(events, c);
    if (inClause.length) return inClause.reduce((a, b) => (distance(b, at, end) < distance(a, at, end) ? b : a));
    // "只有技师证 2022年拿的": a short clause of its own takes the last event of the clause before.
    const i = cls.indexOf(c as Clause);
    if (i > 0 && [...c.text].length <= 12 && /拿|评|取得|获得|考|的$/.test(c.text)) return within(events, cls[i - 1]!).at(-1);
    // A clause that is only the time ("…毕业的 2015年7月 一直在…"): the event just before it, else just after.
    if (/^[\d\s年月日号底初末份.-]+$/.test(c.text.trim())) return (i > 0 ? within(events, cls[i - 1]!).at(-1) : undefined) ?? (cls[i + 1] ? within(events, cls[i + 1]!)[0] : undefined);
    return undefined;
  };
  for (const m of times.months) {
    const ev = nearest(m.at, m.end);
    const range = monthRange(m);
    switch (ev?.label) {
      case 'graduated': facts.graduated ??= range; break;
      case 'workStart': facts.workStart ??= range; break;
      case 'assistantEngineerSince': facts.assistantEngineerSince ??= range; break;
      case 'technicianSince': facts.technicianSince ??= range; break;
      case 'honourIssued': facts.honourIssued ??= range; break;
      case 'patentGranted': facts.patentYear ??= m.year; break;
      case 'hoursYear': if (m.month === null) facts.hoursYear ??= m.year; break;
      default: if (!events.length) facts.bareMonth ??= range; break;
    }
  }
  // Graduation and start of work in one breath ("2018年7月毕业后开始工作"): the same month.
  for (const m of times.months) {
    const c = clauseOf(m.at);
    if (facts.graduated && !facts.workStart && /毕业(?:后|以后|之后|就)/.test(c.text) && within(events, c).some((e) => e.label === 'workStart')) facts.workStart = { ...facts.graduated, inferred: true };
  }
  for (const d of times.dates) {
    const ev = nearest(d.at, d.end);
    if (ev?.label === 'today') facts.today ??= d.date;
    else if (ev?.label === 'smsReceived') facts.smsReceived ??= d.date;
    else if (ev?.label === 'honourIssued') facts.honourIssued ??= { from: d.date.slice(0, 7), to: d.date.slice(0, 7) };
    else facts.otherDate ??= d.date;
  }
  // "今天收到审核通过的短信", "昨天收到短信": the SMS day counted from today.
  if (!facts.smsReceived) {
    for (const ev of events.filter((e) => e.label === 'smsReceived')) {
      const c = clauseOf(ev.at);
      const rel = lex.relativeDays.find(c.text)[0];
      if (!rel || negated(ev)) continue;
      const d = new Date(Date.UTC(today.year, today.month - 1, today.day + Number(rel.label)));
      facts.smsReceived = d.toISOString().slice(0, 10);
      break;
    }
  }
  readPhoto(facts, text);
  const chars = /述职.{0,12}?(\d{2,5})\s*(?:个)?字|(\d{2,5})\s*(?:个)?字.{0,6}述职/.exec(text);
  if (chars) facts.statementChars = Number(chars[1] ?? chars[2]);
  // "之后一直在…做工艺", "毕业就进了…": work began with the graduation.
  if (facts.graduated && !facts.workStart && /一直|之后|毕业后|毕业以后|毕业就|此后|随后|以后就|毕业即|ever since|since then|after graduat/.test(text)) {
    facts.workStart = { ...facts.graduated, inferred: true };
  }

  // ── education ──
  const notEducation = lex.notEducation.find(text);
  const edu = lex.education.find(text).filter((h) => !negated(h) && !notEducation.some((m) => h.at < m.end && h.end > m.at));
  if (edu.length) facts.education = edu[0]!.label;

  // ── none of: "没有助工", "也没有技师证" ──
  for (const ev of events) {
    if ((ev.label === 'assistantEngineerSince' || ev.label === 'technicianSince') && negated(ev)) {
      const field = ev.label;
      if (facts[field] === undefined) facts[field] = null;
    }
  }

  // ── spans of years, and whose they are ──
  for (const s of times.spans) spanFact(facts, s, text, clauseOf(s.at), lex);

  // ── field of work, the degree's subject, 专业不对口 ──
  readField(facts, text, lex, negated);

  // ── employer and zone ──
  for (const h of lex.employers.find(text)) {
    // Said of the person's employer: "在国企", "我们是民营企业", "单位是区里的事业单位", "国企的技术员".
    const c = clauseOf(h.at);
    // Said of the person's employer, or a kind of person by employer ("公务员", "事业编").
    const employer = /公务员|参公|事业编/.test(h.word) || /在|是|属于|单位|公司|企业|厂|上班|工作|员工|当|我们|进|work|employ|compan/.test(c.text.replace(h.word, ''));
    if (!employer) continue;
    const isPrivate = h.label === 'private';
    facts.employerPrivate = { value: negated(h) ? !isPrivate : isPrivate, word: negated(h) ? negatedPhrase(text, h, c.at) : h.word };
  }
  for (const h of lex.zone.where.find(text)) {
    const c = clauseOf(h.at);
    const aboutEmployer = lex.zone.employerWords.has(c.text) || /^(?:在|是|属于)/.test(text.slice(h.at - 1, h.at)) || /公司|单位|企业|厂/.test(text);
    // "在外省交过社保" is about social insurance, not where the employer is.
    if (!aboutEmployer || (lex.socialInsuranceWords.has(c.text) && !/公司|单位|企业|厂/.test(c.text))) continue;
    const inside = h.label === 'inside' && !negated(h);
    if (!facts.employerInZone || !inside) facts.employerInZone = { value: inside, word: negated(h) ? negatedPhrase(text, h, c.at) : h.word };
  }

  // ── nationality, where the degree was earned, social insurance ──
  const nat = lex.nationality.find(text);
  const foreign = nat.some((h) => h.label === 'foreign');
  const permit = nat.find((h) => h.label === 'permanent' || h.label === 'talent');
  if (nat.some((h) => h.label === 'hk-macau-taiwan')) facts.nationality = 'hk-macau-taiwan';
  if (permit) facts.nationality = negated(permit) ? 'foreign-other' : permit.label === 'permanent' ? 'foreign-permanent-resident' : 'foreign-talent-permit';
  // A foreigner with another permit only ("日本人 拿工作签证"): neither of the two the notice names.
  else if (foreign && nat.some((h) => h.label === 'otherPermit' && !negated(h))) facts.nationality = 'foreign-other';
  else if (foreign && !facts.nationality) facts.nationality = 'foreign-unknown';
  // A permit said without the nationality ("只有普通工作签证"): settles a foreigner told of before.
  if (!foreign && !facts.nationality) {
    if (permit && !negated(permit)) facts.permit = permit.label === 'permanent' ? 'permanent' : 'talent';
    else if (nat.some((h) => h.label === 'otherPermit' && !negated(h))) facts.permit = 'other';
  }
  for (const h of lex.degreeOrigin.where.find(text)) {
    if (lex.degreeOrigin.studyWords.has(clauseOf(h.at).text)) facts.educationOrigin ??= h.label;
    // "香港的呢", "台湾员工": said of a person, not of a degree.
    else if (h.label === 'hk-macau-taiwan' && !facts.nationality) facts.nationality = 'hk-macau-taiwan';
  }
  if (lex.notExtracted.has(text)) facts.degreeNotExtracted = true;
  // Another place's evaluation, not where someone worked or paid 社保 before.
  for (const h of lex.otherPlaces.find(text)) {
    // 杭州湾 is this notice's zone, not the city of 杭州.
    if (lex.zone.where.find(text).some((z) => z.label === 'inside' && h.at < z.end && h.end > z.at)) continue;
    const c = clauseOf(h.at).text;
    // "公司注册在柯桥": where the employer is, so outside the zone, not another place's evaluation.
    if (/注册|公司在|单位在|企业在|厂在|registered|located|based/.test(c) && lex.zone.employerWords.has(c)) {
      // Registered there says where the employer is, whatever the workplace ("但我人在开发区上班").
      if (!facts.employerInZone?.value || /注册|registered/.test(c)) facts.employerInZone = { value: false, word: h.word };
      continue;
    }
    if (/评审|职称|工程师|申报|报名|截止|条件|通知|[哪去怎能]报|[哪去]评|title|evaluation|apply/.test(text) && !/社保|社会保险|工作过|跳槽|之前在|以前在|毕业|户口|读|worked|insurance/.test(c)) facts.otherPlace ??= h.word;
  }
  for (const c of cls) {
    if (lex.socialInsuranceWords.has(c.text) && lex.otherProvinces.has(c.text)) facts.outOfProvince = true;
  }
  if (facts.outOfProvince === undefined && /外省(?:的)?社保|社保.{0,6}外省/.test(text)) facts.outOfProvince = true;

  // ── annual reviews ──
  if (/考核/.test(text) || /20\d\d\s*年?度?(?:的)?(?:是|为)?\s*(?:基本合格|不合格|基本称职|不称职)/.test(text)) {
    const grades = lex.grades.find(text).filter((g) => !QUESTION.test(clauseOf(g.at).text) || /不合格|基本合格|一年/.test(clauseOf(g.at).text));
    const fails = grades.filter((g) => g.label === 'fail' || (g.label === 'pass' && negated(g)));
    if (fails.length) {
      facts.annualReviewsPassed = false;
      const years = fails.map((g) => yearBefore(text, g.at)).filter((y): y is number => y !== undefined);
      if (years.length) facts.failedReviewYears = [...new Set(years)];
    } else if (grades.some((g) => g.label === 'pass') && /20\d\d|都|均|每年|三年|3年|我/.test(text)) facts.annualReviewsPassed = true;
  }

  // ── continuing-education hours ──
  readHours(facts, text);

  // ── 二.4 items and 二.5 honours ──
  readAchievements(facts, text, lex, negated, clauseOf);
  return facts;
}

function distance(hit: WordHit, at: number, end: number): number {
  // Words after the time ("2019年7月毕业") weigh a little less than words before it ("助工是2020年3月拿的"): both are common.
  return hit.end <= at ? at - hit.end : hit.at >= end ? hit.at - end + 0.5 : 0;
}

/** A negation word ending right before `at` (fillers such as 是, 有, 评过, 拿 allowed between). */
export function isNegated(text: string, at: number, clauseStart: number, lex: Lexicon): boolean {
  const before = text.slice(Math.max(clauseStart, at - 8), at);
  const filler = /(?:也|还|都|并|从来|一直|曾|暂时)?(?:评过|评上|拿过|拿到|拿|取得|考过|考|读过|读|上过|是|有|过|的|在|任|当|属于|算)?\s*$/;
  const stripped = before.replace(filler, '').trimEnd();
  return lex.negation.words.some((w) => stripped.endsWith(w));
}

/** A photo described in words: its pixels, its size, its format. */
function readPhoto(facts: Facts, text: string): void {
  const photo: NonNullable<Facts['photo']> = {};
  const px = /(?<!\d)(\d{2,4})\s*(?:[x×*✕乘]|像素\s*[x×*])\s*(\d{2,4})(?!\d)/i.exec(text);
  if (px) { photo.width = Number(px[1]); photo.height = Number(px[2]); }
  const size = /(\d+(?:\.\d+)?)\s*(kb|k|mb|m|兆)(?![a-z])/i.exec(text);
  if (size) photo.bytes = Math.round(Number(size[1]) * (/^(?:m|mb|兆)$/i.test(size[2]!) ? 1024 * 1024 : 1024));
  const type = /\b(jpe?g|png|bmp|gif|heic|webp|tiff?)\b/i.exec(text);
  if (type) photo.type = type[1]!.toLowerCase() === 'jpeg' ? 'jpg' : type[1]!.toLowerCase();
  if (!Object.keys(photo).length) return;
  // Said of a photo ("照片是…", a format) or, with the numbers alone ("大小500K"), only after one.
  photo.named = type !== null || /照片|证件照|相片|像素|头像|photo|picture|pixel/i.test(text);
  facts.photo = photo;
}

/** A negated word with its negation, as the person said it ("不在北片", "不是民营"). */
function negatedPhrase(text: string, h: WordHit, clauseStart: number): string {
  const before = text.slice(Math.max(clauseStart, h.at - 6), h.at);
  const at = Math.max(before.lastIndexOf('不'), before.lastIndexOf('没'), before.lastIndexOf('非'));
  return at >= 0 ? `${before.slice(at)}${h.word}` : h.word;
}

/** The year written right before a grade ("2021年是基本合格", "2021不合格"). */
function yearBefore(text: string, at: number): number | undefined {
  const m = /(20\d\d)\s*年?(?:度)?(?:的)?(?:考核)?(?:是|为|结果)?\s*$/.exec(text.slice(Math.max(0, at - 12), at));
  return m ? Number(m[1]) : undefined;
}

function spanFact(facts: Facts, s: SpanMention, text: string, c: Clause, lex: Lexicon): void {
  const before = text.slice(c.at, s.at);
  // A threshold, not a fact: "满4年了吗", "要7年", "不满4年".
  // Kept as the years the question names ("研究生工作满两年就可以报吗"), to confirm or correct.
  if (/(?:不满|未满|没满|没有满|满|要|需要|需|得|才能|至少|超过)\s*$/.test(before) && !/已经\s*满\s*$/.test(before)) { facts.askedYears ??= s.years; return; }
  if (QUESTION.test(text.slice(s.end, c.end)) && !/已经|了/.test(text.slice(s.end, s.end + 2))) { facts.askedYears ??= s.years; return; }
  const span: YearsSpan = { years: s.years, approx: s.approx };
  const has = (re: RegExp) => re.test(c.text);
  // "我是企业技术部负责人 干了两年半": the role said just before, when this clause names no other.
  const heads = lex.achievements.find(c.text).some((h) => h.label === 'techHead')
    || (lex.achievements.find(text).some((h) => h.label === 'techHead') && !/助工|助理工程师|技师|专业|技术工作|工龄|毕业/.test(c.text));
  if (heads) facts.techHeadYears ??= s.approx === 'almost' ? Math.floor(s.years - 0.5) : s.years;
  else if (has(/助工|助理工程师/)) facts.assistantYears ??= span;
  else if (has(/技师/)) facts.technicianYears ??= span;
  else if (has(/做|干|从事|工作|搞|技术|工龄|经验|worked|working|experience/)) facts.workYears ??= span;
}

function readField(facts: Facts, text: string, lex: Lexicon, negated: (h: { at: number }) => boolean): void {
  const masked = lex.notFields.find(text);
  const hits = lex.fields.find(text).filter((h) => !masked.some((m) => h.at < m.end && h.end > m.at));
  const study = (h: WordHit) => /(?:学的|读的|学|读|专业是|念的|学的是|读的是|毕业于.{0,8})\s*$/.test(text.slice(Math.max(0, h.at - 10), h.at)) || /^\s*专业(?:毕业|出身|的学历)?/.test(text.slice(h.end, h.end + 6)) && /学|读|毕业/.test(text);
  // A field no notice covers counts only when said of work ("做电气的", "电气工程师", "测绘专业"), not inside
  // other words ("软件著作权").
  const ofWork = (h: WordHit & { label: string }) => h.label !== 'other'
    || /(?:做|搞|从事|干|是做|是搞|当|负责|在)\s*$/.test(text.slice(Math.max(0, h.at - 3), h.at))
    || /^\s*(?:工程师|工程|专业|方向|岗|行业|技术|类|领域|的|engineer|field)/.test(text.slice(h.end, h.end + 4))
    || /^[\p{Script=Han}]{0,6}?(?:技术员|工程师|技术人员|技术岗|专业)/u.test(text.slice(h.end, h.end + 10))
    || h.word.endsWith('工程');
  const work = hits.filter((h) => !study(h) && !negated(h) && ofWork(h));
  // A field no notice covers, named anywhere ("机械设计专业", "electrical engineer"): never read as inside the scope.
  const otherNamed = hits.find((h) => h.label === 'other' && !negated(h));
  if (otherNamed) facts.otherFieldNamed = otherNamed.word;
  const studied = hits.filter(study);
  const other = lex.nonEngineeringStudies.find(text).filter((h) => /(?:学的|读的|学|读|专业是|学的是|读的是|专业)\s*$/.test(text.slice(Math.max(0, h.at - 6), h.at)) || /^\s*专业/.test(text.slice(h.end, h.end + 3)));
  if (work.length) {
    const doing = work.find((h) => /(?:做|搞|从事|干|是做|是搞|当|负责)\s*$/.test(text.slice(Math.max(0, h.at - 3), h.at)));
    const covered = work.find((h) => h.label !== 'other');
    const chosen = doing ?? covered ?? work[0]!;
    facts.field = { specialty: chosen.label, word: chosen.word };
  }
  // Studied a field outside the four ("学的计算机", "学机械的") or clearly not engineering ("学的会计").
  const studiedOutside = other[0] ?? studied.find((h) => h.label === 'other');
  if (studiedOutside) {
    facts.studied = studiedOutside.word;
    facts.studiedOther = true;
  }
  else if (studied.length) facts.studied = studied[0]!.word;
  // "算专业对口吗" asks; it does not say.
  const said = lex.relevance.find(text).filter((h) => !/^\s*(?:吗|么|不|没|嘛|\?|？)/.test(text.slice(h.end, h.end + 2)) && !/(?:算|是否|是不是|算不算)\s*(?:专业)?$/.test(text.slice(Math.max(0, h.at - 4), h.at)));
  if (said.length) facts.educationRelevant = said[0]!.label === 'match';
  else if (studiedOutside && facts.field && facts.field.specialty !== 'other') { facts.educationRelevant = false; facts.relevanceInferred = true; }
  else if (studied.length && facts.field && studied[0]!.label === facts.field.specialty) facts.educationRelevant = true;
}

const HOURS_KIND: Record<string, 'professional' | 'public' | 'other'> = { 专业: 'professional', 公需: 'public', 公共: 'public', 其他: 'other', 其它: 'other', 其余: 'other', 别的: 'other' };

function readHours(facts: Facts, text: string): void {
  if (!/学时|课时|继续教育|专业课|公需|hours/.test(text)) return;
  const sum: { professional?: number; public?: number; other?: number; total?: number } = {};
  const add = (kind: keyof typeof sum, n: number) => { sum[kind] = (sum[kind] ?? 0) + n; };
  const taken: [number, number][] = [];
  for (const m of text.matchAll(/(专业|公需|公共|其他|其它|其余|别的)(?:课程|课|科目|可|棵|颗)?(?:学时|课时)?\s*(?:已经|已)?(?:是|为|有|学了|刷了|修了|拿了|学满|满了|共|计|完成了?|[:=])?\s*(\d+(?:\.\d+)?)\s*(?:个)?\s*(?:学时|课时|小时)?/g)) {
    add(HOURS_KIND[m[1]!]!, Number(m[2]));
    taken.push([m.index!, m.index! + m[0].length]);
  }
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*(?:个)?\s*(?:学时|课时|小时)\s*(?:的)?\s*(专业|公需|公共|其他|其它)/g)) {
    if (taken.some(([a, b]) => m.index! >= a && m.index! < b)) continue;
    add(HOURS_KIND[m[2]!]!, Number(m[1]));
    taken.push([m.index!, m.index! + m[0].length]);
  }
  const total = /(?:一共|总共|共|总计|合计|只有|才|学了|有|累计)\s*(\d+(?:\.\d+)?)\s*(?:个)?\s*(?:学时|课时|小时)/.exec(text)
    ?? (!taken.length ? /(\d+(?:\.\d+)?)\s*(?:个)?\s*(?:学时|课时)/.exec(text) : null);
  if (total && !taken.some(([a, b]) => total.index! >= a && total.index! < b)) sum.total = Number(total[1]);
  // "其他没有", "别的没有": none of the others.
  if (/(?:其他|其它|别的)(?:学时|课时)?(?:都)?(?:没有|没|无|0)/.test(text) && sum.other === undefined) sum.other = 0;
  if (Object.keys(sum).length) facts.hours = sum;
}

/** How many of a kind of 二.4 item a text says ("3个实用新型", "软著有2项"), and that it has one ("拿了个发明专利"); compiled once. */
const ITEM_COUNTS = (() => {
  const kind = (words: string) => `(?:${words})`;
  const patterns = (what: string) => ({
    n: new RegExp(`(\\d+)\\s*(?:项|个|件|篇)?\\s*(?:的)?\\s*${what}|${what}\\s*(?:专利)?\\s*(?:我|我们|目前|现在|一共|总共)?\\s*(?:有|共|拿了|取得了?|授权了?)?\\s*(\\d+)\\s*(?:项|个|件)`),
    one: new RegExp(`(?:拿了|拿到|有|取得了?|获得了?|获了|授权了?|申请了|下来了?|搞了|弄了|登记了)\\s*(?:1|一)?\\s*(?:个|项|件)\\s*${what}`),
  });
  return {
    inventionPatents: patterns(kind('发明专利|invention patents?')),
    utilityModels: patterns(kind('实用新型(?:专利)?|utility models?')),
    softwareCopyrights: patterns(kind('软件著作权|软著|software copyrights?')),
  };
})();

function readAchievements(facts: Facts, text: string, lex: Lexicon, negated: (h: { at: number }) => boolean, clauseOf: (at: number) => Clause): void {
  const n = (re: RegExp): number | undefined => {
    const m = re.exec(text);
    return m ? Number(m[1] ?? m[2]) : undefined;
  };
  // "拿了个发明专利", "有一项软著": one.
  const one = (re: RegExp) => (re.test(text) ? 1 : undefined);
  const { inventionPatents: INV, utilityModels: UTIL, softwareCopyrights: SOFT } = ITEM_COUNTS;
  facts.inventionPatents = n(INV.n) ?? one(INV.one) ?? facts.inventionPatents;
  facts.utilityModels = n(UTIL.n) ?? one(UTIL.one) ?? facts.utilityModels;
  facts.softwareCopyrights = n(SOFT.n) ?? one(SOFT.one) ?? facts.softwareCopyrights;
  for (const key of ['inventionPatents', 'utilityModels', 'softwareCopyrights'] as const) if (facts[key] === undefined) delete facts[key];
  const hits = lex.achievements.find(text);
  for (const h of hits) {
    const no = negated(h);
    if (h.label === 'inventionPatents' && no) facts.inventionPatents = 0;
    if (h.label === 'utilityModels' && no) facts.utilityModels = 0;
    if (h.label === 'softwareCopyrights' && no) facts.softwareCopyrights = 0;
    if (h.label === 'award' && !QUESTION.test(clauseOf(h.at).text)) facts.governmentAward = !no;
    if (h.label === 'teamOrLeader' && !QUESTION.test(clauseOf(h.at).text)) facts.innovationTeamOrCountyLeader = !no;
    if (h.label === 'innovationLead' && !QUESTION.test(clauseOf(h.at).text)) facts.innovationLead = !no;
    if (h.label === 'mainTechLead') facts.mainTechLead = !no;
  }
  if (/专利/.test(text) && /没有(?:任何)?专利|没专利|无专利/.test(text)) {
    facts.inventionPatents ??= 0;
    facts.utilityModels ??= 0;
  }
  // Not ranked first ("但是排第二", "我是第二发明人"): none of them counts as first.
  if (/排(?:名)?第[二三四五六七八九十2-9]|第[二三2-3]发明人|第[二三2-3]完成人|不是(?:排)?第一|没排第一|not (?:ranked )?first/.test(text)) facts.rankedNotFirst = true;
  // Ranked first: "都是第一发明人", "两个排第一".
  if (facts.utilityModels !== undefined) {
    const firstHits = hits.filter((h) => h.label === 'rankedFirst');
    if (firstHits.length) {
      const m = /(\d+)\s*(?:个|项|件)?\s*(?:都)?(?:是)?(?:排名第一|排第一|第一发明人|第一完成人|第一名)/.exec(text);
      facts.utilityModelsFirst = m ? Number(m[1]) : /都是|均为|均是|全部|都排|全是/.test(text) ? facts.utilityModels : facts.utilityModels;
      if (firstHits.every((h) => negated(h))) facts.utilityModelsFirst = 0;
    }
  }
  const cat = lex.honourCategories.find(text)[0];
  if (cat) facts.honourCategory = Number(cat.label);
  const level = lex.honourLevels.find(text).find((h) => cat || /荣誉|企业|工厂|评为|认定/.test(clauseOf(h.at).text));
  if (level && (cat || facts.honourIssued)) facts.honourLevel = level.label;
}
