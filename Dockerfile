# KAS: one image for kas web, the worker, the scheduler, selvbetjening and the one-shot migrations/tests.
# Stage 1 (build): the whole workspace with dev dependencies, built with tsup. Used by `oneshot` to run the tests.
FROM node:22-slim AS build
WORKDIR /app
ENV CI=true
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/jobs/package.json packages/jobs/
COPY packages/eskat/package.json packages/eskat/
COPY packages/server-kas/package.json packages/server-kas/
COPY packages/server-selvbetjening/package.json packages/server-selvbetjening/
COPY examples/package.json examples/
COPY bench/package.json bench/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && chown -R node:node /app
USER node

# Stage 2 (runtime): production dependencies and the built packages only, run as the unprivileged `node` user.
FROM node:22-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/packages/core/package.json packages/core/
COPY --from=build /app/packages/jobs/package.json packages/jobs/
COPY --from=build /app/packages/eskat/package.json packages/eskat/
COPY --from=build /app/packages/server-kas/package.json packages/server-kas/
COPY --from=build /app/packages/server-selvbetjening/package.json packages/server-selvbetjening/
COPY --from=build /app/examples/package.json examples/
COPY --from=build /app/bench/package.json bench/
RUN npm ci --omit=dev --no-audit --no-fund --workspaces --include-workspace-root && npm cache clean --force
COPY --from=build /app/packages/core/dist packages/core/dist
COPY --from=build /app/packages/jobs/dist packages/jobs/dist
COPY --from=build /app/packages/eskat/dist packages/eskat/dist
COPY --from=build /app/packages/server-kas/dist packages/server-kas/dist
COPY --from=build /app/packages/server-kas/views packages/server-kas/views
COPY --from=build /app/packages/server-kas/static packages/server-kas/static
COPY --from=build /app/packages/server-selvbetjening/dist packages/server-selvbetjening/dist
COPY --from=build /app/packages/server-selvbetjening/views packages/server-selvbetjening/views
COPY --from=build /app/packages/server-selvbetjening/static packages/server-selvbetjening/static
USER node
EXPOSE 8000 8080
CMD ["node", "packages/server-kas/dist/bin/kas.js", "web"]
