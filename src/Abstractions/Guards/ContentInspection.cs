namespace Agents;

/// <summary>The verdict of an <see cref="IContentGuard"/> on one piece of untrusted text.</summary>
/// <param name="Text">The text to use in its place: the original, or a sanitised copy (control characters or
/// injection phrases stripped, depending on the guard's policy).</param>
/// <param name="Score">The prompt-injection score in [0, 1]; 0 when nothing suspicious was found.</param>
/// <param name="Blocked">Whether the guard's policy forbids the text from entering a prompt at all.</param>
/// <param name="Findings">Short, text-free descriptions of what was found (e.g. <c>instruction-override</c>).</param>
public sealed record ContentInspection(string Text, double Score, bool Blocked, IReadOnlyList<string> Findings)
{
    /// <summary>Creates a verdict that passes <paramref name="text"/> unchanged with nothing found.</summary>
    /// <param name="text">The inspected text.</param>
    /// <returns>A clean verdict.</returns>
    public static ContentInspection Clean(string text) => new(text, 0, false, []);
}
