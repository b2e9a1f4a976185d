using System.Text.Json;

namespace Agents.Evaluation;

/// <summary>One test case of a dataset.</summary>
/// <param name="Id">A unique id (the JSONL "id", else "line-N").</param>
/// <param name="Input">The user input sent to each generator.</param>
/// <param name="References">Acceptable reference answers (JSONL "reference": a string or an array of strings); may be empty.</param>
/// <param name="Labels">Any other labels (JSONL "labels" object), e.g. "relevant" ids for retrieval or human ratings.</param>
public sealed record EvalItem(string Id, string Input, IReadOnlyList<string> References, IReadOnlyDictionary<string, JsonElement> Labels)
{
    /// <summary>Gets the first reference, or <see langword="null"/>.</summary>
    public string? Reference => References.Count > 0 ? References[0] : null;
}
