using System.ComponentModel;
using System.Globalization;
using System.Text;
using Agents.Orchestration;
using Agents.Rag;

namespace Agents.Samples.Chatbot;

/// <summary>The tools <c>--tools</c> gives the chatbot: <c>calculator</c>, <c>current_time</c>, and <c>search_docs</c> when a RagQa store is given.</summary>
public static class DemoTools
{
    public const string SearchDocsName = "search_docs";

    public static async Task<IReadOnlyList<AgentTool>> CreateAsync(string? storePath, CancellationToken cancellationToken)
    {
        var tools = new List<AgentTool> { BuiltInTools.Calculator(), BuiltInTools.CurrentTime() };
        if (storePath is not null)
        {
            tools.Add(await CreateSearchDocsAsync(storePath, cancellationToken).ConfigureAwait(false));
        }

        return tools;
    }

    /// <summary>BM25 (and vector, when the store has embeddings and an embedder is configured) search over a RagQa store, loaded once into memory.</summary>
    public static async Task<AgentTool> CreateSearchDocsAsync(string storePath, CancellationToken cancellationToken)
    {
        RagIndex index;
        await using (var store = await SqliteRagStore.OpenAsync(storePath, cancellationToken).ConfigureAwait(false))
        {
            index = await RagIndex.LoadAsync(store, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var retriever = new LocalRetriever(index);
        return AgentTool.FromDelegate(
            async ([Description("What to look for, in a few keywords.")] string query,
                   [Description("How many passages to return (1-10).")] int topK = 4,
                   CancellationToken ct = default) =>
            {
                var passages = await retriever.RetrieveAsync(query, new RetrievalOptions { TopK = Math.Clamp(topK, 1, 10) }, ct).ConfigureAwait(false);
                if (passages.Count == 0)
                {
                    return "No passage matches.";
                }

                var text = new StringBuilder();
                for (var i = 0; i < passages.Count; i++)
                {
                    var p = passages[i];
                    text.Append(CultureInfo.InvariantCulture, $"[{i + 1}] {p.Source} (characters {p.Start}-{p.End})\n{p.Text.Trim()}\n\n");
                }

                return text.ToString().TrimEnd();
            },
            SearchDocsName,
            "Searches the user's documents and returns the best-matching passages with their source. Cite the sources you use.");
    }
}
