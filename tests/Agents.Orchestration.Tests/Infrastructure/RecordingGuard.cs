namespace Agents.Orchestration.Tests;

/// <summary>
/// A small content guard for tests: flags text holding "ignore previous instructions" (case-insensitive); blocks it
/// or, with <see cref="Sanitize"/>, replaces the phrase. Records every inspection.
/// </summary>
internal sealed class RecordingGuard : IContentGuard
{
    public const string Injection = "ignore previous instructions";

    public bool Sanitize { get; init; }

    public List<(string Text, ContentSource Source)> Inspected { get; } = [];

    public ValueTask<ContentInspection> InspectAsync(string text, ContentSource source, CancellationToken cancellationToken = default)
    {
        lock (Inspected)
        {
            Inspected.Add((text, source));
        }

        if (!text.Contains(Injection, StringComparison.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult(ContentInspection.Clean(text));
        }

        return ValueTask.FromResult(Sanitize
            ? new ContentInspection(text.Replace(Injection, "[removed]", StringComparison.OrdinalIgnoreCase), 0.9, false, ["instruction-override"])
            : new ContentInspection(text, 0.9, true, ["instruction-override"]));
    }
}
