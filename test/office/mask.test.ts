import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPersonal } from '../../src/office/mask.ts';
import { toHalfWidth } from '../../src/text/normalize.ts';

/** Each [typed, stored] pair. */
const cases = (pairs: [string, string][]) => {
  for (const [typed, stored] of pairs) expect(maskPersonal(typed), typed).toBe(stored);
};
const unchanged = (texts: string[]) => cases(texts.map((t) => [t, t]));

describe('maskPersonal: mobile numbers', () => {
  it('masks 11-digit mainland mobiles, however grouped or prefixed', () => {
    cases([
      ['13812345678', '〔手机号〕'],
      ['我的手机13812345678，谢谢', '我的手机〔手机号〕，谢谢'],
      ['手机：199 8765 4321。', '手机：〔手机号〕。'],
      ['138-1234-5678', '〔手机号〕'],
      ['+86 13812345678', '〔手机号〕'],
      ['+8613812345678', '〔手机号〕'],
      ['86-138-1234-5678', '〔手机号〕'],
      ['0086 15912345678', '〔手机号〕'],
      ['call me at 17712345678 please', 'call me at 〔手机号〕 please'],
      ['１３８１２３４５６７８', '〔手机号〕'], // full-width digits
      ['13812345678或13987654321', '〔手机号〕或〔手机号〕'],
      ['2019年毕业 13812345678', '2019年毕业 〔手机号〕'],
    ]);
  });
  it('does not call a number starting 10, 11 or 12 a mobile (but it is still 11 digits: 〔号码〕)', () => {
    cases([['12812345678', '〔号码〕']]);
  });
});

describe('maskPersonal: landlines', () => {
  it('masks numbers with an area code', () => {
    cases([
      ['办公室电话0575-82123456', '办公室电话〔电话〕'],
      ['0575 8212 3456', '〔电话〕'],
      ['(0575)82123456', '〔电话〕'],
      ['（0575）82123456', '〔电话〕'],
      ['（０５７５）８２１２３４５６', '〔电话〕'],
      ['010-62345678', '〔电话〕'],
      ['0575-82123456-801', '〔电话〕'],
      ['0575-82123456 13812345678', '〔电话〕 〔手机号〕'],
    ]);
  });
  it('masks a 7–8 digit local number', () => {
    cases([
      ['单位电话82123456', '单位电话〔电话〕'],
      ['8212-3456', '〔电话〕'],
      ['8212 3456', '〔电话〕'],
      ['82123456 13812345678', '〔电话〕 〔手机号〕'],
      ['电话是8212345。', '电话是〔电话〕。'],
    ]);
  });
  it('masks a compact date 20230908 too: eight digits are indistinguishable from a local number', () => {
    cases([['20230908前提交吗', '〔电话〕前提交吗']]);
  });
});

describe('maskPersonal: ID-card and passport numbers', () => {
  it('masks 18-digit numbers (last X or x), grouped or not, and old 15-digit ones', () => {
    cases([
      ['身份证330682199001011234', '身份证〔证件号〕'],
      ['33068219900101123X', '〔证件号〕'],
      ['33068219900101123x号', '〔证件号〕号'],
      ['330682 19900101 1234', '〔证件号〕'],
      ['330682-1990-0101-123X', '〔证件号〕'],
      ['３３０６８２１９９００１０１１２３Ｘ', '〔证件号〕'],
      ['老身份证330682900101123', '老身份证〔证件号〕'],
    ]);
  });
  it('masks passport-like numbers', () => {
    cases([
      ['护照E12345678', '护照〔证件号〕'],
      ['G1234567', '〔证件号〕'],
      ['passport no. EA1234567.', 'passport no. 〔证件号〕.'],
    ]);
  });
});

describe('maskPersonal: e-mail addresses', () => {
  it('masks them, digits included', () => {
    cases([
      ['邮箱zhangsan@163.com，', '邮箱〔邮箱〕，'],
      ['12345678@qq.com', '〔邮箱〕'],
      ['Mail first.last+tag@example.com.cn now', 'Mail 〔邮箱〕 now'],
      ['ｚｈａｎｇ＠１６３．ｃｏｍ', '〔邮箱〕'],
    ]);
  });
});

