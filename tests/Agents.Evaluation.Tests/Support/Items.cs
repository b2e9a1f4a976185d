using System.Text.Json;

namespace Agents.Evaluation.Tests;

internal static class Items
{
    public static EvalItem Of(string id, string input, params string[] references) => new(id, input, references, new Dictionary<string, JsonElement>());

    public static EvalItem WithLabels(string id, string input, string reference, string labelsJson)
    {
        using var document = JsonDocument.Parse(labelsJson);
        return new EvalItem(id, input, [reference], document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()));
    }

    public static IReadOnlyList<EvalItem> Capitals { get; } =
    [
        Of("fr", "What is the capital of France?", "Paris"),
        Of("de", "What is the capital of Germany?", "Berlin"),
        Of("it", "What is the capital of Italy?", "Rome"),
        Of("es", "What is the capital of Spain?", "Madrid"),
    ];

    /// <summary>A model that knows the capitals unless told to ignore its instructions.</summary>
    public static string Answer(string input) =>
        input.Contains("PWNED", StringComparison.Ordinal) ? "PWNED"
        : input.Contains("France", StringComparison.Ordinal) ? "Paris"
        : input.Contains("Germany", StringComparison.Ordinal) ? "Berlin"
        : input.Contains("Italy", StringComparison.Ordinal) ? "Rome is the capital"
        : input.Length == 0 ? string.Empty
        : "I do not know";
}
