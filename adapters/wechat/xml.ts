/**
 * The XML of WeChat and WeCom callbacks (fast-xml-parser): a message in, with every value kept as
 * text (MsgId is a 64-bit number); a reply out, every value in CDATA with `]]>` split and control
 * characters stripped. Documents that declare a DTD are refused (no entity tricks).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, processEntities: true, trimValues: false });

/** The fields of `<xml>…</xml>` as strings, or null when the body is not such a document. */
export function parseXml(body: string): Record<string, string> | null {
  if (!body.trim() || /<!DOCTYPE|<!ENTITY/i.test(body)) return null;
  if (XMLValidator.validate(body) !== true) return null;
  let doc: unknown;
  try {
    doc = parser.parse(body);
  } catch {
    return null;
  }
  const root = (doc as { xml?: unknown }).xml;
  if (!root || typeof root !== 'object' || Array.isArray(root)) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(root)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Text safe inside CDATA: control characters (but tab and line breaks) removed, `]]>` split across two sections. */
export function cdata(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g, '');
  return `<![CDATA[${clean.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** `<xml>` with these fields: strings in CDATA, numbers bare. */
export function buildXml(fields: Record<string, string | number>): string {
  const inner = Object.entries(fields).map(([k, v]) => `<${k}>${typeof v === 'number' ? String(v) : cdata(v)}</${k}>`).join('');
  return `<xml>${inner}</xml>`;
}
