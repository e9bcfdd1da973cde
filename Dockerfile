# syntax=docker/dockerfile:1
#
# The mcpkit gateway as a container image (issue 10). Build from the repository root:
#
#   docker build -t mcpkit-gateway .
#   docker run --rm --read-only --tmpfs /tmp -p 127.0.0.1:8080:8080 -e MCPKIT_API_KEY=$(openssl rand -hex 32) mcpkit-gateway
#
# Stages: `build` installs every workspace and compiles the TypeScript; `deps` installs only the production
# dependencies of the CLI (and the demo upstream), compiling or downloading better-sqlite3's native binary on
# the same Debian release as the runtime; `runtime` is node's slim image with those node_modules, the compiled
# dist/ folders and nothing else. docs/deploy.md explains every choice; test/deploy/ lints this file and runs
# its ENTRYPOINT on the host.

# Pin the Node release (and, for reproducible builds, the digest: node:20.20.2-bookworm-slim@sha256:…).
# build, deps and runtime must share the Debian release (bookworm): better-sqlite3's binary links its glibc.
ARG NODE_VERSION=20.20.2

# ---------------------------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /src
# The manifests first, so that the install layer is reused until a dependency changes.
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY packages/protocol/package.json packages/protocol/
COPY packages/server/package.json packages/server/
COPY packages/client/package.json packages/client/
COPY packages/trust/package.json packages/trust/
COPY packages/gateway/package.json packages/gateway/
COPY packages/cli/package.json packages/cli/
COPY servers/everything/package.json servers/everything/
COPY servers/filesystem/package.json servers/filesystem/
COPY servers/github/package.json servers/github/
COPY servers/sqlite/package.json servers/sqlite/
COPY servers/weather/package.json servers/weather/
COPY test/package.json test/
COPY bench/package.json bench/
# --ignore-scripts: the root's prepare (a build, before the sources are here) and postinstall (the conformance
# suite, a test tool) are not wanted; nothing the build needs has an install script of its own.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# ---------------------------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm AS deps
WORKDIR /app
# npm ci checks the lockfile against every workspace's manifest, so all of them are copied, but only the
# workspaces named with -w (and what they depend on) are installed.
COPY package.json package-lock.json ./
COPY packages/protocol/package.json packages/protocol/
COPY packages/server/package.json packages/server/
COPY packages/client/package.json packages/client/
COPY packages/trust/package.json packages/trust/
COPY packages/gateway/package.json packages/gateway/
COPY packages/cli/package.json packages/cli/
COPY servers/everything/package.json servers/everything/
COPY servers/filesystem/package.json servers/filesystem/
COPY servers/github/package.json servers/github/
COPY servers/sqlite/package.json servers/sqlite/
COPY servers/weather/package.json servers/weather/
COPY test/package.json test/
COPY bench/package.json bench/
# better-sqlite3 is the one dependency with an install script: `npm rebuild` runs it, which downloads the
# prebuilt binary for this Node and glibc, or compiles it with the python3, make and g++ this image has.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund -w packages/cli -w servers/everything \
 && npm rebuild better-sqlite3 \
 && node -e "new (require('better-sqlite3'))(':memory:').close()" \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# tini is PID 1: it forwards SIGTERM to the gateway (which drains, then stops its upstreams itself) and reaps
# the orphans a stdio upstream may leave behind (a `npx` wrapper's children, say).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/package.json ./package.json
COPY --from=build /src/packages/protocol/package.json packages/protocol/
COPY --from=build /src/packages/protocol/dist packages/protocol/dist
COPY --from=build /src/packages/server/package.json packages/server/
COPY --from=build /src/packages/server/dist packages/server/dist
COPY --from=build /src/packages/client/package.json packages/client/
COPY --from=build /src/packages/client/dist packages/client/dist
COPY --from=build /src/packages/trust/package.json packages/trust/
COPY --from=build /src/packages/trust/dist packages/trust/dist
COPY --from=build /src/packages/gateway/package.json packages/gateway/
COPY --from=build /src/packages/gateway/dist packages/gateway/dist
COPY --from=build /src/packages/gateway/schema packages/gateway/schema
COPY --from=build /src/packages/cli/package.json packages/cli/
COPY --from=build /src/packages/cli/dist packages/cli/dist
COPY --from=build /src/packages/cli/bin packages/cli/bin
# The demo upstream of deploy/docker/mcp.yaml; your own stdio servers go in an image built FROM this one.
COPY --from=build /src/servers/everything/package.json servers/everything/
COPY --from=build /src/servers/everything/dist servers/everything/dist
COPY --from=build /src/servers/everything/bin servers/everything/bin
# The default configuration; mount your own over it (a ConfigMap, a bind mount, or a compose `configs:`).
COPY deploy/docker/mcp.yaml /etc/mcpkit/mcp.yaml

# The node image's unprivileged user (uid 1000). State (SQLite, lockfile) lives in /var/lib/mcpkit, the one
# writable place: the root file system can be read-only (docker run --read-only, readOnlyRootFilesystem).
RUN mkdir -p /var/lib/mcpkit && chown node:node /var/lib/mcpkit && chmod 0700 /var/lib/mcpkit
VOLUME ["/var/lib/mcpkit"]
USER node:node

# listen.port in deploy/docker/mcp.yaml; the gateway binds 0.0.0.0 inside the container's network namespace
# only (docs/deploy.md, "Binding"). Publish it on the host's loopback or behind a proxy, not on 0.0.0.0.
EXPOSE 8080
# Liveness with node itself: the slim image has no curl or wget.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop): the gateway stops accepting, lets calls finish for up to 10 s, stops its upstreams and
# flushes the audit log. Give it that long: docker stop -t 20, stop_grace_period: 20s, terminationGracePeriodSeconds.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/packages/cli/bin/mcpkit.js", "gateway", "--config", "/etc/mcpkit/mcp.yaml"]
