import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseAnswer, parseBoolean, parseChoice, parseCount, parseDate, parseHours, parseMonth, parseText,
  type ChoiceOption, type ParseResult,
} from '../../src/interview/answers.ts';

/** The bot's clock in these tests: 2025-06-15, noon in Shanghai. */
const now = new Date('2025-06-15T12:00:00+08:00');
const HUGE = '二〇一八年七月，'.repeat(1300); // > 10 KB

const value = <T>(r: ParseResult<T>): T => {
  if (!r.ok) throw new Error(`expected a value, got hint: ${r.hint}`);
  return r.value;
};
const hintOf = (r: ParseResult<unknown>): string => {
  if (r.ok) throw new Error(`expected a hint, got value: ${JSON.stringify(r.value)}`);
  return r.hint;
};
/** Every hint is a Chinese sentence with an example. */
const expectHint = (r: ParseResult<unknown>, contains?: string): void => {
  const h = hintOf(r);
  expect(h).toMatch(/[\u4e00-\u9fff]/);
  expect(h).toMatch(/例如|可回复/);
  if (contains) expect(h).toContain(contains);
};
const fullWidth = (s: string): string => s.replace(/[0-9\-./]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

const DIGITS = '零一二三四五六七八九';
/** 0…9999 as a Chinese numeral (1050 → 一千零五十, 12 → 十二). */
function chinese(n: number): string {
  if (n === 0) return '零';
  let out = '';
  let zero = false;
  [[1000, '千'], [100, '百'], [10, '十'], [1, '']].forEach(([unit, name]) => {
    const d = Math.floor(n / (unit as number)) % 10;
    if (d === 0) { if (out) zero = true; return; }
    out += (zero ? '零' : '') + DIGITS[d] + name;
    zero = false;
  });
  return out.startsWith('一十') ? out.slice(1) : out;
}
const digitWise = (y: number): string => [...String(y)].map((c) => '〇一二三四五六七八九'[Number(c)]).join('');
const pad = (n: number): string => String(n).padStart(2, '0');

const EDUCATION: ChoiceOption[] = [
  { value: 'doctorate', label: '博士研究生', words: ['博士', '博士研究生', 'phd'] },
  { value: 'master', label: '硕士研究生', words: ['硕士', '研究生', '硕士研究生', '工程硕士'] },
  { value: 'bachelor', label: '大学本科', words: ['本科', '学士', '大学本科'] },
  { value: 'college', label: '大专（高职）', words: ['大专', '高职', '专科'] },
  { value: 'secondary', label: '中专或高中', words: ['中专', '高中', '职高', '中技'] },
  { value: 'tech-intermediate', label: '技工院校中级工班', words: ['中级工班'] },
  { value: 'tech-advanced', label: '技工院校高级工班', words: ['高级工班'] },
  { value: 'tech-technician', label: '技工院校预备技师（技师）班', words: ['预备技师', '技师班'] },
  { value: 'none', label: '以上都没有', words: ['没有学历', '无学历', '初中', '小学'] },
];
const SPECIALTY: ChoiceOption[] = [
  { value: 'petrochemical', label: '石油和化学工程', words: ['化工', '化学工程', '石油'] },
  { value: 'pharmaceutical', label: '医药工程', words: ['医药', '制药'] },
  { value: 'materials', label: '材料工程', words: ['材料', '无机非金属', '高分子'] },
  { value: 'light-textile', label: '轻纺工程', words: ['轻纺', '纺织', '印染'] },
  { value: 'other', label: '其他专业', words: ['其他', '别的'] },
];

describe('parseChoice', () => {
  const edu = (s: unknown): ParseResult<string> => parseChoice(s, EDUCATION);
  it('matches a value, label or word exactly', () => {
    expect(value(edu('bachelor'))).toBe('bachelor');
    expect(value(edu('大学本科'))).toBe('bachelor');
    expect(value(edu('本科'))).toBe('bachelor');
    expect(value(edu('学士'))).toBe('bachelor');
    expect(value(edu('大专（高职）'))).toBe('college');
    expect(value(edu('博士'))).toBe('doctorate');
    expect(value(edu('PhD'))).toBe('doctorate');
    expect(value(edu('技工院校高级工班'))).toBe('tech-advanced');
  });
  it('finds a word inside a sentence, longest word first', () => {
    expect(value(edu('我是本科'))).toBe('bachelor');
    expect(value(edu('本科毕业'))).toBe('bachelor');
    expect(value(edu('大专(高职)'))).toBe('college');
    expect(value(edu('高职毕业的'))).toBe('college');
    expect(value(edu('全日制大学本科，工学学士'))).toBe('bachelor');
    expect(value(edu('在职读的工程硕士'))).toBe('master');
    expect(value(edu('非全日制硕士研究生'))).toBe('master');
    expect(value(edu('读的是预备技师班'))).toBe('tech-technician');
    expect(value(edu('只读到初中'))).toBe('none');
    expect(value(parseChoice('无机非金属材料', SPECIALTY))).toBe('materials');
    expect(value(parseChoice('我们是做化工的', SPECIALTY))).toBe('petrochemical');
  });
  it('reads Traditional characters and full-width text', () => {
    expect(value(edu('碩士'))).toBe('master');
    expect(value(edu('大專（高職）'))).toBe('college');
    expect(value(edu('我是博士研究生'))).toBe('doctorate');
    expect(value(parseChoice('紡織', SPECIALTY))).toBe('light-textile');
    expect(value(edu('２'))).toBe('master');
  });
  it('accepts the 1-based number of an option, as text or JSON', () => {
    expect(value(edu('1'))).toBe('doctorate');
    expect(value(edu(' 3 '))).toBe('bachelor');
    expect(value(edu(9))).toBe('none');
    expect(value(edu('二'))).toBe('master');
    expectHint(edu('0'));
    expectHint(edu('10'));
    expectHint(edu(2.5));
  });
  it('prefers an exact numeric value over the position', () => {
    const rows: ChoiceOption[] = [{ value: '2', label: '第二类', words: [] }, { value: '1', label: '第一类', words: [] }];
    expect(value(parseChoice('2', rows))).toBe('2');
  });
  it('fails on a negated word instead of picking it', () => {
    expectHint(edu('不是本科'));
    expectHint(edu('我不是本科'));
    expectHint(edu('没有本科学历'));
    expectHint(edu('没读过本科'));
    expectHint(edu('非本科'));
    expectHint(edu('不是本科，是大专'));
  });
  it('fails on a tie between options, listing them', () => {
    const h = hintOf(edu('本科还是硕士'));
    expect(h).toContain('1. 博士研究生');
    expect(h).toContain('3. 大学本科');
  });
  it('fails on garbage, empty, other types and huge input', () => {
    for (const raw of ['', '   ', '😀😀', 'asdf', '？？', null, true, {}, [], HUGE]) expectHint(edu(raw));
    expect(hintOf(parseChoice('本科', []))).toBe('此题没有可选项。');
  });
});

describe('parseBoolean', () => {
  it('reads yes', () => {
    for (const s of ['是', '是的', '对', '对的', '有', '有的', '嗯', '嗯嗯', '好', '好的', '合格', '通过', '通过了', '符合', '具备',
      'yes', 'Yes', 'Y', 'OK', 'true', '1', '１', '✓', '√', '是的👍', '是。', '对啊', '没问题', '没错', '有，2022年拿到的', '是滴']) {
      expect(value(parseBoolean(s)), s).toBe(true);
    }
  });
  it('reads no, and a negation wins', () => {
    for (const s of ['否', '不', '不是', '没有', '沒有', '無', '无', '没', '不合格', '未通过', '不符合', 'no', 'NO', 'n', 'false', '0', '×',
      '不是的', '当然不是', '没有啊', '不在园区', '公司不是民营的', '还没通过', '有一年不合格']) {
      expect(value(parseBoolean(s)), s).toBe(false);
    }
  });
  it('accepts JSON booleans and 0/1', () => {
    expect(value(parseBoolean(true))).toBe(true);
    expect(value(parseBoolean(false))).toBe(false);
    expect(value(parseBoolean(1))).toBe(true);
    expect(value(parseBoolean(0))).toBe(false);
  });
  it('fails on unsure answers, questions back, garbage and huge input', () => {
    for (const raw of ['不知道', '不清楚', '不确定', '是不是要看社保？', '什么意思', '有没有都行吗', '', '🙂', 'asdf', '2', null, {}, 'x'.repeat(10_000), HUGE]) {
      expectHint(parseBoolean(raw), '是');
    }
  });
});

describe('parseMonth', () => {
  const month = (raw: unknown, nullable = false): ParseResult<string | null> => parseMonth(raw, { now, nullable });
  it('reads the common forms', () => {
    for (const s of ['2018-07', '2018-7', '2018.7', '2018/7', '2018年7月', '2018年07月', '18年7月', '２０１８年７月', '2018年7月份',
      '二〇一八年七月', '二零一八年七月', '一八年七月', '2018 年 7 月', '2018年7月毕业', '我是2018年7月入职的', '2018-07-15', '2018年7月1日']) {
      expect(value(month(s)), s).toBe('2018-07');
    }
    expect(value(month('2018年十二月'))).toBe('2018-12');
    expect(value(month('二〇〇九年十月'))).toBe('2009-10');
  });
  it('reads two-digit years relative to the clock', () => {
    expect(value(month('99年7月'))).toBe('1999-07');
    expect(value(month('05年3月'))).toBe('2005-03');
    expect(value(month('25年6月'))).toBe('2025-06');
    expectHint(month('26年1月'), '1950'); // 1926
  });
  it('refuses months outside 1–12, old years and the future', () => {
    expectHint(month('2018年13月'), '月份应在1到12之间');
    expectHint(month('2018-00'), '月份应在1到12之间');
    expectHint(month('1949年10月'), '1950');
    expectHint(month('2025年7月'), '不能晚于');
    expectHint(month('2030-01'), '不能晚于');
    expect(value(parseMonth('2025-06', { now: new Date('2025-06-01T00:30:00+08:00') }))).toBe('2025-06');
    expectHint(parseMonth('2025-06', { now: new Date('2025-05-31T16:30:00Z'), timeZone: 'UTC' }), '不能晚于');
  });
  it('asks for the month when only a year is given', () => {
    for (const s of ['2018', '2018年', '18年', '２０１８', '2018-2019']) expectHint(month(s), '2018年7月');
  });
  it('reads "none" only when the question allows it', () => {
    for (const s of ['没有', '沒有', '无', '否', '不是', '没', '还没有取得', '暂无', 'none', 'null']) {
      expect(value(month(s, true)), s).toBeNull();
      expectHint(month(s));
    }
    expect(value(month(null, true))).toBeNull();
    expectHint(month(null));
    expectHint(month('不知道', true), '没有');
  });
  it('fails on two months, JSON numbers, garbage and huge input', () => {
    expectHint(month('2018年7月到2019年3月'), '一个');
    for (const raw of [2018.07, 201807, true, {}, '', '  ', '😀', '去年', 'abc', HUGE]) expectHint(month(raw));
  });
});

describe('parseDate', () => {
  const date = (raw: unknown): ParseResult<string> => parseDate(raw, { now });
  it('reads the common forms', () => {
    for (const s of ['2022-07-01', '2022-7-1', '2022.7.1', '2022/7/1', '2022年7月1日', '2022年07月01日', '2022年7月1号', '２０２２年７月１日',
      '２０２２－０７－０１', '22年7月1日', '二〇二二年七月一日', '2022-07-01T08:00:00+08:00', '证书是2022年7月1日发的']) {
      expect(value(date(s)), s).toBe('2022-07-01');
    }
    expect(value(date('二〇二二年十二月三十一日'))).toBe('2022-12-31');
    expect(value(date('2024-02-29'))).toBe('2024-02-29');
  });
  it('refuses dates that do not exist, old dates and the future', () => {
    for (const s of ['2023-02-30', '2023-02-29', '2022-04-31', '2022-13-01', '2022-00-10', '2022-07-00']) expectHint(date(s), '2022年7月1日');
    expectHint(date('1949-12-31'), '1950');
    expectHint(date('2025-06-16'), '不能晚于');
    expect(value(date('2025-06-15'))).toBe('2025-06-15');
  });
  it('asks for the day when only a month is given', () => {
    expectHint(date('2022年7月'), '具体哪一天');
    expectHint(date('2022'), '具体哪一天');
  });
  it('fails on two dates, garbage and huge input', () => {
    expectHint(date('2022-07-01或2022-08-01'), '一个');
    for (const raw of ['', '😀', '七月一日', 'yesterday', 20220701, null, HUGE]) expectHint(date(raw));
  });
});

describe('parseCount', () => {
  const count = (raw: unknown, opts = {}): ParseResult<number> => parseCount(raw, opts);
  it('reads counts in digits and Chinese', () => {
    const cases: [unknown, number][] = [
      ['3', 3], ['三项', 3], ['3个', 3], ['两件', 2], ['兩項', 2], ['0', 0], ['零', 0], ['没有', 0], ['沒有', 0], ['无', 0],
      ['一项', 1], ['十二', 12], ['１２', 12], ['有两项', 2], ['两项，都是第一', 2], ['一共三项', 3], ['发明专利有2项', 2], ['3 项', 3], ['大约5个', 5],
      ['一百零五', 105], [7, 7], ['7', 7], ['没有发明专利', 0],
    ];
    for (const [raw, n] of cases) expect(value(count(raw)), String(raw)).toBe(n);
  });
  it('reads decimals and halves only when asked to', () => {
    const dec = { integer: false };
    expect(value(count('3.5年', dec))).toBe(3.5);
    expect(value(count('三年半', dec))).toBe(3.5);
    expect(value(count('两年半', dec))).toBe(2.5);
    expect(value(count('半年', dec))).toBe(0.5);
    expect(value(count('5年', dec))).toBe(5);
    expect(value(count(2.5, dec))).toBe(2.5);
    expectHint(count('3.5年'), '整数');
    expectHint(count('三年半'), '整数');
    expectHint(count(2.5), '整数');
  });
  it('refuses negative numbers and values out of range', () => {
    expectHint(count('-1'), '负数');
    expectHint(count(-3), '负数');
    expectHint(count('负2'), '负数');
    expectHint(count('12', { max: 10 }), '0到10之间');
    expectHint(count('0', { min: 1 }), '不小于1');
    expect(value(count('10', { max: 10 }))).toBe(10);
    expect(value(count('0', { min: -5 }))).toBe(0);
  });
  it('fails on estimates, several numbers, garbage and huge input', () => {
    for (const raw of ['三四个', '两三年', '2到3项', '1年零3个月', '不知道', '很多', '', '😀', 'abc', NaN, Infinity, null, true, HUGE, '9'.repeat(10_000)]) {
      expectHint(count(raw));
    }
  });
});

describe('parseHours', () => {
  const h = (professional: number, pub: number, other: number) => ({ professional, public: pub, other });
  it('reads labelled text', () => {
    const cases: [string, ReturnType<typeof h>][] = [
      ['专业课200 公需课60 其他20', h(200, 60, 20)],
      ['专业200学时，公需60学时，其他20', h(200, 60, 20)],
      ['专业课200，公需课60', h(200, 60, 0)],
      ['公需课60，专业课200，其他10', h(200, 60, 10)],
      ['專業課200學時，公需課60學時，其他20學時', h(200, 60, 20)],
      ['专业课：２００，公需课：６０，其它：２０', h(200, 60, 20)],
      ['专业科目学时200，公共课60，其余15', h(200, 60, 15)],
      ['2021-2023年专业课180，公需课54，其他36', h(180, 54, 36)],
      ['专业课二百学时，公需课六十学时', h(200, 60, 0)],
      ['专业课180.5，公需课54', h(180.5, 54, 0)],
    ];
    for (const [s, want] of cases) expect(value(parseHours(s)), s).toEqual(want);
  });
  it('reads three bare numbers in order', () => {
    for (const s of ['200/60/20', '200 60 20', '200，60，20', '200、60、20', '２００／６０／２０', '200学时/60学时/20学时', '200-60-20']) {
      expect(value(parseHours(s)), s).toEqual(h(200, 60, 20));
    }
  });
  it('accepts a JSON object with the three keys', () => {
    expect(value(parseHours({ professional: 200, public: 60, other: 20 }))).toEqual(h(200, 60, 20));
    expect(value(parseHours({ professional: 200, public: 60 }))).toEqual(h(200, 60, 0));
    for (const raw of [{ professional: 200, public: 60, other: 20, extra: 1 }, { professional: 200 }, { professional: -1, public: 60, other: 0 },
      { professional: '200', public: 60, other: 20 }, { professional: NaN, public: 60, other: 20 }, [200, 60, 20]]) {
      expectHint(parseHours(raw), '专业课200');
    }
  });
  it('asks for the split when given one total', () => {
    for (const raw of ['270学时', '一共270', '270', 270]) expectHint(parseHours(raw), '分开填写');
  });
  it('fails when professional or public is missing, ambiguous or negative', () => {
    expectHint(parseHours('专业课200，其他20'));
    expectHint(parseHours('公需课60'));
    expectHint(parseHours('专业课200，公需课60，另外30'));
    expectHint(parseHours('专业课200，专业课180，公需课60'));
    expectHint(parseHours('200/60'));
    expectHint(parseHours('专业课-200，公需课60'), '负数');
  });
  it('fails on garbage and huge input', () => {
    for (const raw of ['', '😀', '不知道', 'abc', null, true, HUGE]) expectHint(parseHours(raw));
  });
});

describe('parseText', () => {
  it('trims and keeps the text as typed', () => {
    expect(value(parseText('  负责车间工艺改进  '))).toBe('负责车间工艺改进');
    expect(value(parseText('負責ABC項目'))).toBe('負責ABC項目');
    expect(value(parseText('字'.repeat(200)))).toHaveLength(200);
  });
  it('fails on empty, too long, non-string and huge input', () => {
    for (const raw of ['', '   \n', '😀👍', '。。。', '字'.repeat(201), 42, null, { text: 'x' }, HUGE]) expectHint(parseText(raw), '200');
  });
});

describe('parseAnswer', () => {
  it('dispatches on the kind with its options', () => {
    expect(parseAnswer('choice', '硕士', { options: EDUCATION })).toEqual({ ok: true, value: 'master' });
    expect(parseAnswer('boolean', '是的')).toEqual({ ok: true, value: true });
    expect(parseAnswer('month', '2018年7月', { now })).toEqual({ ok: true, value: '2018-07' });
    expect(parseAnswer('month', '没有', { now, nullable: true })).toEqual({ ok: true, value: null });
    expect(parseAnswer('number', '三项', { max: 10 })).toEqual({ ok: true, value: 3 });
    expect(parseAnswer('number', '三年半', { integer: false })).toEqual({ ok: true, value: 3.5 });
    expect(parseAnswer('hours', '200/60/20')).toEqual({ ok: true, value: { professional: 200, public: 60, other: 20 } });
    expect(parseAnswer('date', '2022年7月1日', { now })).toEqual({ ok: true, value: '2022-07-01' });
    expect(parseAnswer('text', ' 工艺员 ')).toEqual({ ok: true, value: '工艺员' });
    expect(parseAnswer('choice', '本科').ok).toBe(false);
  });
  it('returns a hint, never a default, for every kind on unreadable input', () => {
    const kinds = ['choice', 'boolean', 'month', 'number', 'hours', 'date', 'text'] as const;
    for (const kind of kinds) {
      for (const raw of ['', '🙈', undefined, HUGE]) expectHint(parseAnswer(kind, raw, { options: EDUCATION, now }));
    }
  });
  it('refuses huge input quickly', () => {
    const start = performance.now();
    for (const kind of ['choice', 'boolean', 'month', 'number', 'hours', 'date', 'text'] as const) {
      parseAnswer(kind, HUGE.repeat(10), { options: EDUCATION, now });
    }
    expect(performance.now() - start).toBeLessThan(200);
  });
});

describe('round trips (fast-check)', () => {
  const validMonth = fc.tuple(fc.integer({ min: 1950, max: 2025 }), fc.integer({ min: 1, max: 12 })).filter(([y, m]) => y * 12 + m <= 2025 * 12 + 6);
  it('any month, in any accepted form, parses back to itself', () => {
    fc.assert(fc.property(validMonth, ([y, m]) => {
      const want = `${y}-${pad(m)}`;
      const forms = [want, `${y}-${m}`, `${y}.${m}`, `${y}/${m}`, `${y}年${m}月`, `${y}年${pad(m)}月份`, fullWidth(`${y}年${m}月`),
        `${pad(y % 100)}年${m}月`, `${digitWise(y)}年${chinese(m)}月`];
      for (const f of forms) expect(value(parseMonth(f, { now })), f).toBe(want);
    }));
  });
  it('any date, in any accepted form, parses back to itself', () => {
    const validDate = fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2025-06-15T00:00:00Z'), noInvalidDate: true });
    fc.assert(fc.property(validDate, (d) => {
      const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
      const want = `${y}-${pad(m)}-${pad(day)}`;
      const forms = [want, `${y}-${m}-${day}`, `${y}.${m}.${day}`, `${y}/${m}/${day}`, `${y}年${m}月${day}日`, `${y}年${m}月${day}号`,
        fullWidth(want), `${digitWise(y)}年${chinese(m)}月${chinese(day)}日`];
      for (const f of forms) expect(value(parseDate(f, { now })), f).toBe(want);
    }));
  });
  it('any count, in any accepted form, parses back to itself', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 9999 }), (n) => {
      const forms: unknown[] = [n, `${n}`, `${n}项`, `${n}个`, fullWidth(`${n}`), chinese(n), `${chinese(n)}项`, `${chinese(n)}件`, `有${n}项`];
      for (const f of forms) expect(value(parseCount(f)), String(f)).toBe(n);
    }));
  });
  it('the Chinese numeral helper of these tests is sound', () => {
    expect([0, 10, 12, 20, 105, 110, 1005, 1050, 9999].map(chinese)).toEqual(['零', '十', '十二', '二十', '一百零五', '一百一十', '一千零五', '一千零五十', '九千九百九十九']);
  });
});
