/**
 * The bot on both editions: the interview, the HR track, the deadlines screen and questions in
 * the chat, each served from the edition in force, with its clock inside that edition's season.
 * What a reply must state is read from the edition's parameters, never written for one year.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot/index.ts';
import type { Knowledge } from '../../src/knowledge/load.ts';
import { createWeb } from '../../adapters/web/index.ts';
import { answerFields, kitOf, text } from '../kit.ts';
import { editionBot, EDITIONS, SEASON_DAYS_BEFORE, seasonConversation, type EditionId } from '../editions.ts';

const cn = (iso: string) => `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;

/** The answers of a 本科 applicant whose years are exactly enough by the edition's cut-off, with its exact hours, in its last-listed specialty. */
function applicantAnswers(k: Knowledge): Record<string, unknown> {
  const p = k.params;
  const ce = p.continuingEducation.value;
  const start = `${Number(p.cutoff.value.slice(0, 4)) - p.educationWorkYears.value.bachelor! + 1}-01`;
  return {
    employerInZone: true, employerPrivate: true, specialty: Object.keys(p.specialties.value).at(-1), nationality: 'mainland',
    annualReviewsPassed: true, continuingEducation: { professional: ce.professional, public: ce.public, other: ce.total - ce.professional - ce.public },
    education: 'bachelor', workStart: start, educationRelevant: true, graduated: `${Number(start.slice(0, 4)) - 1}-06`,
    educationOrigin: 'domestic', degreeAutoVerified: true, 'socialInsurance.consistent': true, 'socialInsurance.outOfProvince': false,
  };
}

