/**
 * Every Chinese sentence the rules produce, in one place, apart from the logic. Numbers, dates,
 * lists and places come from the edition's parameters or from the facts passed in, never from here.
 */
import type { Parameters } from '../knowledge/schema.ts';
import type { BlockerCode, BlockerFact, HoursGap } from './blockers.ts';
import { plainEducation, type PlainEducation } from './education.ts';
import { daysBetween } from './months.ts';
import type { Education } from './profile.ts';
import type { Period, Reading, RouteId, RouteOutcome, Shortfall } from './routes.ts';
import type { ChecklistEntry, Deadline, PersonalRow } from './types.ts';

const PLAIN_LABEL: Record<PlainEducation, string> = {
  doctorate: '博士研究生', master: '硕士研究生', bachelor: '本科', college: '大专（高职）', secondary: '中专', none: '无学历',
};
const EDUCATION_LABEL: Record<Education, string> = {
  ...PLAIN_LABEL,
  'tech-intermediate': '技工院校中级工班', 'tech-advanced': '技工院校高级工班', 'tech-technician': '技工院校预备技师（技师）班',
};
const BLOCKER_TITLE: Record<BlockerCode, string> = {
  'employer-not-in-zone': '单位注册地', 'employer-not-private': '单位性质', 'specialty-not-covered': '评审专业',
  'nationality-not-covered': '外籍人员证件', 'annual-review': '年度考核', 'continuing-education': '继续教育学时',
  'no-route': '申报途径',
};

/** "2023-12-31" → "2023年12月31日". */
export function cnDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** The name of a route, with its section of the notice ("二.1 学历与专业工作年限"). */
export function routeTitle(route: RouteId, params: Parameters): string {
  const { itemsTotal, itemsRequired } = params.twoOfFive.value;
  const titles: Record<RouteId, string> = {
    'education-years': '二.1 学历与专业工作年限',
    'assistant-engineer': '二.2 担任助理工程师',
    technician: '二.3 取得技师后从事技术技能工作',
    'two-of-five': `二.4 ${itemsTotal}项条件具备其中${itemsRequired}项`,
    exceptional: '二.5 破格申报',
  };
  return titles[route];
}

/** An education as the rules read it: "本科", or "技工院校高级工班（按大专（高职））". */
export function educationPhrase(education: Education, plain: PlainEducation): string {
  return education === plain ? PLAIN_LABEL[plain] : `${EDUCATION_LABEL[education]}（按${PLAIN_LABEL[plain]}）`;
}

/** The near-miss phrase: "还差2年（2025-06满）". */
/** How long a period is short, in years and months ("还差6个月（2024年6月满）"). */
export function shortPhrase(p: Period): string {
  const months = p.need * 12 - p.months;
  const years = Math.floor(months / 12);
  const rest = months % 12;
  const gap = `${years ? `${years}年` : ''}${rest ? `${rest}个月` : ''}`;
  return `还差${gap}（${Number(p.metOn.slice(0, 4))}年${Number(p.metOn.slice(5, 7))}月满）`;
}

function requirement(base: number, extra: number): string {
  return extra > 0 ? `满${base}年，专业不对口加${extra}年，共${base + extra}年` : `满${base}年`;
}

function periodPhrase(of: 'work' | 'assistant-engineer' | 'technician', p: Period, lead: string, cutoff: string): string {
  const what = { work: '从事专业工作', 'assistant-engineer': '担任助理工程师', technician: '取得技师后从事技术技能工作' }[of];
  return `${lead}需${what}${requirement(p.base, p.extra)}；截至${cutoff}你满${p.years}年，${shortPhrase(p)}`;
}