describe('maskPersonal: names', () => {
  it('masks the 2–3 Han characters after 我叫, 我的名字是/叫, 姓名：', () => {
    cases([
      ['我叫张伟，本科毕业', '我叫〔姓名〕，本科毕业'],
      ['我叫 王小明。', '我叫 〔姓名〕。'],
      ['我的名字是李娜', '我的名字是〔姓名〕'],
      ['我的名字叫欧阳明', '我的名字叫〔姓名〕'],
      ['姓名：王小明，学历：本科', '姓名：〔姓名〕，学历：本科'],
      ['姓名:张伟', '姓名:〔姓名〕'],
      ['我叫張偉，想問一下', '我叫〔姓名〕，想問一下'],
    ]);
  });
  it('after 我是, 本人 and a bare 姓名, masks only a surname-led 2–3 character name ending the phrase', () => {
    cases([
      ['我是张伟，2019年本科', '我是〔姓名〕，2019年本科'],
      ['我是王小明', '我是〔姓名〕'],
      ['你好，我是 陈静。', '你好，我是 〔姓名〕。'],
      ['我是張偉！', '我是〔姓名〕！'],
      ['本人王芳，工程师', '本人〔姓名〕，工程师'],
      ['姓名张伟 电话13812345678', '姓名〔姓名〕 电话〔手机号〕'],
      ['姓名是刘洋。', '姓名是〔姓名〕。'],
    ]);
    unchanged([
      '我是本科',
      '我是HR',
      '我是民营企业的',
      '我是技工学校毕业',
      '我是高工，能申报吗',
      '我是程序员。',
      '我是张江高科的员工',
      '本人承诺所填内容属实',
      '本人是否需要到场？',
      '本人于2019年毕业',
      '姓名和身份证不一致怎么办',
      '姓名栏怎么填',
    ]);
  });
});

describe('maskPersonal: other long numbers', () => {
  it('masks any other run of 7 or more digits, spaces and dashes between groups allowed', () => {
    cases([
      ['工号1234567', '工号〔号码〕'],
      ['QQ号123456789', 'QQ号〔号码〕'],
      ['卡号6222 0212 3456 7890 123', '卡号〔号码〕'],
      ['6222021234567890123', '〔号码〕'],
      ['编号0123-4567', '编号〔号码〕'],
      ['2019 2023 1234', '〔号码〕'],
      ['E1234567890', 'E〔号码〕'],
    ]);
  });
});

