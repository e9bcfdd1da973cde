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
# The lockfile and every workspace's package.json, in their folders: what `npm ci` reads. Read from the root
# package.json's `workspaces`, so that a new workspace needs no edit here. Only this layer changes when a source
# file does; the install layers below are reused until a manifest or the lockfile changes.
FROM node:${NODE_VERSION}-bookworm AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /manifests \
 && cp package.json package-lock.json /manifests/ \
 && for ws in $(node -p "require('./package.json').workspaces.join(' ')"); do \
      mkdir -p "/manifests/$ws" && cp "$ws/package.json" "/manifests/$ws/"; \
    done

# ---------------------------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /src
COPY --from=manifests /manifests/ ./
# --ignore-scripts: the root's prepare (a build, before the sources are here) and postinstall (the conformance
# suite, a test tool) are not wanted. Of the build's own tools only esbuild (under the inspector's Vite) has an
# install script, which checks its platform binary: run that one.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild esbuild
COPY . .
# /runtime: what npm would publish of the CLI, the demo upstream and every workspace they depend on, each in
# its folder (dist, bin, schema, package.json …), for the runtime stage to copy in one piece.
RUN npm run build \
 && node deploy/docker/runtime-tree.mjs /runtime packages/cli servers/everything

# ---------------------------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm AS deps
WORKDIR /app
# npm ci checks the lockfile against every workspace's manifest, so all of them are here, but only the
# workspaces named with -w (and what they depend on) are installed.
COPY --from=manifests /manifests/ ./
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
# A larger young generation: ~12% more calls/s through the gateway under load (docs/gateway.md, Operating it).
ENV NODE_ENV=production NODE_OPTIONS=--max-semi-space-size=64
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/package.json ./package.json
# The packages as published (deploy/docker/runtime-tree.mjs), where node_modules/@mcpkit/* links point. The
# demo upstream of deploy/docker/mcp.yaml is servers/everything; your own stdio servers go in an image built
# FROM this one.
COPY --from=build /runtime/ ./
# The default configuration; mount your own over it (a bind mount, a ConfigMap).
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
