# The image every kubiya-jit tool runs in (the bundle's `image`). Build and push it with the tag the bundle
# names (`bundle.image` in the config, default ghcr.io/kubiya-jit/kubiya-jit:<package version>):
#   docker build -t ghcr.io/kubiya-jit/kubiya-jit:0.1.0 .
# Tools run compiled JavaScript only: no TypeScript loader and no dependency install at run time.

# Production dependencies, with better-sqlite3 compiled from source (its prebuilt download is not relied on).
FROM node:20-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# The compiled CLI. Install scripts are skipped: tsc needs only the type declarations, not the native build.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY tools ./tools
RUN npx tsc -p tsconfig.build.json

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /opt/kubiya-jit
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The embedded default config, Rego and schemas; a bundle's tools use the config baked into the bundle
# (/etc/kubiya-jit/jit.json), so this is only the fallback and the source of the shipped policy files.
COPY configs ./configs
# A small launcher rather than a symlink, so `kubiya-jit` works whatever the compiled file's mode is.
# The database volume is mounted at /var/lib/kubiya-jit; the bundle writes the config to /etc/kubiya-jit.
RUN printf '#!/bin/sh\nexec node /opt/kubiya-jit/dist/scripts/cli.js "$@"\n' > /usr/local/bin/kubiya-jit \
 && chmod 755 /usr/local/bin/kubiya-jit \
 && mkdir -p /var/lib/kubiya-jit /etc/kubiya-jit \
 && kubiya-jit help >/dev/null
VOLUME ["/var/lib/kubiya-jit"]
CMD ["kubiya-jit", "help"]
