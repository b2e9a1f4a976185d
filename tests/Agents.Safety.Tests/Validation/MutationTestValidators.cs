using Agents.Safety.Validation;

namespace Agents.Safety.Tests.Validation;

/// <summary>An incremental validator that flags every occurrence of one literal and counts its scans.</summary>
internal sealed class LiteralValidator(string name, string literal, string? replacement = null) : IIncrementalOutputValidator
{
    private int _scans;

    public string Name => name;

    public int MaxViolationLength => literal.Length;

    public int Scans => _scans;

    public IReadOnlyList<ValidationViolation> Scan(string text)
    {
        Interlocked.Increment(ref _scans);
        var found = new List<ValidationViolation>();
        for (var i = text.IndexOf(literal, StringComparison.Ordinal); i >= 0; i = text.IndexOf(literal, i + 1, StringComparison.Ordinal))
        {
            found.Add(new ValidationViolation(name, "literal", "found " + literal, i, literal.Length, replacement));
        }

        return found;
    }

    public ValueTask<IReadOnlyList<ValidationViolation>> ValidateAsync(ValidationContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Scan(context.Text));
}

/// <summary>A whole-answer (not incremental) validator that always reports one located violation.</summary>
internal sealed class FixedSpanValidator(string name, int start, int length) : IOutputValidator
{
    public string Name => name;

    public ValueTask<IReadOnlyList<ValidationViolation>> ValidateAsync(ValidationContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<ValidationViolation>>([new ValidationViolation(name, "span", "a located problem", start, length)]);
}

/// <summary>A tokenizer with one token per character, so counts are exact and distinguishable from the estimate.</summary>
internal sealed class CharTokenizer : ITokenizer
{
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) => [.. text.Select(c => (int)c)];

    public string Decode(IEnumerable<int> tokens) => new([.. tokens.Select(t => (char)t)]);

    public int CountTokens(string text) => text.Length;
}