/** One shortfall of a route, as a clause of a sentence. */
function shortfallPhrase(s: Shortfall, params: Parameters, education: Education): string {
  const cutoff = cnDate(params.cutoff.value);
  const plain = plainEducation(education, params);
  switch (s.kind) {
    case 'education-not-listed': {
      const listed = Object.keys(params.educationWorkYears.value).map((e) => PLAIN_LABEL[e as PlainEducation]).join('、');
      return `只适用于${listed}学历，你是${educationPhrase(s.education, plain)}`;
    }
    case 'period':
      return periodPhrase(s.of, s.period, s.of === 'work' ? educationPhrase(education, plain) : '', cutoff);
    case 'education-below':
      return `需${PLAIN_LABEL[s.lowest]}及以上学历，你是${educationPhrase(s.education, plain)}`;
    case 'no-assistant-engineer':
      return '你没有助理工程师职务';
    case 'no-technician':
      return '你没有技师职业资格或职业技能等级';
    case 'items': {
      const held = s.held.length > 0 ? `（第${s.held.map((n) => `(${n})`).join('')}项）` : '';
      const long = s.held.includes(4) ? ''
        : `；第(4)项需从事本专业技术工作${requirement(s.long.base, s.long.extra)}，你满${s.long.years}年`;
      return `你具备${s.held.length}项${held}，还差${s.need - s.held.length}项${long}`;
    }
    case 'no-honour':
      return '需为附件4所列省级及以上工业和信息化领域荣誉项目企业的具体项目主要技术负责人，你没有此类荣誉项目';
    case 'honour-category':
      return `荣誉项目须为附件4所列第1至${s.rows}项，你填的是第${s.category}项`;
    case 'honour-window':
      return `荣誉发文时间须在${cnDate(s.from)}至${cnDate(s.to)}之间，你的是${cnDate(s.issued)}`;
    case 'not-main-tech-lead':
      return '须为该荣誉项目的主要技术负责人';
    case 'has-education':
      return `仅适用于不具备规定学历（${PLAIN_LABEL[s.prescribed]}以下）的人员，你是${educationPhrase(s.education, plain)}`;
    case 'has-assistant-engineer':
      return '仅适用于没有助理工程师职称的人员，你已有助理工程师';
  }
}

/** What a failed route lacks: "二.1 学历与专业工作年限：本科需从事专业工作满5年；截至…还差2年（2025-06满）". */
export function routeShortfalls(o: RouteOutcome, params: Parameters, education: Education): string {
  return `${routeTitle(o.route, params)}：${o.shortfalls.map((s) => shortfallPhrase(s, params, education)).join('；')}`;
}

function hoursText(n: number): string {
  return `${n}学时`;
}

function hoursMessage(h: HoursGap, params: Parameters): string {
  const need = params.continuingEducation.value;
  const gaps = [
    h.short.total > 0 ? `总学时还差${hoursText(h.short.total)}` : '',
    h.short.professional > 0 ? `专业课还差${hoursText(h.short.professional)}` : '',
    h.short.public > 0 ? `公需课还差${hoursText(h.short.public)}` : '',
  ].filter(Boolean).join('，');
  return `继续教育须提供近${need.toYear - need.fromYear + 1}年（${need.fromYear}—${need.toYear}年）不少于${hoursText(need.total)}`
    + `（其中专业课不少于${hoursText(need.professional)}，公需课不少于${hoursText(need.public)}）；`
    + `你共${hoursText(h.have.total)}（专业课${h.have.professional}、公需课${h.have.public}、其他${h.have.other}），${gaps}。`
    + `可在绍兴市专业技术人员继续教育平台学习：${params.continuingEducationSite.value}`;
}

/** A blocker's message: which condition, what the applicant has, what is needed, the difference. */
export function blockerMessage(fact: BlockerFact, params: Parameters, education: Education): string {
  const p = params;
  switch (fact.code) {
    case 'employer-not-in-zone':
      return `本次评审面向在${p.zone.value}区域内注册的企业的在职人员；你的单位不在该区域注册，不能参加本次评审`;
    case 'employer-not-private':
      return `本次评审面向${p.employerKind.value}的在职人员；你的单位不是${p.employerKind.value}，不能参加本次评审`;
    case 'specialty-not-covered':
      return `本次评审的专业为${Object.values(p.specialties.value).join('、')}；你从事的专业不在其中，不能参加本次评审`;
    case 'nationality-not-covered':
      return '外籍人员须持有外国人永久居留证或海外高层次人才居住证才能申报；你目前两者都没有';
    case 'annual-review': {
      const a = p.annualReview.value;
      return `须近${a.recentYears}年（${a.fromYear}—${a.toYear}年）年度考核均为“${a.minGrade}”以上等次；你有年度未达到“${a.minGrade}”或没有考核结果`;
    }
    case 'continuing-education':
      return hoursMessage(fact.hours, p);
    case 'no-route':
      return `目前没有满足的申报条件（二.1至二.5须满足其一）：${fact.outcomes.map((o) => routeShortfalls(o, p, education)).join('。')}。`;
  }
}

