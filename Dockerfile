# Production image: dependencies (better-sqlite3 compiled) and the compiled JavaScript (dist/) made in a build stage,
# a slim non-root runtime stage that runs node dist/main.js: no TypeScript loader in the running service.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
ENV PUPPETEER_SKIP_DOWNLOAD=true
# All dependencies for the build (esbuild is a dev dependency), then only the runtime ones are kept.
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    DATABASE_URL=file:/app/data/signalcast.db \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node . .
COPY --from=build --chown=node:node /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME /app/data
# 8080: the service; in sandbox mode only, 8081: the console (CONSOLE_PORT, PORT + 1) and
# 8082: the Stripe emulator's checkout and portal pages (SANDBOX_STRIPE_PORT, PORT + 2).
EXPOSE 8080 8081 8082
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and runs the compiled service, so SIGTERM reaches Signalcast itself and it drains
# before exiting. (The signalcast CLI, `docker exec ... npx signalcast`, still runs the sources through tsx.)
CMD ["node", "dist/main.js", "start"]
