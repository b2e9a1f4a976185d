using System.Globalization;

namespace Agents.Evaluation;

/// <summary>
/// The human audit sheet, a CSV a spreadsheet opens: one row per sampled (item, candidate) with the input, reference,
/// output and the judge's score, and empty columns for the rater — <c>likert</c> (1–5) and, on pairwise rows, the
/// outputs of A and B with <c>preference</c> (A, B or tie). <see cref="ReadRatings"/> reads the filled sheet back.
/// </summary>
public static class AuditSheet
{
    /// <summary>The sheet's columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["item_id", "candidate", "input", "reference", "output", "judge_score", "likert", "candidate_b", "output_b", "judge_preference", "preference", "notes"];

    /// <summary>Writes the audit sheet for the sampled items.</summary>
    /// <param name="writer">Receives the CSV.</param>
    /// <param name="run">The run.</param>
    /// <param name="sampleItemIds">The items to audit (e.g. <see cref="EvalReport.AuditSample"/>).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static void Write(TextWriter writer, EvalRun run, IEnumerable<string> sampleItemIds)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(sampleItemIds);
        writer.Write(string.Join(',', Columns) + "\r\n");
        var items = run.Items.ToDictionary(i => i.Id, StringComparer.Ordinal);
        var results = run.Baseline.ToDictionary(r => (r.Candidate, r.ItemId));
        foreach (var id in sampleItemIds)
        {
            if (!items.TryGetValue(id, out var item))
            {
                continue;
            }

            foreach (var candidate in run.Candidates)
            {
                if (!results.TryGetValue((candidate, id), out var result))
                {
                    continue;
                }

                var judge = result.Scores.TryGetValue(EvalMetricNames.Judge, out var score) ? score.ToString("0.###", CultureInfo.InvariantCulture) : string.Empty;
                WriteRow(writer, [id, candidate, item.Input, item.Reference, result.Output ?? $"[error] {result.Error}", judge, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty]);
            }

            foreach (var pair in run.Pairwise.Where(p => p.ItemId == id))
            {
                results.TryGetValue((pair.CandidateA, id), out var a);
                results.TryGetValue((pair.CandidateB, id), out var b);
                WriteRow(writer, [id, pair.CandidateA, item.Input, item.Reference, a?.Output, string.Empty, string.Empty, pair.CandidateB, b?.Output, pair.Winner?.ToString() ?? string.Empty, string.Empty, string.Empty]);
            }
        }
    }

    /// <summary>Reads the ratings from a filled sheet; rows without a rating are skipped.</summary>
    /// <param name="reader">The CSV.</param>
    /// <returns>The ratings.</returns>
    /// <exception cref="InvalidDataException">The header lacks a needed column, or a rating is not 1–5 / A, B, tie.</exception>
    public static IReadOnlyList<HumanRating> ReadRatings(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        using var rows = Csv.Read(reader).GetEnumerator();
        if (!rows.MoveNext())
        {
            return [];
        }

        var header = rows.Current.Select((name, index) => (name: name.Trim(), index)).ToDictionary(p => p.name, p => p.index, StringComparer.OrdinalIgnoreCase);
        foreach (var needed in new[] { "item_id", "candidate", "likert" })
        {
            if (!header.ContainsKey(needed))
            {
                throw new InvalidDataException($"The audit sheet has no '{needed}' column.");
            }
        }

        string Cell(IReadOnlyList<string> row, string column) =>
            header.TryGetValue(column, out var index) && index < row.Count ? row[index].Trim() : string.Empty;

        var ratings = new List<HumanRating>();
        var line = 1;
        while (rows.MoveNext())
        {
            line++;
            var row = rows.Current;
            var likertText = Cell(row, "likert");
            var preferenceText = Cell(row, "preference");
            if (likertText.Length == 0 && preferenceText.Length == 0)
            {
                continue;
            }

            int? likert = null;
            if (likertText.Length > 0)
            {
                likert = int.TryParse(likertText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 5
                    ? value
                    : throw new InvalidDataException($"Row {line}: likert must be a whole number from 1 to 5; it is '{likertText}'.");
            }

            PairwiseWinner? preference = null;
            if (preferenceText.Length > 0)
            {
                preference = preferenceText.ToUpperInvariant() switch
                {
                    "A" => PairwiseWinner.A,
                    "B" => PairwiseWinner.B,
                    "TIE" => PairwiseWinner.Tie,
                    _ => throw new InvalidDataException($"Row {line}: preference must be A, B or tie; it is '{preferenceText}'."),
                };
            }

            var candidate = preference is null ? Cell(row, "candidate") : Cell(row, "candidate_b");
            ratings.Add(new HumanRating(Cell(row, "item_id"), candidate, likert, preference));
        }

        return ratings;
    }

    private static void WriteRow(TextWriter writer, string?[] cells) => writer.Write(string.Join(',', cells.Select(Csv.Field)) + "\r\n");
}
