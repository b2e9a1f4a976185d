namespace Agents.Rag;

/// <summary>Restricts retrieval to chunks whose metadata matches; every condition set must hold.</summary>
public sealed class RetrievalFilter
{
    /// <summary>Gets globs over the source path (<c>docs/**/*.md</c>, <c>*.pdf</c>); a chunk must match one.</summary>
    /// <value>Empty by default: any source.</value>
    public IList<string> Sources { get; } = [];

    /// <summary>Gets or sets the first page allowed (inclusive); chunks without a page fail the test.</summary>
    public int? MinPage { get; set; }

    /// <summary>Gets or sets the last page allowed (inclusive); chunks without a page fail the test.</summary>
    public int? MaxPage { get; set; }

    /// <summary>Gets or sets text the chunk's heading path must contain (ordinal, ignoring case).</summary>
    public string? HeadingContains { get; set; }

    /// <summary>Gets or sets any further condition over the chunk.</summary>
    public Func<StoredChunk, bool>? Predicate { get; set; }

    /// <summary>Tests one chunk.</summary>
    /// <param name="chunk">The chunk.</param>
    /// <returns>Whether the chunk passes every condition.</returns>
    public bool Matches(StoredChunk chunk) => CreateMatcher()(chunk);

    internal Func<StoredChunk, bool> CreateMatcher()
    {
        var globs = Sources.Select(s => new GlobPattern(s)).ToList();
        var minPage = MinPage;
        var maxPage = MaxPage;
        var heading = HeadingContains;
        var predicate = Predicate;
        return chunk =>
        {
            ArgumentNullException.ThrowIfNull(chunk);
            return (globs.Count == 0 || globs.Exists(g => g.IsMatch(chunk.Source)))
                && (minPage is null || chunk.Page >= minPage)
                && (maxPage is null || chunk.Page <= maxPage)
                && (heading is null || (chunk.HeadingPath?.Contains(heading, StringComparison.OrdinalIgnoreCase) ?? false))
                && (predicate is null || predicate(chunk));
        };
    }
}
