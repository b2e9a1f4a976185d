"""Re-measuring only the mutants a previous Stryker run left alive.

  survivors.py spans <report.json>            prints one --mutate argument per surviving or uncovered mutant
                                              ("**/<file>{start..end}", a character span of the file)
  survivors.py merge <first.json> <rerun.json> writes <first.json>'s counts with each survivor replaced by its status
                                              in <rerun.json> (same file, same span, same mutator and replacement)

Valid only while the code under test is unchanged since the first run: new tests can only turn survivors into kills.
"""
import json
import sys

ALIVE = ("Survived", "NoCoverage")


def offsets(source):
    """Character offset of each line start (1-based lines), as Stryker's text spans count them."""
    starts = [0, 0]
    for i, c in enumerate(source):
        if c == "\n":
            starts.append(i + 1)
    return starts


def span(mutant, line_starts):
    loc = mutant["location"]
    start = line_starts[loc["start"]["line"]] + loc["start"]["column"] - 1
    end = line_starts[loc["end"]["line"]] + loc["end"]["column"] - 1
    return start, end


def key(path, mutant, line_starts):
    return (path.split("/src/")[-1], span(mutant, line_starts), mutant["mutatorName"], mutant.get("replacement"))


def main():
    command, first = sys.argv[1], json.load(open(sys.argv[2]))
    if command == "spans":
        for path, file in first["files"].items():
            starts = offsets(file["source"])
            for mutant in file["mutants"]:
                if mutant["status"] in ALIVE:
                    s, e = span(mutant, starts)
                    print(f"**/{path.split('/src/')[-1].split('/', 1)[-1]}{{{s}..{e}}}")
        return
    rerun = json.load(open(sys.argv[3]))
    statuses = {}
    for path, file in rerun["files"].items():
        starts = offsets(file["source"])
        for mutant in file["mutants"]:
            statuses[key(path, mutant, starts)] = mutant["status"]
    missing = 0
    for path, file in first["files"].items():
        starts = offsets(file["source"])
        for mutant in file["mutants"]:
            if mutant["status"] in ALIVE:
                status = statuses.get(key(path, mutant, starts))
                if status is None:
                    missing += 1
                else:
                    mutant["status"] = status
    if missing:
        print(f"warning: {missing} survivors were not in the re-run; their first status is kept", file=sys.stderr)
    json.dump(first, sys.stdout)


if __name__ == "__main__":
    main()
