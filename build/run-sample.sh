#!/usr/bin/env bash
# The main job in one command: packs Compression.Build into artifacts/packages, then builds and runs samples/ModelApp,
# which references that package from the local feed (samples/nuget.config), embeds a real model compressed at build,
# and runs it with ONNX Runtime beside the original.
set -euo pipefail

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$PWD"

# The sample's model and photo come from the test assets (MediaPipe's BlazeFace front detector, scikit-image's
# astronaut.png).
bash build/test-assets.sh

dotnet pack src/Compression.Build -c Release -o artifacts/packages

# NuGet never re-extracts a version it already has, and every pack of this repository is 1.0.0 until the version is
# bumped. So the sample restores into its own packages folder, from which the previous Compression.Build is removed:
# the build below always uses the package just made, and the user's global NuGet folder is never touched.
export NUGET_PACKAGES="$repo/artifacts/sample-packages"
rm -rf "$NUGET_PACKAGES/compression.build"
# Its restore/compile state may refer to the removed package: clear the sample's own obj (the models' cache is per
# user, outside obj, so the compression itself is a cache hit after the first run).
rm -rf samples/ModelApp/obj samples/ModelApp/bin

dotnet build samples/ModelApp -c Release
dotnet run --project samples/ModelApp -c Release --no-build

# The build's compression report (the same table the build wrote; JSON beside it).
report=samples/ModelApp/obj/Release/net10.0/ModelCompression/compression-report.md
echo
echo "report:     $report"
cat "$report"
