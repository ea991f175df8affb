/**
 * `npm run wechat:menu`: prints the Official Account's custom menu (检查资格 / 常见问题 / 截止提醒,
 * each a CLICK whose key is a command the channel runs) and, when WECHAT_APP_ID and
 * WECHAT_APP_SECRET are set, posts it (/cgi-bin/menu/create).
 */
import { parseArgs } from 'node:util';
import { wechatApi, wechatMenu } from '../../adapters/wechat/index.ts';
import { ConfigError, parseConfig } from '../config.ts';
import { loadChatFlow } from '../dialogue/flow.ts';
import { openStore } from '../store/index.ts';

let config: ReturnType<typeof parseConfig>;
try {
  const { values } = parseArgs({ options: { store: { type: 'string' } }, strict: true });
  config = parseConfig(process.env, values);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `wechat:menu: ${(err as Error).message}`);
  process.exit(2);
}
const flow = loadChatFlow();
const menu = wechatMenu(flow.wechatMenu);
console.log(JSON.stringify(menu, null, 2));
if (!config.WECHAT_APP_ID || !config.WECHAT_APP_SECRET) {
  console.error('wechat:menu: printed only; set WECHAT_APP_ID and WECHAT_APP_SECRET (and WECHAT_TOKEN) to post it');
  process.exit(0);
}
const store = await openStore(config.STORE_URL);
try {
  await wechatApi({ appId: config.WECHAT_APP_ID, appSecret: config.WECHAT_APP_SECRET, apiBaseUrl: config.WECHAT_API_BASE_URL }, store).post('/cgi-bin/menu/create', menu);
  console.error('wechat:menu: posted');
} catch (err) {
  console.error(`wechat:menu: not posted: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await store.close();
}
