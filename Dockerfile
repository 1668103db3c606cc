# One image for every Tradepulse role: ROLES picks them (docker-compose.yml runs one server with all of them).
FROM node:20

WORKDIR /app

# dependencies first, so that a source change does not reinstall them
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY test/fakes ./test/fakes
COPY test/bench ./test/bench
# profiles are read at run time from config/ (found by walking up from dist/)
COPY config ./config
RUN npm run build

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
EXPOSE 3000

# npm start's command, run by node directly (not npm): SIGTERM reaches the server, which drains and exits 0
CMD ["node", "--max-semi-space-size=32", "dist/apps/server/src/main.js"]
