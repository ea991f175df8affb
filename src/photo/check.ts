/**
 * The notice's photo rules (附件1 二.1; in 2023: JPG or JPEG, larger than 30K and smaller than 1M,
 * larger than 215×300 pixels (width × height), width/height between 0.65 and 0.8). `photoFacts`
 * reads an image's facts (image-size); `checkPhoto` compares them with the edition's parameters
 * and says what each rule asks in the edition's wording.
 */
import { createRequire } from 'node:module';
import type { imageSize as ImageSize } from 'image-size';
import type JpegJs from 'jpeg-js';
import { fill } from '../core/template.ts';
import type { Knowledge } from '../knowledge/load.ts';

/** What the photo check needs of an edition: the photo parameter and the wording of its rules. */
export type PhotoEdition = Pick<Knowledge, 'params' | 'wording'>;

/**
 * The image decoders, loaded on the first photo (most starts never see one). A synchronous
 * require, resolved from this file, so the bundle leaves both packages in node_modules.
 */
let decoders: { imageSize: typeof ImageSize; jpeg: typeof JpegJs } | undefined;
function loadDecoders(): { imageSize: typeof ImageSize; jpeg: typeof JpegJs } {
  if (!decoders) {
    const require = createRequire(import.meta.url);
    decoders = { imageSize: (require('image-size') as { imageSize: typeof ImageSize }).imageSize, jpeg: require('jpeg-js') as typeof JpegJs };
  }
  return decoders;
}

/**
 * What an uploaded file is: its type, size in bytes and pixels (null when not an image), and for a
 * JPEG that decodes, whether the background (the border above and beside the person) is white.
 */
export interface PhotoFacts {
  type: string | null; bytes: number; width: number | null; height: number | null;
  /** Share of the border's pixels that are near white (0…1); null when the image was not decoded. */
  whiteBorder?: number | null;
}

/** A border pixel counts as white when every channel is at least this bright and the channels are this close. */
const WHITE = { min: 200, spread: 30 };
/** The share of white border pixels a 白底 photo has at least. */
export const WHITE_BORDER_SHARE = 0.8;

export function photoFacts(data: Uint8Array): PhotoFacts {
  const { imageSize } = loadDecoders();
  try {
    const { type, width, height } = imageSize(data);
    const facts: PhotoFacts = { type: type ?? null, bytes: data.byteLength, width: width ?? null, height: height ?? null };
    if (type === 'jpg') facts.whiteBorder = whiteBorder(data);
    return facts;
  } catch {
    return { type: null, bytes: data.byteLength, width: null, height: null };
  }
}

/**
 * The share of near-white pixels in the background of a portrait: the top band and the upper
 * halves of the side bands (the bottom is shoulders). Null when the JPEG does not decode (limits:
 * 20 megapixels, 256 MB, so a hostile file cannot exhaust memory).
 */
function whiteBorder(data: Uint8Array): number | null {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = loadDecoders().jpeg.decode(data, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 20, maxMemoryUsageInMB: 256 });
  } catch {
    return null;
  }
  const { width: w, height: h, data: px } = img;
  if (w < 10 || h < 10) return null;
  const band = Math.max(2, Math.round(Math.min(w, h) * 0.06));
  let white = 0;
  let all = 0;
  const step = Math.max(1, Math.floor(Math.min(w, h) / 200));
  const look = (x: number, y: number) => {
    const i = (y * w + x) * 4;
    const r = px[i]!, g = px[i + 1]!, b = px[i + 2]!;
    all++;
    if (Math.min(r, g, b) >= WHITE.min && Math.max(r, g, b) - Math.min(r, g, b) <= WHITE.spread) white++;
  };
  for (let y = 0; y < band; y += step) for (let x = 0; x < w; x += step) look(x, y);
  for (let y = band; y < h / 2; y += step) {
    for (let x = 0; x < band; x += step) look(x, y);
    for (let x = w - band; x < w; x += step) look(x, y);
  }
  return all ? white / all : null;
}

/** One rule's result: what it asks, what the photo has, whether it passes. */
export interface PhotoRuleResult { rule: 'image' | 'format' | 'size' | 'pixels' | 'ratio' | 'background'; pass: boolean; need: string; have: string }

export function checkPhoto(f: PhotoFacts, ed: PhotoEdition): PhotoRuleResult[] {
  if (f.type === null || f.width === null || f.height === null) {
    return [{ rule: 'image', pass: false, need: photoText(ed, 'image'), have: '这不是能识别的图片文件' }];
  }
  const results = photoRules({ type: f.type, bytes: f.bytes, width: f.width, height: f.height }, ed);
  // 白底: checked when the image could be decoded.
  if (f.whiteBorder !== undefined && f.whiteBorder !== null) {
    results.push({ rule: 'background', pass: f.whiteBorder >= WHITE_BORDER_SHARE, need: photoText(ed, 'background'), have: f.whiteBorder >= WHITE_BORDER_SHARE ? '背景是白色' : '背景不是白色（偏深或有颜色）' });
  }
  return results;
}

/** What a rule asks, in the edition's words (wording.yaml `photo`), with the photo parameter's values. */
function photoText(ed: PhotoEdition, rule: PhotoRuleResult['rule']): string {
  const p = ed.params.photo.value;
  const { formats: _list, ...numbers } = p;
  return fill(ed.wording.photo[rule].text, { ...numbers, formats: p.formats.join('或') });
}

/** What each rule asks, in words. */
export function photoRuleNeeds(ed: PhotoEdition): Record<Exclude<PhotoRuleResult['rule'], 'image' | 'background'>, string> {
  return { format: photoText(ed, 'format'), size: photoText(ed, 'size'), pixels: photoText(ed, 'pixels'), ratio: photoText(ed, 'ratio') };
}

/** The rules that what is known of a photo decides (a photo described in words: "350×400的jpg，500K"). */
export function photoRules(f: { type?: string; bytes?: number; width?: number; height?: number }, ed: PhotoEdition): PhotoRuleResult[] {
  const p = ed.params.photo.value;
  const need = photoRuleNeeds(ed);
  const out: PhotoRuleResult[] = [];
  const formats = p.formats.map((x) => x.toLowerCase());
  if (f.type !== undefined) out.push({ rule: 'format', pass: formats.includes(f.type === 'jpg' ? 'jpg' : f.type), need: need.format, have: `${f.type.toUpperCase()}格式` });
  if (f.bytes !== undefined) {
    const kb = f.bytes / 1024;
    out.push({ rule: 'size', pass: kb > p.minKB && kb < p.maxMB * 1024, need: need.size, have: kb >= 1024 ? `${(kb / 1024).toFixed(2)}M` : `${kb.toFixed(1)}K` });
  }
  if (f.width !== undefined && f.height !== undefined) {
    const ratio = f.width / f.height;
    out.push(
      { rule: 'pixels', pass: f.width > p.minWidth && f.height > p.minHeight, need: need.pixels, have: `${f.width}x${f.height}像素` },
      { rule: 'ratio', pass: ratio >= p.ratioMin && ratio <= p.ratioMax, need: need.ratio, have: `宽高比${ratio.toFixed(3)}` },
    );
  }
  return out;
}
