# fermx GPU worker: `fermx worker`, one process per GPU.
#
# Default route: tfjs `webgpu` on Dawn (npm `webgpu`) over Vulkan. The NVIDIA container toolkit
# mounts the driver's Vulkan ICD only when NVIDIA_DRIVER_CAPABILITIES includes `graphics`;
# the image brings the Vulkan loader and GL/EGL libraries the ICD links against.
#
# CUDA route (documented in docs/WORKER.md): build with --build-arg TFJS_NODE=gpu to install
# @tensorflow/tfjs-node-gpu, which downloads libtensorflow at install time (needs network at
# build time and a CUDA 11.x/cuDNN 8 runtime base); `--backend auto` then prefers it.
FROM node:20-bookworm-slim AS deps
ARG TFJS_NODE=none
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/orchestrator/package.json apps/orchestrator/
COPY apps/gpu-worker/package.json apps/gpu-worker/
COPY apps/dataset-builder/package.json apps/dataset-builder/
COPY apps/demo/package.json apps/demo/
COPY libs/cli/package.json libs/cli/
COPY libs/contracts/package.json libs/contracts/
COPY libs/data/package.json libs/data/
COPY libs/face-models/package.json libs/face-models/
COPY libs/kernels/package.json libs/kernels/
COPY libs/models/package.json libs/models/
COPY libs/queue/package.json libs/queue/
COPY libs/search/package.json libs/search/
COPY libs/testing/package.json libs/testing/
COPY infra/package.json infra/
RUN npm ci --omit=dev --no-audit --no-fund \
 && if [ "$TFJS_NODE" = "gpu" ]; then npm install --no-save --foreground-scripts @tensorflow/tfjs-node-gpu@4.22.0; fi

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libvulkan1 libegl1 libgl1 libgles2 libglvnd0 libopengl0 libglx0 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics \
    VK_DRIVER_FILES=/usr/share/vulkan/icd.d/nvidia_icd.json \
    FERMX_STORAGE=s3://fermx \
    REDIS_URL=redis://redis:6379
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
USER node
ENTRYPOINT ["node", "bin/fermx.mjs"]
CMD ["worker", "--backend", "auto"]
