# Autoalex: the bot on Node.js; the default image adds Debian's ffmpeg and Demucs on CPU PyTorch with its weights.
#
#   docker build -t autoalex .                 the full image, with remix (about 2 GB, an estimate: it cannot be
#                                              built on the machines this is developed on)
#   docker build -t autoalex --target small .  no ffmpeg, Python, Demucs or weights (README states the measured
#                                              size); /alex boost and reduce then say remix is not installed
#   docker build -t autoalex --build-arg TORCH_INDEX_URL=https://download.pytorch.org/whl/cu124 .
#                                              CUDA PyTorch, for DEMUCS_DEVICE=cuda (adds about 3 GB)
#
# The targets are plain stages, so every builder honours them: BuildKit builds only what a target needs; the
# legacy builder (a Docker CLI without buildx) builds every stage up to the target, which is why `small` comes
# before the remix stages.
#
# Node 26 is the Active LTS line from 2026-10-28 (maintenance from 2027-10-20, end of life 2029-04-30).
# Bookworm rather than trixie: its Python 3.11 has wheels for the pinned PyTorch 2.5.1, and its ffmpeg 5.1 is
# the version the remix filter graphs were measured on. Every stage starts from the same image, so
# better-sqlite3's native addon is built for the Node ABI and the glibc it runs on.
ARG NODE_IMAGE=node:26-bookworm-slim

# ---- npm dependencies: better-sqlite3 downloads a prebuilt addon, or compiles one with these tools ----------
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

# ---- every npm dependency, installed once (better-sqlite3 may compile for minutes) ----------------------------
FROM toolchain AS deps
RUN npm ci --no-audit --no-fund

# ---- compile TypeScript to dist/ ---------------------------------------------------------------------------
FROM deps AS build
# The tree minus .dockerignore (no tests, fakes or benchmarks: the build compiles src/ and the deploy script).
COPY . .
# assets/ (fonts for the image cards) may not exist yet; an empty one keeps the COPY below valid.
RUN npm run build && mkdir -p assets

# ---- production dependencies only ---------------------------------------------------------------------------
# From the full install rather than a second `npm ci --omit=dev`: the native addons are not built twice.
FROM deps AS prod-deps
# @ffmpeg-installer's bundled ffmpeg (about 66 MB) is for running outside Docker: the images never use it
# (FFMPEG_PATH names Debian's ffmpeg, and src/services/remix/ffmpeg.ts loads the package only without it).
RUN npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/@ffmpeg-installer

# ---- the small image: the bot without remix (docker build --target small) ---------------------------------
# Before the remix stages on purpose: the legacy builder builds every stage up to the target in file order.
FROM ${NODE_IMAGE} AS small
# tini is PID 1: it forwards `docker stop`'s SIGTERM to Node and reaps the processes Demucs leaves behind.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
LABEL org.opencontainers.image.title="Autoalex" \
      org.opencontainers.image.description="Discord bot for Plex home servers: live streams, listening stats, stem remixes, credits, health alerts." \
      org.opencontainers.image.source="https://github.com/your-github-user/autoalex" \
      org.opencontainers.image.licenses="MIT"
# The same settings in both images, so compose and the Unraid template pin the same paths whichever is used.
# Here DEMUCS_COMMAND and FFMPEG_PATH name files that do not exist: the bot checks for Demucs before it needs
# ffmpeg, and answers that remix is not installed.
ENV NODE_ENV=production \
    DATA_DIR=/config \
    FFMPEG_PATH=/usr/bin/ffmpeg \
    DEMUCS_COMMAND=/opt/demucs/bin/demucs \
    PATH=/opt/demucs/bin:$PATH
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/scripts/deploy-commands.js /app/dist/scripts/deploy-commands.js.map ./dist/scripts/
COPY --from=build /app/assets ./assets
# The node user (uid 1000) from the base image; Unraid's template runs it as 99:100 with --user instead.
# `worker` on the PATH: compose's `command: worker` (Unraid: Post Arguments `worker`) runs the same image as a
# remix worker (README "A GPU elsewhere").
RUN mkdir -p /config && chown node:node /config \
 && printf '#!/bin/sh\nexec node --enable-source-maps /app/dist/src/index.js worker "$@"\n' >/usr/local/bin/worker \
 && chmod 755 /usr/local/bin/worker
USER node
VOLUME ["/config"]
# Healthy = the bot's heartbeat in /config is fresh and says it is connected to Discord.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["node", "/app/dist/src/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist/src/index.js"]

