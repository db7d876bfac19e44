# syntax=docker/dockerfile:1
# syncwatch container image: build the TypeScript once, ship only dist/, config/ and production dependencies.

FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY config ./config
COPY scripts/bundle.mjs ./scripts/bundle.mjs
# `npm ci` runs the `prepare` script, which already compiles to dist/ (tsc, then scripts/bundle.mjs); the explicit
# build keeps the same steps as CI and fails loudly if prepare is ever removed.
RUN npm ci --no-audit --no-fund \
    && npm run build

FROM node:22-bookworm-slim
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="syncwatch" \
      org.opencontainers.image.description="Watches every Fivetran connection: Prometheus metrics and Slack, email and webhook alerts." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/syncwatch/syncwatch"

# tini runs as PID 1 so SIGTERM reaches node and zombies are reaped.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY config ./config
COPY LICENSE ./LICENSE

RUN mkdir -p /data \
    && chown 10001:10001 /data

ENV NODE_ENV=production \
    SYNCWATCH_STATE_FILE=/data/state.json

USER 10001:10001
VOLUME /data
EXPOSE 9464

# For docker run/compose (Kubernetes uses the chart's probes instead): GET /healthz on the metrics port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SYNCWATCH_METRICS_PORT || 9464) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/cli.js"]
CMD ["run"]
