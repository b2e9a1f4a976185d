namespace Agents.Evaluation;

internal static class ReferenceGuard
{
    public static void NotEmpty<T>(IReadOnlyList<T> references, string name = "references")
    {
        ArgumentNullException.ThrowIfNull(references, name);
        if (references.Count == 0)
        {
            throw new ArgumentException("At least one reference is needed.", name);
        }
    }
}