/** The base checklist every applicant needs (附件1, 附件3, 二, 三(三)). */
export function baseChecklist(params: Parameters, idCard = true): ChecklistEntry[] {
  const p = params;
  const ph = p.photo.value;
  const a = p.annualReview.value;
  const ce = p.continuingEducation.value;
  return [
    { item: `登录浙江省专业技术职务任职资格申报与评审管理服务平台（${p.platformSite.value}）个人申报，选择本年度${p.zone.value.replace(/（.*?）/, '')}工程技术人员中级专业技术职务任职资格评审工作计划`,
      reason: '申报方向须选对评审计划，网上申报后由单位审核', clauses: [...p.platformSite.clauses, 's5-4', 'a1-2'] },
    // Without a 二代身份证 (港澳台, foreign) there is no photo for the system to collect: one is uploaded.
    idCard
      ? { item: `证件照：系统自动采集二代身份证照片；如需重传，白底${ph.formats.join('或')}格式，大于${ph.minKB}K且小于${ph.maxMB}M，大于${ph.minWidth}x${ph.minHeight}像素（宽x高），宽高比${ph.ratioMin}至${ph.ratioMax}`,
        reason: '默认照片拍摄较早、容貌变化较大的须重新上传', clauses: p.photo.clauses }
      : { item: `证件照：上传白底${ph.formats.join('或')}格式证件照，大于${ph.minKB}K且小于${ph.maxMB}M，大于${ph.minWidth}x${ph.minHeight}像素（宽x高），宽高比${ph.ratioMin}至${ph.ratioMax}`,
        reason: '系统自动采集的是二代身份证照片；没有二代身份证的，须自己上传', clauses: p.photo.clauses },
    { item: '扫码在线签署《专业技术资格申报材料真实性保证书》，字迹清晰',
      reason: `申报人对所有材料的真实性负责；弄虚作假的材料一律退回，评审次年起${p.fraudBanYears.value}年内不得申报高一级专业技术资格`,
      clauses: ['a1-2-2', ...p.fraudBanYears.clauses] },
    { item: `本人述职：写专业工作业绩情况，限${p.statementMaxChars.value}字以内`,
      reason: '评价把思想品德放在首位，并看重技术创新、成果转化、技术推广等业绩', clauses: [...p.statementMaxChars.clauses, 's3-2'] },
    { item: '代表性业绩材料：从个人业绩档案库提取（业绩档案须先经单位审查通过）；集体项目须提供本人系主要贡献者的依据',
      reason: '业绩材料要突出代表性，不宜过多过杂', clauses: ['a1-2-4', 'a1-1-1', 's5-1'] },
    { item: `近${a.recentYears}年（${a.fromYear}—${a.toYear}年）年度考核结果，逐年填写（如“${a.fromYear}${a.minGrade}”），考核登记表参照附件5范本`,
      reason: `年度考核“${a.minGrade}”以上是申报条件；不得以奖状替代，不得近${a.recentYears}年合并考核`, clauses: [...p.annualReview.clauses, 'a5'] },
    { item: `继续教育学时：${ce.fromYear}—${ce.toYear}年不少于${ce.total}学时（专业课不少于${ce.professional}学时，公需课不少于${ce.public}学时）`,
      reason: `继续教育是申报的必备条件，可在绍兴市专业技术人员继续教育平台学习：${p.continuingEducationSite.value}`, clauses: p.continuingEducation.clauses },
    { item: `纸质《专业技术职务任职资格评审表》（带平台水印）一式${p.formCopies.value}份，放入资料袋，封面标注姓名、申报专业和所在单位`,
      reason: `网上审核同意后自行下载打印，加盖所在单位、各主管部门公章，报送至${p.paperAddress.value}`,
      clauses: [...p.formCopies.clauses, ...p.paperAddress.clauses] },
    { item: `评审费：按${p.feeSms.value}短信提示在规定时间内缴纳`, reason: '提交申报后由短信通知缴费', clauses: p.feeSms.clauses },
  ];
}

