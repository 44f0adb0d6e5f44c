#!/usr/bin/env bash
# Upload the built frontend (frontend/dist) to a deployed Credence stack and
# invalidate its CloudFront cache.
#
#   cd frontend && trunk build --release --offline \
#     && trunk build --release --offline --dist dist/office --public-url /office/ office.html
#   infra/deploy-frontend.sh [stack-name]        # default: credence-dev
#
# (`cargo xtask test` and `cargo xtask dev` run the same two builds: the field app, then
# the back office into dist/office.)
#
# Needs the AWS CLI with credentials for the stack's account and region.
set -euo pipefail

STACK="${1:-credence-dev}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="$ROOT/frontend/dist"

if [[ ! -f "$DIST/index.html" ]]; then
  echo "error: $DIST/index.html not found; build the frontend first (see the top of this script)" >&2
  exit 1
fi
if [[ ! -f "$DIST/office/index.html" ]]; then
  echo "error: $DIST/office/index.html not found; build the back office too (see the top of this script)" >&2
  exit 1
fi

output() {
  aws cloudformation describe-stacks --stack-name "$STACK" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
BUCKET="$(output FrontendBucketName)"
DISTRIBUTION_ID="$(output DistributionId)"
if [[ -z "$BUCKET" || "$BUCKET" == "None" || -z "$DISTRIBUTION_ID" || "$DISTRIBUTION_ID" == "None" ]]; then
  echo "error: stack $STACK has no FrontendBucketName / DistributionId outputs" >&2
  exit 1
fi

IMMUTABLE="public, max-age=31536000, immutable"

# 1. Trunk puts a content hash in the names of the .js, .css and .wasm files
#    it emits, so they can be cached for a year. .wasm gets its MIME type
#    explicitly: WebAssembly.instantiateStreaming requires application/wasm.
#    The service worker and its registration script keep their names from
#    build to build: they are uploaded with no-cache in step 2.
aws s3 sync "$DIST" "s3://$BUCKET" \
  --exclude "*" --include "*.js" --include "*.css" \
  --exclude "sw.js" --exclude "sw-register.js" \
  --cache-control "$IMMUTABLE"
aws s3 sync "$DIST" "s3://$BUCKET" \
  --exclude "*" --include "*.wasm" \
  --content-type application/wasm --cache-control "$IMMUTABLE"

# 2. Everything else (icons, manifest, locale files ...) is revalidated on
#    every use. The .gz/.br copies the build writes are for the local server:
#    CloudFront compresses itself (Compress: true in the template), so they
#    are not uploaded.
aws s3 sync "$DIST" "s3://$BUCKET" \
  --exclude "*.js" --exclude "*.css" --exclude "*.wasm" --exclude "index.html" \
  --exclude "*.gz" --exclude "*.br" --cache-control "no-cache"
for script in sw.js sw-register.js; do
  aws s3 cp "$DIST/$script" "s3://$BUCKET/$script" \
    --cache-control "no-cache" --content-type "text/javascript; charset=utf-8"
done

# 3. index.html last, so it never points at assets that are not there yet.
aws s3 cp "$DIST/index.html" "s3://$BUCKET/index.html" \
  --cache-control "no-cache" --content-type "text/html; charset=utf-8"

# 4. Remove files from older builds. Everything left was uploaded above with
#    the same size, so --size-only makes this pass delete-only.
aws s3 sync "$DIST" "s3://$BUCKET" --delete --size-only \
  --exclude "*.gz" --exclude "*.br"

# 5. Drop what CloudFront's edges still hold.
aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION_ID" \
  --paths "/*" --query "Invalidation.Id" --output text

echo "deployed $DIST to s3://$BUCKET; CloudFront distribution $DISTRIBUTION_ID invalidated"
