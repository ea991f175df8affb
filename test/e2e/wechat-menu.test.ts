/** `npm run wechat:menu`: prints the menu, and posts it to the (fake) WeChat API when the credentials are set. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWechat, type FakeWechat } from '../channels/fake-wechat.ts';
import { runTsx } from './spawn.ts';

describe('npm run wechat:menu', () => {
  let fake: FakeWechat;
  beforeAll(async () => { fake = await startFakeWechat(); });
  afterAll(async () => { await fake.close(); });

  it('prints the menu without credentials, and posts it with them', async () => {
    const printed = await runTsx('src/cli/wechat-menu.ts', [], { env: { WECHAT_TOKEN: '', WECHAT_APP_ID: '', WECHAT_APP_SECRET: '' } });
    expect(printed.status, printed.stderr).toBe(0);
    const menu = JSON.parse(printed.stdout) as { button: { type: string; name: string; key: string }[] };
    expect(menu.button.map((b) => `${b.type}:${b.name}:${b.key}`)).toEqual(['click:检查资格:check', 'click:常见问题:faq', 'click:截止提醒:subscribe']);
    expect(printed.stderr).toContain('printed only');
    expect(fake.menus).toEqual([]);

    const posted = await runTsx('src/cli/wechat-menu.ts', ['--store', 'memory://'], { env: { WECHAT_TOKEN: 'menutoken', WECHAT_APP_ID: 'wxmenu', WECHAT_APP_SECRET: 's', WECHAT_API_BASE_URL: fake.url } });
    expect(posted.status, posted.stderr).toBe(0);
    expect(fake.menus).toEqual([menu]);
  }, 60_000);
});