for (const edition of EDITIONS) {
  describe(`the bot serving the ${edition} edition`, () => {
    let bot: Bot;
    beforeAll(async () => { bot = await editionBot(edition); });
    afterAll(async () => { await bot.close(); });

    it('serves this edition, its clock inside its season', () => {
      expect(bot.knowledge.edition).toBe(edition);
      expect(bot.env().now < new Date(`${bot.knowledge.params.individualDeadline.value}T00:00:00+08:00`)).toBe(true);
      expect(bot.env().now > new Date(`${bot.knowledge.notice.issued}T00:00:00+08:00`)).toBe(true);
    });

    it('interview: offers this edition\'s specialties and asks of its years', () => {
      const p = bot.knowledge.params;
      const c = seasonConversation(bot);
      c.action('interview:start');
      const r = answerFields(c, { employerInZone: true, employerPrivate: true, specialty: undefined });
      expect(r.ask?.field).toBe('specialty');
      const labels = r.replies.at(-1)!.buttons.map((b) => b.label);
      for (const label of Object.values(p.specialties.value)) expect(labels, label).toContain(label);
      const review = answerFields(c, { specialty: Object.keys(p.specialties.value).at(-1), nationality: 'mainland', annualReviewsPassed: undefined });
      expect(text(review)).toContain(`${p.annualReview.value.fromYear}`);
      expect(text(review)).not.toMatch(new RegExp(`${p.annualReview.value.fromYear - 1}\\D`));
      const hours = answerFields(c, { annualReviewsPassed: true, continuingEducation: undefined });
      expect(text(hours)).toContain(`${p.continuingEducation.value.fromYear}—${p.continuingEducation.value.toYear}`);
    });

    it('interview: an applicant exactly at this edition\'s cut-off is eligible, with its deadlines', () => {
      const p = bot.knowledge.params;
      const c = seasonConversation(bot);
      c.action('interview:start');
      const review = answerFields(c, applicantAnswers(bot.knowledge));
      expect(review.ask).toBeNull();
      const v = c.action('interview:confirm');
      expect(v.assessment).toMatchObject({ eligible: true, routes: ['education-years'], workYears: p.educationWorkYears.value.bachelor });
      expect(text(v)).toContain(`还有${SEASON_DAYS_BEFORE}天`);
      expect(text(v)).toContain(cn(p.individualDeadline.value));
    });

    it('interview: a month short of this edition\'s cut-off is not yet eligible', () => {
      const p = bot.knowledge.params;
      const c = seasonConversation(bot);
      c.action('interview:start');
      const answers = applicantAnswers(bot.knowledge);
      const start = `${Number(p.cutoff.value.slice(0, 4)) - p.educationWorkYears.value.bachelor! + 1}-02`;
      const review = answerFields(c, { ...answers, workStart: start, assistantEngineerSince: null, technicianSince: null,
        'achievements.innovationLead': false, 'achievements.inventionPatents': 0, 'achievements.softwareCopyrights': 0, 'achievements.utilityModelsFirst': 0,
        'achievements.techHeadYears': 0, 'achievements.innovationTeamOrCountyLeader': false, 'achievements.governmentAward': false });
      const v = review.ask ? review : c.action('interview:confirm');
      expect(v.assessment?.eligible ?? false).toBe(false);
    });

    it('HR track: the quota and deadline steps answer this edition\'s quota and date; the 破格 kind\'s checklist is computed', () => {
      const p = bot.knowledge.params;
      const c = seasonConversation(bot);
      const hr = c.action('hr');
      const quota = hr.replies.at(-1)!.buttons.find((b) => b.action === 'faq:exceptional-quota')!;
      expect(quota).toBeDefined();
      expect(text(c.action(quota.action))).toContain(`不超过${p.honourQuota.value.national}人`);
      expect(bot.hr.kinds.find((k) => k.id === 'exceptional')!.checklist.length).toBeGreaterThan(0);
      const unit = hr.replies.at(-1)!.buttons.find((b) => b.action === 'faq:unit-deadline')!;
      expect(text(c.action(unit.action))).toContain(cn(p.unitDeadline.value));
    });

    it('deadlines screen: this edition\'s dates and the days left', () => {
      const p = bot.knowledge.params;
      const r = seasonConversation(bot).action('deadlines');
      expect(text(r)).toContain(cn(p.individualDeadline.value));
      expect(text(r)).toContain(cn(p.unitDeadline.value));
      expect(text(r)).toContain(String(SEASON_DAYS_BEFORE));
    });

    it('questions in the chat: the changed facts come from this edition', () => {
      const p = bot.knowledge.params;
      const c = seasonConversation(bot);
      expect(text(c.send('继续教育一共要多少学时'))).toContain(`${p.continuingEducation.value.total}学时`);
      expect(text(c.send('纸质材料送到哪里'))).toContain(p.paperAddress.value.replace(/^杭州湾上虞经济技术开发区/, ''));
      expect(text(c.send('破格名额有几个'))).toContain(`不超过${p.honourQuota.value.national}人`);
      expect(text(c.send('附件4荣誉项目清单有哪些'))).toContain(`共${p.honourCategories.value}类`);
      const specialties = text(c.send('可以评哪些专业'));
      for (const label of Object.values(p.specialties.value)) expect(specialties).toContain(label);
      expect(text(c.send('个人申报什么时候截止'))).toContain(cn(p.individualDeadline.value));
    });

    it('answers for the person: hours short are counted against this edition\'s years and hours, on its platform', () => {
      const k = bot.knowledge;
      const ce = k.params.continuingEducation.value;
      const c = seasonConversation(bot);
      // 30 professional hours short, the total met by the other hours.
      const said = text(c.send(`继续教育专业课${ce.professional - 30}，公需课${ce.public}，其他${ce.total - ce.professional - ce.public + 30}，够吗`));
      expect(said).toContain('专业课还差30学时');
      expect(said).toContain(`近${ce.toYear - ce.fromYear + 1}年（${ce.fromYear}—${ce.toYear}年）不少于${ce.total}学时`);
      expect(said).toContain(`可在${k.wording.names.continuingEducationPlatform.text}学习：${k.params.continuingEducationSite.value}`);
    });

    it('web page: the form\'s name and the photo\'s size limit are this edition\'s', async () => {
      const k = bot.knowledge;
      const web = createWeb(kitOf(bot));
      const res = await web.routes.find((r) => r.method === 'GET' && r.path === '/')!.handle({ method: 'GET', path: '/', query: new URLSearchParams(), headers: {}, body: Buffer.from('') });
      const html = String(res.body);
      const facts = JSON.parse(html.match(/<script type="application\/json" id="facts">(.*?)<\/script>/)![1]!) as Record<string, unknown>;
      expect(facts).toEqual({ annualReviewForm: k.wording.names.annualReviewForm.text, photoMaxMB: k.params.photo.value.maxMB });
      // The page writes no form name or size of its own.
      expect(html).not.toContain('{{facts}}');
      expect(html.split(k.wording.names.annualReviewForm.text)).toHaveLength(2);
      expect(html).toContain(`<p>${k.edition}年度${k.wording.names.evaluation.text}</p>`);
      expect(html).not.toContain('{{');
    });

    it('answers for the person: an education without an 二.1 route is told this edition\'s routes', () => {
      const p = bot.knowledge.params;
      const said = text(seasonConversation(bot).send('如果我只有中专，能报吗'));
      expect(said).toContain(`满${p.technicianYears.value}年`);
      expect(said).toContain(`${p.twoOfFive.value.itemsTotal}项条件中具备${p.twoOfFive.value.itemsRequired}项`);
    });
  });
}
