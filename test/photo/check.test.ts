import { describe, expect, it } from 'vitest';
import { defaultKnowledgeRoot, loadKnowledge } from '../../src/knowledge/load.ts';
import { checkPhoto, photoFacts } from '../../src/photo/check.ts';
import { jpeg, png, portrait } from './images.ts';
import { EDITION_2023 } from '../kit.ts';

// The limits below are 2023's (附件1 二.1): its edition, named.
const knowledge = loadKnowledge(defaultKnowledgeRoot(), EDITION_2023);
const failing = (data: Uint8Array) => checkPhoto(photoFacts(data), knowledge).filter((r) => !r.pass).map((r) => r.rule);

describe('the photo rules of 附件1 二.1', () => {
  it('passes a white-background-sized JPEG within every limit', () => {
    expect(failing(jpeg(330, 441, 60_000))).toEqual([]);
  });
  it('names each rule a photo breaks', () => {
    expect(failing(png(330, 441))).toEqual(['format']);
    expect(failing(jpeg(330, 441, 20_000))).toEqual(['size']); // not over 30K
    expect(failing(jpeg(330, 441, 1024 * 1024))).toEqual(['size']); // not under 1M
    expect(failing(jpeg(200, 280))).toEqual(['pixels']);
    expect(failing(jpeg(441, 441))).toEqual(['ratio']); // 1.0
    expect(failing(jpeg(300, 500))).toEqual(['ratio']); // 0.6
  });
  it('keeps the ratio edges inside (0.65 and 0.8)', () => {
    expect(failing(jpeg(260, 400))).toEqual([]); // 0.65
    expect(failing(jpeg(320, 400))).toEqual([]); // 0.8
  });
  it('says so when the file is not an image', () => {
    const r = checkPhoto(photoFacts(new TextEncoder().encode('not an image at all')), knowledge);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ rule: 'image', pass: false });
  });
  it('checks the background of a photo it can decode (白底)', () => {
    const white = portrait(330, 441, [250, 250, 250], 40_000);
    const blue = portrait(330, 441, [40, 90, 200], 40_000);
    const grey = portrait(330, 441, [120, 120, 120], 40_000);
    expect(photoFacts(white).whiteBorder).toBeGreaterThan(0.9);
    expect(failing(white)).toEqual([]);
    expect(failing(blue)).toEqual(['background']);
    expect(failing(grey)).toEqual(['background']);
    const r = checkPhoto(photoFacts(blue), knowledge).find((x) => x.rule === 'background')!;
    expect(r.have).toContain('不是白色');
  });
  it('leaves the background unjudged when the image does not decode', () => {
    expect(photoFacts(jpeg(330, 441)).whiteBorder).toBeNull();
    expect(checkPhoto(photoFacts(jpeg(330, 441)), knowledge).map((r) => r.rule)).not.toContain('background');
  });
});
