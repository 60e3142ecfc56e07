import { startTestchat } from '/work/main/sandbox/testchat/server';
const limits = { overall: { limit: 1000, windowMs: 1000 }, perChat: { limit: 1, windowMs: 1000 }, perGroup: { limit: 20, windowMs: 60000 } };
const { url, token } = await startTestchat({ limits, inject429: { rate: 0.05, retryAfterSeconds: 1, seed: 7 } });
console.log(JSON.stringify({ url, token }));
