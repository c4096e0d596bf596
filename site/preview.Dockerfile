# The preview service image (the admin's Preview button), built from the repository root:
# docker compose build preview. The site's sources built as a Node server (astro.preview.config.mjs).
FROM node:20-bookworm-slim
WORKDIR /app
ENV ASTRO_TELEMETRY_DISABLED=1
COPY package.json package-lock.json .npmrc ./
COPY cms/package.json cms/
COPY cms/src/contracts/package.json cms/src/contracts/
COPY site/package.json site/
COPY site/content/package.json site/content/
COPY scripts/package.json scripts/
COPY scripts/publisher/package.json scripts/publisher/
RUN npm ci --workspace site --workspace @newsroom/content --workspace @newsroom/contracts --include-workspace-root=false
COPY cms/src/contracts cms/src/contracts
COPY site site
RUN cd site && npx astro build --config astro.preview.config.mjs
USER node
EXPOSE 4323
CMD ["node", "site/dist-preview/server/entry.mjs"]
