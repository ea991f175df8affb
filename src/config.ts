/**
 * Configuration from the environment and the command line, parsed with zod. A wrong value stops
 * the start with one line naming it (see ../shared/spec/INTERFACES.md).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isTimeZone } from './rules/months.ts';

const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 instant, e.g. 2023-08-01T09:00:00+08:00').transform((s) => new Date(s));
const timeZone = z.string().refine(isTimeZone, 'expected an IANA time zone, e.g. Asia/Shanghai');

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  STORE_URL: z.string().regex(/^(sqlite|redis|memory):/, 'expected sqlite://PATH, redis://HOST:PORT or memory://').default('sqlite://data/bot.sqlite'),
  BOT_NOW: instant.optional(),
  TZ_BOT: timeZone.default('Asia/Shanghai'),
  BOT_DICT: z.enum(['mini', 'full']).default('mini'),
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, 'expected a token from @BotFather, e.g. 123456:ABC-DEF…').optional(),
  TELEGRAM_API_ROOT: z.string().url().default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[\w-]{1,256}$/, 'expected 1–256 characters A-Z, a-z, 0-9, _ and -').optional(),
  LINE_CHANNEL_SECRET: z.string().min(1).optional(),
  LINE_CHANNEL_ACCESS_TOKEN: z.string().min(1).optional(),
  LINE_API_BASE_URL: z.string().url().optional(),
  LINE_DATA_API_BASE_URL: z.string().url().optional(),
  LINE_PUSH_QUOTA: z.coerce.number().int().positive().default(200),
  REMINDER_INTERVAL_SECONDS: z.coerce.number().int().positive().default(30),
  /** On SIGTERM/SIGINT, how long requests in flight, a reminder run and the channels get to finish before they are given up. */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  WECHAT_TOKEN: z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'expected the Token of the server configuration: 3–32 letters or digits').optional(),
  WECHAT_APP_ID: z.string().min(1).optional(),
  WECHAT_APP_SECRET: z.string().min(1).optional(),
  WECHAT_ENCODING_AES_KEY: z.string().regex(/^[A-Za-z0-9]{43}$/, 'expected the EncodingAESKey: 43 letters or digits').optional(),
  WECHAT_API_BASE_URL: z.string().url().default('https://api.weixin.qq.com'),
  WECHAT_REMINDER_TEMPLATE_ID: z.string().min(1).optional(),
  /** The template's field the reminder text goes into (a `thing` field holds 20 characters). */
  WECHAT_REMINDER_FIELD: z.string().regex(/^[a-z_]+\d*$/, 'expected a template field name such as thing1').default('thing1'),
  /** Choices as a clickable msgmenu through the customer-service API (verified accounts); off: numbered lines. */
  WECHAT_MSGMENU: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  WECOM_CORP_ID: z.string().min(1).optional(),
  WECOM_AGENT_ID: z.coerce.number().int().positive().optional(),
  WECOM_SECRET: z.string().min(1).optional(),
  WECOM_TOKEN: z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'expected the Token of the app\'s callback: 3–32 letters or digits').optional(),
  WECOM_ENCODING_AES_KEY: z.string().regex(/^[A-Za-z0-9]{43}$/, 'expected the EncodingAESKey: 43 letters or digits').optional(),
  WECOM_API_BASE_URL: z.string().url().default('https://qyapi.weixin.qq.com'),
  ADMIN_TOKEN: z.string().min(16, 'expected at least 16 characters (e.g. openssl rand -hex 16)').optional(),
  LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /** Question sets the console re-runs on every knowledge change (comma-separated paths); default the dev sets in ../shared/eval. */
  ADMIN_EVAL_FILES: z.string().optional(),
}).refine((c) => !c.LINE_CHANNEL_SECRET === !c.LINE_CHANNEL_ACCESS_TOKEN, { message: 'set both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN, or neither', path: ['LINE_CHANNEL_SECRET'] })
  .refine((c) => allOrNone([c.WECHAT_TOKEN, c.WECHAT_APP_ID, c.WECHAT_APP_SECRET]) && (!c.WECHAT_ENCODING_AES_KEY || c.WECHAT_TOKEN), { message: 'set WECHAT_TOKEN, WECHAT_APP_ID and WECHAT_APP_SECRET together (and WECHAT_ENCODING_AES_KEY only with them), or none', path: ['WECHAT_TOKEN'] })
  .refine((c) => allOrNone([c.WECOM_CORP_ID, c.WECOM_AGENT_ID, c.WECOM_SECRET, c.WECOM_TOKEN, c.WECOM_ENCODING_AES_KEY]), { message: 'set WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET, WECOM_TOKEN and WECOM_ENCODING_AES_KEY together, or none', path: ['WECOM_CORP_ID'] });

function allOrNone(values: unknown[]): boolean {
  const set = values.filter((v) => v !== undefined).length;
  return set === 0 || set === values.length;
}

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** The environment, with `--now` and `--store` taking precedence over BOT_NOW and STORE_URL. */
export function parseConfig(env: NodeJS.ProcessEnv, flags: { now?: string; store?: string } = {}): Config {
  const merged = { ...env, ...(flags.now !== undefined && { BOT_NOW: flags.now }), ...(flags.store !== undefined && { STORE_URL: flags.store }) };
  const parsed = configSchema.safeParse(Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const flag = name === 'BOT_NOW' ? ' (--now)' : name === 'STORE_URL' ? ' (--store)' : '';
    throw new ConfigError(`configuration ${name}${flag}: ${issue.message}`);
  }
  return parsed.data;
}

/** The flags common to `chat` and `start`, plus chat's own. */
export function parseCliFlags(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      now: { type: 'string' },
      store: { type: 'string' },
      user: { type: 'string' },
      jsonl: { type: 'boolean', default: false },
      /** The edition served whatever the clock (chat only; default: the one in force, knowledge/editions.yaml). */
      edition: { type: 'string' },
    },
    strict: true,
  });
  return values;
}
