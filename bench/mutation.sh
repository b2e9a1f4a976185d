#!/usr/bin/env bash
# Mutation testing, measured the way Polly measures it: Stryker.NET (the local tool in .config/dotnet-tools.json)
# ignoring exception constructors, ConfigureAwait, logging, Dispose, block and statement removals, string mutations
# and argument-null checks (bench/mutation/stryker-config.json). Writes bench/results/mutation.json as
#   { "<project>": { "score": <percent>, "killed": n, "survived": n, "no_coverage": n, "timeout": n } }
# merging with the projects already there. Slow (tens of minutes per project on two cores): not part of .ci/run.
#
# Usage: bench/mutation.sh [project ...] [-- extra stryker arguments, e.g. --mutate "**/Results/*.cs"]
#        MUTATION_SURVIVORS_OF=<earlier mutation-report.json> bench/mutation.sh <project>
#          re-runs only the mutants that report left alive (after adding tests, with the code unchanged) and records
#          the earlier run's counts with those mutants' new statuses (bench/mutation/survivors.py).
#   projects: abstractions (default), http, rag, safety (whole package), or one Safety folder at a time:
#             safety-validation, safety-ratelimiting, safety-resilience, safety-structuredoutput, safety-guards
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

projects=()
extra=()
while [[ $# -gt 0 ]]; do
  if [[ "$1" == "--" ]]; then shift; extra=("$@"); break; fi
  projects+=("$1"); shift
done
[[ ${#projects[@]} -eq 0 ]] && projects=(abstractions)

dotnet tool restore >/dev/null
results="bench/results/mutation.json"
mkdir -p bench/results

for name in "${projects[@]}"; do
  case "$name" in
    abstractions)
      key="Agents.Abstractions"; project="src/Abstractions/Agents.Abstractions.csproj"
      tests=(tests/Agents.Abstractions.Tests/Agents.Abstractions.Tests.csproj); scope=() ;;
    http)
      # The shared HTTP plumbing the issue measures: Retry-After parsing, error mapping, SSE reading. The OpenAI and
      # Anthropic backend tests exercise the same code through real responses, so they count too.
      key="Agents.Backends.Http (Retry-After, error mapping, SSE)"; project="src/Backends/Http/Agents.Backends.Http.csproj"
      tests=(tests/Agents.Backends.Http.Tests/Agents.Backends.Http.Tests.csproj
             tests/Agents.Backends.OpenAI.Tests/Agents.Backends.OpenAI.Tests.csproj
             tests/Agents.Backends.Anthropic.Tests/Agents.Backends.Anthropic.Tests.csproj)
      scope=(--mutate "**/RetryAfterParser.cs" --mutate "**/ProviderErrorMapper.cs" --mutate "**/ProviderErrorBody.cs"
             --mutate "**/SseEventReader.cs" --mutate "**/SseEventLimitStream.cs") ;;
    rag)
      # The retrieval core the issue measures: chunker, BM25 and rank fusion.
      key="Agents.Rag (chunker, BM25, fusion)"; project="src/Rag/Agents.Rag.csproj"
      tests=(tests/Agents.Rag.Tests/Agents.Rag.Tests.csproj)
      scope=(--mutate "**/Chunking/*.cs" --mutate "**/Retrieval/Keyword/*.cs" --mutate "**/Retrieval/ReciprocalRankFusion.cs") ;;
    safety|safety-*)
      # The Safety package. A whole-package run takes long on two cores, so each folder can be measured on its own;
      # the key names the scope measured.
      project="src/Safety/Agents.Safety.csproj"
      tests=(tests/Agents.Safety.Tests/Agents.Safety.Tests.csproj)
      case "$name" in
        safety) key="Agents.Safety"; scope=() ;;
        safety-validation) key="Agents.Safety (Validation)"; scope=(--mutate "**/Validation/**/*.cs") ;;
        safety-ratelimiting) key="Agents.Safety (RateLimiting)"; scope=(--mutate "**/RateLimiting/**/*.cs") ;;
        safety-resilience) key="Agents.Safety (Resilience)"; scope=(--mutate "**/Resilience/**/*.cs") ;;
        safety-structuredoutput) key="Agents.Safety (StructuredOutput)"; scope=(--mutate "**/StructuredOutput/**/*.cs") ;;
        safety-guards) key="Agents.Safety (Guards)"; scope=(--mutate "**/Guards/**/*.cs") ;;
        *) echo "unknown safety scope '$name'" >&2; exit 2 ;;
      esac ;;
    *) echo "unknown project '$name' (abstractions, http, rag, safety, safety-<folder>)" >&2; exit 2 ;;
  esac

  output="artifacts/mutation/$name"
  earlier=""
  if [[ -n "${MUTATION_SURVIVORS_OF:-}" ]]; then
    earlier="$(realpath "$MUTATION_SURVIVORS_OF")"
    output="artifacts/mutation/$name-survivors"
    scope=()
    while IFS= read -r pattern; do scope+=(--mutate "$pattern"); done < <(python3 bench/mutation/survivors.py spans "$earlier")
    echo "re-running the ${#scope[@]} mutate spans of the survivors in $earlier"
  fi
  rm -rf "$output"
  test_args=()
  for t in "${tests[@]}"; do test_args+=(--test-project "$root/$t"); done
  echo "== stryker: $key"
  # Run from the project under test's folder, naming the test projects.
  (cd "$(dirname "$project")" && dotnet tool run dotnet-stryker \
    --config-file "$root/bench/mutation/stryker-config.json" \
    --project "$(basename "$project")" \
    "${test_args[@]}" \
    --output "$root/$output" \
    --concurrency "${STRYKER_CONCURRENCY:-2}" \
    "${scope[@]}" "${extra[@]}" \
    </dev/null)

  report="$(find "$output" -name 'mutation-report.json' | head -1)"
  if [[ -n "$earlier" ]]; then
    python3 bench/mutation/survivors.py merge "$earlier" "$report" > "$output/merged-report.json"
    report="$output/merged-report.json"
  fi
  python3 - "$report" "$results" "$key" <<'PY'
import json, sys
report, results, key = sys.argv[1], sys.argv[2], sys.argv[3]
counts = {"Killed": 0, "Survived": 0, "NoCoverage": 0, "Timeout": 0}
with open(report) as f:
    for file in json.load(f)["files"].values():
        for mutant in file["mutants"]:
            if mutant["status"] in counts:
                counts[mutant["status"]] += 1
detected = counts["Killed"] + counts["Timeout"]
valid = detected + counts["Survived"] + counts["NoCoverage"]
entry = {
    "score": round(100.0 * detected / valid, 1) if valid else None,
    "killed": counts["Killed"],
    "survived": counts["Survived"],
    "no_coverage": counts["NoCoverage"],
    "timeout": counts["Timeout"],
}
try:
    with open(results) as f:
        data = json.load(f)
except (FileNotFoundError, json.JSONDecodeError):
    data = {}
data[key] = entry
with open(results, "w") as f:
    json.dump(data, f, indent=2)
    f.write("\n")
print(f"{key}: {entry}")
PY
done
