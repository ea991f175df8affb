/**
 * The notice's photo rules (附件1 二.1): JPG or JPEG, larger than 30K and smaller than 1M, larger
 * than 215×300 pixels (width × height), width/height between 0.65 and 0.8. `photoFacts` reads an
 * image's facts (image-size); `checkPhoto` compares them with the edition's parameters.
 */
import { imageSize } from 'image-size';
import type { Parameters } from '../knowledge/schema.ts';

/** What an uploaded file is: its type, size in bytes and pixels (null when not an image). */
export interface PhotoFacts { type: string | null; bytes: number; width: number | null; height: number | null }

export function photoFacts(data: Uint8Array): PhotoFacts {
  try {
    const { type, width, height } = imageSize(data);
    return { type: type ?? null, bytes: data.byteLength, width: width ?? null, height: height ?? null };
  } catch {
    return { type: null, bytes: data.byteLength, width: null, height: null };
  }
}

/** One rule's result: what it asks, what the photo has, whether it passes. */
export interface PhotoRuleResult { rule: 'image' | 'format' | 'size' | 'pixels' | 'ratio'; pass: boolean; need: string; have: string }

export function checkPhoto(f: PhotoFacts, params: Parameters): PhotoRuleResult[] {
  const p = params.photo.value;
  if (f.type === null || f.width === null || f.height === null) {
    return [{ rule: 'image', pass: false, need: `${p.formats.join('或')}格式的照片`, have: '这不是能识别的图片文件' }];
  }
  return photoRules({ type: f.type, bytes: f.bytes, width: f.width, height: f.height }, params);
}

/** What each rule asks, in words. */
export function photoRuleNeeds(params: Parameters): Record<Exclude<PhotoRuleResult['rule'], 'image'>, string> {
  const p = params.photo.value;
  return {
    format: `${p.formats.join('或')}格式`,
    size: `大于${p.minKB}K且小于${p.maxMB}M`,
    pixels: `大于${p.minWidth}x${p.minHeight}像素（宽x高）`,
    ratio: `宽高比大于等于${p.ratioMin}且小于等于${p.ratioMax}`,
  };
}

/** The rules that what is known of a photo decides (a photo described in words: "350×400的jpg，500K"). */
export function photoRules(f: { type?: string; bytes?: number; width?: number; height?: number }, params: Parameters): PhotoRuleResult[] {
  const p = params.photo.value;
  const need = photoRuleNeeds(params);
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