describe('maskPersonal: what it keeps', () => {
  it('keeps years, months, dates, hour counts, counts and document numbers', () => {
    unchanged([
      '我2019年毕业',
      '2019',
      '2019-07入职',
      '2019.7',
      '2019.07.01',
      '2023年9月8日前',
      '9月8号截止',
      '2023-09-08',
      '2023/09/08',
      '2019-2023年继续教育',
      '2020 2021 2022年各90学时',
      '2019—2023年',
      '满90学时，共270学时',
      '我有3项专利，发表论文2篇',
      '虞综管办〔2023〕43号',
      '宽高比0.80，大小不超过200KB',
      '100000元',
      '2023年度 第1-3项',
    ]);
  });
  it('keeps URLs, masking only mobiles, ID cards and e-mail addresses inside them', () => {
    unchanged([
      '通知在https://zjjcmspublic.oss-cn-hangzhou-zwynet-d01-a.internet.cn/jcms_files/jcms1/web3570/site/attach/0/art_1229_59046258.docx里',
      'http://220.191.224.159/elms/web/index.jsp',
      'https://zcps.rlsbt.zj.gov.cn',
    ]);
    cases([
      ['http://a.cn/?tel=13812345678&id=12345678', 'http://a.cn/?tel=〔手机号〕&id=12345678'],
      ['https://a.cn/u/330682199001011234', 'https://a.cn/u/〔证件号〕'],
    ]);
  });
  it('keeps English, Traditional Chinese, emoji and the empty string', () => {
    unchanged([
      '',
      'How many hours of continuing education do I need?',
      '請問繼續教育要多少學時？',
      '谢谢👍🏻😀',
      '🇨🇳 中级工程师',
      '我是谁？',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const MOBILE_RE = /(?<!\d)1[3-9]\d{9}(?!\d)/;
const ID_RE = /(?<!\d)\d{17}[\dXx]/;

/** A mobile number, written in one of the ways people write them. */
const mobile = fc
  .tuple(fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/), fc.constantFrom('', ' ', '-'), fc.constantFrom('', '+86', '86 ', '+86-'))
  .map(([second, rest, sep, prefix]) => `${prefix}1${second}${rest.slice(0, 1)}${sep}${rest.slice(1, 5)}${sep}${rest.slice(5)}`);
/** An 18-digit ID-card number, maybe grouped 6-8-4. */
const idCard = fc
  .tuple(fc.stringMatching(/^\d{17}[\dXx]$/), fc.constantFrom('', ' ', '-'))
  .map(([id, sep]) => `${id.slice(0, 6)}${sep}${id.slice(6, 14)}${sep}${id.slice(14)}`);
/** Chinese text around them, including digits, years and separators that may touch a number. */
const filler = fc.string({
  unit: fc.constantFrom('我', '的', '手机', '电话', '是', '，', '。', ' ', '-', '年', '2019', '3', 'X', 'x', '：', '号', '〔', '〕', '😀', '繼續'),
  maxLength: 6,
});
const textWithNumbers = fc
  .array(fc.tuple(filler, fc.oneof(mobile, idCard)), { minLength: 1, maxLength: 5 })
  .chain((parts) => filler.map((tail) => parts.map(([f, n]) => f + n).join('') + tail));

/** Characters the rules care about, so that random strings exercise them. */
const nasty = fc.string({
  unit: fc.constantFrom(
    ...'0123456789０１２３４５６７８９ -－.@+()（）XxEeGgaz:：/，。〔〕'.split(''),
    '我叫', '我是', '本人', '姓名', '张', '伟', '王', '小', '高工', '手机号', '证件号', '邮箱', '号码', '电话', 'http://', '2019', '138', '0575',
  ),
  maxLength: 40,
});

describe('maskPersonal: properties', () => {
  it('never throws, on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary-ascii' })), (s) => {
        expect(typeof maskPersonal(s)).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(nasty, textWithNumbers, fc.string({ unit: 'binary' })), (s) => {
        const once = maskPersonal(s);
        expect(maskPersonal(once)).toBe(once);
      }),
      { numRuns: 3000 },
    );
  });

  it('lets no mobile, ID-card number or run of 7 digits through (outside URLs)', () => {
    fc.assert(
      fc.property(fc.oneof(textWithNumbers, nasty.filter((s) => !s.includes('http://'))), (s) => {
        const out = toHalfWidth(maskPersonal(s));
        expect(out).not.toMatch(MOBILE_RE);
        expect(out).not.toMatch(ID_RE);
        expect(out).not.toMatch(/\d{7}/);
      }),
      { numRuns: 3000 },
    );
  });

  it('masks every embedded number with its own placeholder when it stands apart', () => {
    const apart = fc.constantFrom('，', '。', '：', '号码是', '手机');
    fc.assert(
      fc.property(fc.array(fc.oneof(mobile.map((n) => [n, '〔手机号〕']), idCard.map((n) => [n, '〔证件号〕'])), { minLength: 1, maxLength: 4 }), apart, (numbers, gap) => {
        const typed = numbers.map(([n]) => gap + n).join('') + gap;
        expect(maskPersonal(typed)).toBe(numbers.map(([, p]) => gap + p).join('') + gap);
      }),
    );
  });

  it('leaves text without personal data as it was', () => {
    const safe = fc.constantFrom(
      '2019年', '2023年9月8日', '2019-07', '2019.7', '2023-09-08', '2019-2023年', '90学时', '270学时', '3项专利',
      '虞综管办〔2023〕43号', '继续教育', '中级工程师', '我是本科', 'hello world', '繼續教育', '😀', '本人承诺', '12345',
      'https://zcps.rlsbt.zj.gov.cn/a/2023/0908/1234567.html',
    );
    fc.assert(
      fc.property(fc.array(safe, { maxLength: 8 }), fc.constantFrom('，', '。', '、', '\n'), (pieces, sep) => {
        const text = pieces.join(sep);
        expect(maskPersonal(text)).toBe(text);
      }),
    );
  });
});

describe('numbers written to slip past', () => {
  it('masks numbers with dots, slashes, underscores, commas, zero-width spaces or spelt in Chinese numerals', () => {
    for (const t of ['138.1234.5678', '138/1234/5678', '138_1234_5678', '138，1234，5678', '138\u200B1234\u200B5678', '一三八一二三四五六七八']) {
      expect(maskPersonal(`我的手机${t}`), t).toBe('我的手机〔手机号〕');
    }
    expect(maskPersonal('身份证330102.19900101.1234')).toBe('身份证〔证件号〕');
    expect(maskPersonal('https://pay.example/card=6222021234567890123')).toBe('https://pay.example/card=〔号码〕');
  });

  it('still leaves dates, decimals, lists and short spelt numbers as they are', () => {
    for (const t of ['2023.09.08截止', '宽高比0.65到0.8', '2019，2020，2021年都合格', '一二三四五六', '专业课180，公需课60']) expect(maskPersonal(t)).toBe(t);
  });
});
