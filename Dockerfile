# Paperboy in a container: one Node.js process serving the web app, the API and the feeds, with its SQLite
# database (and the generated signing secret, and the mail outbox) on the /data volume.
#
#   docker build -t paperboy .
#   docker run -d --name paperboy -p 3000:3000 -v paperboy-data:/data \
#     -e PAPERBOY_BASE_URL=https://papers.example.org paperboy
#
# Commands run in the same container: docker exec paperboy node bin/paperboy.js harvest --set cs

# ---- build: compile TypeScript, then keep only the runtime dependencies ----
FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 installs a prebuilt binary when one matches; these tools build it from source otherwise.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Scripts are skipped here because `prepare` builds, and the sources are not copied yet (this layer stays
# cached until the lockfile changes); the two packages with native or binary parts are set up explicitly.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 esbuild
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

# ---- runtime ----
FROM node:20-slim
ENV NODE_ENV=production \
  HOST=0.0.0.0 \
  PORT=3000 \
  PAPERBOY_DB=/data/paperboy.db \
  PAPERBOY_OUTBOX=/data/outbox
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# Stylesheets and scripts are served from src/*/static at run time.
COPY --from=build /app/src ./src
COPY data/demo ./data/demo
# The image's `node` user (uid 1000) owns the data; nothing runs as root.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1 and handles SIGTERM itself: it finishes the requests in flight and closes the database
# within 8 s, inside `docker stop`'s default 10 s.
STOPSIGNAL SIGTERM
CMD ["node", "bin/paperboy.js", "serve"]
