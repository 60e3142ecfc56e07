// The console's "how to" box: the subscriber path in four steps, how to publish a signal to the running service, and how to check for drift.
import { escapeHtml } from './html';

const SIGNAL = `{"publisherId":"console-'$(date +%s)'","symbol":"BTCUSDT","market":"crypto","side":"long","conviction":0.9,"reasons":["Breakout on volume"]}`;

/** The commands that publish a signal to the service at `serviceUrl` (the CLI writes to the same DATABASE_URL). */
export function publishCommands(serviceUrl: string): string[] {
  return [
    'npm run cli -- signal publish --symbol BTCUSDT --market crypto --side long --conviction 0.9 --reason "Breakout on volume"   # the service picks it up within 5 s',
    `SIGNALCAST_KEY=$(npm run -s cli -- keys create console | grep -Eo '^ +sc_[0-9A-Za-z]+' | tr -d ' ')\ncurl -sS -X POST ${serviceUrl}/v1/signals -H "Authorization: Bearer $SIGNALCAST_KEY" -H 'Content-Type: application/json' -d '${SIGNAL}'`,
  ];
}

export function renderHowTo(serviceUrl: string | undefined): string {
  const publish = serviceUrl
    ? `<p>Publish a signal to the service at <code>${escapeHtml(serviceUrl)}</code>, from another terminal in the project folder, either way:</p>
${publishCommands(serviceUrl).map((c) => `<pre>${escapeHtml(c)}</pre>`).join('\n')}`
    : '<p>Publish a signal once the service listens (its URL shows here then).</p>';
  return `<details open><summary><strong>How to</strong></summary>
<p>Send <code>/subscribe vip</code>, open the checkout link and pay with the test card <code>4242 4242 4242 4242</code>
(any future expiry and CVC; <code>4000 0000 0000 0002</code> is declined); an invite link arrives here: press <em>Join</em>.
Then publish a signal and watch the alert arrive in the channel and in the chat.
On Discord, run <code>/subscribe vip</code> in the Discord section and pay the same way: the VIP role opens #vip-signals, where the alert arrives as an embed.</p>
${publish}
<p>See whether the database and the emulators agree (the command uses this sandbox's emulators): <code>npm run cli -- billing reconcile --dry-run</code>
and <code>npm run cli -- access reconcile --dry-run</code>. A restart resets the subscriptions, as the emulators start empty.</p>
</details>`;
}