const FOREIGN_ID: Record<string, string> = {
  'foreign-permanent-resident': '外国人永久居留证',
  'foreign-talent-permit': '海外高层次人才居住证',
  'foreign-other': '外国人永久居留证或海外高层次人才居住证（须持有其一才能申报）',
};

/** A personal checklist row (RULES.md "Personal checklist"). */
export function personalEntry(row: PersonalRow, params: Parameters): ChecklistEntry {
  const p = params;
  const year = p.degreeAutoExtractYear.value;
  const degree = p.degreeAutoExtractYear.clauses;
  switch (row.kind) {
    case 'degree-before-auto':
      return { item: '上传学历学位证书及毕业生登记表', reason: `你于${row.graduated}毕业，${year}年以前毕业的系统不能自动提取学历信息`, clauses: degree };
    case 'degree-year-unknown':
      return { item: `如为${year}年以前毕业：上传学历学位证书及毕业生登记表`, reason: `未填写毕业时间；${year}年以后取得国内大专及以上学历的由系统自动提取`, clauses: degree };
    case 'degree-not-extracted':
      return { item: '上传学历学位证书，及《教育部学历证书电子注册备案表》或《中国高等教育学历认证报告》', reason: `${year}年以后毕业但系统不能自动提取学历学位信息`, clauses: degree };
    case 'foreign-degree':
      return { item: '教育部留学服务中心认证的《国外学历学位认证书》', reason: '国外学历学位须经认证', clauses: degree };
    case 'hmt-degree':
      return { item: '教育部留学服务中心认证的《港澳台学历学位认证书》', reason: '港澳台地区学历学位须经认证', clauses: degree };
    case 'insurance-out-of-province':
      return { item: `个人提供近${p.socialInsuranceYears.value}年在外省缴纳社保的证明`, reason: '近年有外省社保的，系统不能自动获取缴纳信息', clauses: p.socialInsuranceYears.clauses };
    case 'insurance-inconsistent':
      return { item: '由社会保险所在单位申报', reason: '社会保险、人事档案、劳动关系不一致时，由社会保险所在单位申报', clauses: ['s3-1'] };
    case 'technician-route':
      return { item: '申报时选择“正常申报”，并上传技师职业资格或职业技能等级证书等佐证材料', reason: `你按${routeTitle('technician', p)}申报，技能人才申报选择“正常申报”并上传佐证材料`, clauses: ['a1-2-3', ...p.technicianYears.clauses] };
    case 'exceptional-route': {
      const q = p.honourQuota.value;
      return { item: '项目申报书，及荣誉项目的相关证明材料（附件4所列荣誉的发文等）',
        reason: `你按${routeTitle('exceptional', p)}；推荐名额有限：获国家级荣誉的企业推荐不超过${q.national}人，省级荣誉不超过${q.provincial}人（你的荣誉为${row.level === 'national' ? '国家级' : '省级'}）`,
        clauses: [...p.honourQuota.clauses, ...p.honourCategories.clauses] };
    }
    case 'tech-school': {
      const eq = p.techSchoolEquivalence.value;
      const rule = (Object.keys(eq) as (keyof typeof eq)[]).map((k) => `${EDUCATION_LABEL[k]}按${PLAIN_LABEL[eq[k]]}`).join('、');
      return { item: `${EDUCATION_LABEL[row.education]}毕业证书（按${PLAIN_LABEL[eq[row.education]]}学历申报）`, reason: `技工院校毕业证书：${rule}学历申报评审`, clauses: p.techSchoolEquivalence.clauses };
    }
    case 'foreign-id':
      return { item: FOREIGN_ID[row.nationality] ?? FOREIGN_ID['foreign-other']!, reason: '外籍人员须持外国人永久居留证或海外高层次人才居住证', clauses: p.nationalitiesCovered.clauses };
  }
}

