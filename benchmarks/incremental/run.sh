#!/usr/bin/env bash
# No-op incremental `dotnet build` of a console app with Compression.Build and one model, against the same app without
# the package, in one run: median wall time of alternating no-op builds and their ratio (issue 4's goal: <= 1.1x).
set -euo pipefail
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo="$PWD"
runs="${1:-7}"

bash build/test-assets.sh > /dev/null
dotnet pack src/Compression.Build -c Release -o artifacts/packages > /dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export NUGET_PACKAGES="$work/packages"
cat > "$work/nuget.config" <<XML
<configuration><packageSources><clear /><add key="local" value="$repo/artifacts/packages" /></packageSources></configuration>
XML
for variant in plain compressed; do
  mkdir -p "$work/$variant"
  extra=""
  if [[ "$variant" == compressed ]]; then
    cp "$repo/.test-assets/models/hello_deepa.onnx" "$work/$variant/"
    extra='<ItemGroup><PackageReference Include="Compression.Build" Version="1.*" /><ModelCompression Include="hello_deepa.onnx" /></ItemGroup>'
  fi
  cat > "$work/$variant/App.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  $extra
</Project>
XML
  echo 'Console.WriteLine("hello");' > "$work/$variant/Program.cs"
  dotnet build "$work/$variant" --configfile "$work/nuget.config" > /dev/null
done

time_build() {
  local start end
  start=$(date +%s%N)
  dotnet build "$work/$1" --no-restore -v:q > /dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
plain=(); compressed=()
for _ in $(seq "$runs"); do
  plain+=("$(time_build plain)")
  compressed+=("$(time_build compressed)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
p=$(median "${plain[@]}"); c=$(median "${compressed[@]}")
echo "no-op build, median of $runs: without the package ${p} ms, with Compression.Build and one model ${c} ms, ratio $(awk "BEGIN {printf \"%.2f\", $c / $p}")"
