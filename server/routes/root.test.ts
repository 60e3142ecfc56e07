// GET / leads to the sandbox console in sandbox mode and stays a 404 elsewhere.
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareService, type Service } from '../../app/service';
import { loadConfig } from '../../config';
import { silentLogger } from '../../core/logger';
import { DEFAULT_PLANS } from '../../core/plans';
import { openMemoryDatabase } from '../../db/client';
import { consoleAddress, registerRootRoute } from './root';

const services: Service[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) {
    await s.app.close();
    s.db.$client.close();
  }
});

async function service(env: Record<string, string>): Promise<Service> {
  const s = await prepareService({ config: loadConfig({ HOST: '127.0.0.1', PORT: '8080', LOG_LEVEL: 'silent', ...env }), logger: silentLogger, db: openMemoryDatabase(), plans: DEFAULT_PLANS });
  services.push(s);
  return s;
}

describe('GET /', () => {
  it('in sandbox mode redirects to the console on the name the browser used, with a link in the page', async () => {
    const s = await service({ CONSOLE_PORT: '9091' });
    const res = await s.app.inject({ url: '/', headers: { host: 'localhost:8080' } });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('http://localhost:9091/');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<a href="http://localhost:9091/">http://localhost:9091/</a>');
    // From another machine (a Docker host), the same name with the console's port.
    const docker = await s.app.inject({ url: '/', headers: { host: '192.168.1.20:8080' } });
    expect(docker.headers.location).toBe('http://192.168.1.20:9091/');
  });

  it('outside sandbox mode stays a 404', async () => {
    const s = await service({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ', STRIPE_SECRET_KEY: 'sk_test_abc' });
    const res = await s.app.inject({ url: '/', headers: { host: 'localhost:8080' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('never echoes a Host header that is not a plain host name', async () => {
    const app = Fastify();
    registerRootRoute(app, { consolePort: 8081 });
    const res = await app.inject({ url: '/', headers: { host: '"><script>x</script>' } });
    expect(res.headers.location).toBe('http://127.0.0.1:8081/');
    expect(res.body).not.toContain('<script>');
    expect(consoleAddress('[::1]:8080', 8081)).toBe('http://[::1]:8081/');
    expect(consoleAddress('evil.example/path', 8081)).toBe('http://127.0.0.1:8081/');
    expect(consoleAddress(undefined, 8081)).toBe('http://127.0.0.1:8081/');
    await app.close();
  });
});