/** The deadlines of the edition (五(四), 五(一), 附件1 二.7). */
export function deadlines(params: Parameters): Deadline[] {
  const p = params;
  const workdays = '；工作日按中国大陆日历计，含调休上班日';
  return [
    { date: p.individualDeadline.value, what: '个人网上申报截止', clauses: p.individualDeadline.clauses },
    { date: p.unitDeadline.value, what: '单位审核推荐截止', clauses: p.unitDeadline.clauses },
    { date: null, what: `收到审核通过短信后${p.paperWorkingDays.value}个工作日内，将纸质材料报送评委会办公室（${p.paperAddress.value}）${workdays}`,
      clauses: [...p.paperWorkingDays.clauses, ...p.paperAddress.clauses] },
    { date: null, what: `单位对申报人员基本情况和业绩材料进行不少于${p.publicityWorkingDays.value}个工作日的公示，之后推荐${workdays}`, clauses: p.publicityWorkingDays.clauses },
    { date: null, what: `评审费：按${p.feeSms.value}短信提示在规定时间内缴纳`, clauses: p.feeSms.clauses },
  ];
}

function daysLeft(today: string, date: string): string {
  const d = daysBetween(today, date);
  if (d > 1) return `还有${d}天`;
  if (d === 1) return '还有1天（明天截止）';
  if (d === 0) return '今天截止';
  return `已过${-d}天`;
}

/** The deadline summary relative to the bot's clock ("截至2023年8月1日：个人申报截止（2023年9月8日）还有38天；…"). */
export function deadlineSummary(today: string, params: Parameters): string {
  const dated = deadlines(params).filter((d): d is Deadline & { date: string } => d.date !== null);
  const parts = dated.map((d) => `${d.what}（${cnDate(d.date)}）${daysLeft(today, d.date)}`);
  const allPast = dated.every((d) => daysBetween(today, d.date) < 0);
  return `截至${cnDate(today)}：${parts.join('；')}。${allPast ? '本年度申报已截止；下一年度的通知一般沿用同样的流程，发布后可以再来问我。' : ''}`;
}

/** The verdict in one sentence. */
export function verdictNote(eligible: boolean, routes: RouteId[], blockers: BlockerCode[], params: Parameters): string {
  if (eligible) return `符合申报条件，可按${routes.map((r) => routeTitle(r, params)).join('、')}申报。`;
  return `暂不符合申报条件，原因：${blockers.map((b) => BLOCKER_TITLE[b]).join('、')}（详见各项说明）。`;
}

/** The readings of RULES.md a ruling rested on, with the committee's final say and its phone. */
export function readingsNote(readings: Reading[], params: Parameters, facts: { extra: number; prescribed: PlainEducation; window: { from: string; to: string } }): string {
  const text: Record<Reading, string> = {
    'month-count': `年限按整月计算：从起始月份算到${cnDate(params.cutoff.value)}所在月份（首尾两月都算），满12个月为1年`,
    'mismatch-scope': `专业不对口加${facts.extra}年只适用于二.1的专业工作年限和二.4第(4)项，不影响助理工程师和技师的年限`,
    'higher-education': '二.2写的是大学本科或大专（高职）学历，研究生学历按同样满足理解',
    exceptional: `破格须同时“不具备规定学历”（按${PLAIN_LABEL[facts.prescribed]}以下理解）且没有助理工程师职称；荣誉发文时间按${cnDate(facts.window.from)}至${cnDate(facts.window.to)}计算`,
  };
  return `以上判断依据本助手对通知的理解：${readings.map((r) => text[r]).join('；')}。以评委会解释为准，咨询电话${params.contact.value.phone}。`;
}
