# The image every kubiya-jit tool runs in (the bundle's `image`), on Node.js 24 LTS. CI builds, tests and
# pushes it on a release tag (.github/workflows/image.yml); by hand, with the tag the bundle names
# (`bundle.image` in the config, default ghcr.io/kubiya-jit/kubiya-jit:<package version>):
#   docker build --build-arg VERSION=0.1.0 -t ghcr.io/kubiya-jit/kubiya-jit:0.1.0 .
# Tools run compiled JavaScript only: no TypeScript loader and no dependency install at run time. It runs as
# an unprivileged user and writes only to the data volume and TMPDIR, so a read-only root file system works:
#   docker run --read-only --tmpfs /tmp -v kubiya-jit-data:/var/lib/kubiya-jit IMAGE kubiya-jit sweep
# There is no HEALTHCHECK: each run is a short CLI command, not a service.

# The Node.js release the image runs; .ci/node-image reads it to run the tests on the same major in CI.
ARG NODE_VERSION=24.21.0
# better-sqlite3 12 (the last major that runs on Node 20) aborts the process ("Assertion failed: (env) !=
# nullptr" in RemoveEnvironmentCleanupHook, from Statement::~Statement) when compiled against the headers of
# Node 24.19.0 or later, whose inline node::ObjectWrap registers cleanup hooks (nodejs/node#65446). Compiled
# against 24.18.1's headers it runs cleanly on every 24.x (one ABI, 137), so the dependencies are built on
# that release; CI's run on the image's Node builds the same way and would catch the abort.
ARG ADDON_NODE_VERSION=24.18.1

# Production dependencies, with better-sqlite3 compiled from source (its prebuilt download is not relied on).
FROM node:${ADDON_NODE_VERSION}-bookworm-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# The compiled CLI and its precompiled config validator (npm run build: tsc, then build-validator.js).
# Install scripts are skipped: the build needs only type declarations and ajv, not the native module.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY tools ./tools
RUN npm run build && test -f dist/scripts/config/jit-config-validate.generated.js

FROM node:${NODE_VERSION}-bookworm-slim
ARG NODE_VERSION
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="kubiya-jit" \
      org.opencontainers.image.description="Just-in-time access for Kubiya teammates: the CLI every kubiya-jit tool runs" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/kubiya-jit/kubiya-jit" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/node:${NODE_VERSION}-bookworm-slim"
# TMPDIR: mount a tmpfs there with a read-only root. The database and the operator log live on the volume.
ENV NODE_ENV=production \
    TMPDIR=/tmp \
    KUBIYA_JIT_VOLUME=/var/lib/kubiya-jit
WORKDIR /opt/kubiya-jit
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The embedded default config, Rego and schemas; bundle tools read JIT_CONFIG_JSON or the package the
# bundle places at /etc/kubiya-jit/jit-config.pkg, so this is only the fallback and the shipped policy files.
COPY configs ./configs
# A small launcher rather than a symlink, so `kubiya-jit` works whatever the compiled file's mode is. The
# volume and the bundle's file folder belong to the unprivileged user (uid 1000, `node` in the base image).
RUN printf '#!/bin/sh\nexec node /opt/kubiya-jit/dist/scripts/cli.js "$@"\n' > /usr/local/bin/kubiya-jit \
 && chmod 755 /usr/local/bin/kubiya-jit \
 && mkdir -p /var/lib/kubiya-jit /etc/kubiya-jit \
 && chown 1000:1000 /var/lib/kubiya-jit /etc/kubiya-jit \
 && kubiya-jit help >/dev/null
# Numeric, so Kubernetes' runAsNonRoot can verify it; on Kubernetes give the volume fsGroup 1000.
USER 1000:1000
VOLUME ["/var/lib/kubiya-jit"]
CMD ["kubiya-jit", "help"]