# ---- what remix needs: Debian's ffmpeg, Python, Demucs and its weights ---------------------------------------
# On the base image rather than on `small`, so these layers stay cached when only the bot's code changes.
FROM ${NODE_IMAGE} AS remix-deps
# Debian's ffmpeg brings ffprobe too: Demucs reads its input through both (about 465 MB with its libraries).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini ca-certificates python3 python3-venv libsndfile1 \
 && rm -rf /var/lib/apt/lists/*
ARG TORCH_VERSION=2.5.1
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG DEMUCS_VERSION=4.0.1
ARG SOUNDFILE_VERSION=0.13.1
# htdemucs_ft is the default DEMUCS_MODEL; htdemucs is the 4x faster choice on a CPU.
ARG DEMUCS_MODELS="htdemucs_ft htdemucs"
# Outside /config on purpose: a volume mounted over the weights would hide them.
ENV TORCH_HOME=/opt/torch \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# A virtual environment, because bookworm's system pip is "externally managed" (PEP 668). PyTorch comes
# from its CPU index first (the default wheels pull about 2.7 GB of CUDA libraries); torchaudio stays below
# 2.9, which needs torchcodec to save audio, and soundfile gives it a WAV writer in a slim image.
RUN python3 -m venv /opt/demucs \
 && /opt/demucs/bin/pip install --index-url "$TORCH_INDEX_URL" \
      "torch==$TORCH_VERSION" "torchaudio==$TORCH_VERSION" \
 && /opt/demucs/bin/pip install \
      "demucs==$DEMUCS_VERSION" "soundfile==$SOUNDFILE_VERSION" \
      "torch==$TORCH_VERSION" "torchaudio==$TORCH_VERSION"
# The weights go to $TORCH_HOME/hub/checkpoints, checked against the hash in their file names, so the first
# remix does not wait for a download. Other models download there on first use: the folder is writable by any
# user, because the container may run as a user chosen at `docker run --user`.
RUN for model in $DEMUCS_MODELS; do \
      /opt/demucs/bin/python -c 'import sys; from demucs.pretrained import get_model; get_model(sys.argv[1])' "$model"; \
    done \
 && chmod -R a+rX "$TORCH_HOME" \
 && chmod 1777 "$TORCH_HOME/hub/checkpoints"
# Fail the build, not the first remix, if PyTorch, torchaudio's WAV writer or ffmpeg do not work together:
# separate three seconds of a tone exactly as the bot calls Demucs and check the four stems exist.
RUN cd /tmp \
 && ffmpeg -nostdin -loglevel error -f lavfi -i "sine=frequency=440:duration=3" -ac 2 -ar 44100 smoke.wav \
 && first_model="${DEMUCS_MODELS%% *}" \
 && /opt/demucs/bin/demucs -n "$first_model" -d cpu -o /tmp/smoke --filename "{stem}.{ext}" --int24 smoke.wav \
 && for stem in drums bass other vocals; do test -s "/tmp/smoke/$first_model/$stem.wav"; done \
 && rm -rf /tmp/smoke /tmp/smoke.wav

# ---- the full image, with remix (the default target; also `--target remix`) --------------------------------
FROM remix-deps AS remix
LABEL org.opencontainers.image.title="Autoalex" \
      org.opencontainers.image.description="Discord bot for Plex home servers: live streams, listening stats, stem remixes, credits, health alerts." \
      org.opencontainers.image.source="https://github.com/your-github-user/autoalex" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production \
    DATA_DIR=/config \
    FFMPEG_PATH=/usr/bin/ffmpeg \
    DEMUCS_COMMAND=/opt/demucs/bin/demucs \
    PATH=/opt/demucs/bin:$PATH
WORKDIR /app
# The app exactly as the small image has it (test/packaging.test.ts checks the two stages stay alike).
COPY --from=small /app /app
# `worker` on the PATH: compose's `command: worker` (Unraid: Post Arguments `worker`) runs the same image as a
# remix worker (README "A GPU elsewhere").
RUN mkdir -p /config && chown node:node /config \
 && printf '#!/bin/sh\nexec node --enable-source-maps /app/dist/src/index.js worker "$@"\n' >/usr/local/bin/worker \
 && chmod 755 /usr/local/bin/worker
USER node
VOLUME ["/config"]
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["node", "/app/dist/src/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist/src/index.js"]
