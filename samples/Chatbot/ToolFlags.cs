namespace Agents.Samples.Chatbot;

/// <summary>Checks <c>--tools</c> and <c>--store</c> together.</summary>
public static class ToolFlags
{
    public static void Check(ChatbotOptions options)
    {
        if (options.Tools && options.BeamWidth is not null)
        {
            throw new UsageException("--beam cannot be combined with --tools.");
        }

        if (options.StorePath is not { } store)
        {
            return;
        }

        if (!options.Tools)
        {
            throw new UsageException("--store is only used with --tools (it feeds the search_docs tool).");
        }

        if (!File.Exists(store))
        {
            throw new UsageException($"--store: no RagQa store at '{store}' (create one with: RagQa ingest <folder> --store <file>).");
        }
    }
}
