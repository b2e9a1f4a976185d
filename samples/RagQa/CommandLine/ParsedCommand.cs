namespace Agents.Samples.RagQa;

/// <summary>What one run of RagQa was asked to do, read from a parsed and validated command line.</summary>
/// <param name="Name">The command: <c>ingest</c>, <c>search</c> or <c>ask</c>.</param>
/// <param name="Argument">The command's one positional argument: a folder, a query or a question.</param>
/// <param name="StorePath">The full path of the store file.</param>
internal sealed record ParsedCommand(string Name, string Argument, string StorePath)
{
    /// <summary>Gets how many passages to retrieve.</summary>
    public int TopK { get; init; } = 5;

    /// <summary>Gets whether machine-readable JSON is printed instead of decorated text.</summary>
    public bool Json { get; init; }

    /// <summary>Gets the local GGUF model for <c>ask</c>.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the hosted backend for <c>ask</c>: <c>openai</c> or <c>anthropic</c>.</summary>
    public string? Backend { get; init; }

    /// <summary>Gets the search mode asked for; <see langword="null"/>: hybrid when the store has embeddings, else BM25.</summary>
    public SearchMode? Mode { get; init; }

    /// <summary>Gets whether <c>ingest</c> skips computing embeddings (keyword search only).</summary>
    public bool NoEmbeddings { get; init; }

    /// <summary>Gets whether decorations (progress, spinners, colours) may be drawn: not with <c>--json</c> or redirected output.</summary>
    public bool Decorated => !Json && !Console.IsOutputRedirected && Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive;
}
